//! `scorec diff`: what a change to a scorecard means, found by comparing two
//! checked models rather than their text.
//!
//! A reformat or a YAML ⇄ DSL conversion changes text but not the model, so
//! it diffs as no semantic change. The stages, one file each:
//!
//! | file | owns |
//! |---|---|
//! | `renames.rs` | pairing removed and added items that are the same thing under a new name |
//! | `compare.rs` | the walk in reading order; settings, tier policies and journeys, field by field |
//! | `sources.rs` | sources and events (signal definitions, signal-integrity bounds) |
//! | `metrics.rs` | metrics: formula, side, good direction, min_sample, attribution, cohorts |
//! | `pairs.rs` | pairs (thresholds, cohort overrides, trade-offs, actions, mappings) and control changes |
//! | `refs.rs` | the events and sources a metric reads |
//! | `canon.rs` | span-free text of items, for rename detection and for old and new values |
//! | `classify.rs` | whether a threshold, min_sample or tier change is tightened or loosened |
//! | `reviewers.rs` | who must review, from the ownership split and the tier policies |
//! | `impact.rs` | which generated files change (SQL today; alert rules are another artifact set) and which metrics' history breaks |
//! | `render/` | text, Markdown, JSON and GitHub annotations |

mod canon;
pub mod classify;
mod compare;
pub mod impact;
mod metrics;
mod pairs;
mod refs;
mod renames;
pub mod render;
pub mod reviewers;
mod sources;

use std::path::Path;

use serde::Serialize;

use crate::model::Scorecard;
use crate::span::{SourceMap, Span};

pub use canon::strip_spans;
pub use impact::Impact;
pub use renames::RENAME_SIMILARITY;
pub use reviewers::Reviewer;

/// One side of a diff: a checked model and the files it was read from.
#[derive(Clone, Copy, Debug)]
pub struct Version<'a> {
    /// The checked model.
    pub model: &'a Scorecard,
    /// Its files, for locations.
    pub sources: &'a SourceMap,
    /// The folder of its root file, for the build's file headers.
    pub root: &'a Path,
}

/// Everything `scorec diff` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Semantic changes, in reading order: scorecard, tiers, sources and
    /// events, then journey by journey.
    pub changes: Vec<Change>,
    /// Generated files that change and metrics whose history breaks.
    pub impact: Impact,
    /// Who must review.
    pub reviewers: Vec<Reviewer>,
}

impl Report {
    /// Whether the two models mean the same thing.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many changes have an effect.
    pub fn count(&self, effect: Effect) -> usize {
        self.changes
            .iter()
            .filter(|c| c.effect == Some(effect))
            .count()
    }

    /// How many changes are signal changes.
    pub fn signal_changes(&self) -> usize {
        self.changes.iter().filter(|c| c.is_signal()).count()
    }
}

/// One semantic change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The journey it belongs to; `None` for scorecard-wide items (settings,
    /// tiers, sources, events).
    pub journey: Option<String>,
    /// The item that changed (its new name after a rename).
    pub item: Item,
    /// What kind of change.
    pub category: Category,
    /// For thresholds, min_sample, tiers and policies: tightened or loosened.
    pub effect: Option<Effect>,
    /// The changed field (`experience warn`, `numerator predicate`); empty
    /// for a whole item added, removed or renamed.
    pub field: String,
    /// The old value, as scorecard text.
    pub old: Option<String>,
    /// The new value, as scorecard text.
    pub new: Option<String>,
    /// Metrics whose time series this change makes incomparable.
    pub breaks_history: Vec<String>,
    /// Where to look: in the new version, or in the old one for removals.
    pub location: Option<Location>,
}

impl Change {
    /// Whether the change alters how a signal is measured.
    pub fn is_signal(&self) -> bool {
        matches!(self.category, Category::Signal | Category::Window)
    }
}

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Item {
    /// The scorecard's own fields and defaults.
    Scorecard(String),
    /// A tier policy.
    Tier(String),
    /// A source.
    Source(String),
    /// An event.
    Event(String),
    /// A journey.
    Journey(String),
    /// A metric.
    Metric(String),
    /// A pair.
    Pair(String),
    /// A control change.
    ControlChange(String),
}

impl Item {
    /// The kind's word (`metric`).
    pub fn kind(&self) -> &'static str {
        match self {
            Item::Scorecard(_) => "scorecard",
            Item::Tier(_) => "tier",
            Item::Source(_) => "source",
            Item::Event(_) => "event",
            Item::Journey(_) => "journey",
            Item::Metric(_) => "metric",
            Item::Pair(_) => "pair",
            Item::ControlChange(_) => "change",
        }
    }

    /// The item's name.
    pub fn name(&self) -> &str {
        match self {
            Item::Scorecard(n)
            | Item::Tier(n)
            | Item::Source(n)
            | Item::Event(n)
            | Item::Journey(n)
            | Item::Metric(n)
            | Item::Pair(n)
            | Item::ControlChange(n) => n,
        }
    }
}

