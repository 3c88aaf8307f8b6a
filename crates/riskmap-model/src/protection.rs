//! Joint protection of one additive margin of the published release (`docs/disclosure.md`
//! §3): the true counts of a complete partition (the 20 regions) and of its total (the
//! country), after primary disclosure control, get secondary suppression until no reader —
//! not even an insider who knows one of the cells exactly, such as the akimat of a region —
//! can pin down a suppressed count or a rounded count by subtraction.
//!
//! The check simulates the attacker. From the published form each cell is known to lie in an
//! interval: a plain count exactly; a count rounded to a multiple of `step` within ± step/2 (and
//! at least `min_count`, since smaller ones are suppressed); a suppressed count between 1 (a
//! true zero is published as 0) and the larger of `min_count − 1` and the largest value the
//! smallest published non-zero cell can have (secondary suppression takes the smallest cells
//! first, so an attacker who knows the algorithm knows that bound too). One equation ties the
//! cells to the total. For a single linear equation over boxes the feasible range of each
//! cell is exactly `[max(lo_j, T_lo − Σ_{i≠j} hi_i), min(hi_j, T_hi − Σ_{i≠j} lo_i)]`, so
//! the check is exact, not a heuristic. A margin is safe when, for the outside reader and for
//! an insider of every cell, no suppressed or rounded non-zero cell has a one-value range.
//! While it is not, the smallest published non-zero cell is suppressed too, and when none is
//! left, the total.

use crate::suppression::{Disclosed, Shown};

/// What is known about one true count from its published form: `lo ..= hi` (`None`: no
/// upper bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    lo: u64,
    hi: Option<u64>,
}

/// The rules the release was published with, as far as an attacker can use them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    /// Counts below this (other than zero) are suppressed.
    pub min_count: u64,
    /// Published counts are multiples of this (1: exact).
    pub step: u64,
}

impl crate::SuppressionPolicy {
    /// The rules a margin of `sensitivity` counts is published with for the public: counts
    /// below `min_count` suppressed, S2 counts rounded to `s2_rounding` (others exact).
    pub fn margin_rounding(&self, sensitivity: crate::Sensitivity) -> Rounding {
        Rounding {
            min_count: self.min_count,
            step: if sensitivity == crate::Sensitivity::S2 {
                self.s2_rounding.max(1)
            } else {
                1
            },
        }
    }
}

/// One margin: the cells of a complete partition and their total.
#[derive(Debug)]
pub struct Margin<'a> {
    /// The published cells (after primary control), changed in place.
    pub cells: &'a mut [Disclosed<u64>],
    /// Their true counts.
    pub raw: &'a [u64],
    /// The published total, changed in place.
    pub total: &'a mut Disclosed<u64>,
}

/// What secondary suppression did to a margin.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protection {
    /// Cells suppressed here, in order.
    pub cells: Vec<usize>,
    /// Whether the total had to be suppressed as well.
    pub total: bool,
}

/// Adds secondary suppression to `margin` until it is safe against every insider (see the
/// module documentation).
///
/// # Examples
/// ```
/// use riskmap_model::{AdminLevel, Audience, Kato, Sensitivity, SuppressionPolicy};
/// use riskmap_model::protection::{Margin, Rounding, protect_margin};
/// use riskmap_model::suppression::Cell;
/// let policy = SuppressionPolicy::recommended();
/// let unit = Kato::parse("750000000").unwrap();
/// let cell = Cell { sensitivity: Sensitivity::S1, level: AdminLevel::Region, unit: &unit, audience: &Audience::Public };
/// // Published: 4 → c, the others plain; the total 64 would reveal the 4.
/// let raw = [4, 30, 12, 18, 0];
/// let mut cells: Vec<_> = raw.iter().map(|&n| policy.count(n, &cell)).collect();
/// let mut total = policy.count(64, &cell);
/// let rules = Rounding { min_count: 10, step: 1 };
/// let done = protect_margin(Margin { cells: &mut cells, raw: &raw, total: &mut total }, rules);
/// // An insider of the 12 could still subtract, so two more cells go.
/// assert_eq!(done.cells, vec![2, 3]);
/// ```
pub fn protect_margin(margin: Margin<'_>, rules: Rounding) -> Protection {
    let Margin { cells, raw, total } = margin;
    let mut done = Protection::default();
    loop {
        if is_hidden(total.shown()) || margin_is_safe(cells, raw, *total, rules) {
            return done;
        }
        let smallest = cells
            .iter()
            .zip(raw)
            .enumerate()
            .filter(|(_, (cell, n))| **n > 0 && cell.value().is_some())
            .min_by_key(|(idx, (_, n))| (**n, *idx))
            .map(|(idx, _)| idx);
        match smallest {
            Some(idx) => {
                cells[idx] = Disclosed::suppressed();
                done.cells.push(idx);
            }
            None => {
                *total = Disclosed::suppressed();
                done.total = true;
            }
        }
    }
}

