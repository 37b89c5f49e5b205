//! Markdown: the text view's content as tables, for pull-request comments
//! and wikis. Statuses are words in bold (no colour), so the page reads the
//! same in any renderer.

use std::fmt::Write as _;

use super::{check_name, marker, shown_bound, sparkline, status_value, thousands, value};
use crate::run::Level;
use crate::run::report::Report;

/// A table cell: `|` escaped, one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn status(level: Level) -> String {
    match level {
        Level::Warn | Level::Critical => format!("**{}**", marker(level)),
        _ => marker(level).to_string(),
    }
}

/// The report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let title = report.scorecard.heading();
    let _ = writeln!(out, "# {}\n", cell(title));
    let range = match (report.buckets.first(), report.buckets.last()) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => "no buckets".to_string(),
    };
    let _ = writeln!(
        out,
        "`{}` · {range} · {} buckets in {} · cohort `{}` · {} critical and {} warn alerts\n",
        cell(&report.scorecard.name),
        report.scorecard.grain,
        report.scorecard.timezone,
        cell(&report.cohort),
        report.summary.critical_alerts,
        report.summary.warn_alerts
    );

    out.push_str("## Signal integrity\n\n");
    if report.integrity.is_empty() {
        out.push_str("No integrity checks declared.\n\n");
    } else {
        out.push_str(
            "| source | check | value | bound | status | bucket |\n|---|---|---:|---|---|---|\n",
        );
        for r in &report.integrity {
            let v = status_value(report, r);
            let _ = writeln!(
                out,
                "| {} | {} | {v} | {} | {} | {} |",
                cell(r.source.as_deref().unwrap_or("")),
                r.rule,
                cell(r.bound.as_deref().unwrap_or("")),
                status(r.status),
                r.bucket
            );
        }
        out.push('\n');
    }

    for j in &report.journeys {
        let _ = writeln!(
            out,
            "## {} ({} tier)\n\nSecurity owner: {} · product owner: {}\n",
            cell(&j.name),
            j.tier,
            cell(j.security_owner.as_deref().unwrap_or("–")),
            cell(j.product_owner.as_deref().unwrap_or("–"))
        );
        if j.pairs.is_empty() {
            out.push_str("No pairs.\n\n");
            continue;
        }
        out.push_str("| pair | side | metric | value | bound | status | sample | trend |\n|---|---|---|---:|---|---|---:|---|\n");
        for pair in &j.pairs {
            for side in &pair.sides {
                let latest = side.latest.as_ref();
                let values: Vec<Option<f64>> = side.series.iter().map(|s| s.value).collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | `{}` | {} | {} | {} | {} | {} |",
                    cell(&pair.name),
                    side.side,
                    cell(&side.metric),
                    value(side, latest.and_then(|l| l.value)),
                    cell(&shown_bound(side)),
                    status(latest.map_or(Level::Insufficient, |l| l.status)),
                    latest
                        .and_then(|l| l.sample)
                        .map_or_else(|| "–".to_string(), thousands),
                    sparkline(&values)
                );
            }
        }
        out.push('\n');
        for pair in &j.pairs {
            let worst: Vec<String> = pair
                .sides
                .iter()
                .flat_map(|s| {
                    s.worst_cohorts.iter().map(move |c| {
                        format!(
                            "{} `{}` {} ({})",
                            s.side,
                            cell(&c.cohort),
                            value(s, c.value),
                            status(c.status)
                        )
                    })
                })
                .collect();
            if !worst.is_empty() {
                let _ = writeln!(
                    out,
                    "- **{}** worst cohorts: {}",
                    cell(&pair.name),
                    worst.join("; ")
                );
            }
            if let (Some(t), Some(rule)) = (&pair.tradeoff, &pair.tradeoff_rule) {
                let _ = writeln!(
                    out,
                    "- **{}** trade-off `{}`: {}",
                    cell(&pair.name),
                    cell(rule),
                    status(t.status)
                );
            }
            if !pair.controls.is_empty() {
                let controls: Vec<String> = pair
                    .controls
                    .iter()
                    .map(|c| format!("{} {} ({})", c.framework, c.id, cell(&c.title)))
                    .collect();
                let _ = writeln!(
                    out,
                    "- **{}** evidences: {}",
                    cell(&pair.name),
                    controls.join("; ")
                );
            }
        }
        out.push('\n');
    }

    out.push_str("## Alerts\n\n");
    if report.alerts.is_empty() {
        out.push_str("None: no check breaches in its newest judged bucket.\n");
    } else {
        out.push_str("| severity | check | bucket | cohort | value | bound | must act | action |\n|---|---|---|---|---:|---|---|---|\n");
        for a in &report.alerts {
            let check = check_name(a, "`");
            let _ = writeln!(
                out,
                "| {} | {} | {} | `{}` | {} | {} | {} | {} |",
                status(a.status),
                cell(&check),
                a.bucket,
                cell(&a.cohort),
                status_value(report, a),
                cell(a.bound.as_deref().unwrap_or("")),
                cell(a.acting_owner.as_deref().unwrap_or("–")),
                cell(a.action.as_deref().unwrap_or("–"))
            );
        }
    }
    out
}
