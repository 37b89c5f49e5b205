//! GitHub workflow annotations: one `::warning` or `::notice` command per
//! change, at the changed line of the new version, so the pull request
//! shows them beside the diff.
//!
//! Format: <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-a-warning-message>

use std::fmt::Write as _;

use super::{Context, sentence_with_item, summary, tags};
use crate::diff::{Effect, Report, Which};

/// Escapes a command's message (`%`, CR, LF).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (also `:` and `,`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation per change; a loosened or signal change is a warning,
/// anything else a notice.
pub fn github(report: &Report, cx: &Context) -> String {
    let mut out = String::new();
    for change in &report.changes {
        let level = if change.effect == Some(Effect::Loosened) || change.is_signal() {
            "warning"
        } else {
            "notice"
        };
        let mut props = Vec::new();
        if let Some(l) = change.location.as_ref().filter(|l| l.version == Which::New) {
            props.push(format!("file={}", property(&l.file)));
            props.push(format!("line={}", l.line));
            props.push(format!("endLine={}", l.end_line.max(l.line)));
        }
        let scope = change
            .journey
            .as_ref()
            .map_or_else(String::new, |j| format!("journey {j}, "));
        let tags = tags(change);
        let title = if tags.is_empty() {
            format!("scorec diff ({scope}{})", change.item.kind())
        } else {
            format!("scorec diff ({scope}{tags})")
        };
        props.push(format!("title={}", property(&title)));
        let mut message = sentence_with_item(change);
        if !change.breaks_history.is_empty() {
            let _ = write!(
                message,
                "\nbreaks the history of {}",
                change.breaks_history.join(", ")
            );
        }
        let _ = writeln!(out, "::{level} {}::{}", props.join(","), data(&message));
    }
    let _ = writeln!(
        out,
        "::notice title={}::{}",
        property(&format!("scorec diff {}", cx.scorecard)),
        data(&summary(report))
    );
    out
}