/// True when neither an outside reader nor an insider of any one cell can pin down a
/// suppressed or rounded non-zero cell of the margin from the published cells and total.
pub fn margin_is_safe(
    cells: &[Disclosed<u64>],
    raw: &[u64],
    total: Disclosed<u64>,
    rules: Rounding,
) -> bool {
    if is_hidden(total.shown()) {
        return true;
    }
    let cap = suppressed_cap(cells, rules);
    let known: Vec<Range> = cells.iter().map(|c| range(c.shown(), rules, cap)).collect();
    let total_range = range(total.shown(), rules, None);
    let insiders = std::iter::once(None).chain((0..cells.len()).map(Some));
    for insider in insiders {
        let mut view = known.clone();
        if let Some(i) = insider {
            view[i] = Range {
                lo: raw[i],
                hi: Some(raw[i]),
            };
        }
        let pinned = (0..cells.len()).any(|j| {
            Some(j) != insider
                && is_protected(cells[j].shown(), rules)
                && raw[j] > 0
                && pins(&view, total_range, j)
        });
        if pinned {
            return false;
        }
    }
    true
}

/// True when the feasible range of cell `j` is a single value.
fn pins(view: &[Range], total: Range, j: usize) -> bool {
    let others_lo: u64 = view
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != j)
        .map(|(_, r)| r.lo)
        .sum();
    let others_hi: Option<u64> = view
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != j)
        .try_fold(0u64, |acc, (_, r)| r.hi.map(|h| acc + h));
    let lo = match others_hi {
        Some(h) => view[j].lo.max(total.lo.saturating_sub(h)),
        None => view[j].lo,
    };
    let from_total = total.hi.map(|t| t.saturating_sub(others_lo));
    let hi = match (view[j].hi, from_total) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    hi == Some(lo)
}

/// The largest value a suppressed cell can have, for an attacker who knows the algorithm:
/// primary cells are below `min_count`, secondary ones are at most the smallest published
/// non-zero cell.
fn suppressed_cap(cells: &[Disclosed<u64>], rules: Rounding) -> Option<u64> {
    let smallest_published = cells
        .iter()
        .filter_map(|c| c.value())
        .filter(|v| *v > 0)
        .min()?;
    let upper = if rules.step > 1 {
        smallest_published + rules.step / 2
    } else {
        smallest_published
    };
    Some(upper.max(rules.min_count.saturating_sub(1)))
}

fn range(shown: Shown<u64>, rules: Rounding, cap: Option<u64>) -> Range {
    match shown {
        Shown::Value(0) | Shown::Unstable(0) => Range { lo: 0, hi: Some(0) },
        Shown::Value(v) | Shown::Unstable(v) if rules.step > 1 => {
            let half = rules.step / 2;
            Range {
                lo: v.saturating_sub(half).max(rules.min_count),
                hi: Some(v + half),
            }
        }
        Shown::Value(v) | Shown::Unstable(v) => Range { lo: v, hi: Some(v) },
        Shown::Band(_) | Shown::Suppressed => Range { lo: 1, hi: cap },
        Shown::NotAvailable | Shown::NotApplicable => Range { lo: 0, hi: None },
    }
}

fn is_hidden(shown: Shown<u64>) -> bool {
    matches!(
        shown,
        Shown::Suppressed | Shown::Band(_) | Shown::NotAvailable | Shown::NotApplicable
    )
}

