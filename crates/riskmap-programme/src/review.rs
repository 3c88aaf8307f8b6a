//! The review of a problem: the indicator at the snapshot and now, beside the national and
//! regional values, and the plan's −5 %/year line drawn from the snapshot. Descriptive only:
//! it says where the indicator stands, never that an action caused it.

/// The plan's yearly reduction target: −5 % a year.
pub const PLAN_YEARLY_CHANGE: f64 = -0.05;

/// What the review is told about one indicator of one problem (already disclosed values for
/// the reader; `None` where nothing may be shown).
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewInput {
    /// Indicator code.
    pub code: String,
    /// The value at the snapshot.
    pub at_snapshot: Option<f64>,
    /// The value now.
    pub now: Option<f64>,
    /// Years from the snapshot's quarter to the current one (quarters / 4).
    pub years: f64,
    /// The national value now.
    pub national_now: Option<f64>,
    /// The region's value now.
    pub regional_now: Option<f64>,
}

/// One row of the review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRow {
    /// Indicator code.
    pub code: String,
    /// The value at the snapshot.
    pub at_snapshot: Option<f64>,
    /// The value now.
    pub now: Option<f64>,
    /// Change since the snapshot, in percent of the snapshot value.
    pub change_percent: Option<f64>,
    /// The plan's line now: the snapshot value reduced by 5 % a year.
    pub plan_line_now: Option<f64>,
    /// True when the value now is at or below the plan's line.
    pub at_or_below_plan_line: Option<bool>,
    /// The national value now.
    pub national_now: Option<f64>,
    /// The region's value now.
    pub regional_now: Option<f64>,
}

/// The caveat printed with every review.
pub const CAVEAT: &str = "Descriptive: the indicator before and after, beside the national and regional values \
and the plan's -5%/year line; not an estimate of the actions' effect.";

/// The plan's line after `years` from a starting value.
///
/// # Examples
/// ```
/// let line = riskmap_programme::review::plan_line(100.0, 2.0);
/// assert!((line - 90.25).abs() < 1e-9);
/// ```
pub fn plan_line(start: f64, years: f64) -> f64 {
    start * (1.0 + PLAN_YEARLY_CHANGE).powf(years.max(0.0))
}

/// Reviews one indicator of one problem.
pub fn review(input: &ReviewInput) -> ReviewRow {
    let line = input.at_snapshot.map(|s| plan_line(s, input.years));
    let change_percent = match (input.at_snapshot, input.now) {
        (Some(s), Some(n)) if s > 0.0 => Some((n - s) / s * 100.0),
        _ => None,
    };
    let at_or_below = match (input.now, line) {
        (Some(n), Some(l)) => Some(n <= l + 1e-12),
        _ => None,
    };
    ReviewRow {
        code: input.code.clone(),
        at_snapshot: input.at_snapshot,
        now: input.now,
        change_percent,
        plan_line_now: line,
        at_or_below_plan_line: at_or_below,
        national_now: input.national_now,
        regional_now: input.regional_now,
    }
}
