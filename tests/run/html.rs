//! `scorec run --format html`: the page as text (escaping of hostile
//! names, no network reference, determinism, every journey, pair, metric
//! and control title present) and as Chromium renders it (a screenshot that
//! is not blank; the rendered DOM has a section per journey, a trend chart
//! per pair side, a scatter per pair, the control titles, and no element
//! made from user text).
//!
//! Chromium is the Debian `chromium` package (`.ci/run` installs it); when
//! it is missing the Chromium tests fail, they never skip.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use scorec::run::format::html::{esc, html};
use scorec::run::report::{
    Change, Control, JourneyReport, Meta, PairReport, Point, Report, SideReport, Summary,
};
use scorec::run::{Level, Status};
use serde_json::Value as Json;

use crate::support::engines::TempDir;

use super::{planted, planted_json, run_ok};

/// Text a user could write in a title, an owner, an action or a cohort.
const HOSTILE: &str =
    "<script>alert(\"x\")</script> it's \"quoted\" & <img src=x onerror=alert(1)>";

/// `scorec run` on the planted fixture as HTML, written to `out`.
fn planted_html(out: &Path) -> String {
    let dir = planted().to_string_lossy().into_owned();
    let out_text = out.to_string_lossy().into_owned();
    run_ok(
        &[&dir, "--data", &dir, "--format", "html", "--out", &out_text],
        0,
    );
    std::fs::read_to_string(out).expect("read the HTML report")
}

fn status(
    journey: &str,
    pair: &str,
    side: &str,
    metric: &str,
    bucket: &str,
    cohort: &str,
    level: Level,
) -> Status {
    Status {
        rule: "threshold".to_string(),
        journey: Some(journey.to_string()),
        pair: Some(pair.to_string()),
        side: Some(side.to_string()),
        metric: Some(metric.to_string()),
        source: None,
        bucket: bucket.to_string(),
        grouping: if cohort == "overall" {
            "overall"
        } else {
            "device"
        }
        .to_string(),
        cohort: cohort.to_string(),
        value: Some(if side == "security" { 0.021 } else { 0.93 }),
        baseline: None,
        bound: level.breached().then(|| "< 95%".to_string()),
        sample: Some(1200),
        min_sample: Some(200),
        status: level,
        security_owner: Some(HOSTILE.to_string()),
        product_owner: Some(HOSTILE.to_string()),
        acting_owner: Some(HOSTILE.to_string()),
        action: Some(HOSTILE.to_string()),
    }
}

