//! The impact of a change: which generated files differ, found by building
//! both versions in memory and comparing the outputs, and which metrics'
//! history a signal change breaks.
//!
//! Each kind of generated output is an artifact set: a name and the files
//! one version produces ([`Output`]). SQL is the one set today
//! ([`sql_outputs`]); alert rules become another set by adding a function
//! that returns their files and passing its result to [`compare_outputs`]
//! — nothing else changes.

use serde::Serialize;

use super::{Change, Version};
use crate::alerts::{self, Target};
use crate::build::{self, Input};
use crate::sql::{Dialect, Options};

/// Files and series a change affects.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Impact {
    /// One entry per kind of generated output.
    pub artifacts: Vec<ArtifactSet>,
    /// Metrics whose time series before and after the change cannot be
    /// compared, and why.
    pub history_breaks: Vec<HistoryBreak>,
}

/// How one kind of generated output changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ArtifactSet {
    /// `sql`.
    pub kind: String,
    /// Files added, removed or changed, by path.
    pub files: Vec<FileChange>,
    /// Files that are byte-identical.
    pub unchanged: usize,
    /// Why a version could not be built, if it could not.
    pub errors: Vec<String>,
}

/// One generated file that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// Path as `scorec build` writes it (`duckdb/scorecard.sql`).
    pub path: String,
    /// What happened to it.
    pub status: FileStatus,
    /// SHA-256 of the old file.
    pub old_sha256: Option<String>,
    /// SHA-256 of the new file.
    pub new_sha256: Option<String>,
}

/// What happened to a generated file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Only the new version has it.
    Added,
    /// Only the old version has it.
    Removed,
    /// Its statement differs.
    Changed,
    /// Only its `--` header differs (a metric moved to another file, say):
    /// the statement is the same.
    HeaderOnly,
}

/// A metric whose time series breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HistoryBreak {
    /// The metric.
    pub metric: String,
    /// Its journey.
    pub journey: String,
    /// The changes that break it (`event `login_attempt` where`).
    pub reasons: Vec<String>,
}

/// One generated file.
#[derive(Clone, Debug)]
pub struct Output {
    /// Path relative to the output folder.
    pub path: String,
    /// Contents.
    pub text: String,
}

/// Every SQL file `scorec build` writes for `dialects`, without the
/// manifest (it hashes the input files, so any edit changes it).
pub fn sql_outputs(version: Version<'_>, dialects: &[Dialect]) -> Result<Vec<Output>, String> {
    let options = Options {
        schema: "scorec".to_string(),
        metric_files: build::metric_files(version.model, version.sources, version.root),
    };
    let inputs: Vec<Input<'_>> = Vec::new();
    let artifacts =
        build::build(version.model, dialects, &options, &inputs).map_err(|e| e.message)?;
    Ok(artifacts
        .into_iter()
        .filter(|a| a.dialect.is_some())
        .map(|a| Output {
            path: a.path,
            text: a.text,
        })
        .collect())
}

/// Every file `scorec alerts` writes: each target, for each of `dialects`
/// where the target depends on one (`sql`, `dbt`), under `<target>/`.
pub fn alert_outputs(version: Version<'_>, dialects: &[Dialect]) -> Result<Vec<Output>, String> {
    let options = alerts::Options {
        schema: "scorec".to_string(),
        snowflake: alerts::snowflake::SnowflakeOptions::default(),
        grafana: alerts::grafana::GrafanaOptions::default(),
    };
    let mut out = Vec::new();
    for target in Target::ALL {
        let per_dialect = matches!(target, Target::Sql | Target::Dbt);
        let chosen = if per_dialect {
            dialects
        } else {
            &dialects[..dialects.len().min(1)]
        };
        for &dialect in chosen {
            let files = alerts::generate(version.model, target, dialect, &options)
                .map_err(|e| e.message)?;
            for file in files {
                let path = match target {
                    Target::Sql => format!("sql/{}", file.path),
                    Target::Dbt => format!("{}/{}", dialect.name(), file.path),
                    _ => file.path,
                };
                out.push(Output {
                    path,
                    text: file.text,
                });
            }
        }
    }
    Ok(out)
}

