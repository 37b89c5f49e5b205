//! The output formats and the report's filters, on the planted fixture.

use serde_json::Value as Json;

use crate::support::engines::parse_csv;
use crate::support::scorec;

use super::{planted, planted_json, run_ok};

fn planted_args(extra: &[&str]) -> Vec<String> {
    let dir = planted().to_string_lossy().into_owned();
    let mut args = vec!["run".to_string(), dir.clone(), "--data".to_string(), dir];
    args.extend(extra.iter().map(|s| (*s).to_string()));
    args
}

fn planted_out(extra: &[&str]) -> String {
    let args = planted_args(extra);
    let args: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    run_ok(&args, 0)
}

#[test]
fn text_fits_100_columns_and_says_integrity_first() {
    let text = planted_out(&[]);
    for line in text.lines() {
        assert!(
            line.chars().count() <= 100,
            "too wide ({}): {line}",
            line.chars().count()
        );
    }
    assert!(!text.contains('\x1b'), "NO_COLOR is set: no colour");
    let integrity = text.find("Signal integrity").expect("integrity section");
    let login = text.find("\nlogin (medium tier)").expect("login journey");
    assert!(integrity < login, "integrity comes before the journeys");
    for needle in [
        "sign_in",
        "enrolment_health",
        "suspicious_rate",
        "login_success_rate",
        "WARN",
        "CRIT",
    ] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    // Each alert names the owner who must act, and the action.
    assert!(
        text.contains("iam-security must act: Security checks the risk engine"),
        "{text}"
    );
}

#[test]
fn color_always_colours_and_never_does_not() {
    let coloured = planted_out(&["--color", "always"]);
    assert!(coloured.contains("\x1b[31mCRIT"), "critical in red");
    let plain = planted_out(&["--color", "never"]);
    assert!(!plain.contains('\x1b'));
}

#[test]
fn csv_has_its_documented_columns_and_every_row() {
    let csv = planted_out(&["--format", "csv"]);
    let rows = parse_csv(&csv);
    let header: Vec<String> = rows[0]
        .iter()
        .map(|c| c.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        header,
        scorec::run::format::csv::COLUMNS.map(str::to_string)
    );
    assert!(rows.iter().all(|r| r.len() == header.len()), "ragged rows");
    let report = planted_json(&[]);
    let statuses = report["statuses"].as_array().expect("statuses").len();
    let judged = rows[1..].iter().filter(|r| r[0].is_some()).count();
    assert_eq!(judged, statuses, "one CSV row per status row");
    // A judged pair side carries its numerator and denominator.
    let at = |name: &str| header.iter().position(|c| c == name).expect("column");
    let row = rows[1..]
        .iter()
        .find(|r| {
            r[at("metric")].as_deref() == Some("login_success_rate")
                && r[at("bucket")].as_deref() == Some("2026-03-09 00:00:00")
                && r[at("cohort")].as_deref() == Some("overall")
        })
        .expect("login_success_rate on 2026-03-09");
    // Hand-computed (tests/alerts/expected.rs): on D9, 85 + 75 + 1
    // successes of 100 + 100 + 3 attempts.
    let num: f64 = row[at("numerator")]
        .as_deref()
        .expect("numerator")
        .parse()
        .expect("number");
    let den: f64 = row[at("denominator")]
        .as_deref()
        .expect("denominator")
        .parse()
        .expect("number");
    assert_eq!((num, den), (161.0, 203.0));
}

#[test]
fn markdown_tables_are_well_formed() {
    let md = planted_out(&["--format", "markdown"]);
    assert!(md.starts_with("# "));
    for line in md.lines().filter(|l| l.starts_with('|')) {
        assert!(line.ends_with('|'), "{line}");
    }
    assert!(md.contains("## Alerts"));
    assert!(
        md.contains("csf DE.AE-02") || md.contains("DE.AE-02"),
        "controls listed:\n{md}"
    );
    insta::assert_snapshot!("run_planted_markdown", md);
}

