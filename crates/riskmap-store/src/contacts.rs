//! Reads of table C (`school_contact`): the work contacts of given schools (a priority list's)
//! in effect on a date, for the readers the server lets see them (crisis teams, the ministry).
//!
//! A list holds thousands of contacts and every priority list of the ministry reads them, so
//! the text columns travel packed into one JSON array built by the database (`json_array` on
//! SQLite, `json_build_array(…)::text` on PostgreSQL): the driver decodes three values a row
//! instead of eight. The FTE stays a column of its own (JSON would print a real rounded).

use riskmap_model::SchoolId;
use time::Date;

use crate::error::QueryContext;
use crate::ingest_batch::date_text;
use crate::ingest_items::SchoolContact;
use crate::store::with_pool;
use crate::{Backend, Error, Result, Store};

/// One contact row as read: school, FTE, and the packed text columns.
type ContactRow = (String, Option<f64>, String);

/// The packed text columns: role, name, phone, e-mail, valid from, valid to.
type PackedText = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The packed text columns, in [`PackedText`]'s order.
const PACKED_COLUMNS: &str =
    "c.role, c.full_name, c.work_phone, c.work_email, c.valid_from, c.valid_to";

impl Store {
    /// The contacts of the schools `schools` (ids) in effect on `on` (valid from on or before
    /// it, valid to on or after it or open), ordered by school, role, name and start (byte
    /// order). The ids travel as one JSON array and each school's contacts are found by the
    /// primary key, so a list reads the contacts of its own schools only, not its region's.
    pub async fn contacts_of_schools(
        &self,
        schools: &[&SchoolId],
        on: Date,
    ) -> Result<Vec<SchoolContact>> {
        if schools.is_empty() {
            return Ok(Vec::new());
        }
        let ids = serde_json::Value::from(schools.iter().map(|s| s.as_str()).collect::<Vec<_>>())
            .to_string();
        let on = date_text(on);
        let (packed, listed) = match self.backend() {
            Backend::Sqlite => (
                format!("json_array({PACKED_COLUMNS})"),
                "select value from json_each($1)",
            ),
            Backend::Postgres => (
                format!("json_build_array({PACKED_COLUMNS})::text"),
                "select json_array_elements_text($1::json)",
            ),
        };
        let sql = format!(
            "select c.school_id, c.fte, {packed} from school_contact c \
             where c.school_id in ({listed}) \
             and c.valid_from <= $2 and (c.valid_to is null or c.valid_to >= $2)"
        );
        let rows: Vec<ContactRow> = with_pool!(self, pool, DB => {
            // Audited: the text is built only from fixed fragments.
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(ids)
            .bind(on)
            .fetch_all(pool)
            .await
        })
        .context("read school contacts")?;
        let mut contacts = rows
            .into_iter()
            .map(contact_of)
            .collect::<Result<Vec<_>>>()?;
        // Sorted here rather than by the database: SQLite sorted a large region's contacts
        // through temporary files, and byte order is the same on both backends.
        contacts.sort_unstable_by(|a, b| order_key(a).cmp(&order_key(b)));
        Ok(contacts)
    }
}

/// A contact's place in the list read: school, role, name, start.
fn order_key(contact: &SchoolContact) -> (&str, &str, &str, Date) {
    (
        contact.school.as_str(),
        &contact.role,
        &contact.full_name,
        contact.valid_from,
    )
}

fn contact_of(row: ContactRow) -> Result<SchoolContact> {
    let (school, fte, packed) = row;
    let corrupt = |message: String| Error::Corrupt { message };
    let (role, full_name, work_phone, work_email, valid_from, valid_to): PackedText =
        serde_json::from_str(&packed).map_err(|e| corrupt(format!("contact of {school}: {e}")))?;
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
