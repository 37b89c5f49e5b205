//! The report as JSON for tools. The schema is documented in
//! `docs/diff.md`; `schema_version` changes when a field changes meaning or
//! is removed (adding a field does not change it).

use serde_json::json;

use super::Context;
use crate::diff::impact::FileStatus;
use crate::diff::{Effect, Report, failing};

/// The version of the JSON schema.
pub const SCHEMA_VERSION: u32 = 1;

/// The report as pretty JSON.
pub fn json(report: &Report, cx: &Context) -> String {
    let failing = failing(&report.changes, &cx.fail_on);
    let files: usize = report.impact.artifacts.iter().map(|s| s.files.len()).sum();
    let statements: usize = report
        .impact
        .artifacts
        .iter()
        .flat_map(|s| &s.files)
        .filter(|f| f.status != FileStatus::HeaderOnly)
        .count();
    let value = json!({
        "schema_version": SCHEMA_VERSION,
        "scorecard": cx.scorecard,
        "old": cx.old,
        "new": cx.new,
        "semantic_change": !report.is_empty(),
        "summary": {
            "changes": report.changes.len(),
            "loosened": report.count(Effect::Loosened),
            "tightened": report.count(Effect::Tightened),
            "changed": report.count(Effect::Changed),
            "signal": report.signal_changes(),
            "history_breaks": report.impact.history_breaks.len(),
            "files_differ": files,
            "statements_differ": statements,
        },
        "changes": report.changes,
        "impact": report.impact,
        "reviewers": report.reviewers,
        "fail_on": {
            "conditions": cx.fail_on,
            "failed": !failing.is_empty(),
            "changes": failing,
        },
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
