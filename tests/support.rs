//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use scorec::check::{self, Checked};
use scorec::cli::fs::OsFs;
use scorec::diagnostic::{RenderOptions, render_text};
use scorec::load::{self, Loaded};

/// A path relative to the crate root, so rendered paths are stable.
pub fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// Loads and checks a scorecard.
pub fn check(path: &Path) -> (Loaded, Checked) {
    let loaded = load::load(&OsFs, &relative(path));
    let checked = check::check(&loaded, check::Options::default());
    (loaded, checked)
}

/// The diagnostics as a user sees them, colour off.
pub fn rendered(loaded: &Loaded, checked: &Checked) -> String {
    render_text(&checked.diagnostics, &loaded.sources, RenderOptions { color: false })
}

/// A model's debug text without spans: two scorecards that say the same
/// thing in different files or syntaxes print the same.
pub fn model_text(checked: &Checked) -> String {
    let Some(model) = &checked.model else {
        return "no model".to_string();
    };
    strip_spans(&format!("{model:#?}"))
}

/// Removes every `span: Span { ... },` field from pretty debug output.
pub fn strip_spans(debug: &str) -> String {
    let mut out = String::new();
    let mut skipping = 0usize;
    for line in debug.lines() {
        let trimmed = line.trim_start();
        if skipping > 0 {
            if trimmed.ends_with('{') {
                skipping += 1;
            } else if trimmed.starts_with('}') {
                skipping -= 1;
            }
            continue;
        }
        if trimmed.starts_with("span: Span {") || trimmed.starts_with("declared_at: Span {") {
            skipping = 1;
            continue;
        }
        if trimmed.starts_with("span: Some(") && trimmed.ends_with('(') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