/// A report whose every user-written text is hostile, with a control
/// change inside its range.
fn hostile_report() -> Report {
    let buckets: Vec<String> = (1..=9).map(|d| format!("2026-03-0{d} 00:00:00")).collect();
    let cohort = "device=<b>\"mobile\"</b>";
    let side = |side: &str, metric: &str, warn: &str, critical: &str, good: &str| {
        let series: Vec<Point> = buckets
            .iter()
            .enumerate()
            .map(|(i, b)| Point {
                bucket: b.clone(),
                value: Some(if side == "security" {
                    0.01 + i as f64 * 0.002
                } else {
                    0.97 - i as f64 * 0.005
                }),
                status: if i == 8 { Level::Incomplete } else { Level::Ok },
            })
            .collect();
        let newest = &buckets[7];
        SideReport {
            side: side.to_string(),
            metric: metric.to_string(),
            kind: "rate".to_string(),
            fraction: true,
            unit: None,
            good: good.to_string(),
            warn: Some(warn.to_string()),
            critical: Some(critical.to_string()),
            latest: Some(status(
                "login",
                "sign_in",
                side,
                metric,
                newest,
                "overall",
                Level::Warn,
            )),
            series,
            worst_cohorts: vec![status(
                "login",
                "sign_in",
                side,
                metric,
                newest,
                cohort,
                Level::Critical,
            )],
        }
    };
    let sides = vec![
        side(
            "security",
            "suspicious_rate",
            "> 2%",
            "drops 20% vs 28d",
            "low",
        ),
        side(
            "experience",
            "login_success_rate",
            "< 95%",
            "< 90% for 3 windows",
            "high",
        ),
    ];
    let mut statuses: Vec<Status> = Vec::new();
    for s in &sides {
        statuses.extend(s.latest.clone());
        statuses.extend(s.worst_cohorts.clone());
    }
    let alerts = vec![statuses[1].clone()];
    Report {
        schema_version: 1,
        scorecard: Meta {
            name: "hostile".to_string(),
            title: Some(HOSTILE.to_string()),
            timezone: "UTC".to_string(),
            grain: "day".to_string(),
        },
        buckets: buckets.clone(),
        cohort: "overall".to_string(),
        data: Vec::new(),
        integrity: Vec::new(),
        journeys: vec![JourneyReport {
            name: "login".to_string(),
            title: Some(HOSTILE.to_string()),
            tier: "high".to_string(),
            security_owner: Some(HOSTILE.to_string()),
            product_owner: Some(HOSTILE.to_string()),
            pairs: vec![PairReport {
                name: "sign_in".to_string(),
                action: Some(format!("{HOSTILE} see https://runbooks.example/login")),
                sides,
                tradeoff: None,
                tradeoff_rule: Some(
                    "experience worsens 5pp while security improves vs 7d".to_string(),
                ),
                controls: vec![Control {
                    framework: "csf".to_string(),
                    id: "DE.AE-02".to_string(),
                    title: format!("</style>{HOSTILE}"),
                }],
                changes: vec![
                    Change {
                        name: "risk_engine_v2".to_string(),
                        title: Some(HOSTILE.to_string()),
                        date: "2026-03-05".to_string(),
                    },
                    Change {
                        name: "later".to_string(),
                        title: None,
                        date: "2026-05-04".to_string(),
                    },
                ],
            }],
        }],
        alerts,
        summary: Summary {
            sides: 2,
            warn: 2,
            warn_alerts: 1,
            ..Summary::default()
        },
        statuses,
        values: Vec::new(),
    }
}

/// The markup of a page that loads or runs something, or reaches the
/// network; empty when there is none. Escaped text has no `<`, so the
/// tags are the segments from `<` to `>`.
fn network_references(page: &str) -> Vec<String> {
    let lower = page.to_ascii_lowercase();
    let mut found = Vec::new();
    for tag in lower
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(t))
    {
        let name = tag.split([' ', '\n', '/']).next().unwrap_or("");
        let bad_name = [
            "script",
            "link",
            "img",
            "iframe",
            "object",
            "embed",
            "base",
            "image",
            "use",
            "foreignobject",
        ]
        .contains(&name);
        let bad_attribute = [" src=", "srcset=", "action=", "url(", "http", "http-equiv"]
            .iter()
            .any(|a| tag.contains(a))
            // In-page anchors are the only links.
            || tag.match_indices("href=").any(|(at, _)| !tag[at + 5..].starts_with("\"#"));
        if bad_name || bad_attribute {
            found.push(format!("<{tag}>"));
        }
    }
    let style = lower
        .split("<style>")
        .nth(1)
        .and_then(|s| s.split("</style>").next())
        .unwrap_or("");
    for needle in ["@import", "url(", "http", "@font-face"] {
        if style.contains(needle) {
            found.push(format!("style sheet: {needle}"));
        }
    }
    found
}

#[test]
fn hostile_names_are_escaped() {
    let page = html(&hostile_report());
    assert!(!page.contains("<script"), "a name became a script element");
    assert!(!page.contains("<img"), "a name became an image element");
    assert!(!page.contains("<b>\""), "a cohort became markup");
    assert_eq!(
        page.matches("</style>").count(),
        1,
        "a control title closed the style sheet"
    );
    let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; it&#39;s &quot;quoted&quot; &amp; &lt;img src=x onerror=alert(1)&gt;";
    // Page title, heading, journey, owners, action, control and change
    // titles, alert owner and action: each shows the text as written.
    assert!(page.matches(escaped).count() >= 8, "{page}");
    assert!(
        page.contains("device=&lt;b&gt;&quot;mobile&quot;&lt;/b&gt;"),
        "the cohort is shown escaped"
    );
    assert_eq!(network_references(&page), Vec::<String>::new());
}

