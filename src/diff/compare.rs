//! Field-by-field comparison of two models: the scorecard's settings, tier
//! policies, sources and events, journeys and metrics. Pairs and control
//! changes are in `pairs.rs`.
//!
//! Renames are applied to the old model first, so every item is compared
//! with its counterpart by name; a renamed item is reported once as
//! renamed, then with whatever else changed.

use indexmap::IndexMap;

use super::canon::{self, list};
use super::classify;
use super::renames::Renames;
use super::{Category, Change, Effect, Item, Location, Version, Which};
use crate::model::{
    Good, Journey, Metric, MetricKind, Role, Scorecard, Severity, Side, Tier, TierPolicy, Unit,
};
use crate::span::Span;
use crate::syntax::print_expr;

/// Every change between two versions, in reading order.
pub(super) fn compare(old: Version<'_>, new: Version<'_>, renames: &Renames) -> Vec<Change> {
    let renamed = renames.apply(old.model);
    let mut d = Differ {
        old,
        new,
        o: &renamed,
        n: new.model,
        renames,
        out: Vec::new(),
    };
    d.scorecard();
    d.tiers();
    d.sources();
    d.events();
    for name in union(d.o.journeys.keys(), d.n.journeys.keys()) {
        d.journey(&name);
    }
    d.out
}

/// The comparison in progress.
pub(super) struct Differ<'a> {
    pub(super) old: Version<'a>,
    pub(super) new: Version<'a>,
    /// The old model with renames applied.
    pub(super) o: &'a Scorecard,
    /// The new model.
    pub(super) n: &'a Scorecard,
    pub(super) renames: &'a Renames,
    pub(super) out: Vec<Change>,
}

/// A change being described, before it is pushed.
pub(super) struct Field<'s> {
    pub(super) journey: Option<&'s str>,
    pub(super) item: Item,
    pub(super) category: Category,
    pub(super) field: String,
}

/// Names in `a` then those only in `b`, each once.
pub(super) fn union<'k>(
    a: impl Iterator<Item = &'k String>,
    b: impl Iterator<Item = &'k String>,
) -> Vec<String> {
    let mut names: indexmap::IndexSet<String> = b.cloned().collect();
    let mut out: Vec<String> = Vec::new();
    // New order first, so the report reads like the new files; removed
    // items follow.
    out.extend(names.iter().cloned());
    for name in a {
        if names.insert(name.clone()) {
            out.push(name.clone());
        }
    }
    out
}

fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_string(), str::to_string)
}

fn tier_word(t: Tier) -> String {
    t.as_str().to_string()
}

impl<'a> Differ<'a> {
    /// A location in the new version.
    pub(super) fn at_new(&self, span: Span) -> Option<Location> {
        Some(Location::of(self.new.sources, span, Which::New))
    }

    /// A location in the old version.
    pub(super) fn at_old(&self, span: Span) -> Option<Location> {
        Some(Location::of(self.old.sources, span, Which::Old))
    }

    /// Where to point at a removed item: its journey in the new version, or
    /// its old declaration when the journey is gone too.
    pub(super) fn at_removed(&self, journey: &str, span: Span) -> Option<Location> {
        match self.n.journeys.get(journey) {
            Some(j) => self.at_new(j.span),
            None => self.at_old(span),
        }
    }

    /// Records a change from `old` to `new`, if they differ.
    pub(super) fn field(
        &mut self,
        f: Field<'_>,
        old: String,
        new: String,
        effect: Option<Effect>,
        breaks: Vec<String>,
        location: Option<Location>,
    ) {
        if old == new && effect.is_none() {
            return;
        }
        self.out.push(Change {
            journey: f.journey.map(str::to_string),
            item: f.item,
            category: f.category,
            effect,
            field: f.field,
            old: Some(old),
            new: Some(new),
            breaks_history: breaks,
            location,
        });
    }

