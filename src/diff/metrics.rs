//! Comparing metrics: side and good direction, the formula field by field
//! (a signal change breaks the metric's history), min_sample, cohort
//! attribution and cohorts.

use super::canon::{self, list};
use super::classify;
use super::compare::{Differ, fields, opt};
use super::{Category, Item};
use crate::model::{Good, Journey, Metric, MetricKind, Scorecard, Side, Unit};

impl Differ<'_> {
    pub(super) fn metric(&mut self, journey: &str, name: &str, cohorts_changed: bool) {
        let item = Item::Metric(name.to_string());
        let both = (self.o.metrics.get(name), self.n.metrics.get(name));
        // A metric is reported under its journey in the new version (in
        // the old one when it was removed), so a moved metric shows once.
        if both.1.or(both.0).map(|m| m.journey.as_str()) != Some(journey) {
            return;
        }
        let Some((o, n, at)) = self.present(
            both,
            Some(journey),
            &item,
            |m: &Metric| m.span,
            &self.renames.metrics,
            (None, None),
        ) else {
            return;
        };
        let f = fields(Some(journey), &item);
        let me = vec![name.to_string()];
        self.texts(
            &f,
            [
                (
                    Category::Interpretation,
                    "journey",
                    o.journey.clone(),
                    n.journey.clone(),
                ),
                (
                    Category::Interpretation,
                    "side",
                    side_word(o.side).into(),
                    side_word(n.side).into(),
                ),
                (
                    Category::Interpretation,
                    "good",
                    good_word(o.good).into(),
                    good_word(n.good).into(),
                ),
            ],
            at.clone(),
        );
        for (category, field, old, new) in kind_changes(&o.kind, &n.kind) {
            self.field(f(category, &field), old, new, None, me.clone(), at.clone());
        }
        self.texts(
            &f,
            [
                (
                    Category::Interpretation,
                    "unit",
                    opt(o.unit.as_deref()),
                    opt(n.unit.as_deref()),
                ),
                (
                    Category::Description,
                    "description",
                    opt(o.description.as_deref()),
                    opt(n.description.as_deref()),
                ),
            ],
            at.clone(),
        );
        let sample = |m: &Metric, j: &Journey, s: &Scorecard| {
            m.min_sample
                .unwrap_or(j.min_sample.unwrap_or(s.settings.min_sample))
        };
        if let (Some(oj), Some(nj)) = (
            self.o.journeys.get(&o.journey),
            self.n.journeys.get(&n.journey),
        ) {
            self.field(
                f(Category::Threshold, "min_sample"),
                o.min_sample.map_or("none".into(), |m| m.to_string()),
                n.min_sample.map_or("none".into(), |m| m.to_string()),
                if o.min_sample == n.min_sample {
                    None
                } else {
                    classify::min_sample(sample(o, oj, self.o), sample(n, nj, self.n))
                },
                vec![],
                at.clone(),
            );
        }
        let attribution = |m: &Metric, default| {
            m.attribution.as_ref().map_or("none".into(), |a| {
                let mut s = format!("from {}", a.event);
                // A look-back that follows the scorecard default is reported there.
                if a.lookback != default {
                    s.push_str(&format!(" within {}", a.lookback));
                }
                if let Some(t) = &a.tie_break {
                    s.push_str(&format!(" tie_break {t}"));
                }
                s
            })
        };
        self.field(
            f(Category::Signal, "cohort attribution"),
            attribution(o, self.o.settings.attribution_lookback),
            attribution(n, self.n.settings.attribution_lookback),
            None,
            me,
            at.clone(),
        );
        if !cohorts_changed {
            self.field(
                f(Category::Cohort, "cohorts"),
                list(&o.cohorts),
                list(&n.cohorts),
                None,
                vec![],
                at,
            );
        }
    }
}