#[test]
fn the_planted_page_has_no_network_reference_and_is_deterministic() {
    let tmp = TempDir::new("run-html").unwrap_or_else(|e| panic!("{e}"));
    let first = planted_html(&tmp.path().join("a.html"));
    let second = planted_html(&tmp.path().join("b.html"));
    assert!(first == second, "two runs wrote different pages");
    assert!(first.starts_with("<!DOCTYPE html>"));
    assert_eq!(network_references(&first), Vec::<String>::new());
    assert!(!first.contains("http://") && !first.contains("https://"));
    let report = hostile_report();
    assert!(
        html(&report) == html(&report),
        "the same report rendered twice differs"
    );
}

/// The names and titles the page must show, from the JSON report: every
/// journey, pair, metric and control title.
fn expected_names(report: &Json) -> Vec<String> {
    let mut names = Vec::new();
    let text = |v: &Json| v.as_str().map(esc);
    for j in report["journeys"].as_array().expect("journeys") {
        names.extend(text(&j["name"]));
        names.extend(text(&j["title"]));
        for p in j["pairs"].as_array().expect("pairs") {
            names.extend(text(&p["name"]));
            names.extend(text(&p["action"]));
            for s in p["sides"].as_array().expect("sides") {
                names.extend(text(&s["metric"]));
            }
            for c in p["controls"].as_array().expect("controls") {
                names.extend(text(&c["title"]));
                names.extend(text(&c["id"]));
            }
        }
    }
    names
}

#[test]
fn every_journey_pair_metric_and_control_title_is_on_the_page() {
    let tmp = TempDir::new("run-html").unwrap_or_else(|e| panic!("{e}"));
    let page = planted_html(&tmp.path().join("report.html"));
    let report = planted_json(&[]);
    let names = expected_names(&report);
    assert!(names.len() >= 12, "{names:?}");
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !page.contains(n.as_str()))
        .collect();
    assert!(missing.is_empty(), "missing from the page: {missing:?}");
    // Integrity comes first, then the alerts with the owner who must act.
    let integrity = page.find("id=\"integrity\"").expect("integrity section");
    let alerts = page.find("id=\"alerts\"").expect("alerts section");
    let journey = page.find("class=\"journey\"").expect("a journey");
    assert!(integrity < alerts && alerts < journey);
    for a in report["alerts"].as_array().expect("alerts") {
        let owner = a["acting_owner"]
            .as_str()
            .expect("an alert names who must act");
        assert!(
            page[alerts..journey].contains(owner),
            "{owner} missing from the alerts"
        );
    }
    // Status is a word, not only a colour.
    for word in [">OK<", ">WARN<", ">CRIT<"] {
        assert!(page.contains(word), "no {word} marker");
    }
    // Relative bounds say why they are not drawn.
    assert!(page.contains("relative to a baseline, so no fixed line"));
}

// Chromium.

/// The Chromium binary; panics with how to install it when missing.
fn chromium() -> PathBuf {
    let found = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromium"))
        .find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("chromium not found on PATH: install the Debian package (`apt-get install -y chromium`; .ci/run does)")
    })
}

/// Runs headless Chromium on `page` with `args`, with a fresh profile and
/// no network activity of its own; stdout. Fails after two minutes.
fn headless(page: &Path, args: &[String]) -> String {
    let profile = TempDir::new("chromium-profile").unwrap_or_else(|e| panic!("{e}"));
    let mut command = Command::new(chromium());
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--window-size=1280,2000")
        .args(args)
        .arg(format!("file://{}", page.display()))
        .env("HOME", profile.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("start chromium: {e}"));
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in two minutes");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}):\n{stderr}");
    stdout
}

