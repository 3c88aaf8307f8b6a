//! Which stored record is current: a school's record of a quarter is current when no higher
//! revision of it is stored (corrections are new rows, so history is kept).

/// `and` clause keeping only current records of the `school_quarter` aliased `q`. It repeats
/// `newer.revision > 1` (implied, since revisions start at 1) so that the planner probes the
/// small partial index `school_quarter_revised` (schema v9) rather than the primary key.
pub(crate) const CURRENT_ONLY: &str = " and not exists (select 1 from school_quarter newer \
     where newer.school_id = q.school_id and newer.period = q.period \
     and newer.revision > q.revision and newer.revision > 1)";
