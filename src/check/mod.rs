//! Checking: the syntax trees of all files become one validated model.
//!
//! This is the only code that builds a [`model::Scorecard`]. It resolves
//! every name, parses every SQL fragment, checks metrics, pairs and
//! thresholds, resolves framework mappings and runs the lints. Every
//! problem of a run is collected; a model is returned only without errors.

mod lints;
mod metrics;
mod pairs;
pub mod sql;

use indexmap::IndexMap;

use crate::catalog::Catalogs;
use crate::codes;
use crate::diagnostic::{self, Diagnostic, did_you_mean};
use crate::load::Loaded;
use crate::model::{self, Grain, Role, Severity, Tier, WeekStart};
use crate::span::Span;
use crate::syntax::ast::{self, Duration};

/// Options for a check.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Report warnings as errors.
    pub deny_warnings: bool,
}

/// The result of checking a scorecard.
#[derive(Debug, Default)]
pub struct Checked {
    /// The model, when there are no errors.
    pub model: Option<model::Scorecard>,
    /// Every finding, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks a loaded scorecard against the built-in catalogs and the user
/// catalogs it names.
pub fn check(loaded: &Loaded, options: Options) -> Checked {
    let mut diagnostics = loaded.diagnostics.clone();
    let mut catalogs = Catalogs::builtin();
    for catalog in &loaded.catalogs {
        let file = loaded.sources.get(catalog.file);
        if let Err((code, message)) = catalogs.try_add_user(&file.text) {
            diagnostics.push(
                Diagnostic::new(
                    code,
                    format!("`{}` is not a usable catalog: {message}", file.name),
                )
                .at(catalog.declared_at),
            );
        }
    }
    let catalog_failed = diagnostics
        .iter()
        .any(|d| d.code == codes::BAD_CATALOG || d.code == codes::DUPLICATE_CATALOG);
    let mut cx = Cx::new(&catalogs);
    cx.catalog_failed = catalog_failed;
    let merged = merge(loaded);
    let model = cx.scorecard(&merged);
    // Lints judge a complete scorecard: after an error, items are missing
    // from the model and lints such as unused-metric would only add noise.
    let failed = diagnostics
        .iter()
        .chain(&cx.diagnostics)
        .any(Diagnostic::is_error);
    if !failed {
        lints::run(&mut cx, &merged, model.as_ref());
    }
    diagnostics.append(&mut cx.diagnostics);
    if options.deny_warnings {
        for d in &mut diagnostics {
            d.severity = diagnostic::Severity::Error;
        }
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        model: if failed { None } else { model },
        diagnostics,
    }
}

/// All files' declarations, in load order.
#[derive(Default)]
pub(crate) struct Merged<'a> {
    pub(crate) header: Option<&'a ast::Header>,
    pub(crate) tiers: Vec<&'a ast::TierPolicy>,
    pub(crate) sources: Vec<&'a ast::Source>,
    pub(crate) events: Vec<&'a ast::Event>,
    pub(crate) journeys: Vec<&'a ast::Journey>,
}

fn merge(loaded: &Loaded) -> Merged<'_> {
    let mut merged = Merged::default();
    for (_, doc) in &loaded.documents {
        if merged.header.is_none() {
            merged.header = doc.header.as_ref();
        }
        merged.tiers.extend(&doc.tiers);
        merged.sources.extend(&doc.sources);
        merged.events.extend(&doc.events);
        merged.journeys.extend(&doc.journeys);
    }
    merged
}

/// Checking context: the catalogs and the findings so far.
pub(crate) struct Cx<'c> {
    pub(crate) catalogs: &'c Catalogs,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Names declared with errors: references to them are not reported again.
    pub(crate) broken: std::collections::BTreeSet<String>,
    /// A user catalog failed to load, so unknown frameworks may be its own.
    pub(crate) catalog_failed: bool,
}