    /// Records a whole item added, removed or renamed.
    pub(super) fn whole(
        &mut self,
        journey: Option<&str>,
        item: Item,
        category: Category,
        effect: Option<Effect>,
        location: Option<Location>,
    ) {
        let (old, new) = match category {
            Category::Added => (None, Some(item.name().to_string())),
            Category::Removed => (Some(item.name().to_string()), None),
            _ => (None, Some(item.name().to_string())),
        };
        self.out.push(Change {
            journey: journey.map(str::to_string),
            item,
            category,
            effect,
            field: String::new(),
            old,
            new,
            breaks_history: Vec::new(),
            location,
        });
    }

    /// Reports a rename of `name` (its new name), if it was renamed.
    pub(super) fn renamed(
        &mut self,
        map: &IndexMap<String, String>,
        journey: Option<&str>,
        item: Item,
        location: Option<Location>,
    ) {
        if let Some((from, _)) = map.iter().find(|(_, to)| *to == item.name()) {
            self.out.push(Change {
                journey: journey.map(str::to_string),
                item: item.clone(),
                category: Category::Renamed,
                effect: None,
                field: String::new(),
                old: Some(from.clone()),
                new: Some(item.name().to_string()),
                breaks_history: Vec::new(),
                location,
            });
        }
    }

    fn scorecard(&mut self) {
        let (o, n) = (self.o, self.n);
        let (os, ns) = (&o.settings, &n.settings);
        let item = || Item::Scorecard(n.name.clone());
        let f = |category, field: &str| Field {
            journey: None,
            item: item(),
            category,
            field: field.to_string(),
        };
        let every: Vec<String> = n.metrics.keys().cloned().collect();
        self.field(
            f(Category::Description, "name"),
            o.name.clone(),
            n.name.clone(),
            None,
            vec![],
            None,
        );
        self.field(
            f(Category::Description, "title"),
            opt(o.title.as_deref()),
            opt(n.title.as_deref()),
            None,
            vec![],
            None,
        );
        self.field(
            f(Category::Description, "description"),
            opt(o.description.as_deref()),
            opt(n.description.as_deref()),
            None,
            vec![],
            None,
        );
        self.field(
            f(Category::Settings, "dialect"),
            os.dialect.clone(),
            ns.dialect.clone(),
            None,
            vec![],
            None,
        );
        for (field, old, new) in [
            (
                "grain",
                format!("{:?}", os.grain).to_lowercase(),
                format!("{:?}", ns.grain).to_lowercase(),
            ),
            ("timezone", os.timezone.clone(), ns.timezone.clone()),
            (
                "week_start",
                format!("{:?}", os.week_start).to_lowercase(),
                format!("{:?}", ns.week_start).to_lowercase(),
            ),
        ] {
            let breaks = if old == new { vec![] } else { every.clone() };
            self.field(f(Category::Window, field), old, new, None, breaks, None);
        }
        self.field(
            f(Category::Threshold, "min_sample"),
            os.min_sample.to_string(),
            ns.min_sample.to_string(),
            classify::min_sample(os.min_sample, ns.min_sample),
            vec![],
            None,
        );
        if os.dedupe_lookback != ns.dedupe_lookback {
            let deduped: Vec<String> = n
                .metrics
                .values()
                .filter(|m| {
                    sources_of(m)
                        .iter()
                        .any(|s| n.sources.get(s).is_some_and(|s| s.dedupe_by.is_some()))
                })
                .map(|m| m.name.clone())
                .collect();
            self.field(
                f(Category::Window, "dedupe_lookback"),
                os.dedupe_lookback.to_string(),
                ns.dedupe_lookback.to_string(),
                None,
                deduped,
                None,
            );
        }
        if os.attribution_lookback != ns.attribution_lookback {
            let attributed: Vec<String> = n
                .metrics
                .values()
                .filter(|m| {
                    m.attribution
                        .as_ref()
                        .is_some_and(|a| a.lookback == ns.attribution_lookback)
                })
                .map(|m| m.name.clone())
                .collect();
            self.field(
                f(Category::Window, "attribution_lookback"),
                os.attribution_lookback.to_string(),
                ns.attribution_lookback.to_string(),
                None,
                attributed,
                None,
            );
        }
        self.field(
            f(Category::Cohort, "rollups"),
            os.rollups.to_string(),
            ns.rollups.to_string(),
            None,
            vec![],
            None,
        );
    }

