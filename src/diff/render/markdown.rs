//! The report as a pull-request comment: a summary line, a table per
//! journey, the impact and the reviewers.

use std::fmt::Write as _;

use super::{Context, files_by_path, groups, header_only, sentence, status_word, summary, tags};
use crate::diff::{Effect, Report};

/// Text as inline code, safe inside a table cell.
fn code(text: &str) -> String {
    let text = text.replace('\n', " ").replace('|', "\\|");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

/// The report as GitHub-flavoured Markdown.
pub fn markdown(report: &Report, cx: &Context) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### scorec diff: {} {} → {}\n",
        code(&cx.scorecard),
        cell(&cx.old.shown()),
        cell(&cx.new.shown())
    );
    let _ = writeln!(out, "**{}**", summary(report));
    for group in groups(report) {
        let _ = writeln!(out, "\n#### {}\n", group.title);
        let _ = writeln!(out, "| | item | change | effect |");
        let _ = writeln!(out, "|---|---|---|---|");
        for (item, changes) in &group.items {
            for change in changes {
                let icon = match change.effect {
                    Some(Effect::Loosened) => "🔻",
                    Some(Effect::Tightened) => "🔺",
                    _ if change.is_signal() => "⚠️",
                    _ => "",
                };
                let mut what = cell(&sentence(change));
                if !change.breaks_history.is_empty() {
                    let _ = write!(
                        what,
                        "<br>breaks the history of {}",
                        change
                            .breaks_history
                            .iter()
                            .map(|m| code(m))
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                let _ = writeln!(
                    out,
                    "| {icon} | {} | {what} | {} |",
                    item.as_deref().map_or(String::new(), cell),
                    tags(change)
                );
            }
        }
    }
    let impact = &report.impact;
    let any_files = impact
        .artifacts
        .iter()
        .any(|s| !s.files.is_empty() || !s.errors.is_empty());
    if any_files || !impact.history_breaks.is_empty() {
        let _ = writeln!(out, "\n#### Impact\n");
        for set in &impact.artifacts {
            for e in &set.errors {
                let _ = writeln!(out, "- {}: {}", set.kind, cell(e));
            }
            if set.files.is_empty() {
                continue;
            }
            let header = header_only(set);
            let _ = writeln!(
                out,
                "<details><summary>{}: {} generated files differ ({header} only in the generated header, {} unchanged)</summary>\n",
                set.kind.to_uppercase(),
                set.files.len() - header,
                set.unchanged
            );
            for (path, status, dialects) in files_by_path(set) {
                let _ = writeln!(
                    out,
                    "- {} {} ({})",
                    status_word(status),
                    code(&path),
                    dialects.join(", ")
                );
            }
            let _ = writeln!(out, "\n</details>\n");
        }
        if !impact.history_breaks.is_empty() {
            let _ = writeln!(
                out,
                "**History breaks**: values before and after this change are not comparable for"
            );
            for b in &impact.history_breaks {
                let _ = writeln!(
                    out,
                    "- {} (journey {}): {}",
                    code(&b.metric),
                    code(&b.journey),
                    cell(&b.reasons.join("; "))
                );
            }
        }
    }
    if !report.reviewers.is_empty() {
        let _ = writeln!(out, "\n#### Required reviewers\n");
        let _ = writeln!(out, "| role | owner | journeys | why |");
        let _ = writeln!(out, "|---|---|---|---|");
        for r in &report.reviewers {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.role,
                r.owner
                    .as_deref()
                    .map_or_else(|| "**no owner declared**".to_string(), code),
                r.journeys
                    .iter()
                    .map(|j| code(j))
                    .collect::<Vec<_>>()
                    .join(", "),
                r.reasons
                    .iter()
                    .map(|x| cell(x))
                    .collect::<Vec<_>>()
                    .join("<br>")
            );
        }
    }
    out
}