impl<'c> Cx<'c> {
    fn new(catalogs: &'c Catalogs) -> Cx<'c> {
        Cx {
            catalogs,
            diagnostics: Vec::new(),
            broken: std::collections::BTreeSet::new(),
            catalog_failed: false,
        }
    }

    pub(crate) fn error(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn scorecard(&mut self, m: &Merged<'_>) -> Option<model::Scorecard> {
        let header = m.header?;
        let settings = self.settings(&header.defaults);
        let tiers = self.tiers(&m.tiers);
        let sources = self.sources(&m.sources);
        let events = self.events(&m.events, &sources);
        let mut journeys = IndexMap::new();
        let mut metrics = IndexMap::new();
        let mut pairs = IndexMap::new();
        let mut changes = IndexMap::new();
        self.unique("journey", m.journeys.iter().map(|j| &j.name));
        let all_metrics = m
            .journeys
            .iter()
            .flat_map(|j| j.metrics.iter().map(move |x| (*j, x)));
        self.unique("metric", all_metrics.clone().map(|(_, x)| &x.name));
        self.unique(
            "pair",
            m.journeys
                .iter()
                .flat_map(|j| j.pairs.iter().map(|p| &p.name)),
        );
        self.unique(
            "control change",
            m.journeys
                .iter()
                .flat_map(|j| j.changes.iter().map(|c| &c.name)),
        );
        let scope = metrics::Scope {
            settings: &settings,
            sources: &sources,
            events: &events,
            journeys: &m.journeys,
        };
        for journey in &m.journeys {
            if journeys.contains_key(&journey.name.node) {
                continue;
            }
            let built = self.journey(journey, &scope);
            for metric in &journey.metrics {
                if metrics.contains_key(&metric.name.node) {
                    continue;
                }
                if let Some(x) = self.metric(journey, metric, &scope) {
                    metrics.insert(x.name.clone(), x);
                }
            }
            journeys.insert(built.name.clone(), built);
        }
        self.derived_cycles(&m.journeys);
        for journey in &m.journeys {
            let Some(built) = journeys.get(&journey.name.node) else {
                continue;
            };
            let tier = tiers.get(&built.tier).cloned();
            for pair in &journey.pairs {
                if pairs.contains_key(&pair.name.node) {
                    continue;
                }
                if let Some(p) = self.pair(journey, pair, &metrics, &settings, tier.as_ref()) {
                    pairs.insert(p.name.clone(), p);
                }
            }
            for change in &journey.changes {
                if changes.contains_key(&change.name.node) {
                    continue;
                }
                if let Some(c) = self.change(journey, change, &journeys, &metrics) {
                    changes.insert(c.name.clone(), c);
                }
            }
        }
        // Each journey lists its members in declaration order.
        for metric in metrics.values() {
            if let Some(j) = journeys.get_mut(&metric.journey) {
                j.metrics.push(metric.name.clone());
            }
        }
        for pair in pairs.values() {
            if let Some(j) = journeys.get_mut(&pair.journey) {
                j.pairs.push(pair.name.clone());
            }
        }
        for change in changes.values() {
            if let Some(j) = change
                .journeys
                .first()
                .and_then(|name| journeys.get_mut(name))
            {
                j.changes.push(change.name.clone());
            }
        }
        Some(model::Scorecard {
            name: header.name.node.clone(),
            title: header.title.as_ref().map(|t| t.node.clone()),
            description: header.description.as_ref().map(|t| t.node.clone()),
            settings,
            tiers,
            sources,
            events,
            journeys,
            metrics,
            pairs,
            changes,
        })
    }

    fn settings(&mut self, d: &ast::Defaults) -> model::Settings {
        use crate::syntax::yaml::shape;
        if let Some(x) = &d.dialect {
            self.word(x, shape::DIALECTS, "dialect", codes::INVALID_VALUE);
        }
        if let Some(x) = &d.grain {
            self.word(x, shape::GRAINS, "grain", codes::INVALID_VALUE);
        }
        if let Some(x) = &d.week_start {
            self.word(x, shape::WEEK_STARTS, "week start", codes::INVALID_VALUE);
        }
        let timezone = d
            .timezone
            .as_ref()
            .map_or_else(|| "UTC".to_string(), |tz| tz.node.clone());
        if let Some(tz) = &d.timezone
            && jiff::tz::TimeZone::get(&tz.node).is_err()
        {
            let names = jiff::tz::db()
                .available()
                .map(|n| n.to_string())
                .collect::<Vec<_>>();
            self.error(
                Diagnostic::new(
                    codes::BAD_TIMEZONE,
                    format!("unknown time zone `{}`", tz.node),
                )
                .at(tz.span)
                .with_help(
                    did_you_mean(&tz.node, names.iter().map(String::as_str)).unwrap_or_else(|| {
                        "use an IANA name such as `UTC` or `Europe/Berlin`".to_string()
                    }),
                ),
            );
        }
        model::Settings {
            dialect: d
                .dialect
                .as_ref()
                .map_or_else(|| "duckdb".to_string(), |x| x.node.clone()),
            grain: match d.grain.as_ref().map(|g| g.node.as_str()) {
                Some("hour") => Grain::Hour,
                Some("week") => Grain::Week,
                Some("month") => Grain::Month,
                _ => Grain::Day,
            },
            timezone,
            min_sample: d.min_sample.as_ref().map_or(0, |m| m.node),
            week_start: match d.week_start.as_ref().map(|w| w.node.as_str()) {
                Some("sunday") => WeekStart::Sunday,
                _ => WeekStart::Monday,
            },
            dedupe_lookback: d
                .dedupe_lookback
                .as_ref()
                .map_or(Duration::days(1), |x| x.node),
            attribution_lookback: d
                .attribution_lookback
                .as_ref()
                .map_or(Duration::days(90), |x| x.node),
            rollups: d.rollups.as_ref().is_some_and(|r| r.node),
        }
    }

    fn tiers(&mut self, declared: &[&ast::TierPolicy]) -> IndexMap<Tier, model::TierPolicy> {
        let mut tiers: IndexMap<Tier, model::TierPolicy> = Tier::ALL
            .into_iter()
            .map(|t| {
                (
                    t,
                    model::TierPolicy {
                        min_sample: None,
                        required_cohorts: Vec::new(),
                        severity: None,
                        sign_off: Vec::new(),
                        span: None,
                    },
                )
            })
            .collect();
        let mut seen: Vec<&ast::Name> = Vec::new();
        use crate::syntax::yaml::shape;
        for policy in declared {
            if let Some(sev) = &policy.severity {
                self.word(sev, shape::SEVERITIES, "severity", codes::INVALID_VALUE);
            }
            for role in &policy.sign_off {
                self.word(role, shape::ROLES, "owner role", codes::INVALID_VALUE);
            }
            if !self.word(&policy.tier, shape::TIERS, "tier", codes::UNKNOWN_TIER) {
                continue;
            }
            let Some(tier) = Tier::parse(&policy.tier.node) else {
                continue;
            };
            if let Some(first) = seen.iter().find(|n| n.node == policy.tier.node) {
                self.duplicate("tier policy", &policy.tier, first.span);
                continue;
            }
            seen.push(&policy.tier);
            tiers.insert(
                tier,
                model::TierPolicy {
                    min_sample: policy.min_sample.as_ref().map(|m| m.node),
                    required_cohorts: policy
                        .required_cohorts
                        .iter()
                        .map(|c| c.node.clone())
                        .collect(),
                    severity: policy.severity.as_ref().map(|s| severity(&s.node)),
                    sign_off: policy
                        .sign_off
                        .iter()
                        .map(|r| {
                            if r.node == "security" {
                                Role::Security
                            } else {
                                Role::Product
                            }
                        })
                        .collect(),
                    span: Some(policy.span),
                },
            );
        }
        tiers
    }

    fn sources(&mut self, declared: &[&ast::Source]) -> IndexMap<String, model::Source> {
        self.unique("source", declared.iter().map(|s| &s.name));
        let mut out = IndexMap::new();
        for s in declared {
            if out.contains_key(&s.name.node) {
                continue;
            }
            self.require(
                &s.table,
                "source",
                &s.name,
                "table",
                "the table or view, e.g. `analytics.auth_events`",
            );
            self.require(
                &s.timestamp,
                "source",
                &s.name,
                "timestamp",
                "the timestamp column",
            );
            let columns: IndexMap<String, String> = s
                .columns
                .iter()
                .map(|c| (c.name.node.clone(), c.ty.node.clone()))
                .collect();
            for column in &s.columns {
                let base = column.ty.node.split('(').next().unwrap_or("").trim();
                if !crate::syntax::yaml::shape::COLUMN_TYPES.contains(&base) {
                    self.error(
                        Diagnostic::new(
                            codes::INVALID_VALUE,
                            format!("unknown column type `{}`", column.ty.node),
                        )
                        .at(column.ty.span)
                        .with_help_opt(did_you_mean(
                            base,
                            crate::syntax::yaml::shape::COLUMN_TYPES.iter().copied(),
                        ))
                        .with_note(format!(
                            "column types: {}",
                            crate::syntax::yaml::shape::COLUMN_TYPES.join(", ")
                        )),
                    );
                }
            }
            let require = |cx: &mut Self, name: &Option<ast::Name>, role: &str| {
                if let Some(n) = name {
                    cx.column_exists(&columns, &n.node, n.span, &s.name.node, role);
                }
            };
            require(self, &s.timestamp, "timestamp");
            require(self, &s.entity, "entity");
            require(self, &s.session, "session");
            require(self, &s.dedupe_by, "dedupe key");
            require(self, &s.dedupe_order, "dedupe order");
            if s.dedupe_order.is_some() && s.dedupe_by.is_none() {
                self.error(
                    Diagnostic::new(
                        codes::MISSING_KEY,
                        format!(
                            "source `{}` has a dedupe order but no dedupe key",
                            s.name.node
                        ),
                    )
                    .at(s.dedupe_order.as_ref().map_or(s.span, |d| d.span))
                    .with_help("add `dedupe_by`, or remove `dedupe_order`"),
                );
            }
            let mut dimensions = IndexMap::new();
            for dim in &s.dimensions {
                if dimensions.contains_key(&dim.name.node) {
                    self.error(
                        Diagnostic::new(
                            codes::DUPLICATE_NAME,
                            format!("dimension `{}` is declared twice", dim.name.node),
                        )
                        .at(dim.name.span),
                    );
                    continue;
                }
                let expr = match &dim.expr {
                    Some(text) => self.fragment(text, &columns, &s.name.node),
                    None => {
                        self.column_exists(
                            &columns,
                            &dim.name.node,
                            dim.name.span,
                            &s.name.node,
                            "dimension",
                        );
                        None
                    }
                };
                dimensions.insert(
                    dim.name.node.clone(),
                    model::Dimension {
                        name: dim.name.node.clone(),
                        expr,
                    },
                );
            }
            let filter = s
                .filter
                .as_ref()
                .and_then(|f| self.fragment(f, &columns, &s.name.node));
            let bounds = |b: &Option<ast::Bounds>| model::Bounds {
                warn: b.as_ref().and_then(|b| b.warn.clone()),
                critical: b.as_ref().and_then(|b| b.critical.clone()),
            };
            let integrity = model::Integrity {
                freshness: bounds(&s.integrity.freshness),
                volume: bounds(&s.integrity.volume),
                duplicates: bounds(&s.integrity.duplicates),
            };
            self.integrity_units(s);
            // A source missing its table or timestamp was reported by the
            // front-end; keep it so references to it do not cascade.
            let table = s.table.as_ref().map(|t| t.node.clone()).unwrap_or_default();
            let timestamp = s
                .timestamp
                .as_ref()
                .map(|t| t.node.clone())
                .unwrap_or_default();
            out.insert(
                s.name.node.clone(),
                model::Source {
                    name: s.name.node.clone(),
                    table,
                    timestamp,
                    entity: s.entity.as_ref().map(|e| e.node.clone()),
                    session: s.session.as_ref().map(|e| e.node.clone()),
                    dedupe_by: s.dedupe_by.as_ref().map(|e| e.node.clone()),
                    dedupe_order: s.dedupe_order.as_ref().map(|e| e.node.clone()),
                    dimensions,
                    columns,
                    filter,
                    integrity,
                    span: s.span,
                },
            );
        }
        out
    }

    /// Integrity bounds: freshness in durations, duplicates as a share,
    /// volume relative to its baseline or as a count.
    fn integrity_units(&mut self, s: &ast::Source) {
        let checks = [
            (
                "freshness",
                &s.integrity.freshness,
                pairs::Measure::Duration,
            ),
            ("volume", &s.integrity.volume, pairs::Measure::Count),
            (
                "duplicates",
                &s.integrity.duplicates,
                pairs::Measure::Fraction,
            ),
        ];
        for (what, bounds, measure) in checks {
            let Some(bounds) = bounds else { continue };
            for t in [&bounds.warn, &bounds.critical].into_iter().flatten() {
                pairs::check_units(
                    self,
                    t,
                    measure,
                    &format!("the {what} check of `{}`", s.name.node),
                );
            }
        }
    }

    fn events(
        &mut self,
        declared: &[&ast::Event],
        sources: &IndexMap<String, model::Source>,
    ) -> IndexMap<String, model::Event> {
        self.unique("event", declared.iter().map(|e| &e.name));
        let mut out = IndexMap::new();
        for e in declared {
            if out.contains_key(&e.name.node) {
                continue;
            }
            self.require(
                &e.source,
                "event",
                &e.name,
                "source",
                "the source the event reads",
            );
            let source = e
                .source
                .as_ref()
                .and_then(|name| self.source_ref(name, sources));
            let Some(source) = source else {
                // Reported already; remember the name so uses do not cascade.
                self.broken.insert(e.name.node.clone());
                continue;
            };
            let filter = e
                .filter
                .as_ref()
                .and_then(|f| self.fragment(f, &source.columns, &source.name));
            out.insert(
                e.name.node.clone(),
                model::Event {
                    name: e.name.node.clone(),
                    source: source.name.clone(),
                    filter,
                    description: e.description.as_ref().map(|d| d.node.clone()),
                    span: e.span,
                },
            );
        }
        out
    }

    fn journey(&mut self, j: &ast::Journey, scope: &metrics::Scope<'_>) -> model::Journey {
        self.require(
            &j.tier,
            "journey",
            &j.name,
            "tier",
            "low, medium, high or critical",
        );
        if let Some(t) = &j.tier {
            self.word(
                t,
                crate::syntax::yaml::shape::TIERS,
                "tier",
                codes::UNKNOWN_TIER,
            );
        }
        for step in &j.steps {
            self.event_ref(step, scope.events);
        }
        let known_dimensions: Vec<&str> = scope
            .sources
            .values()
            .flat_map(|s| s.dimensions.keys().map(String::as_str))
            .collect();
        let mut cohorts: Vec<String> = Vec::new();
        for cohort in &j.cohorts {
            if cohorts.contains(&cohort.node) {
                self.error(
                    Diagnostic::new(
                        codes::DUPLICATE_NAME,
                        format!("cohort `{}` is listed twice", cohort.node),
                    )
                    .at(cohort.span),
                );
                continue;
            }
            if !known_dimensions.contains(&cohort.node.as_str()) {
                self.error(
                    Diagnostic::new(
                        codes::UNKNOWN_DIMENSION,
                        format!("no source declares the dimension `{}`", cohort.node),
                    )
                    .at(cohort.span)
                    .with_help_opt(did_you_mean(&cohort.node, known_dimensions.iter().copied())),
                );
            }
            cohorts.push(cohort.node.clone());
        }
        model::Journey {
            name: j.name.node.clone(),
            title: j.title.as_ref().map(|t| t.node.clone()),
            description: j.description.as_ref().map(|t| t.node.clone()),
            tier: j
                .tier
                .as_ref()
                .and_then(|t| Tier::parse(&t.node))
                .unwrap_or(Tier::Medium),
            steps: j.steps.iter().map(|s| s.node.clone()).collect(),
            security_owner: j.security_owner.as_ref().map(|o| o.node.clone()),
            product_owner: j.product_owner.as_ref().map(|o| o.node.clone()),
            cohorts,
            min_sample: j.min_sample.as_ref().map(|m| m.node),
            metrics: Vec::new(),
            pairs: Vec::new(),
            changes: Vec::new(),
            span: j.span,
        }
    }

    // --- Shared helpers ----------------------------------------------------

    /// Checks that a word is one of `words`; both syntaxes read words as
    /// text and rely on this.
    pub(crate) fn word(
        &mut self,
        name: &ast::Name,
        words: &[&str],
        what: &str,
        code: codes::Code,
    ) -> bool {
        if words.contains(&name.node.as_str()) {
            return true;
        }
        let help = did_you_mean(&name.node, words.iter().copied()).unwrap_or_else(|| {
            format!(
                "a {what} is one of {}",
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        self.error(
            Diagnostic::new(code, format!("unknown {what} `{}`", name.node))
                .at(name.span)
                .with_help(help),
        );
        false
    }

    /// Reports a required field that a declaration lacks.
    pub(crate) fn require<T>(
        &mut self,
        field: &Option<T>,
        what: &str,
        name: &ast::Name,
        key: &str,
        hint: &str,
    ) {
        if field.is_none() {
            self.error(
                Diagnostic::new(
                    codes::MISSING_KEY,
                    format!("{what} `{}` has no `{key}`", name.node),
                )
                .at(name.span)
                .with_help(format!("add `{key}`: {hint}")),
            );
        }
    }

    /// Reports every name declared more than once.
    fn unique<'n>(&mut self, what: &str, names: impl Iterator<Item = &'n ast::Name>) {
        let mut seen: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
        for name in names {
            match seen.get(name.node.as_str()) {
                Some(&first) => {
                    self.duplicate(what, name, first);
                    self.broken.insert(name.node.clone());
                }
                None => {
                    seen.insert(name.node.as_str(), name.span);
                }
            }
        }
    }

    fn duplicate(&mut self, what: &str, name: &ast::Name, first: Span) {
        self.error(
            Diagnostic::new(
                codes::DUPLICATE_NAME,
                format!("{what} `{}` is declared twice", name.node),
            )
            .at_labelled(name.span, "declared again here")
            .with_label(first, "first declared here")
            .with_help(format!(
                "{what} names are unique across all files of a scorecard"
            )),
        );
    }

    pub(crate) fn source_ref<'s>(
        &mut self,
        name: &ast::Name,
        sources: &'s IndexMap<String, model::Source>,
    ) -> Option<&'s model::Source> {
        let found = sources.get(&name.node);
        if found.is_none() {
            self.error(
                Diagnostic::new(
                    codes::UNKNOWN_SOURCE,
                    format!("unknown source `{}`", name.node),
                )
                .at(name.span)
                .with_help_opt(did_you_mean(&name.node, sources.keys().map(String::as_str))),
            );
        }
        found
    }

    pub(crate) fn event_ref<'s>(
        &mut self,
        name: &ast::Name,
        events: &'s IndexMap<String, model::Event>,
    ) -> Option<&'s model::Event> {
        let found = events.get(&name.node);
        if found.is_none() && !self.broken.contains(&name.node) {
            self.error(
                Diagnostic::new(
                    codes::UNKNOWN_EVENT,
                    format!("unknown event `{}`", name.node),
                )
                .at(name.span)
                .with_help_opt(did_you_mean(&name.node, events.keys().map(String::as_str))),
            );
        }
        found
    }

