//! Unit tests of the DSL front-end: the tree it builds, exact spans, and
//! the wording and position of syntax errors.

use super::*;
use crate::span::SourceFile;

const LOGIN: &str = r#"journey login "Sign-in" tier medium {
  owners security "iam-security" product "growth-auth"
  cohorts device_type, region
  metric login_success_rate experience good high = rate(login_success / login_attempt)
  metric suspicious_login_rate security good low = rate(risky_attempt / login_attempt)
  pair sign_in_health {
    security   suspicious_login_rate warn > 2%  critical > 5%
    experience login_success_rate    warn < 95% critical < 90%
    action "Security checks the detection signal; product reviews recent sign-in friction changes."
    maps csf:DE.AE-02, sp800-63:AAL2
  }
}
"#;

fn parse_ok(text: &str) -> Document {
    parse(FileId(0), text).unwrap_or_else(|d| panic!("{}", d.message))
}

fn parse_err(text: &str) -> Diagnostic {
    match parse(FileId(0), text) {
        Ok(doc) => panic!("parsed: {doc:?}"),
        Err(d) => d,
    }
}

/// The line and column of the error and its message.
fn located(text: &str) -> ((usize, usize), String) {
    let d = parse_err(text);
    assert_eq!(d.code, codes::DSL_SYNTAX);
    let span = d.span.expect("a syntax error has a span");
    (
        SourceFile::new("t.scorec", text).line_col(span.start as usize),
        d.message,
    )
}

#[test]
fn the_design_example_builds_the_tree() {
    let doc = parse_ok(LOGIN);
    let [journey] = doc.journeys.as_slice() else {
        panic!("one journey")
    };
    assert_eq!(journey.name.as_str(), "login");
    assert_eq!(journey.title.as_ref().map(|t| t.as_str()), Some("Sign-in"));
    assert_eq!(journey.tier.as_ref().map(|t| t.as_str()), Some("medium"));
    assert_eq!(
        journey.security_owner.as_ref().map(|t| t.as_str()),
        Some("iam-security")
    );
    assert_eq!(
        journey.product_owner.as_ref().map(|t| t.as_str()),
        Some("growth-auth")
    );
    let cohorts: Vec<&str> = journey.cohorts.iter().map(|c| c.as_str()).collect();
    assert_eq!(cohorts, ["device_type", "region"]);
    let metric = &journey.metrics[0];
    assert_eq!(metric.side.as_ref().map(|s| s.as_str()), Some("experience"));
    assert_eq!(metric.good.as_ref().map(|s| s.as_str()), Some("high"));
    let Some(Formula::Rate {
        numerator,
        denominator,
    }) = metric.formula.as_ref().map(|f| &f.node)
    else {
        panic!("a rate")
    };
    assert_eq!(
        (numerator.event.as_str(), denominator.event.as_str()),
        ("login_success", "login_attempt")
    );
    let pair = &journey.pairs[0];
    let security = pair.security.as_ref().expect("security side");
    assert_eq!(security.metric.as_str(), "suspicious_login_rate");
    let warn = security.warn.as_ref().expect("warn");
    let at = LOGIN.find("2%").expect("a bound");
    assert_eq!(
        warn.bound,
        Bound::Absolute {
            op: CmpOp::Gt,
            value: Quantity {
                number: "2".into(),
                unit: QuantityUnit::Percent,
                span: Span::new(FileId(0), at..at + 2),
            },
        }
    );
    let maps: Vec<&str> = pair.maps.iter().map(|m| m.as_str()).collect();
    assert_eq!(maps, ["csf:DE.AE-02", "sp800-63:AAL2"]);
}

#[test]
fn spans_are_exact_byte_ranges() {
    let doc = parse_ok(LOGIN);
    let slice = |span: Span| &LOGIN[span.range()];
    let journey = &doc.journeys[0];
    assert_eq!(journey.span, Span::new(FileId(0), 0..LOGIN.len() - 1));
    assert_eq!(slice(journey.name.span), "login");
    assert_eq!(
        slice(journey.title.as_ref().expect("title").span),
        "\"Sign-in\""
    );
    let metric = &journey.metrics[1];
    assert_eq!(
        slice(metric.span),
        "metric suspicious_login_rate security good low = rate(risky_attempt / login_attempt)"
    );
    let formula = metric.formula.as_ref().expect("formula");
    assert_eq!(slice(formula.span), "rate(risky_attempt / login_attempt)");
    let Formula::Rate { numerator, .. } = &formula.node else {
        panic!("a rate")
    };
    assert_eq!(slice(numerator.span), "risky_attempt");
    let pair = &journey.pairs[0];
    assert!(slice(pair.span).starts_with("pair sign_in_health {"));
    assert!(slice(pair.span).ends_with("sp800-63:AAL2\n  }"));
    let experience = pair.experience.as_ref().expect("experience");
    assert_eq!(
        slice(experience.span),
        "experience login_success_rate    warn < 95% critical < 90%"
    );
    assert_eq!(
        slice(experience.critical.as_ref().expect("critical").span),
        "< 90%"
    );
    assert_eq!(slice(pair.maps[1].span), "sp800-63:AAL2");
}

