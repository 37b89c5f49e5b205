//! Field-by-field comparison of two models: the scorecard's settings, tier
//! policies, sources and events, journeys and metrics. Pairs and control
//! changes are in `pairs.rs`.
//!
//! Renames are applied to the old model first, so every item is compared
//! with its counterpart by name; a renamed item is reported once as
//! renamed, then with whatever else changed.

use indexmap::IndexMap;

use super::canon::list;
use super::classify;
use super::refs::sources_of;
use super::renames::Renames;
use super::{Category, Change, Effect, Item, Location, Version, Which};
use crate::model::{Journey, Role, Scorecard, Severity, Tier, TierPolicy};
use crate::span::Span;

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

/// An optional value as text: the value, or `none`.
pub(super) fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| "none".to_string(), str::to_string)
}

fn tier_word(t: Tier) -> String {
    t.as_str().to_string()
}

/// A maker of [`Field`]s of one item: `f(Category::Signal, "where")`.
pub(super) fn fields<'s>(
    journey: Option<&'s str>,
    item: &'s Item,
) -> impl Fn(Category, &str) -> Field<'s> + 's {
    move |category, field| Field {
        journey,
        item: item.clone(),
        category,
        field: field.to_string(),
    }
}

impl<'a> Differ<'a> {
    /// Both versions of an item once it is in both (reporting a rename);
    /// an item in one version only is reported added or removed, with the
    /// effect that has, and `None` returned.
    pub(super) fn present<'m, T>(
        &mut self,
        (old, new): (Option<&'m T>, Option<&'m T>),
        journey: Option<&str>,
        item: &Item,
        span: impl Fn(&T) -> Span,
        renames: &IndexMap<String, String>,
        (added, removed): (Option<Effect>, Option<Effect>),
    ) -> Option<(&'m T, &'m T, Option<Location>)> {
        match (old, new) {
            (Some(o), Some(n)) => {
                let at = self.at_new(span(n));
                self.renamed(renames, journey, item.clone(), at.clone());
                Some((o, n, at))
            }
            (None, Some(n)) => {
                let at = self.at_new(span(n));
                self.whole(journey, item.clone(), Category::Added, added, at);
                None
            }
            (Some(o), None) => {
                let at = match journey {
                    Some(j) => self.at_removed(j, span(o)),
                    None => self.at_old(span(o)),
                };
                self.whole(journey, item.clone(), Category::Removed, removed, at);
                None
            }
            (None, None) => None,
        }
    }

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

    /// Records plain fields of one item (no effect, no broken history):
    /// `(category, field, old, new)`, each if it changed.
    pub(super) fn texts<'s, const N: usize>(
        &mut self,
        f: &impl Fn(Category, &str) -> Field<'s>,
        values: [(Category, &str, String, String); N],
        location: Option<Location>,
    ) {
        for (category, field, old, new) in values {
            self.field(f(category, field), old, new, None, vec![], location.clone());
        }
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
        let item = Item::Scorecard(n.name.clone());
        let f = fields(None, &item);
        let every: Vec<String> = n.metrics.keys().cloned().collect();
        self.texts(
            &f,
            [
                (
                    Category::Description,
                    "name",
                    o.name.clone(),
                    n.name.clone(),
                ),
                (
                    Category::Description,
                    "title",
                    opt(o.title.as_deref()),
                    opt(n.title.as_deref()),
                ),
                (
                    Category::Description,
                    "description",
                    opt(o.description.as_deref()),
                    opt(n.description.as_deref()),
                ),
                (
                    Category::Settings,
                    "dialect",
                    os.dialect.clone(),
                    ns.dialect.clone(),
                ),
            ],
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
            let item = Item::Tier(tier_word(tier));
            let g = fields(None, &item);
            let f = |field: &str| g(Category::Tier, field);
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

    fn journey(&mut self, name: &str) {
        let item = Item::Journey(name.to_string());
        let Some((o, n, at)) = self.present(
            (self.o.journeys.get(name), self.n.journeys.get(name)),
            Some(name),
            &item,
            |j: &Journey| j.span,
            &self.renames.journeys,
            (Some(Effect::Tightened), Some(Effect::Loosened)),
        ) else {
            return;
        };
        let f = fields(Some(name), &item);
        self.texts(
            &f,
            [
                (
                    Category::Description,
                    "title",
                    opt(o.title.as_deref()),
                    opt(n.title.as_deref()),
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
        self.texts(
            &f,
            [
                (
                    Category::Description,
                    "steps",
                    list(&o.steps),
                    list(&n.steps),
                ),
                (
                    Category::Owner,
                    "security owner",
                    opt(o.security_owner.as_deref()),
                    opt(n.security_owner.as_deref()),
                ),
                (
                    Category::Owner,
                    "product owner",
                    opt(o.product_owner.as_deref()),
                    opt(n.product_owner.as_deref()),
                ),
                (
                    Category::Cohort,
                    "cohorts",
                    list(&o.cohorts),
                    list(&n.cohorts),
                ),
            ],
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
