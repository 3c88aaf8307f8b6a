//! The demo's synthetic work contacts as store contacts, valid from the demo's first quarter:
//! written as `school_contacts` by `riskmap demo generate` and stored by `serve --demo`.

use riskmap_model::SchoolId;
use riskmap_store::SchoolContact;
use time::Date;

/// The contacts of `schools` (by id; drawn from `seed`, one at a time), valid from
/// `valid_from` with no end.
pub(crate) fn demo_contacts(
    schools: impl IntoIterator<Item = SchoolId>,
    seed: u64,
    valid_from: Date,
) -> impl Iterator<Item = SchoolContact> {
    riskmap_demo::demo_contacts(schools, seed).map(move |c| SchoolContact {
        school: c.school,
        role: c.role.to_owned(),
        full_name: c.full_name,
        work_phone: Some(c.work_phone),
        work_email: Some(c.work_email),
        fte: c.fte,
        valid_from,
        valid_to: None,
    })
}
