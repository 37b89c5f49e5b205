//! `scorec diff`: fixture pairs per change kind (snapshots of what a
//! reviewer reads, and hand-checked facts about each), a real git
//! repository with several commits, reformat and conversion as no
//! semantic change, and the exit codes.

mod git;
mod no_change;

use std::path::{Path, PathBuf};

use scorec::check;
use scorec::cli::fs::OsFs;
use scorec::diff::impact::FileStatus;
use scorec::diff::{self, Category, Change, Effect, Item, Report, Version};
use scorec::load::{self, Loaded};

use crate::support::{scorec, transcript};

const FIXTURES: &str = "tests/fixtures/diff";

/// Every variant fixture (all but `base.yaml`), by name.
fn variants() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURES);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "base.yaml")
        .map(|n| n.trim_end_matches(".yaml").to_string())
        .collect();
    names.sort();
    names
}

/// Loads and checks a scorecard; panics on errors (fixtures are valid).
pub(crate) fn checked(path: &Path) -> (Loaded, scorec::model::Scorecard) {
    let loaded = load::load(&OsFs, &crate::support::relative(path));
    let checked = check::check(&loaded, check::Options::default());
    let errors: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .collect();
    assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    (loaded, checked.model.expect("model"))
}

/// The report between two scorecards, SQL impact for DuckDB only.
fn report(old: &Path, new: &Path) -> Report {
    let (ol, om) = checked(old);
    let (nl, nm) = checked(new);
    let ov = Version {
        model: &om,
        sources: &ol.sources,
        root: &ol.root_dir,
    };
    let nv = Version {
        model: &nm,
        sources: &nl.sources,
        root: &nl.root_dir,
    };
    let (changes, reviewers) = diff::diff(ov, nv);
    let impact = diff::impact::compute(ov, nv, &[scorec::sql::Dialect::DuckDb], &changes);
    Report {
        changes,
        impact,
        reviewers,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(FIXTURES)
        .join(format!("{name}.yaml"))
}

fn variant(name: &str) -> Report {
    report(&fixture("base"), &fixture(name))
}

/// `(item, field, category, effect)` of every change, for assertions.
fn facts(r: &Report) -> Vec<(String, String, Category, Option<Effect>)> {
    r.changes
        .iter()
        .map(|c: &Change| {
            (
                format!("{} {}", c.item.kind(), c.item.name()),
                c.field.clone(),
                c.category,
                c.effect,
            )
        })
        .collect()
}

fn fact(
    item: &str,
    field: &str,
    category: Category,
    effect: Option<Effect>,
) -> (String, String, Category, Option<Effect>) {
    (item.to_string(), field.to_string(), category, effect)
}

fn reviewers(r: &Report) -> Vec<(String, String)> {
    r.reviewers
        .iter()
        .map(|x| (x.role.to_string(), x.owner.clone().unwrap_or_default()))
        .collect()
}

fn pair(role: &str, owner: &str) -> (String, String) {
    (role.to_string(), owner.to_string())
}

#[test]
fn every_fixture_pair_as_a_reviewer_reads_it() {
    let names = variants();
    assert!(names.len() >= 15, "{names:?}");
    for name in names {
        let new = format!("{FIXTURES}/{name}.yaml");
        let text = transcript(&[
            "diff",
            "--paths",
            &format!("{FIXTURES}/base.yaml"),
            &new,
            "--dialect",
            "duckdb",
        ]);
        insta::assert_snapshot!(format!("fixture_{name}"), text);
    }
}

#[test]
fn thresholds_are_tightened_or_loosened_from_the_good_direction() {
    use Category::Threshold as T;
    let r = variant("threshold_loosened");
    assert_eq!(
        facts(&r),
        [
            fact(
                "pair sign_in_health",
                "experience warn",
                T,
                Some(Effect::Loosened)
            ),
            fact(
                "pair recovery_health",
                "security warn",
                T,
                Some(Effect::Loosened)
            ),
        ]
    );
    // Product owns thresholds; loosening on the critical recovery journey
    // needs its security owner too (and its tier policy asks for both).
    assert_eq!(
        reviewers(&r),
        [
            pair("security", "recovery-security"),
            pair("product", "growth-auth"),
            pair("product", "account-experience"),
        ]
    );
    // A threshold is not in the metric SQL but in every alert target.
    let alerts = &r.impact.artifacts[1];
    assert_eq!(alerts.kind, "alerts");
    let changed: Vec<&str> = alerts.files.iter().map(|f| f.path.as_str()).collect();
    for path in [
        "sql/duckdb/scorecard_status.sql",
        "prometheus/rules.yaml",
        "snowflake/scorecard_status.sql",
    ] {
        assert!(changed.contains(&path), "{path} not in {changed:?}");
    }
    let r = variant("threshold_tightened");
    assert_eq!(
        facts(&r),
        [
            fact(
                "pair sign_in_health",
                "security warn",
                T,
                Some(Effect::Tightened)
            ),
            fact(
                "pair recovery_health",
                "security critical",
                T,
                Some(Effect::Tightened)
            ),
        ]
    );
    let r = variant("bound_removed_min_sample");
    let f = facts(&r);
    assert!(
        f.contains(&fact(
            "scorecard diff-base",
            "min_sample",
            T,
            Some(Effect::Tightened)
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&fact(
            "pair sign_in_health",
            "experience critical",
            T,
            Some(Effect::Loosened)
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&fact(
            "pair sign_in_health",
            "experience min_sample",
            T,
            Some(Effect::Loosened)
        )),
        "{f:?}"
    );
    assert_eq!(
        facts(&variant("relative_bound")),
        [fact(
            "pair recovery_health",
            "experience warn",
            T,
            Some(Effect::Loosened)
        )]
    );
}

#[test]
fn signal_changes_break_history_and_go_to_security() {
    let r = variant("signal_event");
    assert_eq!(r.changes.len(), 1, "{:#?}", r.changes);
    let c = &r.changes[0];
    assert_eq!(
        (c.item.clone(), c.category),
        (Item::Event("login_attempt".into()), Category::Signal)
    );
    assert_eq!(
        c.breaks_history,
        ["login_success_rate", "suspicious_login_rate"]
    );
    assert_eq!(reviewers(&r), [pair("security", "iam-security")]);
    let broken: Vec<&str> = r
        .impact
        .history_breaks
        .iter()
        .map(|b| b.metric.as_str())
        .collect();
    assert_eq!(broken, ["login_success_rate", "suspicious_login_rate"]);
    // The scorecard view's SQL changes; the journey views, which select
    // their rows from it, only in their headers (which name the file each
    // metric is declared in).
    let status = |path: &str| {
        r.impact.artifacts[0]
            .files
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.status)
    };
    assert_eq!(status("duckdb/scorecard.sql"), Some(FileStatus::Changed));
    assert_eq!(
        status("duckdb/adhoc/scorecard.sql"),
        Some(FileStatus::Changed)
    );
    // The journey views select from `scorecard`: only the metric lists
    // above them name the changed declaration.
    assert_eq!(status("duckdb/journeys.sql"), Some(FileStatus::HeaderOnly));

    let r = variant("signal_conditions");
    let f = facts(&r);
    assert_eq!(
        f,
        [
            fact(
                "metric suspicious_login_rate",
                "numerator predicate",
                Category::Signal,
                None
            ),
            fact(
                "metric recovery_abuse_rate",
                "numerator frequency condition",
                Category::Signal,
                None
            ),
        ]
    );
    // The critical journey's tier policy asks both roles to sign off.
    assert_eq!(
        reviewers(&r),
        [
            pair("security", "iam-security"),
            pair("security", "recovery-security"),
            pair("product", "account-experience"),
        ]
    );

    let r = variant("signal_source");
    let f = facts(&r);
    assert!(
        f.contains(&fact(
            "source auth_events",
            "dedupe_by",
            Category::Signal,
            None
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&fact(
            "source auth_events",
            "freshness warn",
            Category::Threshold,
            Some(Effect::Loosened)
        )),
        "{f:?}"
    );
    assert_eq!(r.impact.history_breaks.len(), 4);

    let r = variant("baseline_and_window");
    let f = facts(&r);
    assert!(
        f.contains(&fact(
            "metric recovery_completion",
            "window",
            Category::Window,
            None
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&fact(
            "pair recovery_health",
            "experience warn",
            Category::Baseline,
            Some(Effect::Changed)
        )),
        "{f:?}"
    );
}

#[test]
fn renames_are_not_removals_and_additions() {
    let r = variant("renames");
    let f = facts(&r);
    assert!(
        r.changes
            .iter()
            .all(|c| !matches!(c.category, Category::Added | Category::Removed)),
        "{f:?}"
    );
    let renamed: Vec<(String, String)> = r
        .changes
        .iter()
        .filter(|c| c.category == Category::Renamed)
        .map(|c| {
            (
                c.old.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("login_success", "login_succeeded"),
        ("login", "sign_in"),
        ("login_success_rate", "sign_in_success_rate"),
        ("sign_in_health", "sign_in_pair"),
    ];
    assert_eq!(
        renamed,
        expected.map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(r.changes.len(), 4, "{f:?}");

    let r = variant("rename_with_edit");
    assert_eq!(
        facts(&r),
        [
            fact("metric recovery_abuse_share", "", Category::Renamed, None),
            fact(
                "metric recovery_abuse_share",
                "description",
                Category::Description,
                None
            ),
        ]
    );
}

#[test]
fn structure_owners_mappings_tiers_and_cohorts() {
    let r = variant("added_removed");
    assert_eq!(
        facts(&r),
        [
            fact("metric login_volume", "", Category::Added, None),
            fact(
                "pair recovery_health",
                "",
                Category::Removed,
                Some(Effect::Loosened)
            ),
        ]
    );
    let r = variant("owners_action_mappings");
    let f = facts(&r);
    assert_eq!(
        f,
        [
            fact("journey login", "product owner", Category::Owner, None),
            fact("pair sign_in_health", "action", Category::Action, None),
            fact("pair sign_in_health", "maps", Category::Mapping, None),
            fact("pair sign_in_health", "maps", Category::Mapping, None),
        ]
    );
    // The new and the old product owner both review an owner change.
    let rv = reviewers(&r);
    assert!(rv.contains(&pair("product", "identity-product")), "{rv:?}");
    assert!(rv.contains(&pair("product", "growth-auth")), "{rv:?}");
    assert!(rv.contains(&pair("security", "iam-security")), "{rv:?}");

    let r = variant("tier_change");
    let f = facts(&r);
    assert!(
        f.contains(&fact(
            "journey login",
            "tier",
            Category::Tier,
            Some(Effect::Tightened)
        )),
        "{f:?}"
    );
    assert!(
        f.contains(&fact(
            "journey recovery",
            "tier",
            Category::Tier,
            Some(Effect::Loosened)
        )),
        "{f:?}"
    );
    // The critical policy's min_sample floor now applies to login's pair.
    assert!(
        f.contains(&fact(
            "pair sign_in_health",
            "security min_sample",
            Category::Threshold,
            Some(Effect::Loosened)
        )),
        "{f:?}"
    );
    let tier = r
        .changes
        .iter()
        .find(|c| c.field == "tier")
        .expect("tier change");
    assert_eq!(
        tier.new.as_deref(),
        Some(
            "critical (min_sample 300, require device_type, severity critical, sign-off security, product)"
        )
    );

    let r = variant("tier_policy");
    assert_eq!(
        facts(&r),
        [
            fact(
                "tier critical",
                "min_sample",
                Category::Tier,
                Some(Effect::Tightened)
            ),
            fact(
                "tier critical",
                "require",
                Category::Tier,
                Some(Effect::Loosened)
            ),
            fact(
                "tier critical",
                "sign_off",
                Category::Tier,
                Some(Effect::Loosened)
            ),
            fact(
                "pair recovery_health",
                "security min_sample",
                Category::Threshold,
                Some(Effect::Tightened)
            ),
            fact(
                "pair recovery_health",
                "experience min_sample",
                Category::Threshold,
                Some(Effect::Tightened)
            ),
        ]
    );

    let r = variant("cohort_override");
    let f = facts(&r);
    assert_eq!(
        f,
        [
            fact("journey login", "cohorts", Category::Cohort, None),
            fact(
                "pair sign_in_health",
                "experience warn for device_type = mobile",
                Category::Threshold,
                Some(Effect::Loosened)
            ),
        ]
    );
    assert_eq!(
        (r.changes[1].old.as_deref(), r.changes[1].new.as_deref()),
        (Some("< 95%"), Some("< 93%"))
    );
    assert_eq!(
        facts(&variant("tradeoff")),
        [fact(
            "pair sign_in_health",
            "tradeoff",
            Category::Threshold,
            Some(Effect::Tightened)
        )]
    );
    let r = variant("settings");
    assert_eq!(
        facts(&r),
        [
            fact("scorecard diff-base", "dialect", Category::Settings, None),
            fact("scorecard diff-base", "timezone", Category::Window, None),
        ]
    );
    assert_eq!(r.impact.history_breaks.len(), 4);
}

#[test]
fn the_json_report_for_a_ci_bot() {
    let text = transcript(&[
        "diff",
        "--paths",
        &format!("{FIXTURES}/base.yaml"),
        &format!("{FIXTURES}/threshold_loosened.yaml"),
        "--dialect",
        "duckdb",
        "--format",
        "json",
        "--fail-on",
        "loosened",
    ]);
    insta::assert_snapshot!(text);
    let (code, stdout, _) = scorec(&[
        "diff",
        "--paths",
        &format!("{FIXTURES}/base.yaml"),
        &format!("{FIXTURES}/threshold_loosened.yaml"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["summary"]["loosened"], 2);
    assert_eq!(v["changes"][0]["effect"], "loosened");
    assert_eq!(v["changes"][0]["item"]["kind"], "pair");
    let line = std::fs::read_to_string(fixture("threshold_loosened"))
        .expect("fixture")
        .lines()
        .position(|l| l.contains("\"< 92%\""))
        .expect("bound")
        + 1;
    assert_eq!(v["changes"][0]["location"]["line"], line);
    // All eight dialects by default: each changes its pairs view; the
    // other files differ only in the header naming the fixture's file.
    let sql = &v["impact"]["artifacts"][0];
    assert_eq!(sql["kind"], "sql");
    let changed: Vec<&str> = sql["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["status"] == "changed")
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(changed.len(), 8, "{changed:?}");
    assert!(
        changed.iter().all(|p| p.ends_with("/scorecard_pairs.sql")),
        "{changed:?}"
    );
}

#[test]
fn markdown_and_github_formats() {
    let args = |format: &'static str| {
        [
            "diff".to_string(),
            "--paths".to_string(),
            format!("{FIXTURES}/base.yaml"),
            format!("{FIXTURES}/signal_event.yaml"),
            "--dialect".to_string(),
            "duckdb".to_string(),
            "--format".to_string(),
            format.to_string(),
        ]
    };
    let md = args("markdown");
    insta::assert_snapshot!(
        "markdown",
        transcript(&md.iter().map(String::as_str).collect::<Vec<_>>())
    );
    let gh = args("github");
    let (code, stdout, _) = scorec(&gh.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0);
    let first = stdout.lines().next().expect("an annotation");
    // The annotation points at the event's declaration in the new file.
    let expected_line = std::fs::read_to_string(fixture("signal_event"))
        .expect("fixture")
        .lines()
        .position(|l| l.starts_with("  login_attempt:"))
        .expect("event line")
        + 1;
    assert!(
        first.starts_with(&format!(
            "::warning file={FIXTURES}/signal_event.yaml,line={expected_line},"
        )),
        "{first}"
    );
    assert!(first.contains("::event `login_attempt` where: event_name = 'login_attempt' → event_name IN ('login_attempt', 'passkey_attempt')%0Abreaks the history of login_success_rate, suspicious_login_rate"), "{first}");
}

#[test]
fn colour_follows_color_and_no_color() {
    let args = |color: &'static str| {
        [
            "diff",
            "--paths",
            "tests/fixtures/diff/base.yaml",
            "tests/fixtures/diff/threshold_loosened.yaml",
            "--dialect",
            "duckdb",
            "--color",
            color,
        ]
    };
    // `scorec` runs the binary with NO_COLOR set: `always` still colours,
    // `auto` does not (nor would it on a pipe).
    let (_, always, _) = scorec(&args("always"));
    assert!(
        always.contains("\x1b[31m[threshold, loosened]\x1b[0m"),
        "{always}"
    );
    let (_, auto, _) = scorec(&args("auto"));
    assert!(!auto.contains('\x1b'), "{auto}");
    let (_, never, _) = scorec(&args("never"));
    assert_eq!(never, auto);
}

#[test]
fn fail_on_exit_codes() {
    let base = format!("{FIXTURES}/base.yaml");
    let run = |new: &str, fail_on: &str| {
        let new = format!("{FIXTURES}/{new}.yaml");
        scorec(&[
            "diff",
            "--paths",
            &base,
            &new,
            "--dialect",
            "duckdb",
            "--fail-on",
            fail_on,
        ])
        .0
    };
    assert_eq!(run("threshold_loosened", "loosened"), 1);
    assert_eq!(run("threshold_loosened", "signal"), 0);
    assert_eq!(run("threshold_tightened", "loosened"), 0);
    assert_eq!(run("signal_event", "signal"), 1);
    assert_eq!(run("signal_event", "loosened,signal"), 1);
    assert_eq!(run("tradeoff", "any"), 1);
    assert_eq!(run("base", "any"), 0);
    // Usage errors: two paths are needed, and a path must exist.
    insta::assert_snapshot!(transcript(&["diff", "--paths", &base]));
    let (code, _, stderr) = scorec(&["diff", "--paths", &base, "no/such/scorecard.yaml"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("the new version (no/such/scorecard.yaml) does not check"),
        "{stderr}"
    );
    // A version with errors fails the diff.
    let (code, _, stderr) = scorec(&[
        "diff",
        "--paths",
        &base,
        "tests/fixtures/check/err_E0604_relative_direction.yaml",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("error[E0604]"), "{stderr}");
}