/// The kind of a change; it decides who reviews it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// A whole item added.
    Added,
    /// A whole item removed.
    Removed,
    /// A whole item renamed (its definition the same or nearly).
    Renamed,
    /// How a signal is detected: events, predicates, sources, de-duplication,
    /// counted units, conditions, formulas.
    Signal,
    /// A time window of a signal: grain, time zone, followed-by and
    /// conversion windows, look-backs.
    Window,
    /// A warn or critical bound, min_sample, a trade-off rule.
    Threshold,
    /// The baseline a relative bound or trade-off compares with.
    Baseline,
    /// Cohort dimensions and cohort overrides.
    Cohort,
    /// Side, good direction, percentile, paired metric, control-change
    /// tracing: what a value means.
    Interpretation,
    /// A security or product owner.
    Owner,
    /// A pair's action.
    Action,
    /// A framework mapping added or removed.
    Mapping,
    /// A journey's tier, or a tier policy.
    Tier,
    /// Dialect, rollups and other outputs-only settings.
    Settings,
    /// Titles, descriptions, steps: text for people.
    Description,
}

impl Category {
    /// The category's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Added => "added",
            Category::Removed => "removed",
            Category::Renamed => "renamed",
            Category::Signal => "signal",
            Category::Window => "window",
            Category::Threshold => "threshold",
            Category::Baseline => "baseline",
            Category::Cohort => "cohort",
            Category::Interpretation => "interpretation",
            Category::Owner => "owner",
            Category::Action => "action",
            Category::Mapping => "mapping",
            Category::Tier => "tier",
            Category::Settings => "settings",
            Category::Description => "description",
        }
    }
}

/// Whether a change makes a breach more or less likely.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Breaches more often (a bound moved towards good values, a lower
    /// min_sample, a bound added).
    Tightened,
    /// Breaches less often (a bound moved towards bad values, a higher
    /// min_sample, a bound removed).
    Loosened,
    /// Neither: the two cannot be ordered (a bound reworked into another
    /// form, or moved both ways).
    Changed,
}

impl Effect {
    /// The effect's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Tightened => "tightened",
            Effect::Loosened => "loosened",
            Effect::Changed => "changed",
        }
    }
}

/// Which version a location is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// The old version.
    Old,
    /// The new version.
    New,
}

/// A place in one version's files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Which version.
    pub version: Which,
    /// File, as loaded.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Last line.
    pub end_line: usize,
}

impl Location {
    /// The location of a span in a version's files.
    pub fn of(sources: &SourceMap, span: Span, version: Which) -> Location {
        let file = sources.get(span.file);
        let (line, column) = file.line_col(span.start as usize);
        let (end_line, _) = file.line_col(span.end as usize);
        Location {
            version,
            file: file.name.clone(),
            line,
            column,
            end_line,
        }
    }
}

/// Compares two checked versions of a scorecard: semantic changes and
/// required reviewers. The impact on generated files is computed
/// separately ([`impact::compute`]), since it builds both versions.
pub fn diff(old: Version<'_>, new: Version<'_>) -> (Vec<Change>, Vec<Reviewer>) {
    let renames = renames::detect(old.model, new.model);
    let changes = compare::compare(old, new, &renames);
    let reviewers = reviewers::required(old.model, new.model, &changes);
    (changes, reviewers)
}

/// A condition under which `scorec diff --fail-on` fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    /// A loosened threshold, min_sample, tier or policy, or a removed pair.
    Loosened,
    /// A signal or signal-window change.
    Signal,
    /// Any semantic change.
    Any,
}

impl FailOn {
    /// The condition's word.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Loosened => "loosened",
            FailOn::Signal => "signal",
            FailOn::Any => "any",
        }
    }

    /// Whether `change` meets the condition.
    pub fn matches(self, change: &Change) -> bool {
        match self {
            FailOn::Loosened => change.effect == Some(Effect::Loosened),
            FailOn::Signal => change.is_signal(),
            FailOn::Any => true,
        }
    }
}

/// The changes that meet any of `conditions`, by index.
pub fn failing(changes: &[Change], conditions: &[FailOn]) -> Vec<usize> {
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| conditions.iter().any(|f| f.matches(c)))
        .map(|(i, _)| i)
        .collect()
}