#[test]
fn sql_fragments_keep_their_text_and_offsets() {
    let text = "event risky on auth_events where [risk_score > 0.8] \"Risky\"\nevent any on s where \"a = \\\"b\\\"\"\n";
    let doc = parse_ok(text);
    let filter = doc.events[0].filter.as_ref().expect("filter");
    assert_eq!(filter.text, "risk_score > 0.8");
    assert_eq!(&text[filter.span.range()], "risk_score > 0.8");
    assert_eq!(&text[filter.span_of(13..16).range()], "0.8");
    let quoted = doc.events[1].filter.as_ref().expect("filter");
    assert_eq!(quoted.text, "a = \"b\"");
    assert_eq!(&text[quoted.span_of(5..6).range()], "b");
    assert_eq!(
        doc.events[0].description.as_ref().map(|d| d.as_str()),
        Some("Risky")
    );
}

#[test]
fn a_misspelled_formula_points_at_it() {
    let text = "journey j {\n  metric x experience good high = rat(a / b)\n}\n";
    let ((line, col), message) = located(text);
    assert_eq!((line, col), (2, 35));
    assert_eq!(
        message,
        "cannot parse this file: expected a formula (`count(...)`, `rate(... / ...)`, ...)"
    );
}

#[test]
fn statement_keywords_are_named_in_messages() {
    let text = "journey j {\n  pair p {\n    security m warn > 2 %\n  }\n}\n";
    let (at, message) = located(text);
    assert_eq!(at, (3, 25));
    assert_eq!(
        message,
        "cannot parse this file: expected `action`, `allow`, `critical`, `for`, `maps`, \
             `min_sample`, `or`, `security` or `experience`, `tradeoff`, `warn` or `{`"
    );
    let (at, message) = located("source s {\n  table t\n  freshness > 2h\n}\n");
    assert_eq!(
        (at, message.as_str()),
        (
            (3, 13),
            "cannot parse this file: expected `warn` or `critical`"
        )
    );
}

#[test]
fn a_misspelled_declaration_lists_what_may_come() {
    let (at, message) = located("jurney j {}\n");
    assert_eq!(at, (1, 1));
    assert_eq!(
        message,
        "cannot parse this file: expected a declaration (`scorecard`, `tier`, `source`, `event`, `journey`)"
    );
    let (at, message) = located("event a on s\njurney j {}\n");
    assert_eq!(at, (2, 1));
    assert_eq!(
        message,
        "cannot parse this file: expected `event`, `journey`, `scorecard`, `source`, `tier`, `where`, \
             a quoted string or end of input"
    );
}

#[test]
fn an_error_at_the_end_points_at_the_end() {
    let text = "journey j {\n  cohorts region\n";
    let d = parse_err(text);
    let span = d.span.expect("span");
    assert_eq!(span, Span::new(FileId(0), text.len()..text.len()));
    let file = SourceFile::new("t.scorec", text);
    assert_eq!(file.line_col(span.start as usize), (3, 1));
    let mut sources = crate::span::SourceMap::new();
    sources.add("t.scorec", text);
    let rendered = crate::diagnostic::render_text(&[d], &sources, Default::default());
    assert!(rendered.contains("t.scorec:3:1"), "{rendered}");
}

#[test]
fn a_statement_given_twice_is_an_error() {
    let text = "source s {\n  table a\n  table b\n}\n";
    let d = parse_err(text);
    assert_eq!(d.message, "`table` is given twice");
    assert_eq!(&text[d.span.expect("span").range()], "table b");

    let text = "journey j {\n  pair p {\n    security m warn > 1% warn > 2%\n  }\n}\n";
    let d = parse_err(text);
    assert_eq!(d.message, "`warn` is given twice");
    assert_eq!(&text[d.span.expect("span").range()], "warn > 2%");
}

#[test]
fn a_second_header_is_an_error() {
    let text = "scorecard a {}\nscorecard b {}\n";
    let d = parse_err(text);
    assert_eq!(d.message, "a file holds at most one `scorecard` header");
    assert_eq!(&text[d.span.expect("span").range()], "scorecard b {}");
    assert_eq!(&text[d.labels[0].span.range()], "scorecard a {}");
}

#[test]
fn a_unit_holds_one_condition_of_each_kind() {
    let text = "journey j {\n  metric m = count(a followed by b followed by c)\n}\n";
    let ((line, col), _) = located(text);
    assert_eq!((line, col), (2, 36));
    let ok = "journey j {\n  metric m = count(a followed by b having count per entity > 1)\n}\n";
    let doc = parse_ok(ok);
    let Some(Formula::Count(unit)) = doc.journeys[0].metrics[0].formula.as_ref().map(|f| &f.node)
    else {
        panic!("a count")
    };
    assert!(unit.frequency.is_some() && unit.followed_by.is_some());
}