    fn tiers(&mut self) {
        for tier in Tier::ALL {
            let (Some(o), Some(n)) = (self.o.tiers.get(&tier), self.n.tiers.get(&tier)) else {
                continue;
            };
            let location = n
                .span
                .and_then(|s| self.at_new(s))
                .or_else(|| o.span.and_then(|s| self.at_old(s)));
            let f = |field: &str| Field {
                journey: None,
                item: Item::Tier(tier_word(tier)),
                category: Category::Tier,
                field: field.to_string(),
            };
            let floor = |p: &TierPolicy| {
                p.min_sample
                    .map_or_else(|| "none".to_string(), |m| m.to_string())
            };
            self.field(
                f("min_sample"),
                floor(o),
                floor(n),
                classify::min_sample(o.min_sample.unwrap_or(0), n.min_sample.unwrap_or(0)),
                vec![],
                location.clone(),
            );
            self.field(
                f("require"),
                list(&o.required_cohorts),
                list(&n.required_cohorts),
                set_effect(&o.required_cohorts, &n.required_cohorts),
                vec![],
                location.clone(),
            );
            let severity = |p: &TierPolicy| p.severity.map_or("none", severity_word).to_string();
            let effect = match (o.severity, n.severity) {
                (a, b) if a == b => None,
                (Some(Severity::Critical), _) => Some(Effect::Loosened),
                (_, Some(Severity::Critical)) => Some(Effect::Tightened),
                _ => Some(Effect::Changed),
            };
            self.field(
                f("severity"),
                severity(o),
                severity(n),
                effect,
                vec![],
                location.clone(),
            );
            let roles =
                |p: &TierPolicy| p.sign_off.iter().map(|r| role_word(*r)).collect::<Vec<_>>();
            let (or, nr) = (roles(o), roles(n));
            self.field(
                f("sign_off"),
                list(&or),
                list(&nr),
                set_effect(&or, &nr),
                vec![],
                location,
            );
        }
    }

