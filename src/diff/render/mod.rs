//! Rendering a diff report: text for a terminal (`text.rs`), Markdown for a
//! pull-request comment (`markdown.rs`), JSON for tools (`json.rs`) and
//! GitHub workflow annotations (`github.rs`). This file holds what they
//! share: the versions' labels, grouping by journey and item, and the
//! wording of one change.

mod github;
mod json;
mod markdown;
mod text;

use serde::Serialize;

pub use github::github;
pub use json::{SCHEMA_VERSION, json};
pub use markdown::markdown;
pub use text::text;

use super::impact::{ArtifactSet, FileStatus};
use super::{Category, Change, FailOn, Item, Report};

/// What the two versions are.
#[derive(Clone, Debug, Serialize)]
pub struct Context {
    /// The scorecard's name (new version).
    pub scorecard: String,
    /// The old version.
    pub old: VersionLabel,
    /// The new version.
    pub new: VersionLabel,
    /// The `--fail-on` conditions.
    pub fail_on: Vec<FailOn>,
}

/// How one version was read.
#[derive(Clone, Debug, Serialize)]
pub struct VersionLabel {
    /// As the user named it: a revision (`main`), `working tree`, or a folder.
    pub label: String,
    /// The commit, for a git revision.
    pub commit: Option<String>,
    /// The scorecard path read.
    pub path: String,
}

impl VersionLabel {
    /// `main (3f2a1b2)`, `working tree`, or the folder.
    pub fn shown(&self) -> String {
        match &self.commit {
            Some(c) => format!("{} ({})", self.label, &c[..c.len().min(7)]),
            None => self.label.clone(),
        }
    }
}

/// Changes of one heading: the scorecard, sources and events, or a journey.
pub(super) struct Group<'r> {
    pub(super) title: String,
    /// Items in order, each with its changes; `None` for the heading's own item.
    pub(super) items: Vec<(Option<String>, Vec<&'r Change>)>,
}

/// The changes grouped by heading, then item, in report order.
pub(super) fn groups(report: &Report) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for change in &report.changes {
        let title = match (&change.journey, &change.item) {
            (Some(j), _) => format!("journey `{j}`"),
            (None, Item::Source(_) | Item::Event(_)) => "sources and events".to_string(),
            (None, _) => "scorecard".to_string(),
        };
        let item = match &change.item {
            Item::Journey(_) | Item::Scorecard(_) => None,
            other => Some(format!("{} `{}`", other.kind(), other.name())),
        };
        // Whole-item changes are lines of the heading, not items of their own.
        let item = if is_whole(change) { None } else { item };
        let group = match out.iter_mut().position(|g| g.title == title) {
            Some(i) => &mut out[i],
            None => {
                out.push(Group {
                    title,
                    items: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        match group.items.iter_mut().find(|(i, _)| *i == item) {
            Some((_, changes)) => changes.push(change),
            None => group.items.push((item, vec![change])),
        }
    }
    out
}

fn is_whole(change: &Change) -> bool {
    matches!(
        change.category,
        Category::Added | Category::Removed | Category::Renamed
    )
}

/// The marker of a change: `+` added, `-` removed, `>` renamed, `~` changed.
pub(super) fn marker(change: &Change) -> char {
    match change.category {
        Category::Added => '+',
        Category::Removed => '-',
        Category::Renamed => '>',
        _ if change.old.is_none() => '+',
        _ if change.new.is_none() => '-',
        _ => '~',
    }
}

/// One change in words, without its tags: `experience warn: < 95% → < 90%`,
/// `metric `x` added`, `metric `y` renamed from `x``.
pub(super) fn sentence(change: &Change) -> String {
    let item = format!("{} `{}`", change.item.kind(), change.item.name());
    let (old, new) = (change.old.as_deref(), change.new.as_deref());
    match change.category {
        Category::Added => format!("{item} added"),
        Category::Removed => format!("{item} removed"),
        Category::Renamed => format!("{item} renamed from `{}`", old.unwrap_or("")),
        _ => {
            let field = change.field.clone();
            match (old, new) {
                (Some(o), Some(n)) => format!("{field}: {o} → {n}"),
                (None, Some(n)) => format!("{field}: added {n}"),
                (Some(o), None) => format!("{field}: removed {o}"),
                (None, None) => field,
            }
        }
    }
}

/// One change in words with its item: `pair `x` experience warn: < 95% → < 92%`.
pub(super) fn sentence_with_item(change: &Change) -> String {
    if is_whole(change) {
        sentence(change)
    } else {
        format!(
            "{} `{}` {}",
            change.item.kind(),
            change.item.name(),
            sentence(change)
        )
    }
}

/// The tags of a change: its category and effect (`threshold, loosened`).
pub(super) fn tags(change: &Change) -> String {
    match change.effect {
        Some(e) if !is_whole(change) => format!("{}, {}", change.category.as_str(), e.as_str()),
        Some(e) => e.as_str().to_string(),
        None if is_whole(change) => String::new(),
        None => change.category.as_str().to_string(),
    }
}

/// Generated files of one set grouped across dialects: the path inside a
/// dialect folder, its status, and the dialects. Files whose statement is
/// the same (only the header differs) are left out: see [`header_only`].
pub(super) fn files_by_path(set: &ArtifactSet) -> Vec<(String, FileStatus, Vec<String>)> {
    let mut out: Vec<(String, FileStatus, Vec<String>)> = Vec::new();
    for f in set
        .files
        .iter()
        .filter(|f| f.status != FileStatus::HeaderOnly)
    {
        let (dialect, rest) = f.path.split_once('/').unwrap_or(("", &f.path));
        match out.iter_mut().find(|(p, s, _)| p == rest && *s == f.status) {
            Some((_, _, dialects)) => dialects.push(dialect.to_string()),
            None => out.push((rest.to_string(), f.status, vec![dialect.to_string()])),
        }
    }
    out
}

/// How many files differ only in their generated header.
pub(super) fn header_only(set: &ArtifactSet) -> usize {
    set.files
        .iter()
        .filter(|f| f.status == FileStatus::HeaderOnly)
        .count()
}

/// A file status's word.
pub(super) fn status_word(s: FileStatus) -> &'static str {
    match s {
        FileStatus::Added => "added",
        FileStatus::Removed => "removed",
        FileStatus::Changed => "changed",
        FileStatus::HeaderOnly => "header only",
    }
}

/// `3 changes: 1 loosened, 1 tightened, 1 signal`.
pub(super) fn summary(report: &Report) -> String {
    if report.is_empty() {
        return "no semantic change".to_string();
    }
    let n = report.changes.len();
    format!(
        "{n} semantic change{}: {} loosened, {} tightened, {} signal",
        if n == 1 { "" } else { "s" },
        report.count(super::Effect::Loosened),
        report.count(super::Effect::Tightened),
        report.signal_changes()
    )
}
