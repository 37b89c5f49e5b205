//! Generates a large scorecard for the `check` benchmark: 1,000 journeys ×
//! 10 pairs, using every metric kind and every threshold form, in YAML or
//! in the DSL.
//!
//! `cargo run --release --example gen_large -- yaml|dsl DIR [JOURNEYS]`
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line generator"
)]

use std::fmt::Write as _;
use std::path::Path;

/// Metric formulas, cycling through every kind and condition. Each entry is
/// (side, good, YAML key, YAML body).
const SECURITY: &[(&str, &str, &str)] = &[
    (
        "low",
        "rate",
        "login_attempt[risk_score > 0.8] / login_attempt",
    ),
    (
        "low",
        "rate",
        "reset_requested having count per entity > 3 / reset_requested",
    ),
    (
        "high",
        "rate",
        "distinct entity of mfa_enrolled / distinct entity of login_success",
    ),
    ("low", "count", "recovery_started"),
    ("low", "rate", "step_up_challenge / checkout_started"),
    ("low", "count", "distinct entity of reset_requested"),
    (
        "low",
        "rate",
        "login_attempt followed by login_success within 10m by session / login_attempt",
    ),
    ("low", "sum", "loss_amount of fraud_case"),
    ("low", "rate", "recovery_ticket / recovery_started"),
    (
        "low",
        "rate",
        "registration_completed[risk_score > 0.9] / registration_completed",
    ),
];

const EXPERIENCE: &[(&str, &str, &str)] = &[
    ("high", "rate", "login_success / login_attempt"),
    (
        "low",
        "duration",
        "p95 of reset_requested -> reset_completed within 24h",
    ),
    (
        "high",
        "conversion",
        "mfa_enrol_started -> mfa_enrolled within 30m",
    ),
    ("low", "rate", "recovery_ticket / recovery_started"),
    (
        "high",
        "rate",
        "checkout_started followed by order_placed within 1h by session / checkout_started",
    ),
    (
        "low",
        "duration",
        "approx p50 of login_attempt -> login_success within 5m",
    ),
    (
        "high",
        "conversion",
        "registration_started -> registration_completed within 1d",
    ),
    ("high", "rate", "consent_given / consent_shown"),
    ("low", "derived", "1000 * {security} / 10"),
    ("high", "rate", "order_placed / checkout_started"),
];

/// Threshold pairs (warn, critical) that fit a metric's kind and direction.
fn bounds(kind: &str, good: &str, i: usize) -> (String, String) {
    let fraction = matches!(kind, "rate" | "conversion");
    match (kind, good, i % 5) {
        ("duration", _, _) => ("> 30m".into(), "> 2h for 3 windows".into()),
        (_, "high", 0) if fraction => ("< 95%".into(), "< 90%".into()),
        (_, "high", 1) if fraction => (
            "drops 10% vs 28d".into(),
            "drops 25% vs 28d baseline_min_sample 500".into(),
        ),
        (_, "high", 2) if fraction => ("drops 2pp vs 28d".into(), "drops 5pp vs 28d".into()),
        (_, "high", _) if fraction => ("< 1% or > 99%".into(), "< 80% for 3 windows".into()),
        (_, "low", 0) if fraction => ("> 2%".into(), "> 5%".into()),
        (_, "low", 1) if fraction => ("< 0.05% or > 2%".into(), "> 5% for 2 windows".into()),
        (_, "low", 2) if fraction => ("rises 2pp vs 28d".into(), "rises 5pp vs 28d".into()),
        (_, "low", _) if fraction => ("rises 20% vs 7d".into(), "> 10%".into()),
        (_, "high", _) => ("drops 20% vs 28d".into(), "drops 40% vs 28d".into()),
        _ => ("rises 50% vs 28d".into(), "rises 100% vs 28d".into()),
    }
}

const SOURCES_YAML: &str = r#"sources:
  auth_events:
    table: analytics.auth_events
    timestamp: event_time
    entity: user_id
    session: session_id
    dedupe_by: event_id
    dimensions: [device_type, region]
    integrity:
      freshness: { warn: "> 2h", critical: "> 6h" }
      volume: { warn: "drops 30% vs 28d" }
      duplicates: { warn: "> 1%" }
  checkout_events:
    table: analytics.checkout_events
    timestamp: event_time
    entity: user_id
    session: session_id
    dedupe_by: event_id
    dimensions: [device_type, region]
    integrity:
      freshness: { warn: "> 2h" }
  support_tickets:
    table: support.tickets
    timestamp: created_at
    entity: user_id
    dimensions: [device_type, region]
    integrity:
      freshness: { warn: "> 12h" }
  fraud_cases:
    table: risk.fraud_cases
    timestamp: reported_at
    entity: user_id
    dimensions: [device_type, region]
    integrity:
      freshness: { warn: "> 2d" }
