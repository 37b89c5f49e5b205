//! CLI tests: run the real binary and snapshot what a user sees (stdout,
//! stderr, exit code), including hostile inputs that must never panic.

use crate::support::{scorec, transcript};
use std::path::{Path, PathBuf};

/// A scratch folder under target's temp area, unique per test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scorec-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

#[test]
fn check_the_starter() {
    insta::assert_snapshot!(transcript(&["check", "examples/starter"]));
}

#[test]
fn check_reports_json() {
    insta::assert_snapshot!(transcript(&[
        "check",
        "--format",
        "json",
        "tests/fixtures/check/err_E0102_unknown_key.yaml"
    ]));
}

#[test]
fn check_a_missing_path_is_an_io_error() {
    insta::assert_snapshot!(transcript(&["check", "no/such/scorecard.yaml"]));
}

#[test]
fn deny_warnings_fails_on_a_lint() {
    let (code, _, _) = scorec(&[
        "check",
        "tests/fixtures/check/err_W0103_journey_without_pair.scorec",
    ]);
    assert_eq!(code, 0, "warnings alone exit 0");
    let (code, _, stderr) = scorec(&[
        "check",
        "--deny",
        "warnings",
        "tests/fixtures/check/err_W0103_journey_without_pair.scorec",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[W0103]"), "{stderr}");
}

#[test]
fn explain_pages() {
    insta::assert_snapshot!(transcript(&["explain", "E0102"]));
    insta::assert_snapshot!(transcript(&["explain", "E9999"]));
    let (code, stdout, _) = scorec(&["explain", "list"]);
    assert_eq!(code, 0);
    for info in scorec::codes::ALL {
        assert!(
            stdout.contains(info.code.as_str()),
            "`explain list` lacks {}",
            info.code
        );
        let (code, page, _) = scorec(&["explain", info.name]);
        assert_eq!(code, 0, "explain {}", info.name);
        assert!(
            !page.contains("TODO"),
            "{} has a placeholder page",
            info.code
        );
    }
}

#[test]
fn catalogs_list_and_show() {
    insta::assert_snapshot!(transcript(&["catalogs"]));
    insta::assert_snapshot!(transcript(&["catalogs", "show", "csf:DE.AE-02"]));
    insta::assert_snapshot!(transcript(&["catalogs", "show", "owasp-nhi"]));
}

#[test]
fn schema_is_json_and_covers_the_format() {
    let (code, stdout, _) = scorec(&["schema"]);
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_str(&stdout).expect("schema is JSON");
    let journey = &schema["properties"]["journeys"]["additionalProperties"];
    assert_eq!(journey["properties"]["tier"]["enum"][3], "critical");
    assert_eq!(journey["additionalProperties"], false);
    insta::assert_snapshot!(stdout);
}

#[test]
fn init_writes_a_scorecard_that_checks_clean_and_never_overwrites() {
    let dir = scratch("init");
    let d = dir.to_string_lossy().into_owned();
    let (code, _, stderr) = scorec(&["init", &d]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = scorec(&["check", "--deny", "warnings", &d]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = scorec(&["init", &d]);
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn fmt_check_and_rewrite() {
    let dir = scratch("fmt");
    let file = dir.join("scorecard.yaml");
    // Same scorecard as the starter, squeezed onto flow mappings.
    let text = std::fs::read_to_string("examples/starter/scorecard.yaml").expect("starter");
    let messy = text.replace(
        "    owners:\n      security: iam-security\n      product: growth-auth\n",
        "    owners: {security: iam-security, product: growth-auth}\n",
    );
    std::fs::write(&file, &messy).expect("write");
    let f = file.to_string_lossy().into_owned();
    let (code, stdout, _) = scorec(&["fmt", "--check", &f]);
    assert_eq!(code, 1, "a non-canonical file fails fmt --check");
    assert!(stdout.contains("would reformat"), "{stdout}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        messy,
        "--check changes nothing"
    );
    let (code, _, _) = scorec(&["fmt", &f]);
    assert_eq!(code, 0);
    let (code, _, _) = scorec(&["fmt", "--check", &f]);
    assert_eq!(code, 0, "fmt output is canonical");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_examples_are_canonical() {
    for example in ["examples/starter", "examples/ciam", "examples/ciam-dsl"] {
        let (code, stdout, stderr) = scorec(&["fmt", "--check", example]);
        assert_eq!(code, 0, "{example}: {stdout}{stderr}");
        let (code, _, stderr) = scorec(&["check", "--deny", "warnings", example]);
        assert_eq!(code, 0, "{example}: {stderr}");
    }
}

#[test]
fn convert_prints_a_single_file_and_writes_folders() {
    insta::assert_snapshot!(transcript(&[
        "convert",
        "examples/starter/scorecard.yaml",
        "--to",
        "dsl"
    ]));
    let dir = scratch("convert");
    let d = dir.to_string_lossy().into_owned();
    let (code, _, stderr) = scorec(&["convert", "examples/starter", "--to", "dsl", "--out", &d]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = scorec(&["check", "--deny", "warnings", &d]);
    assert_eq!(code, 0, "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Hostile inputs: each gives diagnostics and exit 1 or 2 (a large but
/// valid file checks clean), never a panic (101).
#[test]
fn hostile_inputs_never_panic() {
    let dir = scratch("hostile");
    let deep_yaml = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_map = "a:\n".to_string()
        + &(1..2000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect::<String>();
    let deep_dsl = format!(
        "scorecard x {{}}\njourney j {{ metric m security good low = derived({}m{}) }}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    let big = format!(
        "scorecard: big\ndescription: \"{}\"\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let printable: String = (0..4096u32)
        .map(|i| char::from(b' ' + ((i.wrapping_mul(2_654_435_761) >> 7) % 95) as u8))
        .collect();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let laughs = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.yaml", Vec::new()),
        ("empty.scorec", Vec::new()),
        (
            "invalid_utf8.yaml",
            b"scorecard: x\ntitle: \xff\xfe\n".to_vec(),
        ),
        (
            "invalid_utf8.scorec",
            b"scorecard x { description \"\xc3\x28\" }".to_vec(),
        ),
        ("deep_flow.yaml", deep_yaml.into_bytes()),
        ("deep_block.yaml", deep_map.into_bytes()),
        ("deep_parens.scorec", deep_dsl.into_bytes()),
        ("ten_megabytes.yaml", big.into_bytes()),
        ("garbage.yaml", garbage.clone()),
        ("garbage_text.yaml", printable.clone().into_bytes()),
        ("garbage_text.scorec", printable.into_bytes()),
        ("garbage.scorec", garbage),
        ("billion_laughs.yaml", laughs.as_bytes().to_vec()),
        (
            "too_large.yaml",
            vec![b'#'; scorec::load::MAX_FILE_BYTES + 1],
        ),
    ];
    let mut seen = String::new();
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let (code, stdout, stderr) = scorec(&["check", &path.to_string_lossy()]);
        let valid = name == "ten_megabytes.yaml";
        assert!(
            if valid {
                code == 0
            } else {
                code == 1 || code == 2
            },
            "{name}: exit {code}\n{stdout}{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
        let first = stderr
            .lines()
            .next()
            .or(stdout.lines().next())
            .unwrap_or("")
            .replace(&*dir.to_string_lossy(), "<dir>");
        seen.push_str(&format!("{name}: exit {code}: {first}\n"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(seen);
}

#[test]
fn read_failures_name_the_file() {
    let dir = scratch("unreadable");
    let root = dir.join("scorecard.yaml");
    std::fs::write(&root, "scorecard: x\ninclude: [missing.yaml]\n").expect("write");
    let (code, _, stderr) = scorec(&["check", &dir.to_string_lossy()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("E0005"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = Path::new("");
}
