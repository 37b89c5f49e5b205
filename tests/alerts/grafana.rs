//! The Grafana provisioning file of the planted fixture, checked against
//! the alert-rule provisioning schema of Grafana 10.0 as its documentation
//! gives it ("Create and manage alerting resources using file
//! provisioning": which keys exist, their types, which are required, the
//! allowed `noDataState` and `execErrState` values), plus the UID rule
//! Grafana enforces (at most 40 letters, digits, `-`, `_`). Every query's
//! PromQL is then checked by `promtool check rules`.

use serde_json::Value as Json;

use scorec::alerts::grafana::{self, GRAFANA_VERSION};

use super::model;
use crate::support::engines::TempDir;

/// A value's expected shape.
enum Shape {
    Int,
    Str,
    Bool,
    Duration,
    OneOf(&'static [&'static str]),
    StringMap,
    Any,
    Object(&'static [Field]),
    List(&'static Shape),
}

/// A key of an object: name, shape, required.
struct Field(&'static str, Shape, bool);

const RELATIVE_TIME_RANGE: &[Field] = &[
    Field("from", Shape::Int, true),
    Field("to", Shape::Int, true),
];

const QUERY: &[Field] = &[
    Field("refId", Shape::Str, true),
    Field("datasourceUid", Shape::Str, true),
    Field("queryType", Shape::Str, false),
    Field(
        "relativeTimeRange",
        Shape::Object(RELATIVE_TIME_RANGE),
        false,
    ),
    Field("model", Shape::Any, true),
];

const RULE: &[Field] = &[
    Field("uid", Shape::Str, true),
    Field("title", Shape::Str, true),
    Field("condition", Shape::Str, true),
    Field("data", Shape::List(&Shape::Object(QUERY)), true),
    Field("dashboardUid", Shape::Str, false),
    Field("panelId", Shape::Int, false),
    Field(
        "noDataState",
        Shape::OneOf(&["NoData", "Alerting", "OK"]),
        false,
    ),
    Field(
        "execErrState",
        Shape::OneOf(&["Error", "Alerting", "OK"]),
        false,
    ),
    Field("for", Shape::Duration, true),
    Field("annotations", Shape::StringMap, false),
    Field("labels", Shape::StringMap, false),
    Field("isPaused", Shape::Bool, false),
];

const GROUP: &[Field] = &[
    Field("orgId", Shape::Int, false),
    Field("name", Shape::Str, true),
    Field("folder", Shape::Str, true),
    Field("interval", Shape::Duration, true),
    Field("rules", Shape::List(&Shape::Object(RULE)), true),
];

const FILE: &[Field] = &[
    Field("apiVersion", Shape::OneOf(&["1"]), true),
    Field("groups", Shape::List(&Shape::Object(GROUP)), false),
];

fn duration(text: &str) -> bool {
    let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &text[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && ["ms", "s", "m", "h", "d", "w"].contains(&unit)
}

fn check(value: &Json, shape: &Shape, path: &str, problems: &mut Vec<String>) {
    let ok = match (shape, value) {
        (Shape::Int, Json::Number(n)) => n.is_i64(),
        (Shape::Str, Json::String(_)) | (Shape::Bool, Json::Bool(_)) | (Shape::Any, _) => true,
        (Shape::Duration, Json::String(s)) => duration(s),
        (Shape::OneOf(values), Json::String(s)) => values.contains(&s.as_str()),
        (Shape::OneOf(values), Json::Number(n)) => values.contains(&n.to_string().as_str()),
        (Shape::StringMap, Json::Object(map)) => map.values().all(Json::is_string),
        (Shape::List(item), Json::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check(v, item, &format!("{path}[{i}]"), problems);
            }
            true
        }
        (Shape::Object(fields), Json::Object(map)) => {
            for key in map.keys() {
                if !fields.iter().any(|f| f.0 == key) {
                    problems.push(format!("{path}: unknown key `{key}`"));
                }
            }
            for Field(name, shape, required) in *fields {
                match map.get(*name) {
                    Some(v) => check(v, shape, &format!("{path}.{name}"), problems),
                    None if *required => problems.push(format!("{path}: missing `{name}`")),
                    None => {}
                }
            }
            true
        }
        _ => false,
    };
    if !ok {
        problems.push(format!("{path}: unexpected value {value}"));
    }
}

#[test]
fn grafana_rules_follow_the_provisioning_schema() {
    let example = crate::support::check(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam"),
    )
    .1
    .model
    .expect("example model");
    check_file(&model());
    check_file(&example);
}

fn check_file(model: &scorec::model::Scorecard) {
    let yaml = grafana::rules_yaml(model, &Default::default());
    let file: Json = serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let mut problems = Vec::new();
    check(&file, &Shape::Object(FILE), "file", &mut problems);
    let mut uids = Vec::new();
    let mut exprs = Vec::new();
    for group in file["groups"].as_array().into_iter().flatten() {
        let mut titles = Vec::new();
        for rule in group["rules"].as_array().into_iter().flatten() {
            let uid = rule["uid"].as_str().unwrap_or_default();
            if uid.len() > 40
                || !uid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                problems.push(format!("uid `{uid}` is not a Grafana UID"));
            }
            if uids.contains(&uid) {
                problems.push(format!("uid `{uid}` twice"));
            }
            uids.push(uid);
            let title = rule["title"].as_str().unwrap_or_default();
            if titles.contains(&title) {
                problems.push(format!("title `{title}` twice in a group"));
            }
            titles.push(title);
            let refs: Vec<&str> = rule["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|q| q["refId"].as_str())
                .collect();
            if !refs.contains(&rule["condition"].as_str().unwrap_or_default()) {
                problems.push(format!("{title}: the condition names no query"));
            }
            for q in rule["data"].as_array().into_iter().flatten() {
                if let Some(expr) = q["model"]["expr"].as_str() {
                    exprs.push(expr.to_string());
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "Grafana {GRAFANA_VERSION}:\n{}",
        problems.join("\n")
    );
    // One Grafana rule per Prometheus rule.
    assert_eq!(
        uids.len(),
        scorec::alerts::prometheus::groups(model)
            .iter()
            .map(|(_, r)| r.len())
            .sum::<usize>()
    );
    // The PromQL parses: promtool checks it as recording rules.
    let dir = TempDir::new("grafana").unwrap_or_else(|e| panic!("{e}"));
    let mut rules = String::from("groups:\n  - name: grafana\n    rules:\n");
    for (i, e) in exprs.iter().enumerate() {
        rules.push_str(&format!(
            "      - record: scorec:grafana_{i}\n        expr: {}\n",
            serde_json::to_string(e).unwrap_or_default()
        ));
    }
    std::fs::write(dir.path().join("rules.yaml"), rules).expect("write");
    let output = std::process::Command::new("promtool")
        .args(["check", "rules", "rules.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| {
            panic!("promtool: {e}: install Prometheus (`apt-get install -y prometheus`)")
        });
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_schema_check_rejects_what_grafana_would() {
    // The checker itself: a missing `for`, an unknown key and a bad state.
    let bad = "apiVersion: 1\ngroups:\n  - name: g\n    folder: f\n    interval: 1m\n    rules:\n      - uid: a\n        title: t\n        condition: A\n        data: []\n        noDataState: Sometimes\n        colour: red\n";
    let file: Json = serde_saphyr::from_str(bad).expect("yaml");
    let mut problems = Vec::new();
    check(&file, &Shape::Object(FILE), "file", &mut problems);
    assert_eq!(
        problems,
        vec![
            "file.groups[0].rules[0]: unknown key `colour`".to_string(),
            "file.groups[0].rules[0].noDataState: unexpected value \"Sometimes\"".to_string(),
            "file.groups[0].rules[0]: missing `for`".to_string(),
        ]
    );
}

/// The Grafana rules' queries, run as Prometheus alerting rules (same
/// names, labels, annotations and `for`) over the input series of the
/// Prometheus test: they fire the planted breaches too. Without the
/// `ALERTS` series the desktop suspicious-rate warn is not silenced by its
/// sustained critical, so it fires beside it (Grafana's notification
/// policies can group the two).
#[test]
fn grafana_queries_fire_the_planted_breaches() {
    use super::prometheus::{
        ALERTS, Alert, DESKTOP, LOGIN_SECURITY, gauge_rows, input_series, promtool, test_yaml,
    };
    let yaml = grafana::rules_yaml(&model(), &Default::default());
    let file: Json = serde_saphyr::from_str(&yaml).expect("yaml");
    let mut rules = String::from("groups:\n");
    for group in file["groups"].as_array().into_iter().flatten() {
        rules.push_str(&format!("  - name: {}\n    rules:\n", group["name"]));
        for rule in group["rules"].as_array().into_iter().flatten() {
            let alert = rule["title"]
                .as_str()
                .unwrap_or_default()
                .split(' ')
                .next()
                .unwrap_or_default();
            let expr = &rule["data"][0]["model"]["expr"];
            rules.push_str(&format!(
                "      - alert: {alert}\n        expr: {expr}\n        for: {}\n        labels:\n",
                rule["for"].as_str().unwrap_or_default()
            ));
            for (k, v) in rule["labels"].as_object().into_iter().flatten() {
                rules.push_str(&format!("          {k}: {v}\n"));
            }
            rules.push_str("        annotations:\n");
            for (k, v) in rule["annotations"].as_object().into_iter().flatten() {
                rules.push_str(&format!("          {k}: {v}\n"));
            }
        }
    }
    let dir = TempDir::new("grafana-promtool").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("rules.yaml"), rules).expect("write");
    let extra = Alert {
        alert: "ScorecThreshold",
        severity: "warn",
        check: LOGIN_SECURITY,
        cohort: DESKTOP,
    };
    let mut alerts: Vec<&Alert> = ALERTS.iter().collect();
    alerts.push(&extra);
    let test = test_yaml(&input_series(&gauge_rows()), &alerts);
    std::fs::write(dir.path().join("test.yaml"), test).expect("write");
    if let Err(e) = promtool(&["test", "rules", "test.yaml"], dir.path()) {
        panic!("promtool test rules:\n{e}");
    }
}
