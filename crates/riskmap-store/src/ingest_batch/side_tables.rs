//! The side tables of a streamed batch: `school_contact` (upserted), `legal_stat` (one count
//! per row, upserted with the batch's source file name) and `quarantine` (refused rows).

use sqlx::QueryBuilder;

use super::{BatchWriter, MAX_PARAMETERS, date_text};
use crate::Result;
use crate::error::QueryContext;

impl BatchWriter {
    pub(super) async fn flush_contacts(&mut self) -> Result<()> {
        let contacts = std::mem::take(&mut self.contacts);
        let batch_id = self.batch_id;
        for chunk in contacts.chunks(MAX_PARAMETERS / 9) {
            with_tx!(&mut self.tx, conn, DB => {
                let mut query = QueryBuilder::<DB>::new(
                    "insert into school_contact (school_id, role, full_name, work_phone, work_email, fte, valid_from, valid_to, batch_id) ",
                );
                query.push_values(chunk, |mut row, c| {
                    row.push_bind(c.school.as_str().to_owned())
                        .push_bind(c.role.clone())
                        .push_bind(c.full_name.clone())
                        .push_bind(c.work_phone.clone())
                        .push_bind(c.work_email.clone())
                        .push_bind(c.fte)
                        .push_bind(date_text(c.valid_from))
                        .push_bind(c.valid_to.map(date_text))
                        .push_bind(batch_id);
                });
                query.push(
                    " on conflict (school_id, role, full_name, valid_from) do update set work_phone = excluded.work_phone, \
                     work_email = excluded.work_email, fte = excluded.fte, valid_to = excluded.valid_to, batch_id = excluded.batch_id",
                );
                query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
            })
            .context("upsert school contacts")?;
            self.written += chunk.len() as u64;
        }
        Ok(())
    }

    pub(super) async fn flush_legal(&mut self) -> Result<()> {
        let stats = std::mem::take(&mut self.legal);
        let (batch_id, source) = (self.batch_id, &self.source);
        for chunk in stats.chunks(MAX_PARAMETERS / 6) {
            with_tx!(&mut self.tx, conn, DB => {
                let mut query = QueryBuilder::<DB>::new("insert into legal_stat (unit_kato, period, measure, value, source, batch_id) ");
                query.push_values(chunk, |mut row, s| {
                    row.push_bind(s.unit.as_str().to_owned())
                        .push_bind(s.period.clone())
                        .push_bind(s.measure.clone())
                        .push_bind(s.value)
                        .push_bind(source.clone())
                        .push_bind(batch_id);
                });
                query.push(
                    " on conflict (unit_kato, period, measure) do update set value = excluded.value, source = excluded.source, \
                     batch_id = excluded.batch_id",
                );
                query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
            })
            .context("upsert legal statistics")?;
            self.written += chunk.len() as u64;
        }
        Ok(())
    }

    pub(super) async fn flush_quarantine(&mut self) -> Result<()> {
        let rows = std::mem::take(&mut self.quarantine);
        let batch_id = self.batch_id;
        for chunk in rows.chunks(MAX_PARAMETERS / 7) {
            with_tx!(&mut self.tx, conn, DB => {
                let mut query = QueryBuilder::<DB>::new(
                    "insert into quarantine (batch_id, table_name, sheet, row_number, row_json, findings_json) ",
                );
                query.push_values(chunk, |mut row, q| {
                    row.push_bind(batch_id)
                        .push_bind(q.table.clone())
                        .push_bind(q.sheet.clone())
                        .push_bind(i64::try_from(q.row).unwrap_or(i64::MAX))
                        .push_bind(q.row_json.clone())
                        .push_bind(q.findings_json.clone());
                });
                query.build().execute(&mut *conn).await.map(|done| done.rows_affected())
            })
            .context("insert quarantined rows")?;
            self.written += chunk.len() as u64;
        }
        Ok(())
    }
}
