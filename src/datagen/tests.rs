//! Unit tests of the example data generator: determinism, the CSV format,
//! and every planted trap, checked on the data itself.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::*;

/// The default data set, generated once.
fn data() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| generate(&Config::default()))
}

fn table(name: &str) -> &'static Table {
    data().table(name).expect("table")
}

/// One row seen through its table's column names.
struct R<'a>(&'a Table, &'a Row);

impl<'a> R<'a> {
    fn get(&self, column: &str) -> Option<&'a Value> {
        self.1[self.0.column(column).expect("column")].as_ref()
    }

    fn text(&self, column: &str) -> Option<&'a str> {
        match self.get(column) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn time(&self, column: &str) -> i64 {
        match self.get(column) {
            Some(Value::Timestamp(t)) => *t,
            other => panic!("{column} is {other:?}"),
        }
    }
}

fn rows(name: &str) -> impl Iterator<Item = R<'static>> {
    let t = table(name);
    t.rows.iter().map(move |r| R(t, r))
}

/// Auth events of one name.
fn named(name: &'static str) -> impl Iterator<Item = R<'static>> {
    rows("auth_events").filter(move |r| r.text("event_name") == Some(name))
}

/// The Europe/Berlin date of a UTC instant.
fn local_date(us: i64) -> (i64, u64, u64) {
    let offset = if us < DST_START { HOUR } else { 2 * HOUR };
    civil_from_days((us + offset).div_euclid(DAY))
}

/// Times of an event per user.
fn by_user(name: &'static str) -> BTreeMap<String, Vec<i64>> {
    let mut map: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in named(name) {
        let user = r.text("user_id").unwrap_or_default().to_string();
        map.entry(user).or_default().push(r.time("event_time"));
    }
    map
}

/// Users with an A and a B exactly `gap` apart.
fn pairs_at(a: &'static str, b: &'static str, gap: i64) -> usize {
    let bs = by_user(b);
    by_user(a)
        .iter()
        .filter(|(user, times)| {
            bs.get(*user)
                .is_some_and(|b| times.iter().any(|t| b.contains(&(t + gap))))
        })
        .count()
}

#[test]
fn same_seed_same_bytes() {
    let config = Config {
        events: 3_000,
        seed: 7,
    };
    let a = generate(&config);
    let b = generate(&config);
    for (x, y) in a.tables.iter().zip(&b.tables) {
        assert_eq!(x.to_csv(), y.to_csv());
    }
    let other = generate(&Config { seed: 8, ..config });
    assert_ne!(a.tables[0].to_csv(), other.tables[0].to_csv());
}

#[test]
fn events_is_exact_and_a_smaller_run_is_a_prefix() {
    let big = generate(&Config {
        events: 5_000,
        seed: 3,
    });
    for events in [0, 1, 57, 400, 3_000, 5_000] {
        let small = generate(&Config { events, seed: 3 });
        let n = small.tables[AUTH].rows.len() + small.tables[CHECKOUT].rows.len();
        assert_eq!(n as u64, events);
        for (s, b) in small.tables.iter().zip(&big.tables) {
            assert_eq!(s.rows[..], b.rows[..s.rows.len()], "{}", s.name);
        }
    }
    let none = generate(&Config { events: 0, seed: 3 });
    assert!(none.tables.iter().all(|t| t.rows.is_empty()));
    assert_eq!(
        none.tables[FRAUD].to_csv(),
        "case_id,reported_at,user_id,loss_amount\n"
    );
}

#[test]
fn csv_follows_the_format() {
    let table = Table {
        schema: "s".into(),
        name: "t".into(),
        columns: vec![
            ("a".into(), ColumnType::Text),
            ("b".into(), ColumnType::Timestamp),
            ("c".into(), ColumnType::Double),
            ("d".into(), ColumnType::Decimal),
        ],
        rows: vec![
            vec![
                Some(Value::Text("a,b".into())),
                Some(Value::Timestamp(START + 1)),
                Some(Value::Double(0.8)),
                Some(Value::Decimal(12_340)),
            ],
            vec![
                Some(Value::Text("say \"hi\"".into())),
                Some(Value::Timestamp(-1)),
                Some(Value::Double(0.1 + 0.2)),
                Some(Value::Decimal(-5)),
            ],
            vec![
                Some(Value::Text("two\nlines".into())),
                None,
                Some(Value::Double(1.0)),
                Some(Value::Decimal(0)),
            ],
            vec![Some(Value::Text(String::new())), None, None, None],
        ],
    };
    assert_eq!(
        to_csv(&table),
        "a,b,c,d\n\
         \"a,b\",2026-03-20 00:00:00.000001,0.8,123.40\n\
         \"say \"\"hi\"\"\",1969-12-31 23:59:59.999999,0.30000000000000004,-0.05\n\
         \"two\nlines\",,1,0.00\n\
         \"\",,,\n"
    );
}

#[test]
fn write_matches_generate_and_refuses_bad_folders() {
    let dir = std::env::temp_dir().join(format!("scorec-datagen-unit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = Config {
        events: 1_500,
        seed: 11,
    };
    let written = write(&config, &dir, FileFormat::Csv).expect("write");
    let expected = generate(&config);
    assert_eq!(written.len(), 4);
    for t in &expected.tables {
        let path = dir.join(format!("{}.csv", t.file_stem()));
        assert_eq!(std::fs::read_to_string(&path).expect("csv"), t.to_csv());
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let file = dir.join(format!("{}.csv", expected.tables[0].file_stem()));
    assert!(write(&config, &file.join("below"), FileFormat::Both).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn berlin_time_matches_jiff() {
    let tz = jiff::tz::TimeZone::get("Europe/Berlin").expect("tz");
    for (month, day, h, m) in [
        (3, 20, 1, 0),
        (3, 29, 0, 30),
        (3, 29, 1, 59),
        (3, 29, 3, 0),
        (4, 5, 23, 59),
    ] {
        let civil = jiff::civil::date(2026, month, day).at(h, m, 0, 0);
        let expected = tz.to_ambiguous_timestamp(civil).compatible().expect("ts");
        let ours = local(month.into(), day.into(), h.into(), m.into(), 0);
        assert_eq!(ours, expected.as_microsecond(), "{civil}");
    }
    assert_eq!(local(3, 29, 3, 0, 0) - local(3, 29, 1, 30, 0), 30 * MIN);
}

/// The only columns that may be NULL.
const NULLABLE: [&str; 5] = [
    "device_type",
    "region",
    "risk_score",
    "policy_version",
    "order_value",
];

#[test]
fn every_value_fits_its_column_and_the_span() {
    for t in &data().tables {
        for row in &t.rows {
            assert_eq!(row.len(), t.columns.len());
            for (value, (column, kind)) in row.iter().zip(&t.columns) {
                let ok = match (value, kind) {
                    (None, _) => NULLABLE.contains(&column.as_str()),
                    (Some(Value::Text(s)), ColumnType::Text) => !s.is_empty(),
                    (Some(Value::Timestamp(us)), ColumnType::Timestamp) => {
                        column == "ingested_at" || in_span(*us)
                    }
                    (Some(Value::Double(x)), ColumnType::Double) => (0.0..=1.0).contains(x),
                    (Some(Value::Decimal(c)), ColumnType::Decimal) => *c > 0,
                    _ => false,
                };
                assert!(ok, "{}.{column}: {value:?}", t.name);
            }
        }
    }
}

#[test]
fn every_event_name_of_the_example_appears() {
    let mut seen = BTreeSet::new();
    for r in rows("auth_events").chain(rows("checkout_events")) {
        seen.insert(r.text("event_name").unwrap_or_default().to_string());
    }
    let expected = [
        "registration_started",
        "registration_completed",
        "login_attempt",
        "login_success",
        "password_reset_requested",
        "password_reset_completed",
        "mfa_enrolment_started",
        "mfa_enrolled",
        "account_recovery_started",
        "account_recovery_completed",
        "consent_shown",
        "consent_given",
        "checkout_started",
        "step_up_challenge",
        "step_up_passed",
        "order_placed",
    ];
    let expected: BTreeSet<String> = expected.iter().map(|s| (*s).to_string()).collect();
    assert_eq!(seen, expected);
}

/// Rows per key, in the order they were written.
fn copies(name: &str, key: &str) -> BTreeMap<String, Vec<R<'static>>> {
    let mut map: BTreeMap<String, Vec<R<'static>>> = BTreeMap::new();
    for r in rows(name) {
        map.entry(r.text(key).unwrap_or_default().to_string())
            .or_default()
            .push(r);
    }
    map.retain(|_, v| v.len() > 1);
    map
}

#[test]
fn trap_1_duplicates() {
    let dups = copies("auth_events", "event_id");
    let same_time = dups
        .values()
        .filter(|v| v[0].time("event_time") == v[1].time("event_time"))
        .count();
    assert!(same_time >= 6, "{same_time}");
    let other_device = dups
        .values()
        .filter(|v| v[0].text("device_type") != v[1].text("device_type"))
        .count();
    assert_eq!(other_device, 2);
    let later: Vec<_> = dups
        .values()
        .filter(|v| v[0].time("event_time") < v[1].time("event_time"))
        .collect();
    assert_eq!(later.len(), 4);
    assert!(
        later.iter().any(|v| {
            local_date(v[0].time("event_time")) != local_date(v[1].time("event_time"))
        })
    );
    for v in dups.values() {
        assert!(v[0].time("ingested_at") < v[1].time("ingested_at"));
    }
    assert!(copies("checkout_events", "event_id").len() >= 3);
    assert!(copies("tickets", "ticket_id").len() >= 2);
    assert_eq!(copies("fraud_cases", "case_id").len(), 1);
}

#[test]
fn trap_2_and_3_null_tiny_and_sporadic_cohorts() {
    for name in ["auth_events", "checkout_events"] {
        let device = rows(name)
            .filter(|r| r.get("device_type").is_none())
            .count();
        let region = rows(name).filter(|r| r.get("region").is_none()).count();
        let both = rows(name)
            .filter(|r| r.get("device_type").is_none() && r.get("region").is_none())
            .count();
        assert!(device > both && region > both && both > 0, "{name}");
    }
    let mut regions: BTreeMap<String, &str> = BTreeMap::new();
    for r in rows("auth_events") {
        if let Some(region) = r.text("region") {
            regions.insert(r.text("user_id").unwrap_or_default().to_string(), region);
        }
    }
    let latam = regions.values().filter(|r| **r == "latam").count();
    assert!(
        latam * 200 < regions.len() * 5 && latam > 3,
        "{latam} of {}",
        regions.len()
    );
    let days: BTreeSet<_> = rows("auth_events")
        .filter(|r| r.text("device_type") == Some("tablet") && r.text("region") == Some("latam"))
        .map(|r| local_date(r.time("event_time")))
        .collect();
    assert_eq!(days.len(), 3, "{days:?}");
}

#[test]
fn trap_4_local_midnights() {
    let times: BTreeSet<i64> = rows("auth_events").map(|r| r.time("event_time")).collect();
    for (month, day) in [(3, 24), (3, 29), (3, 30), (4, 1)] {
        let midnight = local(month, day, 0, 0, 0);
        assert!(times.contains(&midnight) && times.contains(&(midnight - 1)));
        assert!(times.range(midnight - 2 * SEC..=midnight + SEC).count() >= 4);
    }
    let month_end = local(4, 1, 0, 0, 0);
    let orders = rows("checkout_events").filter(|r| {
        let t = r.time("event_time");
        t - month_end > -MIN && t - month_end < MIN
    });
    assert!(orders.count() >= 2);
}

#[test]
fn trap_5_window_edges() {
    let reset = ("password_reset_requested", "password_reset_completed");
    assert_eq!(pairs_at(reset.0, reset.1, DAY), 3);
    assert_eq!(pairs_at(reset.0, reset.1, DAY + 1), 2);
    let mfa = ("mfa_enrolment_started", "mfa_enrolled");
    assert_eq!(pairs_at(mfa.0, mfa.1, 30 * MIN), 2);
    assert_eq!(pairs_at(mfa.0, mfa.1, 30 * MIN + SEC), 2);
    let registration = ("registration_started", "registration_completed");
    assert_eq!(pairs_at(registration.0, registration.1, DAY), 3);
    assert_eq!(pairs_at(registration.0, registration.1, DAY + 1), 1);
    // Orders: same session exactly 1 h (and + 1 µs), and another session.
    let mut started: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut by_user: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in rows("checkout_events") {
        let user = r.text("user_id").unwrap_or_default().to_string();
        if r.text("event_name") == Some("checkout_started") {
            let session = r.text("session_id").unwrap_or_default().to_string();
            started.insert((user.clone(), session), r.time("event_time"));
            by_user.entry(user).or_default().push(r.time("event_time"));
        }
    }
    let mut gaps: BTreeMap<(i64, bool), usize> = BTreeMap::new();
    for r in rows("checkout_events").filter(|r| r.text("event_name") == Some("order_placed")) {
        let user = r.text("user_id").unwrap_or_default().to_string();
        let session = r.text("session_id").unwrap_or_default().to_string();
        let t = r.time("event_time");
        if let Some(start) = started.get(&(user.clone(), session)) {
            *gaps.entry((t - start, true)).or_default() += 1;
        } else if by_user.get(&user).is_some_and(|s| s.contains(&(t - HOUR))) {
            *gaps.entry((HOUR, false)).or_default() += 1;
        }
    }
    assert_eq!(gaps.get(&(HOUR, true)), Some(&2));
    assert_eq!(gaps.get(&(HOUR + 1, true)), Some(&2));
    assert_eq!(gaps.get(&(HOUR, false)), Some(&1));
}

/// A user on a local date.
type UserDay = (String, (i64, u64, u64));

#[test]
fn trap_6_abusers_across_devices() {
    let mut per_day: BTreeMap<UserDay, BTreeSet<String>> = BTreeMap::new();
    let mut counts: BTreeMap<UserDay, usize> = BTreeMap::new();
    for r in named("password_reset_requested") {
        let key = (
            r.text("user_id").unwrap_or_default().to_string(),
            local_date(r.time("event_time")),
        );
        *counts.entry(key.clone()).or_default() += 1;
        let device = r.text("device_type").unwrap_or_default().to_string();
        per_day.entry(key).or_default().insert(device);
    }
    let abusers = counts
        .iter()
        .filter(|(k, n)| **n > 3 && per_day[*k].len() == 2)
        .count();
    assert!(abusers >= 4, "{abusers}");
    assert!(counts.values().filter(|n| **n == 3).count() >= 3);
    // Four on one UTC day, two on each local day.
    let mut utc: BTreeMap<(String, i64), usize> = BTreeMap::new();
    for r in named("password_reset_requested") {
        let user = r.text("user_id").unwrap_or_default().to_string();
        *utc.entry((user, r.time("event_time").div_euclid(DAY)))
            .or_default() += 1;
    }
    let split = utc
        .iter()
        .filter(|((user, _), n)| **n == 4 && counts.iter().all(|((u, _), c)| u != user || *c == 2))
        .count();
    assert!(split >= 1);
}

#[test]
fn trap_7_b_before_a() {
    let requested = by_user("password_reset_requested");
    let completed = by_user("password_reset_completed");
    let before = completed
        .iter()
        .filter(|(user, done)| {
            requested.get(*user).is_some_and(|asked| {
                let first = asked.iter().min().copied().unwrap_or(i64::MAX);
                done.iter().all(|d| *d < first)
            })
        })
        .count();
    assert!(before >= 2, "{before}");
    let shared = requested
        .iter()
        .filter(|(user, asked)| {
            asked.len() == 3 && completed.get(*user).is_some_and(|d| d.len() == 1)
        })
        .count();
    assert!(shared >= 2, "{shared}");
    let never = requested
        .keys()
        .filter(|u| !completed.contains_key(*u))
        .count();
    assert!(never >= 3);
    let started = by_user("mfa_enrolment_started");
    let enrolled_first = by_user("mfa_enrolled")
        .iter()
        .filter(|(u, e)| started.get(*u).is_some_and(|s| e.iter().all(|e| e < &s[0])))
        .count();
    assert!(enrolled_first >= 1);
}

#[test]
fn trap_8_dst_day() {
    let times: BTreeSet<i64> = rows("auth_events").map(|r| r.time("event_time")).collect();
    let day = days_from_civil(2026, 3, 29) * DAY;
    // 00:30 and 01:30 at +01:00, 03:00 and 03:30 at +02:00.
    for utc in [day - 30 * MIN, day + 30 * MIN, day + HOUR, day + 90 * MIN] {
        assert!(times.contains(&utc), "{utc}");
    }
    assert_eq!(
        pairs_at(
            "password_reset_requested",
            "password_reset_completed",
            30 * MIN
        ),
        1
    );
    assert!(pairs_at("mfa_enrolment_started", "mfa_enrolled", 20 * MIN) >= 1);
}

#[test]
fn trap_9_values() {
    let risks: Vec<Option<&Value>> = named("login_attempt")
        .map(|r| r.get("risk_score"))
        .collect();
    assert!(risks.iter().filter(|r| r.is_none()).count() >= 4);
    let exact = risks
        .iter()
        .filter(|r| **r == Some(&Value::Double(0.8)))
        .count();
    assert!(exact >= 6);
    assert!(
        risks
            .iter()
            .any(|r| matches!(r, Some(Value::Double(x)) if *x > 0.8))
    );
    assert!(
        named("consent_given")
            .filter(|r| r.get("policy_version").is_none())
            .count()
            >= 3
    );
    let categories: BTreeSet<&str> = rows("tickets").filter_map(|r| r.text("category")).collect();
    assert!(categories.contains("account_recovery") && categories.len() >= 5);
    let losses: Vec<Option<&Value>> = rows("fraud_cases").map(|r| r.get("loss_amount")).collect();
    assert!(
        losses.contains(&Some(&Value::Decimal(10))) && losses.contains(&Some(&Value::Decimal(20)))
    );
}

#[test]
fn trap_9_fraud_attribution() {
    let logins = by_user("login_success");
    let cases: Vec<(String, i64)> = rows("fraud_cases")
        .map(|r| {
            (
                r.text("user_id").unwrap_or_default().to_string(),
                r.time("reported_at"),
            )
        })
        .collect();
    let before = |(user, at): &(String, i64)| {
        logins
            .get(user)
            .map_or(0, |t| t.iter().filter(|t| *t <= at).count())
    };
    assert!(cases.iter().filter(|c| before(c) >= 2).count() >= 2);
    assert!(
        cases
            .iter()
            .any(|c| before(c) == 0 && logins.contains_key(&c.0))
    );
    assert!(
        cases
            .iter()
            .any(|(user, at)| logins.get(user).is_some_and(|t| t.contains(at)))
    );
    assert!(cases.iter().any(|(user, at)| {
        logins.get(user).is_some_and(|t| {
            t.iter()
                .any(|x| x < at && t.iter().filter(|y| *y == x).count() == 2)
        })
    }));
}
