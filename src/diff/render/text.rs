//! The report for a terminal: grouped by journey and item, coloured when
//! asked.

use std::fmt::Write as _;

use super::{
    Context, files_by_path, groups, header_only, marker, sentence, status_word, summary, tags,
};
use crate::diff::{Change, Effect, Report};

use crate::paint::{BOLD, CYAN, DIM, GREEN, MAGENTA, Paint, RED, YELLOW};

/// The report as text; ANSI colours when `color`.
pub fn text(report: &Report, cx: &Context, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} `{}`: {} → {}",
        p.paint(BOLD, "scorec diff"),
        cx.scorecard,
        cx.old.shown(),
        cx.new.shown()
    );
    for group in groups(report) {
        let _ = writeln!(out, "\n{}", p.paint(BOLD, &group.title));
        for (item, changes) in &group.items {
            let indent = match item {
                Some(title) => {
                    let _ = writeln!(out, "  {title}");
                    "    "
                }
                None => "  ",
            };
            for change in changes {
                line(&mut out, &p, indent, change);
            }
        }
    }
    impact(&mut out, &p, report);
    if !report.reviewers.is_empty() {
        let _ = writeln!(out, "\n{}", p.paint(BOLD, "required reviewers"));
        for r in &report.reviewers {
            let owner = r
                .owner
                .as_deref()
                .map_or_else(|| p.paint(RED, "(no owner declared)"), str::to_string);
            let _ = writeln!(out, "  {:<8} {owner} ({})", r.role, r.journeys.join(", "));
            for reason in &r.reasons {
                let _ = writeln!(out, "    {}", p.paint(DIM, reason));
            }
        }
    }
    let _ = writeln!(out, "\n{}", summary(report));
    out
}

fn line(out: &mut String, p: &Paint, indent: &str, change: &Change) {
    let mark = marker(change).to_string();
    let mark = match mark.as_str() {
        "+" => p.paint(GREEN, &mark),
        "-" => p.paint(RED, &mark),
        ">" => p.paint(CYAN, &mark),
        _ => p.paint(YELLOW, &mark),
    };
    let tags = tags(change);
    let style = match change.effect {
        Some(Effect::Loosened) => RED,
        Some(Effect::Tightened) => GREEN,
        _ if change.is_signal() => MAGENTA,
        _ => DIM,
    };
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!("  {}", p.paint(style, &format!("[{tags}]")))
    };
    let at = change
        .location
        .as_ref()
        .map(|l| format!("  {}", p.paint(DIM, &format!("{}:{}", l.file, l.line))))
        .unwrap_or_default();
    let _ = writeln!(out, "{indent}{mark} {}{tags}{at}", sentence(change));
    if !change.breaks_history.is_empty() {
        let _ = writeln!(
            out,
            "{indent}  {}",
            p.paint(
                MAGENTA,
                &format!("breaks the history of {}", change.breaks_history.join(", "))
            )
        );
    }
}

fn impact(out: &mut String, p: &Paint, report: &Report) {
    let impact = &report.impact;
    if impact
        .artifacts
        .iter()
        .all(|s| s.files.is_empty() && s.errors.is_empty())
        && impact.history_breaks.is_empty()
    {
        return;
    }
    let _ = writeln!(out, "\n{}", p.paint(BOLD, "impact"));
    for set in &impact.artifacts {
        for e in &set.errors {
            let _ = writeln!(out, "  {}: {}", set.kind, p.paint(RED, e));
        }
        if set.files.is_empty() {
            continue;
        }
        let header = header_only(set);
        let statements = set.files.len() - header;
        let header = if header == 0 {
            String::new()
        } else {
            format!(" (and {header} in the generated header only)")
        };
        let _ = writeln!(
            out,
            "  {}: {statements} file{}{header}, {} unchanged",
            set.kind,
            if statements == 1 {
                " differs"
            } else {
                "s differ"
            },
            set.unchanged
        );
        for (path, status, dialects) in files_by_path(set) {
            let _ = writeln!(
                out,
                "    {:<11} {path}  {}",
                status_word(status),
                p.paint(DIM, &format!("({})", dialects.join(", ")))
            );
        }
    }
    if !impact.history_breaks.is_empty() {
        let _ = writeln!(
            out,
            "  history breaks (values before and after are not comparable):"
        );
        for b in &impact.history_breaks {
            let _ = writeln!(
                out,
                "    {} ({}): {}",
                p.paint(MAGENTA, &b.metric),
                b.journey,
                b.reasons.join("; ")
            );
        }
    }
}
