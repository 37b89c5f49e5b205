//! Comparing sources and events: a change to how a signal is read (a
//! table, a key, a predicate) breaks the history of every metric that
//! reads it; signal-integrity bounds are security-owned thresholds.

use super::canon::list;
use super::classify;
use super::compare::{Differ, fields, opt, union};
use super::refs::{events_of, sources_of};
use super::{Category, Item};
use crate::model::{Event, Metric, Source};
use crate::syntax::print_expr;

impl Differ<'_> {
    pub(super) fn sources(&mut self) {
        for name in union(self.o.sources.keys(), self.n.sources.keys()) {
            let item = Item::Source(name.clone());
            let Some((o, n, at)) = self.present(
                (self.o.sources.get(&name), self.n.sources.get(&name)),
                None,
                &item,
                |s: &Source| s.span,
                &self.renames.sources,
                (None, None),
            ) else {
                continue;
            };
            let breaks = self.users(|m| sources_of(m).contains(&name));
            let f = fields(None, &item);
            let o_ = |x: &Option<String>| opt(x.as_deref());
            for (field, old, new) in [
                ("table", o.table.clone(), n.table.clone()),
                ("timestamp", o.timestamp.clone(), n.timestamp.clone()),
                ("entity", o_(&o.entity), o_(&n.entity)),
                ("session", o_(&o.session), o_(&n.session)),
                ("dedupe_by", o_(&o.dedupe_by), o_(&n.dedupe_by)),
                ("dedupe_order", o_(&o.dedupe_order), o_(&n.dedupe_order)),
                (
                    "filter",
                    o.filter.as_ref().map_or("none".into(), ToString::to_string),
                    n.filter.as_ref().map_or("none".into(), ToString::to_string),
                ),
            ] {
                let b = if old == new { vec![] } else { breaks.clone() };
                self.field(f(Category::Signal, field), old, new, None, b, at.clone());
            }
            let dims = |s: &crate::model::Source| {
                s.dimensions
                    .values()
                    .map(|d| {
                        d.expr
                            .as_ref()
                            .map_or_else(|| d.name.clone(), |e| format!("{} = [{e}]", d.name))
                    })
                    .collect::<Vec<_>>()
            };
            let (od, nd) = (dims(o), dims(n));
            let b = if od == nd { vec![] } else { breaks.clone() };
            self.field(
                f(Category::Cohort, "dimensions"),
                list(&od),
                list(&nd),
                None,
                b,
                at.clone(),
            );
            let cols = |s: &crate::model::Source| {
                s.columns
                    .iter()
                    .map(|(c, t)| format!("{c}: {t}"))
                    .collect::<Vec<_>>()
            };
            self.field(
                f(Category::Settings, "columns"),
                list(&cols(o)),
                list(&cols(n)),
                None,
                vec![],
                at.clone(),
            );
            for (field, ob, nb) in [
                ("freshness", &o.integrity.freshness, &n.integrity.freshness),
                ("volume", &o.integrity.volume, &n.integrity.volume),
                (
                    "duplicates",
                    &o.integrity.duplicates,
                    &n.integrity.duplicates,
                ),
            ] {
                for (severity, ot, nt) in [
                    ("warn", &ob.warn, &nb.warn),
                    ("critical", &ob.critical, &nb.critical),
                ] {
                    let Some(effect) = classify::threshold(ot.as_ref(), nt.as_ref()) else {
                        continue;
                    };
                    let text = |t: &Option<crate::syntax::ast::Threshold>| {
                        t.as_ref().map_or("none".into(), print_expr::threshold)
                    };
                    let at = nt.as_ref().map_or(at.clone(), |t| self.at_new(t.span));
                    let field = format!("{field} {severity}");
                    self.field(
                        f(Category::Threshold, &field),
                        text(ot),
                        text(nt),
                        Some(effect),
                        vec![],
                        at,
                    );
                }
            }
        }
    }

    pub(super) fn events(&mut self) {
        for name in union(self.o.events.keys(), self.n.events.keys()) {
            let item = Item::Event(name.clone());
            let Some((o, n, at)) = self.present(
                (self.o.events.get(&name), self.n.events.get(&name)),
                None,
                &item,
                |e: &Event| e.span,
                &self.renames.events,
                (None, None),
            ) else {
                continue;
            };
            let breaks = self.users(|m| events_of(m).contains(&name));
            let f = fields(None, &item);
            let pred = |e: &crate::model::Event| {
                e.filter.as_ref().map_or("none".into(), ToString::to_string)
            };
            for (field, old, new) in [
                ("source", o.source.clone(), n.source.clone()),
                ("where", pred(o), pred(n)),
            ] {
                let b = if old == new { vec![] } else { breaks.clone() };
                self.field(f(Category::Signal, field), old, new, None, b, at.clone());
            }
            self.field(
                f(Category::Description, "description"),
                opt(o.description.as_deref()),
                opt(n.description.as_deref()),
                None,
                vec![],
                at,
            );
        }
    }

    /// Metrics, in either version, for which `uses` holds.
    fn users(&self, uses: impl Fn(&Metric) -> bool) -> Vec<String> {
        union(
            self.o.metrics.values().filter(|m| uses(m)).map(|m| &m.name),
            self.n.metrics.values().filter(|m| uses(m)).map(|m| &m.name),
        )
    }
}