    fn sources(&mut self) {
        for name in union(self.o.sources.keys(), self.n.sources.keys()) {
            let item = Item::Source(name.clone());
            let (o, n) = (self.o.sources.get(&name), self.n.sources.get(&name));
            let (o, n) = match (o, n) {
                (Some(o), Some(n)) => (o, n),
                (None, Some(n)) => {
                    let at = self.at_new(n.span);
                    self.whole(None, item, Category::Added, None, at);
                    continue;
                }
                (Some(o), None) => {
                    let at = self.at_old(o.span);
                    self.whole(None, item, Category::Removed, None, at);
                    continue;
                }
                (None, None) => continue,
            };
            let at = self.at_new(n.span);
            self.renamed(&self.renames.sources, None, item.clone(), at.clone());
            let breaks = self.users(|m| sources_of(m).contains(&name));
            let f = |category, field: &str| Field {
                journey: None,
                item: item.clone(),
                category,
                field: field.to_string(),
            };
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

    fn events(&mut self) {
        for name in union(self.o.events.keys(), self.n.events.keys()) {
            let item = Item::Event(name.clone());
            let (o, n) = match (self.o.events.get(&name), self.n.events.get(&name)) {
                (Some(o), Some(n)) => (o, n),
                (None, Some(n)) => {
                    let at = self.at_new(n.span);
                    self.whole(None, item, Category::Added, None, at);
                    continue;
                }
                (Some(o), None) => {
                    let at = self.at_old(o.span);
                    self.whole(None, item, Category::Removed, None, at);
                    continue;
                }
                (None, None) => continue,
            };
            let at = self.at_new(n.span);
            self.renamed(&self.renames.events, None, item.clone(), at.clone());
            let breaks = self.users(|m| events_of(m).contains(&name));
            let f = |category, field: &str| Field {
                journey: None,
                item: item.clone(),
                category,
                field: field.to_string(),
            };
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
        let names = union(
            self.o.metrics.values().filter(|m| uses(m)).map(|m| &m.name),
            self.n.metrics.values().filter(|m| uses(m)).map(|m| &m.name),
        );
        names
    }

    fn journey(&mut self, name: &str) {
        let item = Item::Journey(name.to_string());
        let (o, n) = match (self.o.journeys.get(name), self.n.journeys.get(name)) {
            (Some(o), Some(n)) => (o, n),
            (None, Some(n)) => {
                let at = self.at_new(n.span);
                self.whole(
                    Some(name),
                    item,
                    Category::Added,
                    Some(Effect::Tightened),
                    at,
                );
                return;
            }
            (Some(o), None) => {
                let at = self.at_old(o.span);
                self.whole(
                    Some(name),
                    item,
                    Category::Removed,
                    Some(Effect::Loosened),
                    at,
                );
                return;
            }
            (None, None) => return,
        };
        let at = self.at_new(n.span);
        self.renamed(&self.renames.journeys, Some(name), item.clone(), at.clone());
        let f = |category, field: &str| Field {
            journey: Some(name),
            item: item.clone(),
            category,
            field: field.to_string(),
        };
        self.field(
            f(Category::Description, "title"),
            opt(o.title.as_deref()),
            opt(n.title.as_deref()),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Description, "description"),
            opt(o.description.as_deref()),
            opt(n.description.as_deref()),
            None,
            vec![],
            at.clone(),
        );
        if o.tier != n.tier {
            let effect = if n.tier > o.tier {
                Effect::Tightened
            } else {
                Effect::Loosened
            };
            // The new value names the policies the new tier switches on.
            let new_tier = self.tier_text(n.tier);
            self.field(
                f(Category::Tier, "tier"),
                tier_word(o.tier),
                new_tier,
                Some(effect),
                vec![],
                at.clone(),
            );
        }
        self.field(
            f(Category::Description, "steps"),
            list(&o.steps),
            list(&n.steps),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Owner, "security owner"),
            opt(o.security_owner.as_deref()),
            opt(n.security_owner.as_deref()),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Owner, "product owner"),
            opt(o.product_owner.as_deref()),
            opt(n.product_owner.as_deref()),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Cohort, "cohorts"),
            list(&o.cohorts),
            list(&n.cohorts),
            None,
            vec![],
            at.clone(),
        );
        let floor = |j: &Journey, s: &Scorecard| j.min_sample.unwrap_or(s.settings.min_sample);
        self.field(
            f(Category::Threshold, "min_sample"),
            o.min_sample.map_or("none".into(), |m| m.to_string()),
            n.min_sample.map_or("none".into(), |m| m.to_string()),
            // A scorecard default that moves under an unset journey value is
            // reported once, on the scorecard.
            if o.min_sample == n.min_sample {
                None
            } else {
                classify::min_sample(floor(o, self.o), floor(n, self.n))
            },
            vec![],
            at,
        );
        let cohorts_changed = o.cohorts != n.cohorts;
        for metric in union(o.metrics.iter(), n.metrics.iter()) {
            self.metric(name, &metric, cohorts_changed);
        }
        for pair in union(o.pairs.iter(), n.pairs.iter()) {
            self.pair(name, &pair);
        }
        for change in union(o.changes.iter(), n.changes.iter()) {
            self.control_change(name, &change);
        }
    }

    /// The tier with the policies it switches on: `high (min_sample 300,
    /// require device_type, severity critical, sign-off security, product)`.
    fn tier_text(&self, tier: Tier) -> String {
        let Some(p) = self.n.tiers.get(&tier) else {
            return tier_word(tier);
        };
        let mut parts = Vec::new();
        if let Some(m) = p.min_sample {
            parts.push(format!("min_sample {m}"));
        }
        if !p.required_cohorts.is_empty() {
            parts.push(format!("require {}", list(&p.required_cohorts)));
        }
        if let Some(s) = p.severity {
            parts.push(format!("severity {}", severity_word(s)));
        }
        if !p.sign_off.is_empty() {
            let roles: Vec<&str> = p.sign_off.iter().map(|r| role_word(*r)).collect();
            parts.push(format!("sign-off {}", list(&roles)));
        }
        if parts.is_empty() {
            tier_word(tier)
        } else {
            format!("{} ({})", tier.as_str(), parts.join(", "))
        }
    }

    fn metric(&mut self, journey: &str, name: &str, cohorts_changed: bool) {
        let item = Item::Metric(name.to_string());
        let (o, n) = match (self.o.metrics.get(name), self.n.metrics.get(name)) {
            (Some(o), Some(n)) => (o, n),
            (None, Some(n)) if n.journey == journey => {
                let at = self.at_new(n.span);
                self.whole(Some(journey), item, Category::Added, None, at);
                return;
            }
            (Some(o), None) if o.journey == journey => {
                let at = self.at_removed(journey, o.span);
                self.whole(Some(journey), item, Category::Removed, None, at);
                return;
            }
            _ => return,
        };
        // A metric that moved is reported under its new journey.
        if n.journey != journey {
            return;
        }
        let at = self.at_new(n.span);
        self.renamed(
            &self.renames.metrics,
            Some(journey),
            item.clone(),
            at.clone(),
        );
        let f = |category, field: &str| Field {
            journey: Some(journey),
            item: item.clone(),
            category,
            field: field.to_string(),
        };
        let me = vec![name.to_string()];
        self.field(
            f(Category::Interpretation, "journey"),
            o.journey.clone(),
            n.journey.clone(),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Interpretation, "side"),
            side_word(o.side).into(),
            side_word(n.side).into(),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Interpretation, "good"),
            good_word(o.good).into(),
            good_word(n.good).into(),
            None,
            vec![],
            at.clone(),
        );
        for (category, field, old, new) in kind_changes(&o.kind, &n.kind) {
            self.field(f(category, &field), old, new, None, me.clone(), at.clone());
        }
        self.field(
            f(Category::Interpretation, "unit"),
            opt(o.unit.as_deref()),
            opt(n.unit.as_deref()),
            None,
            vec![],
            at.clone(),
        );
        self.field(
            f(Category::Description, "description"),
            opt(o.description.as_deref()),
            opt(n.description.as_deref()),
            None,
            vec![],
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

/// Sources a metric reads.
pub(super) fn sources_of(m: &Metric) -> Vec<String> {
    let mut out = Vec::new();
    let unit = |u: &Unit, out: &mut Vec<String>| {
        out.push(u.source.clone());
        if let Some(f) = &u.followed_by {
            out.push(f.source.clone());
        }
    };
    match &m.kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => unit(u, &mut out),
        MetricKind::Rate {
            numerator,
            denominator,
        } => {
            unit(numerator, &mut out);
            unit(denominator, &mut out);
        }
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            out.push(s.from_source.clone());
            out.push(s.to_source.clone());
        }
        MetricKind::Derived(_) => {}
    }
    if let Some(a) = &m.attribution {
        out.push(a.source.clone());
    }
    out
}

