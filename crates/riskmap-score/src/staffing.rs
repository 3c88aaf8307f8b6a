//! Staffing gaps of psychologists and social pedagogues against the staffing norm (plan measure
//! 14; contract columns `psych_fte_norm`, `psych_fte_filled`, `psych_vacancy_quarters`,
//! `socped_fte_norm`, `socped_fte_filled`, `class_sets`; domain §6.6).
//!
//! For one post type at one school, with norm N and filled F (FTE):
//!
//! ```text
//! gap      = max(N − F, 0)                         FTE still to fill
//! coverage = min(F / N, 1)                         "psychologist coverage", capped at 1
//! ```
//!
//! (coverage is undefined when N = 0). For a district or region the gaps are **summed over
//! schools** and coverage is Σ min(F, N) / Σ N, so a surplus at one school never hides a gap at
//! another. The plan requires a psychologist from 40 class sets on
//! (`triggers.psych_required_class_sets`); where the reported norm is then below one post, one
//! post is assumed.

use riskmap_model::{Measure, MeasureValues};

/// The staffing columns of one school × quarter (`None` = not reported).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaffingInput {
    /// Class sets.
    pub class_sets: Option<f64>,
    /// Psychologist posts required by the norm.
    pub psych_norm: Option<f64>,
    /// Psychologist FTE filled.
    pub psych_filled: Option<f64>,
    /// Consecutive quarters with an unfilled required psychologist post.
    pub psych_vacancy_quarters: Option<f64>,
    /// Social-pedagogue posts required.
    pub socped_norm: Option<f64>,
    /// Social-pedagogue FTE filled.
    pub socped_filled: Option<f64>,
}

impl StaffingInput {
    /// The staffing columns of a record.
    pub fn from_measures(values: &MeasureValues) -> Self {
        Self {
            class_sets: values.get(Measure::ClassSets),
            psych_norm: values.get(Measure::PsychFteNorm),
            psych_filled: values.get(Measure::PsychFteFilled),
            psych_vacancy_quarters: values.get(Measure::PsychVacancyQuarters),
            socped_norm: values.get(Measure::SocpedFteNorm),
            socped_filled: values.get(Measure::SocpedFteFilled),
        }
    }
}

/// The gap of one post type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PostGap {
    /// Posts required (after the 40-class-set rule for psychologists).
    pub norm_fte: f64,
    /// FTE filled.
    pub filled_fte: f64,
    /// max(norm − filled, 0).
    pub gap_fte: f64,
    /// min(filled / norm, 1); `None` when the norm is 0.
    pub coverage: Option<f64>,
}

impl PostGap {
    /// The gap of `filled` against `norm`.
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::staffing::PostGap;
    ///
    /// let g = PostGap::new(2.0, 1.25);
    /// assert_eq!((g.gap_fte, g.coverage), (0.75, Some(0.625)));
    /// let surplus = PostGap::new(1.0, 1.5);
    /// assert_eq!((surplus.gap_fte, surplus.coverage), (0.0, Some(1.0)));
    /// assert_eq!(PostGap::new(0.0, 0.5).coverage, None);
    /// ```
    pub fn new(norm: f64, filled: f64) -> Self {
        Self {
            norm_fte: norm,
            filled_fte: filled,
            gap_fte: (norm - filled).max(0.0),
            coverage: (norm > 0.0).then(|| (filled / norm).min(1.0)),
        }
    }
}

/// One school's staffing position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaffingGap {
    /// Psychologists; `None` when norm or filled is not reported.
    pub psych: Option<PostGap>,
    /// Social pedagogues; `None` when norm or filled is not reported.
    pub socped: Option<PostGap>,
    /// The plan requires a psychologist (class sets ≥ the threshold).
    pub psych_required: bool,
    /// Psychologist FTE below the norm where one is required.
    pub psych_below_norm: bool,
    /// Quarters the required psychologist post has been vacant.
    pub psych_vacancy_quarters: Option<f64>,
}