#[test]
fn json_is_deterministic_and_versioned() {
    let a = planted_out(&["--format", "json"]);
    let b = planted_out(&["--format", "json"]);
    assert_eq!(a, b, "same input, same bytes");
    let report: Json = serde_json::from_str(&a).expect("JSON");
    assert_eq!(report["schema_version"], 1);
    // Each side's series runs oldest to newest, one point a bucket.
    for journey in report["journeys"].as_array().expect("journeys") {
        for pair in journey["pairs"].as_array().expect("pairs") {
            for side in pair["sides"].as_array().expect("sides") {
                let buckets: Vec<&str> = side["series"]
                    .as_array()
                    .expect("series")
                    .iter()
                    .map(|p| p["bucket"].as_str().expect("bucket"))
                    .collect();
                assert!(buckets.windows(2).all(|w| w[0] < w[1]), "{buckets:?}");
                assert_eq!(buckets.len(), 10, "the planted fixture has ten days");
            }
        }
    }
    // Every value row carries numerator and denominator keys.
    for v in report["values"].as_array().expect("values") {
        assert!(
            v.get("numerator").is_some() && v.get("denominator").is_some(),
            "{v}"
        );
    }
}

/// The exposition of `run --format openmetrics` equals the one the alert
/// tests compute from the gauge query run through the test harness.
#[test]
fn openmetrics_is_the_exposition_the_rules_read() {
    let text = planted_out(&["--format", "openmetrics"]);
    let want = scorec::alerts::gauges::exposition(&crate::alerts::gauge_rows());
    assert_eq!(text, want);
    assert!(text.ends_with("# EOF\n"));
}

#[test]
fn cohort_makes_its_rows_the_headline() {
    let report = planted_json(&["--cohort", "device=mobile"]);
    assert_eq!(report["cohort"], "device=mobile");
    for s in report["statuses"].as_array().expect("statuses") {
        let cohort = s["cohort"].as_str().unwrap_or_default();
        assert!(
            cohort.contains("device=mobile") || s["source"].is_string(),
            "{cohort}"
        );
    }
    let side = &report["journeys"][0]["pairs"][0]["sides"][1];
    assert_eq!(side["metric"], "login_success_rate");
    assert_eq!(side["latest"]["cohort"], "device=mobile");
    // Mobile on 2026-03-09: 75 successes of 100 attempts, below the
    // side's critical bound (< 80 %), which the mobile override (warn
    // < 85 %) leaves in place.
    assert_eq!(side["latest"]["bucket"], "2026-03-09 00:00:00");
    assert_eq!(side["latest"]["value"], 0.75);
    assert_eq!(side["latest"]["status"], "critical");
}

/// A range reads the history before it for baselines: the statuses of its
/// buckets are those of the run over all the data.
#[test]
fn a_range_keeps_the_baselines_of_its_first_bucket() {
    let all = planted_json(&[]);
    let range = planted_json(&["--from", "2026-03-09", "--to", "2026-03-11"]);
    assert_eq!(
        range["buckets"],
        serde_json::json!(["2026-03-09 00:00:00", "2026-03-10 00:00:00"])
    );
    let of = |r: &Json| -> Vec<Json> {
        r["statuses"]
            .as_array()
            .expect("statuses")
            .iter()
            .filter(|s| s["bucket"] == "2026-03-09 00:00:00")
            .cloned()
            .collect()
    };
    assert!(!of(&range).is_empty());
    assert_eq!(of(&range), of(&all));
}

#[test]
fn flags_naming_nothing_are_usage_errors() {
    for (flag, value, said) in [
        ("--journey", "logn", "did you mean `login`"),
        ("--cohort", "devise=mobile", "did you mean `device`"),
        (
            "--from",
            "2026-03-09T06:00",
            "not the start of a day bucket",
        ),
    ] {
        let args = planted_args(&[flag, value]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, stderr) = scorec(&args);
        assert_eq!(code, 2, "{flag} {value}: {stderr}");
        assert!(stderr.contains(said), "{flag} {value}: {stderr}");
    }
}
