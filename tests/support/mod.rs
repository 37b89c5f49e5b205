//! Helpers shared by the integration tests.

pub(crate) mod engines;
pub(crate) mod postgres;

use std::path::{Path, PathBuf};

use scorec::check::{self, Checked};
use scorec::cli::fs::OsFs;
use scorec::diagnostic::{RenderOptions, render_text};
use scorec::load::{self, Loaded};

/// A path relative to the crate root, so rendered paths are stable.
pub(crate) fn relative(path: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// Loads and checks a scorecard.
pub(crate) fn check(path: &Path) -> (Loaded, Checked) {
    let loaded = load::load(&OsFs, &relative(path));
    let checked = check::check(&loaded, check::Options::default());
    (loaded, checked)
}

/// The diagnostics as a user sees them, colour off.
pub(crate) fn rendered(loaded: &Loaded, checked: &Checked) -> String {
    render_text(
        &checked.diagnostics,
        &loaded.sources,
        RenderOptions { color: false },
    )
}

/// A model's debug text without spans: two scorecards that say the same
/// thing in different files or syntaxes print the same.
pub(crate) fn model_text(checked: &Checked) -> String {
    let Some(model) = &checked.model else {
        return "no model".to_string();
    };
    scorec::diff::strip_spans(&format!("{model:#?}"))
}

/// Asserts two model texts are equal, showing the first lines that differ.
pub(crate) fn assert_same_model(left: &str, right: &str, what: &str) {
    if left == right {
        return;
    }
    let (l, r): (Vec<&str>, Vec<&str>) = (left.lines().collect(), right.lines().collect());
    let at = l
        .iter()
        .zip(&r)
        .position(|(a, b)| a != b)
        .unwrap_or(l.len().min(r.len()));
    let from = at.saturating_sub(8);
    panic!(
        "{what}: models differ at line {at}\n--- left\n{}\n--- right\n{}",
        l[from..(at + 4).min(l.len())].join("\n"),
        r[from..(at + 4).min(r.len())].join("\n")
    );
}

/// Runs scorec with `args` in the crate root, colour off: exit code,
/// stdout, stderr.
pub(crate) fn scorec(args: &[&str]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_scorec"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run scorec");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A command line and what it printed, for snapshots.
pub(crate) fn transcript(args: &[&str]) -> String {
    let (code, stdout, stderr) = scorec(args);
    format!(
        "$ scorec {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
        args.join(" ")
    )
}

/// The declared column types of a scorecard's tables.
pub(crate) fn table_types(model: &scorec::model::Scorecard) -> Vec<(&str, Vec<(String, String)>)> {
    model
        .sources
        .values()
        .map(|s| {
            let columns = s.columns.iter().map(|(c, t)| (c.clone(), t.clone()));
            (s.table.as_str(), columns.collect())
        })
        .collect()
}