/// The staffing gap of one school; `required_class_sets` is the plan's threshold (40).
///
/// # Examples
///
/// ```
/// use riskmap_score::staffing::{StaffingInput, staffing_gap};
///
/// let school = StaffingInput {
///     class_sets: Some(45.0),
///     psych_norm: Some(0.0), // misreported: the plan requires one post from 40 class sets
///     psych_filled: Some(0.5),
///     ..StaffingInput::default()
/// };
/// let gap = staffing_gap(&school, 40.0);
/// assert!(gap.psych_required && gap.psych_below_norm);
/// assert_eq!(gap.psych.expect("reported").gap_fte, 0.5);
/// ```
pub fn staffing_gap(input: &StaffingInput, required_class_sets: f64) -> StaffingGap {
    let psych_required = input.class_sets.is_some_and(|c| c >= required_class_sets);
    let psych = match (input.psych_norm, input.psych_filled) {
        (Some(norm), Some(filled)) => {
            let norm = if psych_required { norm.max(1.0) } else { norm };
            Some(PostGap::new(norm, filled))
        }
        (None, Some(filled)) if psych_required => Some(PostGap::new(1.0, filled)),
        _ => None,
    };
    let socped = match (input.socped_norm, input.socped_filled) {
        (Some(norm), Some(filled)) => Some(PostGap::new(norm, filled)),
        _ => None,
    };
    StaffingGap {
        psych,
        socped,
        psych_required,
        psych_below_norm: psych_required && psych.is_some_and(|p| p.gap_fte > 0.0),
        psych_vacancy_quarters: input.psych_vacancy_quarters,
    }
}

/// Staffing of a district, region or the country: sums over schools.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StaffingSummary {
    /// Schools with a reported psychologist position.
    pub schools_reported: usize,
    /// Σ psychologist norm.
    pub psych_norm_fte: f64,
    /// Σ psychologist FTE filled (uncapped).
    pub psych_filled_fte: f64,
    /// Σ psychologist gaps.
    pub psych_gap_fte: f64,
    /// Σ min(filled, norm) / Σ norm.
    pub psych_coverage: Option<f64>,
    /// Schools that require a psychologist and are below the norm.
    pub psych_schools_below_norm: usize,
    /// Σ social-pedagogue norm.
    pub socped_norm_fte: f64,
    /// Σ social-pedagogue FTE filled.
    pub socped_filled_fte: f64,
    /// Σ social-pedagogue gaps.
    pub socped_gap_fte: f64,
    /// Σ min(filled, norm) / Σ norm.
    pub socped_coverage: Option<f64>,
    /// Schools with no social pedagogue at all (mandatory in every school, plan measure 14).
    pub socped_schools_without: usize,
}

/// Sums school gaps into a summary.
///
/// # Examples
///
/// ```
/// use riskmap_score::staffing::{PostGap, StaffingGap, summarise};
///
/// let school = |norm, filled| StaffingGap {
///     psych: Some(PostGap::new(norm, filled)),
///     socped: None,
///     psych_required: true,
///     psych_below_norm: filled < norm,
///     psych_vacancy_quarters: None,
/// };
/// // A surplus of 1 at the first school does not cover the gap of 1 at the second.
/// let s = summarise(&[school(1.0, 2.0), school(2.0, 1.0)]);
/// assert_eq!((s.psych_gap_fte, s.psych_coverage), (1.0, Some(2.0 / 3.0)));
/// ```
pub fn summarise(gaps: &[StaffingGap]) -> StaffingSummary {
    let mut s = StaffingSummary::default();
    let (mut psych_capped, mut socped_capped) = (0.0, 0.0);
    for g in gaps {
        if let Some(p) = g.psych {
            s.schools_reported += 1;
            s.psych_norm_fte += p.norm_fte;
            s.psych_filled_fte += p.filled_fte;
            s.psych_gap_fte += p.gap_fte;
            psych_capped += p.filled_fte.min(p.norm_fte);
        }
        s.psych_schools_below_norm += usize::from(g.psych_below_norm);
        if let Some(p) = g.socped {
            s.socped_norm_fte += p.norm_fte;
            s.socped_filled_fte += p.filled_fte;
            s.socped_gap_fte += p.gap_fte;
            socped_capped += p.filled_fte.min(p.norm_fte);
            s.socped_schools_without += usize::from(p.filled_fte <= 0.0);
        }
    }
    s.psych_coverage = (s.psych_norm_fte > 0.0).then(|| psych_capped / s.psych_norm_fte);
    s.socped_coverage = (s.socped_norm_fte > 0.0).then(|| socped_capped / s.socped_norm_fte);
    s
}
