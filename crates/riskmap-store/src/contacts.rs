//! Reads of table C (`school_contact`): the work contacts of a region's schools in effect on a
//! date, for the readers the server lets see them (crisis teams, the ministry).

use riskmap_model::{Kato, SchoolId};
use time::Date;

use crate::error::QueryContext;
use crate::ingest_batch::date_text;
use crate::ingest_items::SchoolContact;
use crate::store::with_pool;
use crate::{Error, Result, Store};

/// One stored contact row: school, role, name, phone, e-mail, FTE, valid from, valid to.
type ContactRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<f64>,
    String,
    Option<String>,
);

impl Store {
    /// The contacts of the schools of `region` in effect on `on` (valid from on or before it,
    /// valid to on or after it or open), ordered by school, role and name.
    pub async fn contacts_in_region(&self, region: Kato, on: Date) -> Result<Vec<SchoolContact>> {
        let on = date_text(on);
        let rows: Vec<ContactRow> = with_pool!(self, pool, DB => {
            sqlx::query_as(
                "select c.school_id, c.role, c.full_name, c.work_phone, c.work_email, c.fte, c.valid_from, c.valid_to \
                 from school_contact c join school s on s.school_id = c.school_id \
                 where s.region_kato = $1 and c.valid_from <= $2 and (c.valid_to is null or c.valid_to >= $2) \
                 order by c.school_id, c.role, c.full_name",
            )
            .bind(region.as_str().to_owned())
            .bind(on)
            .fetch_all(pool)
            .await
        })
        .context("read school contacts")?;
        rows.into_iter().map(contact_of).collect()
    }
}

fn contact_of(row: ContactRow) -> Result<SchoolContact> {
    let (school, role, full_name, work_phone, work_email, fte, valid_from, valid_to) = row;
    let corrupt = |message: String| Error::Corrupt { message };
    let date = |text: &str| {
        Date::parse(text, &time::format_description::well_known::Iso8601::DATE)
            .map_err(|e| corrupt(format!("contact date {text}: {e}")))
    };
    Ok(SchoolContact {
        school: SchoolId::parse(&school).map_err(|e| corrupt(e.to_string()))?,
        role,
        full_name,
        work_phone,
        work_email,
        fte,
        valid_from: date(&valid_from)?,
        valid_to: valid_to.as_deref().map(date).transpose()?,
    })
}
