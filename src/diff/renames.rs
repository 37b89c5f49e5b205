//! Rename detection: an item that disappears under one name and appears
//! under another with the same (or a very similar) definition is a rename,
//! not a removal and an addition.
//!
//! Items are matched kind by kind, in dependency order (sources, events,
//! journeys, metrics, pairs, control changes). Before each kind is matched,
//! the renames found so far are applied to the old model, so a metric
//! whose event was renamed still has the same definition.

use indexmap::IndexMap;

use super::canon::{fingerprint, similarity};
use super::refs::{self, Ref};
use crate::model::{Comparison, MetricKind, Scorecard};
use crate::syntax::ast::Arith;

/// Two definitions at least this alike (share of canonical lines) are the
/// same item renamed; identical definitions always are.
pub const RENAME_SIMILARITY: f64 = 0.8;

/// Old name to new name, per kind.
#[derive(Clone, Debug, Default)]
pub(super) struct Renames {
    pub(super) sources: IndexMap<String, String>,
    pub(super) events: IndexMap<String, String>,
    pub(super) journeys: IndexMap<String, String>,
    pub(super) metrics: IndexMap<String, String>,
    pub(super) pairs: IndexMap<String, String>,
    pub(super) changes: IndexMap<String, String>,
}

impl Renames {
    /// The old model with every rename applied, so items compare by name.
    pub(super) fn apply(&self, old: &Scorecard) -> Scorecard {
        let mut m = old.clone();
        rename_sources(&mut m, &self.sources);
        rename_events(&mut m, &self.events);
        rename_journeys(&mut m, &self.journeys);
        rename_metrics(&mut m, &self.metrics);
        rename_keys(&mut m.pairs, &self.pairs, |p, n| p.name = n);
        rename_keys(&mut m.changes, &self.changes, |c, n| c.name = n);
        for j in m.journeys.values_mut() {
            rename_list(&mut j.pairs, &self.pairs);
            rename_list(&mut j.changes, &self.changes);
        }
        m
    }
}

/// Finds the renames between two models.
pub(super) fn detect(old: &Scorecard, new: &Scorecard) -> Renames {
    // Each kind is matched on the old model with the renames found so far.
    let mut r = Renames {
        sources: matches(&old.sources, &new.sources, |s| {
            let mut s = s.clone();
            s.name.clear();
            fingerprint(&s)
        }),
        ..Renames::default()
    };
    let o = r.apply(old);
    r.events = matches(&o.events, &new.events, |e| {
        let mut e = e.clone();
        e.name.clear();
        fingerprint(&e)
    });
    let o = r.apply(old);
    r.journeys = matches(&o.journeys, &new.journeys, |j| {
        let mut j = j.clone();
        j.name.clear();
        fingerprint(&j)
    });
    let o = r.apply(old);
    r.metrics = matches(&o.metrics, &new.metrics, |m| {
        let mut m = m.clone();
        m.name.clear();
        fingerprint(&m)
    });
    let o = r.apply(old);
    r.pairs = matches(&o.pairs, &new.pairs, |p| {
        let mut p = p.clone();
        p.name.clear();
        fingerprint(&p)
    });
    let o = r.apply(old);
    r.changes = matches(&o.changes, &new.changes, |c| {
        let mut c = c.clone();
        c.name.clear();
        fingerprint(&c)
    });
    r
}

/// Pairs names only in `old` with names only in `new` whose definitions
/// are alike enough, best first.
fn matches<T>(
    old: &IndexMap<String, T>,
    new: &IndexMap<String, T>,
    print: impl Fn(&T) -> String,
) -> IndexMap<String, String> {
    let removed: Vec<(&String, String)> = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(k, v)| (k, print(v)))
        .collect();
    let added: Vec<(&String, String)> = new
        .iter()
        .filter(|(k, _)| !old.contains_key(*k))
        .map(|(k, v)| (k, print(v)))
        .collect();
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    for (i, (_, a)) in removed.iter().enumerate() {
        for (j, (_, b)) in added.iter().enumerate() {
            let score = if a == b { 1.0 } else { similarity(a, b) };
            if score >= RENAME_SIMILARITY {
                candidates.push((score, i, j));
            }
        }
    }
    // Best score first; declaration order breaks ties, so the result is
    // deterministic.
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let mut taken_old = vec![false; removed.len()];
    let mut taken_new = vec![false; added.len()];
    let mut found = Vec::new();
    for (_, i, j) in candidates {
        if !taken_old[i] && !taken_new[j] {
            taken_old[i] = true;
            taken_new[j] = true;
            found.push((i, j));
        }
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(i, j)| (removed[i].0.clone(), added[j].0.clone()))
        .collect()
}

