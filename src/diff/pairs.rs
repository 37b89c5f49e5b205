//! Comparing pairs (bounds, min_sample, cohort overrides, trade-off rules,
//! actions, mappings) and control changes.

use super::classify;
use super::compare::{Differ, Field, fields};
use super::{Category, Effect, Item, Location};
use crate::model::{CohortOverride, ControlChange, Pair, PairSide};
use crate::syntax::ast::{Threshold, Tradeoff};
use crate::syntax::print_expr;

fn bound_text(t: Option<&Threshold>) -> String {
    t.map_or_else(|| "none".to_string(), print_expr::threshold)
}

impl Differ<'_> {
    pub(super) fn pair(&mut self, journey: &str, name: &str) {
        let item = Item::Pair(name.to_string());
        let both = (self.o.pairs.get(name), self.n.pairs.get(name));
        if both.1.or(both.0).map(|p| p.journey.as_str()) != Some(journey) {
            return;
        }
        // Adding a pair adds bounds; removing one removes them.
        let Some((o, n, at)) = self.present(
            both,
            Some(journey),
            &item,
            |p: &Pair| p.span,
            &self.renames.pairs,
            (Some(Effect::Tightened), Some(Effect::Loosened)),
        ) else {
            return;
        };
        let f = fields(Some(journey), &item);
        self.field(
            f(Category::Interpretation, "journey"),
            o.journey.clone(),
            n.journey.clone(),
            None,
            vec![],
            at.clone(),
        );
        for (side, os, ns) in [
            ("security", &o.security, &n.security),
            ("experience", &o.experience, &n.experience),
        ] {
            self.side(journey, &item, side, os, ns, n);
        }
        self.tradeoff(journey, &item, o, n);
        let action = |p: &Pair| p.action.clone().unwrap_or_else(|| "none".to_string());
        self.field(
            f(Category::Action, "action"),
            action(o),
            action(n),
            None,
            vec![],
            at.clone(),
        );
        let key = |m: &crate::model::Mapping| format!("{}:{}", m.framework, m.id);
        for m in &o.maps {
            if !n.maps.iter().any(|x| key(x) == key(m)) {
                self.out.push(mapping(
                    journey,
                    &item,
                    Some(m.reference.clone()),
                    None,
                    at.clone(),
                ));
            }
        }
        for m in &n.maps {
            if !o.maps.iter().any(|x| key(x) == key(m)) {
                self.out.push(mapping(
                    journey,
                    &item,
                    None,
                    Some(m.reference.clone()),
                    at.clone(),
                ));
            }
        }
    }

    fn side(
        &mut self,
        journey: &str,
        item: &Item,
        side: &str,
        o: &PairSide,
        n: &PairSide,
        pair: &Pair,
    ) {
        let pair_at = self.at_new(pair.span);
        let f = fields(Some(journey), item);
        self.field(
            f(Category::Interpretation, &format!("{side} metric")),
            o.metric.clone(),
            n.metric.clone(),
            None,
            vec![],
            pair_at.clone(),
        );
        for (severity, ot, nt) in [
            ("warn", &o.warn, &n.warn),
            ("critical", &o.critical, &n.critical),
        ] {
            self.bound(
                f(Category::Threshold, &format!("{side} {severity}")),
                ot.as_ref(),
                nt.as_ref(),
                pair_at.clone(),
            );
        }
        self.field(
            f(Category::Threshold, &format!("{side} min_sample")),
            o.min_sample.to_string(),
            n.min_sample.to_string(),
            classify::min_sample(o.min_sample, n.min_sample),
            vec![],
            pair_at.clone(),
        );
        let key = |c: &CohortOverride| (c.dimension.clone(), c.value.clone());
        let mut keys: Vec<(String, String)> = n.overrides.iter().map(key).collect();
        for c in &o.overrides {
            if !keys.contains(&key(c)) {
                keys.push(key(c));
            }
        }
        for (dimension, value) in keys {
            let find = |s: &PairSide| {
                s.overrides
                    .iter()
                    .find(|c| c.dimension == dimension && c.value == value)
                    .cloned()
            };
            let (oc, nc) = (find(o), find(n));
            let cohort = format!("{side} {{}} for {dimension} = {value}");
            for severity in ["warn", "critical"] {
                let pick = |c: &CohortOverride| {
                    if severity == "warn" {
                        c.warn.clone()
                    } else {
                        c.critical.clone()
                    }
                };
                let own = |s: &PairSide| {
                    if severity == "warn" {
                        s.warn.clone()
                    } else {
                        s.critical.clone()
                    }
                };
                // Where an override does not set a bound, the side's applies;
                // where both versions inherit it, the side's change says it all.
                let (ox, nx) = (oc.as_ref().and_then(pick), nc.as_ref().and_then(pick));
                if ox.is_none() && nx.is_none() {
                    continue;
                }
                let ot = ox.or_else(|| own(o));
                let nt = nx.or_else(|| own(n));
                self.bound(
                    f(Category::Threshold, &cohort.replace("{}", severity)),
                    ot.as_ref(),
                    nt.as_ref(),
                    pair_at.clone(),
                );
            }
            let (om, nm) = (
                oc.as_ref().map_or(o.min_sample, |c| c.min_sample),
                nc.as_ref().map_or(n.min_sample, |c| c.min_sample),
            );
            // A changed side min_sample is reported once, on the side.
            if oc.is_some() || nc.is_some() {
                let side_moved =
                    o.min_sample != n.min_sample && om == o.min_sample && nm == n.min_sample;
                if !side_moved {
                    self.field(
                        f(Category::Threshold, &cohort.replace("{}", "min_sample")),
                        om.to_string(),
                        nm.to_string(),
                        classify::min_sample(om, nm),
                        vec![],
                        pair_at.clone(),
                    );
                }
            }
        }
    }

    /// Records a bound change with its effect, located at the new bound.
    fn bound(
        &mut self,
        mut f: Field<'_>,
        o: Option<&Threshold>,
        n: Option<&Threshold>,
        fallback: Option<Location>,
    ) {
        let Some(effect) = classify::threshold(o, n) else {
            return;
        };
        if let (Some(o), Some(n)) = (o, n)
            && classify::only_baseline(o, n)
        {
            f.category = Category::Baseline;
        }
        let at = n.map_or(fallback, |t| self.at_new(t.span));
        self.field(f, bound_text(o), bound_text(n), Some(effect), vec![], at);
    }

    fn tradeoff(&mut self, journey: &str, item: &Item, o: &Pair, n: &Pair) {
        let text =
            |t: Option<&Tradeoff>| t.map_or_else(|| "none".to_string(), print_expr::tradeoff);
        let (ot, nt) = (o.tradeoff.as_ref(), n.tradeoff.as_ref());
        let (old, new) = (text(ot), text(nt));
        if old == new {
            return;
        }
        let mut category = Category::Threshold;
        let effect = match (ot, nt) {
            (None, Some(_)) => Effect::Tightened,
            (Some(_), None) => Effect::Loosened,
            (Some(a), Some(b)) => {
                let same_rule = a.degrading.node == b.degrading.node
                    && a.improving.node == b.improving.node
                    && a.amount.unit == b.amount.unit;
                let amount = match b.amount.value().total_cmp(&a.amount.value()) {
                    std::cmp::Ordering::Equal => None,
                    std::cmp::Ordering::Greater => Some(Effect::Loosened),
                    std::cmp::Ordering::Less => Some(Effect::Tightened),
                };
                let baseline = (a.baseline.node != b.baseline.node).then_some(Effect::Changed);
                let severity = a.severity.as_ref().map(|s| s.node.clone())
                    != b.severity.as_ref().map(|s| s.node.clone());
                if same_rule && amount.is_none() && !severity && baseline.is_some() {
                    category = Category::Baseline;
                }
                if same_rule {
                    classify::combine(
                        classify::combine(amount, baseline),
                        severity.then_some(Effect::Changed),
                    )
                    .unwrap_or(Effect::Changed)
                } else {
                    Effect::Changed
                }
            }
            (None, None) => return,
        };
        let at = self.at_new(n.span);
        self.field(
            Field {
                journey: Some(journey),
                item: item.clone(),
                category,
                field: "tradeoff".to_string(),
            },
            old,
            new,
            Some(effect),
            vec![],
            at,
        );
    }

    pub(super) fn control_change(&mut self, journey: &str, name: &str) {
        let item = Item::ControlChange(name.to_string());
        let first = |c: &ControlChange| c.journeys.first().cloned().unwrap_or_default();
        let both = (self.o.changes.get(name), self.n.changes.get(name));
        if both.1.or(both.0).map(first).as_deref() != Some(journey) {
            return;
        }
        let Some((o, n, at)) = self.present(
            both,
            Some(journey),
            &item,
            |c: &ControlChange| c.span,
            &self.renames.changes,
            (None, None),
        ) else {
            return;
        };
        let f = fields(Some(journey), &item);
        let opt = |x: Option<String>| x.unwrap_or_else(|| "none".to_string());
        let compare = |c: &ControlChange| match &c.compare {
            None => "none".to_string(),
            Some(crate::model::Comparison::Cohort { dimension, value }) => {
                format!("cohort {dimension} = {value}")
            }
            Some(crate::model::Comparison::Journey(j)) => format!("journey {j}"),
        };
        self.field(
            f(Category::Description, "title"),
            opt(o.title.clone()),
            opt(n.title.clone()),
            None,
            vec![],
            at.clone(),
        );
        for (field, old, new) in [
            ("date", o.date.to_string(), n.date.to_string()),
            (
                "journeys",
                super::canon::list(&o.journeys),
                super::canon::list(&n.journeys),
            ),
            (
                "outcomes",
                super::canon::list(&o.outcomes),
                super::canon::list(&n.outcomes),
            ),
            ("window", o.window.to_string(), n.window.to_string()),
            (
                "washout",
                opt(o.washout.map(|d| d.to_string())),
                opt(n.washout.map(|d| d.to_string())),
            ),
            ("compare", compare(o), compare(n)),
        ] {
            self.field(
                f(Category::Interpretation, field),
                old,
                new,
                None,
                vec![],
                at.clone(),
            );
        }
    }
}

fn mapping(
    journey: &str,
    item: &Item,
    old: Option<String>,
    new: Option<String>,
    location: Option<Location>,
) -> super::Change {
    super::Change {
        journey: Some(journey.to_string()),
        item: item.clone(),
        category: Category::Mapping,
        effect: None,
        field: "maps".to_string(),
        old,
        new,
        breaks_history: Vec::new(),
        location,
    }
}
