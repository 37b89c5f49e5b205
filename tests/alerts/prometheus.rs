//! The Prometheus rules of the planted fixture under `promtool`: `check
//! rules`, then `test rules` with input series generated from the gauges
//! the fixture gives on DuckDB (each bucket's value held for one day of
//! hourly samples), expecting exactly the planted breaches.

use std::fmt::Write as _;
use std::process::Command;

use scorec::alerts::gauges::{self, GaugeRow};
use scorec::alerts::prometheus;
use scorec::sql::Dialect;
use serde_json::Value as Json;

use super::{fixture_dir, model, script, text};
use crate::support::table_types;
use crate::support::{self, engines::TempDir};

const PROMTOOL_HINT: &str =
    "promtool was not found: install Prometheus (`apt-get install -y prometheus`; `.ci/run` does)";

pub(super) fn promtool(args: &[&str], dir: &std::path::Path) -> Result<String, String> {
    let output = Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{PROMTOOL_HINT} ({e})"))?;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if output.status.success() {
        Ok(all)
    } else {
        Err(all)
    }
}

/// The gauges of every bucket, from DuckDB.
pub(crate) fn gauge_rows() -> Vec<GaugeRow> {
    let model = model();
    let data = TempDir::new("alerts-prom").unwrap_or_else(|e| panic!("{e}"));
    support::engines::write_parquet(&fixture_dir(), &table_types(&model), data.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let select = gauges::gauges_sql(&model, Dialect::DuckDb, &super::alert_options())
        .unwrap_or_else(|e| panic!("{}", e.message));
    let rows = support::engines::duckdb(data.path(), &script(&model, Dialect::DuckDb, &select))
        .unwrap_or_else(|e| panic!("{e}"));
    let at = |name: &str| {
        rows.columns
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let labels = [
        "scorecard",
        "journey",
        "pair",
        "side",
        "metric",
        "source",
        "window",
        "grouping",
        "device",
    ];
    rows.rows
        .iter()
        .map(|r| GaugeRow {
            gauge: text(&r[at("gauge")]).unwrap_or_default(),
            labels: labels
                .iter()
                .filter_map(|l| text(&r[at(l)]).map(|v| ((*l).to_string(), v)))
                .collect(),
            bucket: text(&r[at("bucket")]).unwrap_or_default(),
            incomplete: matches!(&r[at("incomplete")], Json::Number(n) if n.as_i64() == Some(1)),
            value: text(&r[at("value")]).and_then(|v| v.parse().ok()),
        })
        .collect()
}

fn series_name(row: &GaugeRow) -> String {
    let labels: Vec<String> = row
        .labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", gauges::escape(v)))
        .collect();
    format!("{}{{{}}}", row.gauge, labels.join(","))
}

/// promtool input series: the complete buckets D1–D9 as nine days of
/// hourly samples; freshness (judged at the newest bucket only) in the
/// last day.
pub(super) fn input_series(rows: &[GaugeRow]) -> String {
    let days: Vec<String> = (1..=9).map(|d| format!("2026-03-{d:02}")).collect();
    let mut series: Vec<(String, Vec<Option<f64>>)> = Vec::new();
    for row in rows {
        let name = series_name(row);
        let day = &row.bucket[..10];
        let slot = if row.gauge == "scorec_source_freshness_minutes" {
            Some(8)
        } else if row.incomplete {
            None
        } else {
            days.iter().position(|d| d == day)
        };
        let Some(slot) = slot else { continue };
        let at = match series.iter().position(|(n, _)| *n == name) {
            Some(at) => at,
            None => {
                series.push((name, vec![None; days.len()]));
                series.len() - 1
            }
        };
        series[at].1[slot] = row.value;
    }
    let mut out = String::new();
    for (name, values) in series {
        let samples: Vec<String> = values
            .iter()
            .map(|v| match v {
                Some(v) => format!("{v}+0x23"),
                None => "_x24".to_string(),
            })
            .collect();
        let _ = writeln!(
            out,
            "      - series: {}\n        values: {}",
            serde_json::to_string(&name).unwrap_or_default(),
            serde_json::to_string(&samples.join(" ")).unwrap_or_default()
        );
    }
    out
}

/// An expected alert: alert name, severity, the check's labels, the
/// cohort's labels.
pub(super) struct Alert {
    pub(super) alert: &'static str,
    pub(super) severity: &'static str,
    pub(super) check: &'static [(&'static str, &'static str)],
    pub(super) cohort: &'static [(&'static str, &'static str)],
}

pub(super) const LOGIN_SECURITY: &[(&str, &str)] = &[
    ("journey", "login"),
    ("pair", "sign_in"),
    ("side", "security"),
    ("metric", "suspicious_rate"),
    ("rule", "threshold"),
    ("acting_owner", "iam-security"),
    ("security_owner", "iam-security"),
    ("product_owner", "growth-auth"),
];
const LOGIN_EXPERIENCE_MOBILE: &[(&str, &str)] = &[
    ("journey", "login"),
    ("pair", "sign_in"),
    ("side", "experience"),
    ("metric", "login_success_rate"),
    ("rule", "threshold"),
    ("scope", "device = mobile"),
    ("acting_owner", "growth-auth"),
    ("security_owner", "iam-security"),
    ("product_owner", "growth-auth"),
];
const LOGIN_EXPERIENCE: &[(&str, &str)] = &[
    ("scope", "device != mobile"),
    ("journey", "login"),
    ("pair", "sign_in"),
    ("side", "experience"),
    ("metric", "login_success_rate"),
    ("rule", "threshold"),
    ("acting_owner", "growth-auth"),
    ("security_owner", "iam-security"),
    ("product_owner", "growth-auth"),
];
const LOGIN_TRADEOFF: &[(&str, &str)] = &[
    ("journey", "login"),
    ("pair", "sign_in"),
    ("side", "experience"),
    ("metric", "login_success_rate"),
    ("rule", "tradeoff"),
    ("acting_owner", "growth-auth"),
    ("security_owner", "iam-security"),
    ("product_owner", "growth-auth"),
];
const ENROLMENT: &[(&str, &str)] = &[
    ("journey", "enrolment"),
    ("pair", "enrolment_health"),
    ("side", "security"),
    ("metric", "enrol_rate"),
    ("rule", "threshold"),
    ("acting_owner", "iam-security"),
    ("security_owner", "iam-security"),
    ("product_owner", "account-experience"),
];
const AUTH_DUPLICATES: &[(&str, &str)] = &[
    ("source", "auth"),
    ("rule", "duplicates"),
    ("acting_owner", "iam-security"),
    ("security_owner", "iam-security"),
];
const TICKETS_VOLUME: &[(&str, &str)] = &[
    ("source", "tickets"),
    ("rule", "volume"),
    ("acting_owner", "iam-security"),
    ("security_owner", "iam-security"),
];
const TICKETS_FRESHNESS: &[(&str, &str)] = &[
    ("source", "tickets"),
    ("rule", "freshness"),
    ("acting_owner", "iam-security"),
    ("security_owner", "iam-security"),
];
const OVERALL: &[(&str, &str)] = &[("grouping", "overall")];
pub(super) const DESKTOP: &[(&str, &str)] = &[("grouping", "device"), ("device", "desktop")];
const MOBILE: &[(&str, &str)] = &[("grouping", "device"), ("device", "mobile")];

/// What fires while D9 is the newest judged bucket: the planted breaches
/// of expected.rs, one alert each (a warn is silenced while the same
/// series' critical fires). Freshness is the stale tickets source.
pub(super) const ALERTS: &[Alert] = &[
    Alert {
        alert: "ScorecThreshold",
        severity: "warn",
        check: LOGIN_SECURITY,
        cohort: OVERALL,
    },
    Alert {
        alert: "ScorecThreshold",
        severity: "critical",
        check: LOGIN_SECURITY,
        cohort: DESKTOP,
    },
    Alert {
        alert: "ScorecThreshold",
        severity: "warn",
        check: LOGIN_SECURITY,
        cohort: MOBILE,
    },
    Alert {
        alert: "ScorecThreshold",
        severity: "critical",
        check: LOGIN_EXPERIENCE,
        cohort: OVERALL,
    },
    Alert {
        alert: "ScorecThreshold",
        severity: "warn",
        check: LOGIN_EXPERIENCE,
        cohort: DESKTOP,
    },
    Alert {
        alert: "ScorecThreshold",
        severity: "critical",
        check: LOGIN_EXPERIENCE_MOBILE,
        cohort: MOBILE,
    },
    Alert {
        alert: "ScorecThreshold",
        severity: "warn",
        check: ENROLMENT,
        cohort: OVERALL,
    },
    Alert {
        alert: "ScorecTradeoff",
        severity: "warn",
        check: LOGIN_TRADEOFF,
        cohort: MOBILE,
    },
    Alert {
        alert: "ScorecDuplicates",
        severity: "warn",
        check: AUTH_DUPLICATES,
        cohort: OVERALL,
    },
    Alert {
        alert: "ScorecVolume",
        severity: "critical",
        check: TICKETS_VOLUME,
        cohort: OVERALL,
    },
    Alert {
        alert: "ScorecFreshness",
        severity: "critical",
        check: TICKETS_FRESHNESS,
        cohort: OVERALL,
    },
];

/// The annotations of the rule an expected alert comes from (generated
/// text: promtool compares annotations too).
fn annotations(alert: &Alert) -> Vec<(&'static str, String)> {
    let model = model();
    let get = |k: &str| alert.check.iter().find(|(l, _)| *l == k).map(|(_, v)| *v);
    for (_, rules) in prometheus::groups(&model) {
        for rule in rules {
            let label = |k: &str| {
                rule.labels
                    .iter()
                    .find(|(l, _)| *l == k)
                    .map(|(_, v)| v.as_str())
            };
            let selects =
                |k: &str| get(k).is_none_or(|v| rule.expr.contains(&format!("{k}=\"{v}\"")));
            let cohort_ok = alert.cohort.iter().all(|(k, v)| {
                !rule.expr.contains(&format!("{k}=\""))
                    || rule.expr.contains(&format!("{k}=\"{v}\""))
            }) && !alert
                .cohort
                .iter()
                .any(|(k, v)| rule.expr.contains(&format!("{k}!=\"{v}\"")));
            if rule.alert == alert.alert
                && label("severity") == Some(alert.severity)
                && ["pair", "side", "metric", "source"]
                    .iter()
                    .all(|k| selects(k))
                && cohort_ok
            {
                return rule.annotations.clone();
            }
        }
    }
    panic!(
        "no rule for {} {} {:?}",
        alert.alert, alert.severity, alert.check
    )
}

pub(super) fn test_yaml(series: &str, alerts: &[&Alert]) -> String {
    let mut out = format!(
        "rule_files: [rules.yaml]\nevaluation_interval: 1h\ntests:\n  - interval: 1h\n    input_series:\n{series}    alert_rule_test:\n"
    );
    for name in [
        "ScorecThreshold",
        "ScorecTradeoff",
        "ScorecFreshness",
        "ScorecVolume",
        "ScorecDuplicates",
    ] {
        let _ = writeln!(out, "      - eval_time: 8d23h\n        alertname: {name}");
        let expected: Vec<&&Alert> = alerts.iter().filter(|a| a.alert == name).collect();
        if expected.is_empty() {
            out.push_str("        exp_alerts: []\n");
            continue;
        }
        out.push_str("        exp_alerts:\n");
        for a in expected {
            out.push_str("          - exp_labels:\n");
            let _ = writeln!(out, "              severity: {}", a.severity);
            let _ = writeln!(out, "              scorecard: planted-alerts");
            for (k, v) in a.check.iter().chain(a.cohort) {
                let _ = writeln!(
                    out,
                    "              {k}: {}",
                    serde_json::to_string(v).unwrap_or_default()
                );
            }
            out.push_str("            exp_annotations:\n");
            for (k, v) in annotations(a) {
                let _ = writeln!(
                    out,
                    "              {k}: {}",
                    serde_json::to_string(&v).unwrap_or_default()
                );
            }
        }
    }
    out
}

#[test]
fn promtool_checks_and_tests_the_rules() {
    let model = model();
    let dir = TempDir::new("promtool").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        dir.path().join("rules.yaml"),
        prometheus::rules_yaml(&model),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let example = crate::support::check(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam"),
    )
    .1
    .model
    .expect("example model");
    std::fs::write(
        dir.path().join("example.yaml"),
        prometheus::rules_yaml(&example),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for file in ["rules.yaml", "example.yaml"] {
        if let Err(e) = promtool(&["check", "rules", file], dir.path()) {
            panic!("promtool check rules {file}:\n{e}");
        }
    }
    let series = input_series(&gauge_rows());
    let alerts: Vec<&Alert> = ALERTS.iter().collect();
    std::fs::write(dir.path().join("test.yaml"), test_yaml(&series, &alerts))
        .unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = promtool(&["test", "rules", "test.yaml"], dir.path()) {
        panic!("promtool test rules:\n{e}");
    }
}

#[test]
fn exposition_shows_the_newest_judged_bucket() {
    let text = gauges::exposition(&gauge_rows());
    // D9 (complete) is shown, not D10 (incomplete): desktop success 85/100.
    let line = "scorec_metric_value{scorecard=\"planted-alerts\",journey=\"login\",pair=\"sign_in\",side=\"experience\",metric=\"login_success_rate\",grouping=\"device\",device=\"desktop\"} 0.85";
    assert!(text.contains(line), "{text}");
    // The stale source: two days behind.
    assert!(
        text.contains("scorec_source_freshness_minutes{scorecard=\"planted-alerts\",source=\"tickets\",grouping=\"overall\"} 2880\n"),
        "{text}"
    );
    // The tablet's 0/0 on D10 is incomplete; its D9 1/3 is shown.
    assert!(text.ends_with("# EOF\n"));
    insta::assert_snapshot!("prometheus_exposition", text);
}
