//! A reformat (`scorec fmt`) or a YAML ⇄ DSL conversion is no semantic
//! change.

use std::path::Path;

use scorec::cli::fs::OsFs;
use scorec::diff::impact::FileStatus;
use scorec::load::{self, Syntax};
use scorec::rewrite;

use super::{fixture, git, report, scorec};

/// Writes `outputs` under `dir`.
fn write_all(dir: &Path, outputs: &[rewrite::Output]) {
    for out in outputs {
        let path = dir.join(&out.relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &out.text).expect("write");
    }
}

/// `base.yaml` written by hand in another layout: keys reordered, block
/// lists, extra spaces and blank lines, other quotes. It says the same.
fn unformatted() -> String {
    let text = std::fs::read_to_string(fixture("base")).expect("fixture");
    let edits = [
        (
            "        side: experience\n        good: high\n",
            "        good: high\n\n        side:   experience\n",
        ),
        (
            "cohorts: [device_type]\n",
            "cohorts:\n      - device_type\n",
        ),
        ("  min_sample: 100\n", "  min_sample:    100\n"),
        ("warn: \"> 2%\"", "warn: '> 2%'"),
        (
            "maps: [csf:DE.AE-02, sp800-63:AAL2]",
            "maps:\n          - csf:DE.AE-02\n          - sp800-63:AAL2",
        ),
    ];
    let mut out = text.clone();
    for (from, to) in edits {
        assert!(out.contains(from), "{from}");
        out = out.replacen(from, to, 1);
    }
    out
}

#[test]
fn a_reformat_or_a_conversion_is_no_semantic_change() {
    let dir = git::TempDir::new("diff-rewrite");
    // A reformat: `scorec fmt` on a file in another layout.
    let messy = dir.0.join("messy/scorecard.yaml");
    std::fs::create_dir_all(messy.parent().expect("parent")).expect("mkdir");
    std::fs::write(&messy, unformatted()).expect("write");
    let loaded = load::load(&OsFs, &messy);
    let formatted = rewrite::format(&loaded);
    assert_ne!(formatted[0].text, unformatted(), "fmt changed nothing");
    write_all(&dir.0.join("formatted"), &formatted);
    let mut pairs = vec![
        (fixture("base"), messy.clone()),
        (messy.clone(), dir.0.join("formatted/scorecard.yaml")),
    ];
    // A conversion to the DSL, of the example (seven files) and of the base.
    for (name, source) in [
        ("ciam", "examples/ciam"),
        ("base", "tests/fixtures/diff/base.yaml"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(source);
        let loaded = load::load(&OsFs, &crate::support::relative(&path));
        let outputs = rewrite::convert(&loaded, Syntax::Dsl);
        let out = dir.0.join(format!("{name}-dsl"));
        write_all(&out, &outputs);
        let root = if path.is_dir() {
            out.clone()
        } else {
            out.join(&outputs[0].relative)
        };
        pairs.push((path, root));
    }
    for (old, new) in pairs {
        let r = report(&old, &new);
        assert!(
            r.is_empty(),
            "{} → {}: {:#?}",
            old.display(),
            new.display(),
            r.changes
        );
        assert!(r.reviewers.is_empty());
        // Generated SQL may only differ in the header that names the file a
        // metric is declared in.
        let files = &r.impact.artifacts[0].files;
        assert!(
            files.iter().all(|f| f.status == FileStatus::HeaderOnly),
            "{} → {}: {files:#?}",
            old.display(),
            new.display()
        );
    }
    // And on the command line, gated on any change.
    let (code, stdout, stderr) = scorec(&[
        "diff",
        "--paths",
        "examples/ciam",
        "examples/ciam-dsl",
        "--fail-on",
        "any",
        "--dialect",
        "duckdb",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.ends_with("no semantic change\n"), "{stdout}");
}