/// Cells whose true value the release withholds: suppressed, or rounded.
fn is_protected(shown: Shown<u64>, rules: Rounding) -> bool {
    match shown {
        Shown::Suppressed | Shown::Band(_) => true,
        Shown::Value(_) | Shown::Unstable(_) => rules.step > 1,
        Shown::NotAvailable | Shown::NotApplicable => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXACT: Rounding = Rounding {
        min_count: 10,
        step: 1,
    };
    const BY_FIVE: Rounding = Rounding {
        min_count: 10,
        step: 5,
    };

    #[test]
    fn a_margin_is_protected_with_the_rules_its_cells_were_published_with() {
        let policy = crate::SuppressionPolicy::recommended();
        assert_eq!(policy.margin_rounding(crate::Sensitivity::S2), BY_FIVE);
        assert_eq!(policy.margin_rounding(crate::Sensitivity::S1), EXACT);
        let unrounded = crate::SuppressionPolicy {
            s2_rounding: 0,
            ..crate::SuppressionPolicy::recommended()
        };
        assert_eq!(unrounded.margin_rounding(crate::Sensitivity::S2), EXACT);
    }

    fn publish(raw: &[u64], rules: Rounding) -> Vec<Disclosed<u64>> {
        raw.iter().map(|&n| primary(n, rules)).collect()
    }

    fn primary(n: u64, rules: Rounding) -> Disclosed<u64> {
        if n > 0 && n < rules.min_count {
            return Disclosed::suppressed();
        }
        let step = rules.step;
        Disclosed::from_shown_for_tests(Shown::Value((n + step / 2) / step * step))
    }

    fn protect(raw: &[u64], rules: Rounding) -> (Vec<Disclosed<u64>>, Disclosed<u64>) {
        let mut cells = publish(raw, rules);
        let raw_total: u64 = raw.iter().sum();
        let mut total = primary(raw_total, rules);
        protect_margin(
            Margin {
                cells: &mut cells,
                raw,
                total: &mut total,
            },
            rules,
        );
        (cells, total)
    }

    #[test]
    fn nothing_hidden_nothing_added() {
        let (cells, total) = protect(&[12, 30, 0, 45], EXACT);
        assert!(cells.iter().all(|c| c.value().is_some()));
        assert_eq!(total.value(), Some(87));
    }

    #[test]
    fn a_lone_suppressed_cell_gets_partners_against_insiders() {
        let (cells, _) = protect(&[4, 30, 12, 18, 0, 50], EXACT);
        let hidden: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].value().is_none())
            .collect();
        assert_eq!(hidden, vec![0, 2, 3], "the 4 and the two smallest others");
    }

    #[test]
    fn all_ones_are_protected() {
        // Three suppressed ones sum to 3: each is pinned at 1 unless more are hidden.
        let (cells, total) = protect(&[1, 1, 1, 40, 50], EXACT);
        let hidden = cells.iter().filter(|c| c.value().is_none()).count();
        assert!(hidden >= 4 || total.value().is_none());
    }

    #[test]
    fn two_cells_only_hide_the_total() {
        let (cells, total) = protect(&[3, 25], EXACT);
        assert!(cells.iter().all(|c| c.value().is_none()));
        assert_eq!(total.value(), None, "one region's insider would subtract");
    }

    #[test]
    fn an_insider_cannot_unround_the_only_other_region() {
        // own 14 (→15), other 13 (→15), total 27 (→25): an insider who knows 14 learns the
        // other is in [9, 13] from the total and [13, 17] from its rounding: exactly 13.
        let raw = [14, 13, 0, 0];
        let cells = publish(&raw, BY_FIVE);
        assert!(!margin_is_safe(&cells, &raw, primary(27, BY_FIVE), BY_FIVE));
        let (cells, total) = protect(&raw, BY_FIVE);
        assert!(margin_is_safe(&cells, &raw, total, BY_FIVE));
    }

    #[test]
    fn protected_margins_are_safe_for_many_random_margins() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..3_000 {
            let len = 2 + (next() % 20) as usize;
            let raw: Vec<u64> = (0..len)
                .map(|_| match next() % 4 {
                    0 => 0,
                    1 => 1 + next() % 9,
                    2 => 10 + next() % 15,
                    _ => next() % 200,
                })
                .collect();
            let rules = if round % 2 == 0 { EXACT } else { BY_FIVE };
            let (cells, total) = protect(&raw, rules);
            assert!(margin_is_safe(&cells, &raw, total, rules), "{raw:?}");
        }
    }
}