/// Compares one artifact set of two versions; a version that could not be
/// built is reported in `errors`.
pub fn compare_outputs(
    kind: &str,
    old: Result<Vec<Output>, String>,
    new: Result<Vec<Output>, String>,
) -> ArtifactSet {
    let mut set = ArtifactSet {
        kind: kind.to_string(),
        files: Vec::new(),
        unchanged: 0,
        errors: Vec::new(),
    };
    let (old, new) = match (old, new) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for (which, r) in [("old", o), ("new", n)] {
                if let Err(e) = r {
                    set.errors
                        .push(format!("the {which} version does not build: {e}"));
                }
            }
            return set;
        }
    };
    for n in &new {
        match old.iter().find(|o| o.path == n.path) {
            None => set.files.push(FileChange {
                path: n.path.clone(),
                status: FileStatus::Added,
                old_sha256: None,
                new_sha256: Some(build::sha256(&n.text)),
            }),
            Some(o) if o.text == n.text => set.unchanged += 1,
            Some(o) => set.files.push(FileChange {
                path: n.path.clone(),
                status: if without_comments(&o.text).eq(without_comments(&n.text)) {
                    FileStatus::HeaderOnly
                } else {
                    FileStatus::Changed
                },
                old_sha256: Some(build::sha256(&o.text)),
                new_sha256: Some(build::sha256(&n.text)),
            }),
        }
    }
    for o in &old {
        if !new.iter().any(|n| n.path == o.path) {
            set.files.push(FileChange {
                path: o.path.clone(),
                status: FileStatus::Removed,
                old_sha256: Some(build::sha256(&o.text)),
                new_sha256: None,
            });
        }
    }
    set
}

/// A file's lines without its `--` comment lines: the headers, and in
/// `journeys.sql` the metric list above each view, which name the files
/// that declare the metrics. Generated SQL has no other comments.
fn without_comments(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|l| !l.starts_with("--"))
}

/// The metrics whose history the changes break, in report order.
pub fn history_breaks(old: Version<'_>, new: Version<'_>, changes: &[Change]) -> Vec<HistoryBreak> {
    let mut out: Vec<HistoryBreak> = Vec::new();
    for change in changes {
        for metric in &change.breaks_history {
            let journey = new
                .model
                .metrics
                .get(metric)
                .or_else(|| old.model.metrics.get(metric))
                .map(|m| m.journey.clone())
                .unwrap_or_default();
            let mut reason = format!("{} `{}`", change.item.kind(), change.item.name());
            if !change.field.is_empty() {
                reason.push(' ');
                reason.push_str(&change.field);
            }
            match out.iter_mut().find(|b| &b.metric == metric) {
                Some(b) => {
                    if !b.reasons.contains(&reason) {
                        b.reasons.push(reason);
                    }
                }
                None => out.push(HistoryBreak {
                    metric: metric.clone(),
                    journey,
                    reasons: vec![reason],
                }),
            }
        }
    }
    out
}

/// The whole impact: SQL for `dialects`, and the history breaks.
pub fn compute(
    old: Version<'_>,
    new: Version<'_>,
    dialects: &[Dialect],
    changes: &[Change],
) -> Impact {
    Impact {
        artifacts: vec![
            compare_outputs(
                "sql",
                sql_outputs(old, dialects),
                sql_outputs(new, dialects),
            ),
            compare_outputs(
                "alerts",
                alert_outputs(old, dialects),
                alert_outputs(new, dialects),
            ),
        ],
        history_breaks: history_breaks(old, new, changes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(path: &str, text: &str) -> Output {
        Output {
            path: path.to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn files_are_added_removed_changed_or_header_only() {
        let old = vec![
            out("a.sql", "-- from a.yaml\nSELECT 1"),
            out("b.sql", "SELECT 2"),
            out("c.sql", "SELECT 3"),
            out("d.sql", "SELECT 4"),
        ];
        let new = vec![
            out("a.sql", "-- from a.scorec\nSELECT 1"),
            out("b.sql", "SELECT 20"),
            out("c.sql", "SELECT 3"),
            out("e.sql", "SELECT 5"),
        ];
        let set = compare_outputs("sql", Ok(old), Ok(new));
        let statuses: Vec<(&str, FileStatus)> = set
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("a.sql", FileStatus::HeaderOnly),
                ("b.sql", FileStatus::Changed),
                ("e.sql", FileStatus::Added),
                ("d.sql", FileStatus::Removed),
            ]
        );
        assert_eq!(set.unchanged, 1);
    }

    #[test]
    fn a_version_that_does_not_build_is_reported() {
        let set = compare_outputs("sql", Err("bad name".into()), Ok(Vec::new()));
        assert_eq!(set.errors, ["the old version does not build: bad name"]);
    }
}
