//! Tightened or loosened: whether a change makes a breach more or less
//! likely.
//!
//! A bound is read as the set of values that breach it. The checker has
//! already made every bound agree with its metric's good direction (E0604:
//! a good-high metric is bounded from below), so a bound whose breaching
//! set grows moves towards the good values and is **tightened**; one whose
//! set shrinks moves towards the bad values and is **loosened** (`< 95%` to
//! `< 90%` on a good-high metric). Needing more consecutive windows, a
//! larger relative drop, a higher min_sample or a larger baseline sample
//! loosens; a removed bound loosens, an added one tightens. Two bounds that
//! cannot be ordered (an absolute bound reworked into a relative one, a
//! two-sided bound widened on one side and narrowed on the other) are
//! **changed**.

use super::Effect;
use crate::syntax::ast::{Bound, CmpOp, Direction, QuantityUnit, Threshold};

/// The effect of replacing one optional bound with another; `None` when
/// both breach on exactly the same values.
pub fn threshold(old: Option<&Threshold>, new: Option<&Threshold>) -> Option<Effect> {
    match (old, new) {
        (None, None) => None,
        (Some(_), None) => Some(Effect::Loosened),
        (None, Some(_)) => Some(Effect::Tightened),
        (Some(o), Some(n)) => {
            let bound = bound(&o.bound, &n.bound);
            let windows = count(
                o.windows.as_ref().map_or(1, |w| u64::from(w.node)),
                n.windows.as_ref().map_or(1, |w| u64::from(w.node)),
            );
            combine(bound, windows)
        }
    }
}

/// The effect of a min_sample change: a higher one judges fewer buckets.
pub fn min_sample(old: u64, new: u64) -> Option<Effect> {
    count(old, new)
}

/// A count where more means a breach needs more evidence: higher loosens.
fn count(old: u64, new: u64) -> Option<Effect> {
    match new.cmp(&old) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(Effect::Loosened),
        std::cmp::Ordering::Less => Some(Effect::Tightened),
    }
}

/// Two effects of one change together: the same way, or changed.
pub fn combine(a: Option<Effect>, b: Option<Effect>) -> Option<Effect> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) if x == y => Some(x),
        _ => Some(Effect::Changed),
    }
}

/// One edge of a breaching set: values below (or above) `value` breach.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Edge {
    value: f64,
    inclusive: bool,
}

/// The values that breach an absolute or two-sided bound.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Region {
    below: Option<Edge>,
    above: Option<Edge>,
}

fn region(b: &Bound) -> Option<Region> {
    match b {
        Bound::Absolute { op, value } => {
            let edge = |inclusive| Edge {
                value: value.value(),
                inclusive,
            };
            Some(match op {
                CmpOp::Lt => Region {
                    below: Some(edge(false)),
                    above: None,
                },
                CmpOp::Le => Region {
                    below: Some(edge(true)),
                    above: None,
                },
                CmpOp::Gt => Region {
                    below: None,
                    above: Some(edge(false)),
                },
                CmpOp::Ge => Region {
                    below: None,
                    above: Some(edge(true)),
                },
            })
        }
        Bound::Outside {
            low,
            high,
            low_inclusive,
            high_inclusive,
        } => Some(Region {
            below: Some(Edge {
                value: low.value(),
                inclusive: *low_inclusive,
            }),
            above: Some(Edge {
                value: high.value(),
                inclusive: *high_inclusive,
            }),
        }),
        Bound::Relative { .. } => None,
    }
}

/// Whether every value breaching `a` also breaches `b`.
fn within(a: Region, b: Region) -> bool {
    let below = match (a.below, b.below) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => {
            x.value < y.value || (x.value == y.value && (!x.inclusive || y.inclusive))
        }
    };
    let above = match (a.above, b.above) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => {
            x.value > y.value || (x.value == y.value && (!x.inclusive || y.inclusive))
        }
    };
    below && above
}

fn bound(old: &Bound, new: &Bound) -> Option<Effect> {
    if let (Some(o), Some(n)) = (region(old), region(new)) {
        return match (within(o, n), within(n, o)) {
            (true, true) => None,
            (true, false) => Some(Effect::Tightened),
            (false, true) => Some(Effect::Loosened),
            (false, false) => Some(Effect::Changed),
        };
    }
    match (relative(old), relative(new)) {
        // Relative amounts compare only in the same terms: `%` of the
        // baseline, or percentage points.
        (Some(o), Some(n)) if o.direction == n.direction && o.unit == n.unit => {
            let amount = match n.amount.total_cmp(&o.amount) {
                std::cmp::Ordering::Equal => None,
                // A larger change is needed before it breaches.
                std::cmp::Ordering::Greater => Some(Effect::Loosened),
                std::cmp::Ordering::Less => Some(Effect::Tightened),
            };
            // Another baseline window is neither tighter nor looser.
            let window = (o.baseline != n.baseline).then_some(Effect::Changed);
            let sample = count(o.baseline_min_sample, n.baseline_min_sample);
            combine(combine(amount, sample), window)
        }
        _ => Some(Effect::Changed),
    }
}