/// Events a metric reads.
pub(super) fn events_of(m: &Metric) -> Vec<String> {
    let mut out = Vec::new();
    let unit = |u: &Unit, out: &mut Vec<String>| {
        out.push(u.event.clone());
        if let Some(f) = &u.followed_by {
            out.push(f.event.clone());
        }
    };
    match &m.kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => unit(u, &mut out),
        MetricKind::Rate {
            numerator,
            denominator,
        } => {
            unit(numerator, &mut out);
            unit(denominator, &mut out);
        }
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            out.push(s.from.clone());
            out.push(s.to.clone());
        }
        MetricKind::Derived(_) => {}
    }
    if let Some(a) = &m.attribution {
        out.push(a.event.clone());
    }
    out
}

/// Removing members of a requirement loosens it, adding tightens.
fn set_effect<S: PartialEq>(old: &[S], new: &[S]) -> Option<Effect> {
    let removed = old.iter().any(|x| !new.contains(x));
    let added = new.iter().any(|x| !old.contains(x));
    match (removed, added) {
        (false, false) => None,
        (true, false) => Some(Effect::Loosened),
        (false, true) => Some(Effect::Tightened),
        (true, true) => Some(Effect::Changed),
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Warn => "warn",
        Severity::Critical => "critical",
    }
}

pub(super) fn role_word(r: Role) -> &'static str {
    match r {
        Role::Security => "security",
        Role::Product => "product",
    }
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