fn renamed(map: &IndexMap<String, String>, name: &mut String) {
    if let Some(new) = map.get(name.as_str()) {
        name.clone_from(new);
    }
}

fn rename_list(list: &mut [String], map: &IndexMap<String, String>) {
    for name in list {
        renamed(map, name);
    }
}

fn rename_keys<T>(
    items: &mut IndexMap<String, T>,
    map: &IndexMap<String, String>,
    set: impl Fn(&mut T, String),
) {
    if map.is_empty() {
        return;
    }
    let old = std::mem::take(items);
    for (mut key, mut value) in old {
        if let Some(new) = map.get(&key) {
            key.clone_from(new);
            set(&mut value, new.clone());
        }
        items.insert(key, value);
    }
}

fn rename_sources(m: &mut Scorecard, map: &IndexMap<String, String>) {
    if map.is_empty() {
        return;
    }
    rename_keys(&mut m.sources, map, |s, n| s.name = n);
    for e in m.events.values_mut() {
        renamed(map, &mut e.source);
    }
    for metric in m.metrics.values_mut() {
        refs::each_mut(metric, &mut |kind, name| {
            if kind == Ref::Source {
                renamed(map, name);
            }
        });
    }
}

fn rename_events(m: &mut Scorecard, map: &IndexMap<String, String>) {
    if map.is_empty() {
        return;
    }
    rename_keys(&mut m.events, map, |e, n| e.name = n);
    for j in m.journeys.values_mut() {
        rename_list(&mut j.steps, map);
    }
    for metric in m.metrics.values_mut() {
        refs::each_mut(metric, &mut |kind, name| {
            if kind == Ref::Event {
                renamed(map, name);
            }
        });
    }
}

fn rename_journeys(m: &mut Scorecard, map: &IndexMap<String, String>) {
    if map.is_empty() {
        return;
    }
    rename_keys(&mut m.journeys, map, |j, n| j.name = n);
    for metric in m.metrics.values_mut() {
        renamed(map, &mut metric.journey);
    }
    for pair in m.pairs.values_mut() {
        renamed(map, &mut pair.journey);
    }
    for change in m.changes.values_mut() {
        rename_list(&mut change.journeys, map);
        if let Some(Comparison::Journey(j)) = &mut change.compare {
            renamed(map, j);
        }
    }
}

fn rename_metrics(m: &mut Scorecard, map: &IndexMap<String, String>) {
    if map.is_empty() {
        return;
    }
    rename_keys(&mut m.metrics, map, |x, n| x.name = n);
    for j in m.journeys.values_mut() {
        rename_list(&mut j.metrics, map);
    }
    for metric in m.metrics.values_mut() {
        if let MetricKind::Derived(a) = &mut metric.kind {
            rename_arith(a, map);
        }
    }
    for pair in m.pairs.values_mut() {
        renamed(map, &mut pair.security.metric);
        renamed(map, &mut pair.experience.metric);
    }
    for change in m.changes.values_mut() {
        rename_list(&mut change.outcomes, map);
    }
}

fn rename_arith(a: &mut Arith, map: &IndexMap<String, String>) {
    match a {
        Arith::Number(_) => {}
        Arith::Metric(name) => renamed(map, &mut name.node),
        Arith::Neg(inner) => rename_arith(inner, map),
        Arith::Binary(l, _, r) => {
            rename_arith(l, map);
            rename_arith(r, map);
        }
    }
}