/// The parts of a relative bound (`drops 20% vs 28d`).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Relative {
    direction: Direction,
    unit: QuantityUnit,
    amount: f64,
    baseline: u64,
    baseline_min_sample: u64,
}

fn relative(b: &Bound) -> Option<Relative> {
    match b {
        Bound::Relative {
            direction,
            amount,
            baseline,
            baseline_min_sample,
        } => Some(Relative {
            direction: *direction,
            unit: amount.unit,
            amount: amount.value(),
            baseline: baseline.node.seconds,
            baseline_min_sample: baseline_min_sample.as_ref().map_or(0, |m| m.node),
        }),
        _ => None,
    }
}

/// Whether two bounds differ only in the baseline window they compare with.
pub fn only_baseline(old: &Threshold, new: &Threshold) -> bool {
    let windows = |t: &Threshold| t.windows.as_ref().map(|w| w.node);
    match (relative(&old.bound), relative(&new.bound)) {
        (Some(o), Some(n)) => {
            o.baseline != n.baseline
                && Relative {
                    baseline: n.baseline,
                    ..o
                } == n
                && windows(old) == windows(new)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::expr::{self, Origin};

    fn t(text: &str) -> Threshold {
        expr::parse_threshold(text, &Origin::direct(FileId(0), 0, text.len()))
            .expect("threshold parses")
    }

    fn effect(old: &str, new: &str) -> Option<Effect> {
        threshold(Some(&t(old)), Some(&t(new)))
    }

    #[test]
    fn absolute_bounds() {
        assert_eq!(effect("< 95%", "< 90%"), Some(Effect::Loosened));
        assert_eq!(effect("< 90%", "< 95%"), Some(Effect::Tightened));
        assert_eq!(effect("> 2%", "> 5%"), Some(Effect::Loosened));
        assert_eq!(effect("> 2%", "> 0.02"), None);
        assert_eq!(effect("> 2%", ">= 2%"), Some(Effect::Tightened));
        assert_eq!(effect("> 30m", "> 1h"), Some(Effect::Loosened));
    }

    #[test]
    fn two_sided_and_sustained_bounds() {
        assert_eq!(effect("> 2%", "< 0.05% or > 2%"), Some(Effect::Tightened));
        assert_eq!(effect("< 0.05% or > 2%", "> 2%"), Some(Effect::Loosened));
        assert_eq!(
            effect("< 1% or > 2%", "< 0.5% or > 1.5%"),
            Some(Effect::Changed)
        );
        assert_eq!(effect("> 5%", "> 5% for 2 windows"), Some(Effect::Loosened));
        assert_eq!(
            effect("> 5% for 3 windows", "> 5% for 2 windows"),
            Some(Effect::Tightened)
        );
        assert_eq!(
            effect("> 4% for 3 windows", "> 5% for 2 windows"),
            Some(Effect::Changed)
        );
    }

    #[test]
    fn relative_bounds() {
        assert_eq!(
            effect("drops 20% vs 28d", "drops 30% vs 28d"),
            Some(Effect::Loosened)
        );
        assert_eq!(
            effect("drops 20% vs 28d", "drops 10% vs 28d"),
            Some(Effect::Tightened)
        );
        assert_eq!(
            effect("drops 20% vs 28d", "drops 20% vs 14d"),
            Some(Effect::Changed)
        );
        assert_eq!(
            effect("drops 20% vs 28d", "drops 2pp vs 28d"),
            Some(Effect::Changed)
        );
        assert_eq!(effect("drops 20% vs 28d", "< 90%"), Some(Effect::Changed));
        assert_eq!(
            effect(
                "drops 20% vs 28d",
                "drops 20% vs 28d baseline_min_sample 500"
            ),
            Some(Effect::Loosened)
        );
    }

    #[test]
    fn a_baseline_change_alone() {
        assert!(only_baseline(
            &t("drops 20% vs 28d"),
            &t("drops 20% vs 14d")
        ));
        assert!(!only_baseline(
            &t("drops 20% vs 28d"),
            &t("drops 30% vs 14d")
        ));
        assert!(!only_baseline(
            &t("drops 20% vs 28d"),
            &t("drops 20% vs 28d")
        ));
        assert!(!only_baseline(
            &t("drops 20% vs 28d"),
            &t("drops 20% vs 14d for 2 windows")
        ));
        assert!(!only_baseline(&t("< 95%"), &t("< 90%")));
    }

    #[test]
    fn added_removed_and_min_sample() {
        assert_eq!(threshold(None, Some(&t("< 95%"))), Some(Effect::Tightened));
        assert_eq!(threshold(Some(&t("< 95%")), None), Some(Effect::Loosened));
        assert_eq!(min_sample(200, 300), Some(Effect::Loosened));
        assert_eq!(min_sample(300, 200), Some(Effect::Tightened));
        assert_eq!(min_sample(300, 300), None);
    }
}
