//! Checking: the syntax trees of all files become one validated model.
//!
//! This is the only code that builds a [`model::Scorecard`]. It resolves
//! every name, parses every SQL fragment, checks metrics, pairs and
//! thresholds, resolves framework mappings and runs the lints. Every
//! problem of a run is collected; a model is returned only without errors.

mod decls;
mod lints;
mod metrics;
mod pairs;
pub mod sql;

use indexmap::IndexMap;

use crate::catalog::Catalogs;
use crate::codes;
use crate::diagnostic::{self, Diagnostic, did_you_mean};
use crate::load::Loaded;
use crate::model::{self, Severity};
use crate::span::Span;
use crate::syntax::ast;

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
    check_with(loaded, options, Catalogs::builtin())
}

/// Checks with built-in catalogs that the caller already read (the CLI
/// reads them while it loads the scorecard).
pub fn check_with(loaded: &Loaded, options: Options, builtin: Catalogs) -> Checked {
    let mut diagnostics = loaded.diagnostics.clone();
    let mut catalogs = builtin;
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
    lints::check_allows(&mut cx, &merged);
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
    /// Framework references resolved so far: framework, ID and title, or
    /// the error's code, message and help.
    pub(crate) resolved: std::collections::HashMap<String, Resolution>,
}

/// The outcome of resolving one framework reference.
pub(crate) type Resolution =
    Result<(String, String, String), (codes::Code, String, Option<String>)>;

impl<'c> Cx<'c> {
    fn new(catalogs: &'c Catalogs) -> Cx<'c> {
        Cx {
            catalogs,
            diagnostics: Vec::new(),
            broken: std::collections::BTreeSet::new(),
            catalog_failed: false,
            resolved: std::collections::HashMap::new(),
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
        // Sized up front: a large scorecard's metrics run to tens of MB,
        // and growing them by doubling would copy them four times.
        let count = |f: fn(&ast::Journey) -> usize| m.journeys.iter().map(|j| f(j)).sum();
        let mut journeys = IndexMap::with_capacity(m.journeys.len());
        let mut metrics = IndexMap::with_capacity(count(|j| j.metrics.len()));
        let mut pairs = IndexMap::with_capacity(count(|j| j.pairs.len()));
        let mut changes = IndexMap::with_capacity(count(|j| j.changes.len()));
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
        metrics::derived_cohorts(&mut metrics);
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

    /// Looks up a declared name; reports an unknown one with a did-you-mean.
    pub(crate) fn lookup<'s, T>(
        &mut self,
        code: codes::Code,
        what: &str,
        name: &ast::Name,
        declared: &'s IndexMap<String, T>,
    ) -> Option<&'s T> {
        let found = declared.get(&name.node);
        if found.is_none() && !self.broken.contains(&name.node) {
            self.error(
                Diagnostic::new(code, format!("unknown {what} `{}`", name.node))
                    .at(name.span)
                    .with_help_opt(did_you_mean(
                        &name.node,
                        declared.keys().map(String::as_str),
                    )),
            );
        }
        found
    }

    pub(crate) fn source_ref<'s>(
        &mut self,
        name: &ast::Name,
        sources: &'s IndexMap<String, model::Source>,
    ) -> Option<&'s model::Source> {
        self.lookup(codes::UNKNOWN_SOURCE, "source", name, sources)
    }

    pub(crate) fn event_ref<'s>(
        &mut self,
        name: &ast::Name,
        events: &'s IndexMap<String, model::Event>,
    ) -> Option<&'s model::Event> {
        self.lookup(codes::UNKNOWN_EVENT, "event", name, events)
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