    /// Parses a SQL fragment and checks its columns against a declared schema.
    pub(crate) fn fragment(
        &mut self,
        text: &ast::SqlText,
        columns: &IndexMap<String, String>,
        source: &str,
    ) -> Option<sqlparser::ast::Expr> {
        match sql::parse_expr(text) {
            Ok(expr) => {
                if !columns.is_empty() {
                    for column in sql::columns(&expr) {
                        if !columns.contains_key(&column) {
                            let at = find_word(&text.text, &column).unwrap_or(0);
                            self.error(
                                Diagnostic::new(
                                    codes::UNKNOWN_COLUMN,
                                    format!("source `{source}` declares no column `{column}`"),
                                )
                                .at(text.span_of(at..at + column.len()))
                                .with_help_opt(did_you_mean(
                                    &column,
                                    columns.keys().map(String::as_str),
                                )),
                            );
                        }
                    }
                }
                Some(expr)
            }
            Err(d) => {
                self.error(d);
                None
            }
        }
    }

    fn column_exists(
        &mut self,
        columns: &IndexMap<String, String>,
        column: &str,
        span: Span,
        source: &str,
        role: &str,
    ) {
        if !columns.is_empty() && !columns.contains_key(column) {
            self.error(
                Diagnostic::new(
                    codes::UNKNOWN_COLUMN,
                    format!("the {role} column `{column}` is not in the columns of `{source}`"),
                )
                .at(span)
                .with_help_opt(did_you_mean(column, columns.keys().map(String::as_str))),
            );
        }
    }
}

pub(crate) fn severity(word: &str) -> Severity {
    if word == "critical" {
        Severity::Critical
    } else {
        Severity::Warn
    }
}

/// Byte offset of `word` as a whole word in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let end = i + word.len();
        let after =
            end >= bytes.len() || !(bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_');
        before && after
    })
}