/// What changed in a metric's formula: category, field, old, new.
fn kind_changes(o: &MetricKind, n: &MetricKind) -> Vec<(Category, String, String, String)> {
    let mut out = Vec::new();
    let mut push = |category, field: &str, old: String, new: String| {
        if old != new {
            out.push((category, field.to_string(), old, new));
        }
    };
    match (o, n) {
        (MetricKind::Count(a), MetricKind::Count(b)) => unit_changes("", a, b, &mut push),
        (MetricKind::Sum { value: va, unit: a }, MetricKind::Sum { value: vb, unit: b }) => {
            push(
                Category::Signal,
                "summed value",
                va.to_string(),
                vb.to_string(),
            );
            unit_changes("", a, b, &mut push);
        }
        (
            MetricKind::Rate {
                numerator: na,
                denominator: da,
            },
            MetricKind::Rate {
                numerator: nb,
                denominator: db,
            },
        ) => {
            unit_changes("numerator ", na, nb, &mut push);
            unit_changes("denominator ", da, db, &mut push);
        }
        (MetricKind::Conversion(a), MetricKind::Conversion(b)) => sequence_changes(a, b, &mut push),
        (
            MetricKind::Duration {
                percentile: pa,
                approximate: xa,
                sequence: a,
            },
            MetricKind::Duration {
                percentile: pb,
                approximate: xb,
                sequence: b,
            },
        ) => {
            push(
                Category::Interpretation,
                "percentile",
                format!("p{pa}"),
                format!("p{pb}"),
            );
            push(
                Category::Interpretation,
                "approximate",
                xa.to_string(),
                xb.to_string(),
            );
            sequence_changes(a, b, &mut push);
        }
        _ => push(Category::Signal, "formula", canon::kind(o), canon::kind(n)),
    }
    out
}

fn unit_changes(
    prefix: &str,
    a: &Unit,
    b: &Unit,
    push: &mut impl FnMut(Category, &str, String, String),
) {
    let pred = |u: &Unit| {
        u.filter
            .as_ref()
            .map_or("none".into(), |f| format!("[{f}]"))
    };
    let distinct = |u: &Unit| {
        u.distinct
            .as_ref()
            .map_or("events".into(), |k| format!("distinct {k}"))
    };
    let freq = |u: &Unit| {
        u.frequency.as_ref().map_or("none".into(), |f| {
            format!("count per {} {} {}", f.key, f.op.as_str(), f.count)
        })
    };
    let follow = |u: &Unit| {
        u.followed_by
            .as_ref()
            .map_or("none".into(), |f| format!("{} by {}", f.event, f.key))
    };
    let within = |u: &Unit| {
        u.followed_by
            .as_ref()
            .and_then(|f| f.within)
            .map_or("none".into(), |d| d.to_string())
    };
    push(
        Category::Signal,
        &format!("{prefix}event"),
        a.event.clone(),
        b.event.clone(),
    );
    push(
        Category::Signal,
        &format!("{prefix}counted unit"),
        distinct(a),
        distinct(b),
    );
    push(
        Category::Signal,
        &format!("{prefix}predicate"),
        pred(a),
        pred(b),
    );
    push(
        Category::Signal,
        &format!("{prefix}frequency condition"),
        freq(a),
        freq(b),
    );
    push(
        Category::Signal,
        &format!("{prefix}followed by"),
        follow(a),
        follow(b),
    );
    if a.followed_by.is_some() && b.followed_by.is_some() {
        push(
            Category::Window,
            &format!("{prefix}followed-by window"),
            within(a),
            within(b),
        );
    }
}

fn sequence_changes(
    a: &crate::model::Sequence,
    b: &crate::model::Sequence,
    push: &mut impl FnMut(Category, &str, String, String),
) {
    push(
        Category::Signal,
        "events",
        format!("{} -> {}", a.from, a.to),
        format!("{} -> {}", b.from, b.to),
    );
    push(
        Category::Signal,
        "key",
        format!("{} / {}", a.key, a.other_key),
        format!("{} / {}", b.key, b.other_key),
    );
    let w = |s: &crate::model::Sequence| s.within.map_or("none".into(), |d| d.to_string());
    push(Category::Window, "window", w(a), w(b));
}

fn side_word(s: Side) -> &'static str {
    match s {
        Side::Security => "security",
        Side::Experience => "experience",
        Side::Outcome => "outcome",
    }
}

fn good_word(g: Good) -> &'static str {
    match g {
        Good::High => "high",
        Good::Low => "low",
    }
}