events:
"#;

const EVENTS: &[(&str, &str, &str)] = &[
    (
        "login_attempt",
        "auth_events",
        "event_name = 'login_attempt'",
    ),
    (
        "login_success",
        "auth_events",
        "event_name = 'login_success'",
    ),
    (
        "reset_requested",
        "auth_events",
        "event_name = 'password_reset_requested'",
    ),
    (
        "reset_completed",
        "auth_events",
        "event_name = 'password_reset_completed'",
    ),
    (
        "mfa_enrol_started",
        "auth_events",
        "event_name = 'mfa_enrolment_started'",
    ),
    ("mfa_enrolled", "auth_events", "event_name = 'mfa_enrolled'"),
    (
        "recovery_started",
        "auth_events",
        "event_name = 'account_recovery_started'",
    ),
    (
        "registration_started",
        "auth_events",
        "event_name = 'registration_started'",
    ),
    (
        "registration_completed",
        "auth_events",
        "event_name = 'registration_completed'",
    ),
    (
        "consent_shown",
        "auth_events",
        "event_name = 'consent_shown'",
    ),
    (
        "consent_given",
        "auth_events",
        "event_name = 'consent_given'",
    ),
    (
        "checkout_started",
        "checkout_events",
        "event_name = 'checkout_started'",
    ),
    (
        "step_up_challenge",
        "checkout_events",
        "event_name = 'step_up_challenge'",
    ),
    (
        "order_placed",
        "checkout_events",
        "event_name = 'order_placed'",
    ),
    (
        "recovery_ticket",
        "support_tickets",
        "category = 'account_recovery'",
    ),
    ("fraud_case", "fraud_cases", "loss_amount > 0"),
];

struct Metric {
    name: String,
    side: &'static str,
    good: &'static str,
    key: &'static str,
    body: String,
}

fn journey_metrics(j: usize) -> Vec<(Metric, Metric)> {
    (0..10)
        .map(|p| {
            let (sg, sk, sb) = SECURITY[(j + p) % SECURITY.len()];
            let (eg, ek, eb) = EXPERIENCE[(j * 3 + p) % EXPERIENCE.len()];
            let security = format!("j{j}_p{p}_security");
            let experience = format!("j{j}_p{p}_experience");
            (
                Metric {
                    name: security.clone(),
                    side: "security",
                    good: sg,
                    key: sk,
                    body: sb.to_string(),
                },
                Metric {
                    name: experience,
                    side: "experience",
                    good: eg,
                    key: ek,
                    body: eb.replace("{security}", &security),
                },
            )
        })
        .collect()
}

fn yaml_journey(out: &mut String, j: usize) {
    let tier = ["low", "medium", "high", "critical"][j % 4];
    let _ = writeln!(
        out,
        "  j{j}:\n    title: Journey {j}\n    tier: {tier}\n    owners: {{ security: sec-{j}, product: prod-{j} }}\n    cohorts: [device_type, region]\n    metrics:"
    );
    let pairs = journey_metrics(j);
    for (s, e) in &pairs {
        for m in [s, e] {
            let _ = writeln!(
                out,
                "      {}: {{ side: {}, good: {}, {}: \"{}\" }}",
                m.name, m.side, m.good, m.key, m.body
            );
        }
    }
    let _ = writeln!(out, "    pairs:");
    for (p, (s, e)) in pairs.iter().enumerate() {
        let (sw, sc) = bounds(s.key, s.good, j + p);
        let (ew, ec) = bounds(e.key, e.good, j + p + 1);
        let _ = writeln!(out, "      j{j}_pair{p}:");
        let _ = writeln!(
            out,
            "        security: {{ metric: {}, warn: \"{sw}\", critical: \"{sc}\" }}",
            s.name
        );
        let _ = writeln!(
            out,
            "        experience:\n          metric: {}\n          warn: \"{ew}\"\n          critical: \"{ec}\"",
            e.name
        );
        if p % 3 == 0 {
            let _ = writeln!(
                out,
                "          overrides:\n            - when: {{device_type: mobile}}\n              min_sample: 400"
            );
        }
        if p % 2 == 0 && matches!(e.key, "rate" | "conversion") {
            let _ = writeln!(
                out,
                "        tradeoff: experience worsens 3pp while security improves vs 28d"
            );
        }
        let _ = writeln!(
            out,
            "        action: Owners of journey {j} review pair {p}.\n        maps: [csf:DE.AE-02, sp800-63:AAL2, owasp-nhi:NHI-03]"
        );
    }
    let _ = writeln!(
        out,
        "    changes:\n      j{j}_change:\n        date: 2026-03-15\n        outcomes: [{}]\n        washout: 7d",
        pairs[0].1.name
    );
}