/// The number of distinct colours of a PNG, and its size.
fn png_colours(path: &Path) -> (usize, u32, u32) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buffer = vec![
        0;
        reader
            .output_buffer_size()
            .expect("an image that fits in memory")
    ];
    let info = reader.next_frame(&mut buffer).expect("a frame");
    let channels = info.color_type.samples();
    let mut colours: Vec<[u8; 4]> = buffer[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|px| {
            let mut c = [255; 4];
            c[..channels.min(4)].copy_from_slice(&px[..channels.min(4)]);
            c
        })
        .collect();
    colours.sort_unstable();
    colours.dedup();
    (colours.len(), info.width, info.height)
}

#[test]
fn chromium_renders_the_planted_page() {
    let tmp = TempDir::new("run-html-chromium").unwrap_or_else(|e| panic!("{e}"));
    let page = tmp.path().join("report.html");
    planted_html(&page);
    let report = planted_json(&[]);

    let shot = tmp.path().join("report.png");
    headless(&page, &[format!("--screenshot={}", shot.display())]);
    let (colours, width, height) = png_colours(&shot);
    assert_eq!((width, height), (1280, 2000), "the window's size");
    // A blank or unstyled page has a handful of colours; text, pills,
    // bands and dots give hundreds.
    assert!(
        colours > 200,
        "the screenshot looks blank: {colours} colours"
    );

    let dom = headless(&page, &["--dump-dom".to_string()]);
    let journeys = report["journeys"].as_array().expect("journeys");
    let pairs: Vec<&Json> = journeys
        .iter()
        .flat_map(|j| j["pairs"].as_array().expect("pairs"))
        .collect();
    assert_eq!(
        dom.matches("<section class=\"journey\"").count(),
        journeys.len(),
        "a section per journey"
    );
    assert_eq!(
        dom.matches("<svg class=\"chart trend\"").count(),
        pairs.len() * 2,
        "a trend chart per side"
    );
    assert_eq!(
        dom.matches("<svg class=\"chart scatter\"").count(),
        pairs.len(),
        "a scatter per pair"
    );
    for j in journeys {
        let name = j["name"].as_str().expect("name");
        assert!(
            dom.contains(&format!("<code>{name}</code>")),
            "journey {name}"
        );
    }
    for p in &pairs {
        for s in p["sides"].as_array().expect("sides") {
            let metric = s["metric"].as_str().expect("metric");
            assert!(
                dom.contains(&format!(
                    "{} {metric} over time",
                    s["side"].as_str().expect("side")
                )),
                "{metric}"
            );
        }
        for c in p["controls"].as_array().expect("controls") {
            let title = esc(c["title"].as_str().expect("title"));
            assert!(dom.contains(&title), "control title {title}");
        }
    }
    assert!(dom.contains("<table"), "the tables render");
}

#[test]
fn chromium_builds_no_element_from_hostile_text() {
    let tmp = TempDir::new("run-html-hostile").unwrap_or_else(|e| panic!("{e}"));
    let page = tmp.path().join("hostile.html");
    std::fs::write(&page, html(&hostile_report())).expect("write");
    let dom = headless(&page, &["--dump-dom".to_string()]);
    assert!(!dom.contains("<script"), "a script element was built");
    assert!(!dom.contains("<img"), "an image element was built");
    assert!(dom.contains("<body>"), "{dom}");
    // The change inside the range is a marker on both trend charts; the
    // one after it is listed as outside.
    assert_eq!(dom.matches("<g class=\"change\">").count(), 2, "{dom}");
    assert!(
        dom.contains("<title>Control change 1: "),
        "the marker has a title"
    );
    assert!(
        !dom.contains("<title>Control change 2: "),
        "a change outside the range is drawn"
    );
    assert!(dom.contains("(outside the buckets shown, so not on the charts)"));
}
