//! Fixture tests of `check`: every file under `fixtures/check/` is a
//! scorecard; its rendered diagnostics are snapshotted. Files named
//! `err_<CODE>_*` must produce that code, and every code has such a file.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support;

#[test]
fn fixtures() {
    insta::glob!("fixtures/check/*.*", |path| {
        let (loaded, checked) = support::check(path);
        let rendered = support::rendered(&loaded, &checked);
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if let Some(code) = expected_code(name) {
            assert!(
                checked.diagnostics.iter().any(|d| d.code.as_str() == code),
                "{name} should report {code}, got:\n{rendered}"
            );
        } else {
            assert!(
                checked.diagnostics.is_empty(),
                "{name} is not an err_ fixture and should check clean, got:\n{rendered}"
            );
        }
        insta::assert_snapshot!(rendered);
    });
}

#[test]
fn projects() {
    insta::glob!("fixtures/projects/*/README", |readme| {
        let dir = readme.parent().expect("fixture folder");
        let (loaded, checked) = support::check(dir);
        let rendered = support::rendered(&loaded, &checked);
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if let Some(code) = expected_code(name) {
            assert!(
                checked.diagnostics.iter().any(|d| d.code.as_str() == code),
                "{name} should report {code}, got:\n{rendered}"
            );
        }
        insta::assert_snapshot!(rendered);
    });
}

/// `err_E0102_unknown_key.yaml` expects `E0102`.
fn expected_code(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("err_")?;
    rest.get(..5)
}

/// Codes whose fixtures cannot be a committed file; `cli.rs` covers them
/// (E0007, a git revision that cannot be read: `diff/git.rs`; E0901 to
/// E0904, data that does not bind for `scorec run`: `run/data.rs`).
const COVERED_BY_CLI: &[&str] = &[
    "E0001", "E0003", "E0007", "E0901", "E0902", "E0903", "E0904",
];

#[test]
fn every_code_has_a_failing_fixture() {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for dir in ["tests/fixtures/check", "tests/fixtures/projects"] {
        for entry in std::fs::read_dir(dir).expect("fixture folder") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            if let Some(code) = expected_code(&name) {
                names.insert(code.to_string());
            }
        }
    }
    let missing: Vec<&str> = scorec::codes::ALL
        .iter()
        .map(|c| c.code.as_str())
        .filter(|c| !names.contains(*c) && !COVERED_BY_CLI.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an err_ fixture: {missing:?}"
    );
}

#[test]
fn the_starter_checks_clean() {
    let (loaded, checked) = support::check(Path::new("examples/starter"));
    assert_eq!(support::rendered(&loaded, &checked), "");
    assert!(checked.model.is_some());
}

#[test]
fn the_most_specific_min_sample_wins_above_the_tier_floor() {
    let (loaded, checked) =
        support::check(Path::new("tests/fixtures/check/min_sample_precedence.yaml"));
    let rendered = support::rendered(&loaded, &checked);
    let model = checked.model.unwrap_or_else(|| panic!("{rendered}"));
    let pair = &model.pairs["metric_over_journey"];
    // No side or pair setting: the metric's 250 beats the journey's 300.
    assert_eq!(pair.experience.min_sample, 250);
    // The security metric has none: the journey's 300.
    assert_eq!(pair.security.min_sample, 300);
    // A cohort override of 200 wins over 250 and stays above the floor of 150.
    assert_eq!(pair.experience.overrides[0].min_sample, 200);
    let pair = &model.pairs["side_over_pair"];
    assert_eq!(pair.security.min_sample, 500);
    assert_eq!(pair.experience.min_sample, 400);
}