fn dsl_journey(out: &mut String, j: usize) {
    let tier = ["low", "medium", "high", "critical"][j % 4];
    let _ = writeln!(
        out,
        "journey j{j} \"Journey {j}\" tier {tier} {{\n  owners security \"sec-{j}\" product \"prod-{j}\"\n  cohorts device_type, region"
    );
    let pairs = journey_metrics(j);
    for (s, e) in &pairs {
        for m in [s, e] {
            let _ = writeln!(
                out,
                "  metric {} {} good {} = {}({})",
                m.name, m.side, m.good, m.key, m.body
            );
        }
    }
    for (p, (s, e)) in pairs.iter().enumerate() {
        let (sw, sc) = bounds(s.key, s.good, j + p);
        let (ew, ec) = bounds(e.key, e.good, j + p + 1);
        let _ = writeln!(
            out,
            "  pair j{j}_pair{p} {{\n    security {} warn {sw} critical {sc}",
            s.name
        );
        let _ = write!(out, "    experience {} warn {ew} critical {ec}", e.name);
        if p % 3 == 0 {
            let _ = write!(out, " {{ when device_type = \"mobile\" min_sample 400 }}");
        }
        out.push('\n');
        if p % 2 == 0 && matches!(e.key, "rate" | "conversion") {
            let _ = writeln!(
                out,
                "    tradeoff experience worsens 3pp while security improves vs 28d"
            );
        }
        let _ = writeln!(
            out,
            "    action \"Owners of journey {j} review pair {p}.\"\n    maps csf:DE.AE-02, sp800-63:AAL2, owasp-nhi:NHI-03\n  }}"
        );
    }
    let _ = writeln!(
        out,
        "  change j{j}_change on 2026-03-15 {{ outcomes {} washout 7d }}\n}}",
        pairs[0].1.name
    );
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(syntax), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: gen_large yaml|dsl DIR [JOURNEYS]");
        return std::process::ExitCode::from(2);
    };
    let journeys: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let dir = Path::new(dir);
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("journeys")).expect("create output folder");
    let files = 10;
    let per_file = journeys.div_ceil(files);
    if syntax == "yaml" {
        let root = "scorecard: large\ndefaults: { dialect: snowflake, grain: day, min_sample: 100 }\ninclude: [sources.yaml, \"journeys/*.yaml\"]\ntiers:\n  high: { min_sample: 300 }\n  critical: { min_sample: 300, require: [device_type] }\n";
        std::fs::write(dir.join("scorecard.yaml"), root).expect("write");
        let mut sources = SOURCES_YAML.to_string();
        for (name, source, filter) in EVENTS {
            let _ = writeln!(
                sources,
                "  {name}: {{ source: {source}, where: \"{filter}\" }}"
            );
        }
        std::fs::write(dir.join("sources.yaml"), sources).expect("write");
        for f in 0..files {
            let mut out = "journeys:\n".to_string();
            for j in (f * per_file)..((f + 1) * per_file).min(journeys) {
                yaml_journey(&mut out, j);
            }
            std::fs::write(dir.join(format!("journeys/part{f:02}.yaml")), out).expect("write");
        }
    } else {
        let root = "scorecard large {\n  dialect snowflake\n  grain day\n  min_sample 100\n  include \"sources.scorec\", \"journeys/*.scorec\"\n}\ntier high { min_sample 300 }\ntier critical { min_sample 300 require device_type }\n";
        std::fs::write(dir.join("scorecard.scorec"), root).expect("write");
        let mut sources = String::new();
        for (name, entity_dims) in [
            ("auth_events", "analytics.auth_events"),
            ("checkout_events", "analytics.checkout_events"),
        ] {
            let _ = writeln!(
                sources,
                "source {name} {{\n  table {entity_dims}\n  timestamp event_time\n  entity user_id\n  session session_id\n  dedupe event_id\n  dimensions device_type, region\n  freshness warn > 2h critical > 6h\n}}"
            );
        }
        sources.push_str("source support_tickets {\n  table support.tickets\n  timestamp created_at\n  entity user_id\n  dimensions device_type, region\n  freshness warn > 12h\n}\nsource fraud_cases {\n  table risk.fraud_cases\n  timestamp reported_at\n  entity user_id\n  dimensions device_type, region\n  freshness warn > 2d\n}\n");
        for (name, source, filter) in EVENTS {
            let _ = writeln!(sources, "event {name} on {source} where [{filter}]");
        }
        std::fs::write(dir.join("sources.scorec"), sources).expect("write");
        for f in 0..files {
            let mut out = String::new();
            for j in (f * per_file)..((f + 1) * per_file).min(journeys) {
                dsl_journey(&mut out, j);
            }
            std::fs::write(dir.join(format!("journeys/part{f:02}.scorec")), out).expect("write");
        }
    }
    println!("wrote {journeys} journeys x 10 pairs to {}", dir.display());
    std::process::ExitCode::SUCCESS
}
