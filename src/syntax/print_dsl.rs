//! The DSL printer: canonical DSL text of a document, for `fmt` and for
//! `convert` from YAML.
//!
//! Layout: two-space indent, one statement per line, declarations in
//! document order (by span), a blank line between top-level declarations,
//! comments above the declaration they are attached to. Printing is
//! lossless and idempotent: parsing the output gives the same document,
//! spans aside, and printing that again gives the same text.

use super::ast::*;
use super::grammar::Rule;
use super::print_expr::{self, duration, sql_bracket, string, threshold, whole_match};
use crate::span::{Span, Spanned};

/// Prints a document as canonical DSL text.
pub fn print(doc: &Document) -> String {
    let mut decls: Vec<(Span, Vec<String>)> = Vec::new();
    if let Some(h) = &doc.header {
        decls.push((h.span, header(h)));
    }
    decls.extend(doc.tiers.iter().map(|t| (t.span, tier(t))));
    decls.extend(doc.sources.iter().map(|s| (s.span, source(s))));
    decls.extend(doc.events.iter().map(|e| (e.span, event(e))));
    decls.extend(doc.journeys.iter().map(|j| (j.span, journey(j))));
    // A stable sort: documents built without spans keep the field order.
    decls.sort_by_key(|(span, _)| span.start);
    let mut lines = Vec::new();
    for (_, decl) in decls {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(decl);
    }
    if !doc.trailing_comments.is_empty() && !lines.is_empty() {
        lines.push(String::new());
    }
    lines.extend(comments(&doc.trailing_comments));
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

fn header(h: &Header) -> Vec<String> {
    let mut head = format!("scorecard {}", word_or_string(Rule::scorecard_name, &h.name.node));
    if let Some(title) = &h.title {
        head = format!("{head} {}", string(&title.node));
    }
    let d = &h.defaults;
    let mut body = Vec::new();
    push_opt(&mut body, "description", h.description.as_ref().map(|s| string(&s.node)));
    push_opt(&mut body, "dialect", d.dialect.as_ref().map(|n| n.node.clone()));
    push_opt(&mut body, "grain", d.grain.as_ref().map(|n| n.node.clone()));
    push_opt(&mut body, "timezone", d.timezone.as_ref().map(|s| string(&s.node)));
    push_opt(&mut body, "min_sample", d.min_sample.as_ref().map(|n| n.node.to_string()));
    push_opt(&mut body, "week_start", d.week_start.as_ref().map(|n| n.node.clone()));
    push_opt(&mut body, "dedupe_lookback", d.dedupe_lookback.as_ref().map(|d| duration(d.node)));
    push_opt(&mut body, "attribution_lookback", d.attribution_lookback.as_ref().map(|d| duration(d.node)));
    push_opt(&mut body, "rollups", d.rollups.as_ref().map(|b| b.node.to_string()));
    push_list(&mut body, "include", h.includes.iter().map(|s| string(&s.node)));
    push_list(&mut body, "catalogs", h.catalogs.iter().map(|s| string(&s.node)));
    with_comments(&h.comments, block(head, body))
}

fn tier(t: &TierPolicy) -> Vec<String> {
    let mut body = Vec::new();
    push_opt(&mut body, "min_sample", t.min_sample.as_ref().map(|n| n.node.to_string()));
    push_list(&mut body, "require", t.required_cohorts.iter().map(|n| n.node.clone()));
    push_opt(&mut body, "severity", t.severity.as_ref().map(|n| n.node.clone()));
    push_list(&mut body, "sign_off", t.sign_off.iter().map(|n| n.node.clone()));
    with_comments(&t.comments, block(format!("tier {}", t.tier.node), body))
}

fn source(s: &Source) -> Vec<String> {
    let mut body = Vec::new();
    push_opt(&mut body, "table", s.table.as_ref().map(|t| word_or_string(Rule::table_name, &t.node)));
    push_opt(&mut body, "timestamp", s.timestamp.as_ref().map(|n| n.node.clone()));
    push_opt(&mut body, "entity", s.entity.as_ref().map(|n| n.node.clone()));
    push_opt(&mut body, "session", s.session.as_ref().map(|n| n.node.clone()));
    if let Some(by) = &s.dedupe_by {
        let order = s.dedupe_order.as_ref().map(|o| format!(" order {}", o.node)).unwrap_or_default();
        body.push(format!("dedupe {}{order}", by.node));
    }
    push_list(
        &mut body,
        "dimensions",
        s.dimensions.iter().map(|d| match &d.expr {
            Some(expr) => format!("{} = {}", d.name.node, sql_bracket(expr)),
            None => d.name.node.clone(),
        }),
    );
    if !s.columns.is_empty() {
        let columns = s.columns.iter().map(|c| format!("{} {}", c.name.node, c.ty.node)).collect();
        body.extend(block("columns".to_string(), columns));
    }
    push_opt(&mut body, "filter", s.filter.as_ref().map(sql_bracket));
    let integrity = &s.integrity;
    for (word, bounds) in [
        ("freshness", &integrity.freshness),
        ("volume", &integrity.volume),
        ("duplicates", &integrity.duplicates),
    ] {
        push_opt(&mut body, word, bounds.as_ref().map(|b| clauses(b.warn.as_ref(), b.critical.as_ref(), None)));
    }
    body.extend(allows(&s.allow));
    with_comments(&s.comments, block(format!("source {}", s.name.node), body))
}

fn event(e: &Event) -> Vec<String> {
    let mut line = format!("event {}", e.name.node);
    if let Some(source) = &e.source {
        line = format!("{line} on {}", source.node);
    }
    if let Some(filter) = &e.filter {
        line = format!("{line} where {}", sql_bracket(filter));
    }
    if let Some(description) = &e.description {
        line = format!("{line} {}", string(&description.node));
    }
    with_comments(&e.comments, vec![line])
}

fn journey(j: &Journey) -> Vec<String> {
    let mut head = format!("journey {}", j.name.node);
    if let Some(title) = &j.title {
        head = format!("{head} {}", string(&title.node));
    }
    if let Some(tier) = &j.tier {
        head = format!("{head} tier {}", tier.node);
    }
    let mut body = Vec::new();
    push_opt(&mut body, "description", j.description.as_ref().map(|s| string(&s.node)));
    push_list(&mut body, "steps", j.steps.iter().map(|n| n.node.clone()));
    let owners: Vec<String> = [("security", &j.security_owner), ("product", &j.product_owner)]
        .into_iter()
        .filter_map(|(role, team)| team.as_ref().map(|t| format!("{role} {}", string(&t.node))))
        .collect();
    if !owners.is_empty() {
        body.push(format!("owners {}", owners.join(" ")));
    }
    push_list(&mut body, "cohorts", j.cohorts.iter().map(|n| n.node.clone()));
    push_opt(&mut body, "min_sample", j.min_sample.as_ref().map(|n| n.node.to_string()));
    body.extend(allows(&j.allow));

    let mut nested: Vec<(Span, Vec<String>)> = Vec::new();
    nested.extend(j.metrics.iter().map(|m| (m.span, metric(m))));
    nested.extend(j.pairs.iter().map(|p| (p.span, pair(p))));
    nested.extend(j.changes.iter().map(|c| (c.span, change(c))));
    nested.sort_by_key(|(span, _)| span.start);
    // Blocks stand apart; consecutive one-line declarations (most metrics)
    // stay together.
    let mut previous_was_block = !body.is_empty();
    for (_, lines) in nested {
        let is_block = lines.last().is_some_and(|l| l == "}");
        if previous_was_block || is_block {
            body.push(String::new());
        }
        body.extend(lines);
        previous_was_block = is_block;
    }
    if body.first().is_some_and(String::is_empty) {
        body.remove(0);
    }
    with_comments(&j.comments, block(head, body))
}

fn metric(m: &Metric) -> Vec<String> {
    let mut head = format!("metric {}", m.name.node);
    if let Some(side) = &m.side {
        head = format!("{head} {}", side.node);
    }
    if let Some(good) = &m.good {
        head = format!("{head} good {}", good.node);
    }
    if let Some(formula) = &m.formula {
        head = format!("{head} = {}", print_expr::formula(&formula.node));
    }
    let mut body = Vec::new();
    push_opt(&mut body, "unit", m.unit.as_ref().map(|s| string(&s.node)));
    push_opt(&mut body, "description", m.description.as_ref().map(|s| string(&s.node)));
    push_opt(&mut body, "min_sample", m.min_sample.as_ref().map(|n| n.node.to_string()));
    if let Some(a) = &m.attribution {
        let mut line = format!("attribute cohorts from {}", a.event.node);
        if let Some(lookback) = &a.lookback {
            line = format!("{line} within {}", duration(lookback.node));
        }
        if let Some(tie_break) = &a.tie_break {
            line = format!("{line} tie_break {}", tie_break.node);
        }
        body.push(line);
    }
    body.extend(allows(&m.allow));
    let lines = if body.is_empty() { vec![head] } else { block(head, body) };
    with_comments(&m.comments, lines)
}

fn pair(p: &Pair) -> Vec<String> {
    let mut body = Vec::new();
    // The pair's own min_sample comes first: after a side it would read as
    // the side's.
    push_opt(&mut body, "min_sample", p.min_sample.as_ref().map(|n| n.node.to_string()));
    for (word, side) in [("security", &p.security), ("experience", &p.experience)] {
        if let Some(side) = side {
            body.extend(pair_side(word, side));
        }
    }
    push_opt(&mut body, "tradeoff", p.tradeoff.as_ref().map(|t| print_expr::tradeoff(&t.node)));
    push_opt(&mut body, "action", p.action.as_ref().map(|s| string(&s.node)));
    push_list(&mut body, "maps", p.maps.iter().map(|m| word_or_string(Rule::mapping_word, &m.node)));
    body.extend(allows(&p.allow));
    with_comments(&p.comments, block(format!("pair {}", p.name.node), body))
}

fn pair_side(word: &str, side: &PairSide) -> Vec<String> {
    let mut head = format!("{word} {}", side.metric.node);
    let rest = clauses(side.warn.as_ref(), side.critical.as_ref(), side.min_sample.as_ref());
    if !rest.is_empty() {
        head = format!("{head} {rest}");
    }
    if side.overrides.is_empty() {
        return vec![head];
    }
    let overrides = side
        .overrides
        .iter()
        .map(|o| {
            let line = format!("when {} = {}", o.dimension.node, string(&o.value.node));
            let rest = clauses(o.warn.as_ref(), o.critical.as_ref(), o.min_sample.as_ref());
            if rest.is_empty() { line } else { format!("{line} {rest}") }
        })
        .collect();
    block(head, overrides)
}

fn change(c: &ControlChange) -> Vec<String> {
    let mut head = format!("change {}", c.name.node);
    if let Some(title) = &c.title {
        head = format!("{head} {}", string(&title.node));
    }
    if let Some(date) = &c.date {
        head = format!("{head} on {}", date.node);
    }
    let mut body = Vec::new();
    push_list(&mut body, "journeys", c.journeys.iter().map(|n| n.node.clone()));
    push_list(&mut body, "outcomes", c.outcomes.iter().map(|n| n.node.clone()));
    push_opt(&mut body, "window", c.window.as_ref().map(|d| duration(d.node)));
    push_opt(&mut body, "washout", c.washout.as_ref().map(|d| duration(d.node)));
    push_opt(
        &mut body,
        "compare",
        c.compare.as_ref().map(|compare| match compare {
            Comparison::Cohort { dimension, value } => {
                format!("cohort {} = {}", dimension.node, string(&value.node))
            }
            Comparison::Journey(journey) => format!("journey {}", journey.node),
        }),
    );
    body.extend(allows(&c.allow));
    let lines = if body.is_empty() { vec![head] } else { block(head, body) };
    with_comments(&c.comments, lines)
}

/// `warn ... critical ... min_sample N`, in that order.
fn clauses(warn: Option<&Threshold>, critical: Option<&Threshold>, min_sample: Option<&Spanned<u64>>) -> String {
    let mut parts = Vec::new();
    if let Some(t) = warn {
        parts.push(format!("warn {}", threshold(t)));
    }
    if let Some(t) = critical {
        parts.push(format!("critical {}", threshold(t)));
    }
    if let Some(n) = min_sample {
        parts.push(format!("min_sample {}", n.node));
    }
    parts.join(" ")
}

fn allows(allow: &[Allow]) -> impl Iterator<Item = String> + '_ {
    allow
        .iter()
        .map(|a| format!("allow {} {}", a.lint.node, string(&a.reason.node)))
}

/// `HEAD {`, the body indented, `}`; `HEAD {}` when the body is empty.
fn block(head: String, body: Vec<String>) -> Vec<String> {
    if body.is_empty() {
        return vec![format!("{head} {{}}")];
    }
    let mut lines = Vec::with_capacity(body.len() + 2);
    lines.push(format!("{head} {{"));
    // Only the start of each line is indented: a line may hold a SQL
    // fragment with line breaks, whose text must stay as written.
    lines.extend(body.into_iter().map(|l| if l.is_empty() { l } else { format!("  {l}") }));
    lines.push("}".to_string());
    lines
}

fn with_comments(comments_above: &Comments, lines: Vec<String>) -> Vec<String> {
    let mut all = comments(comments_above);
    all.extend(lines);
    all
}

/// `# text` lines; a comment holding line breaks becomes several lines.
fn comments(comments: &Comments) -> Vec<String> {
    comments
        .iter()
        .flat_map(|c| c.split('\n'))
        .map(|line| {
            if line.is_empty() {
                "#".to_string()
            } else {
                format!("# {line}")
            }
        })
        .collect()
}

fn push_opt(body: &mut Vec<String>, word: &str, value: Option<String>) {
    if let Some(value) = value {
        body.push(format!("{word} {value}"));
    }
}

fn push_list(body: &mut Vec<String>, word: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if !items.is_empty() {
        body.push(format!("{word} {}", items.join(", ")));
    }
}

/// The text bare when the grammar reads it as one `rule`, else quoted.
fn word_or_string(rule: Rule, text: &str) -> String {
    if whole_match(rule, text) {
        text.to_string()
    } else {
        string(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::syntax::dsl;

    /// Every declaration, statement, formula and threshold form, with
    /// comments in the places people put them.
    const FULL: &str = r##"# Acme's CIAM scorecard.
# Second line of the file comment.
scorecard acme-ciam "Acme \"customer\" identity" {
  description "Sign-in, recovery and step-up.\nOwned by IAM; paths use \\ and\ttabs."
  dialect snowflake
  grain day
  timezone "Europe/Berlin"
  min_sample 200
  week_start monday
  dedupe_lookback 1d
  attribution_lookback 90d
  rollups true
  include "sources.scorec", "journeys/*.scorec"
  include "more.yaml"
  catalogs "controls/internal.yaml"
}

tier high {
  min_sample 500
  require device_type, region
  severity critical
  sign_off security, product
}
tier low {}

source auth_events {
  table analytics.auth_events
  timestamp event_time
  entity user_id
  session session_id
  dedupe event_id order ingested_at
  # A comment inside a block moves to the next declaration.
  dimensions device_type, region
  dimensions country = [upper(country_code)], band = "case when x then 'a]' else 'b' end", odd = "x ] y"
  columns {
    event_id string
    amount decimal(18, 2)
  }
  filter [environment = 'prod' and note <> '# not a comment' and tags[1] = "]"]
  freshness warn > 2h critical > 6h
  volume warn drops 30% vs 28d baseline_min_sample 1000
  duplicates critical > 5%
  allow W0111 "legacy table"
}

source orders {
  table "sales.Orders 2024"
  timestamp placed_at
  entity customer_id
  dedupe order_id
  filter "status <> 'test'"
}

event login_attempt on auth_events where [event_name = 'login_attempt'] "A sign-in attempt"
event login_success on auth_events where [event_name = 'login_success']
event risky_attempt on auth_events where "event_name = 'login_attempt' AND risk_score > 0.8"
event any_auth on auth_events "Every row"
event order_placed on orders where [
  kind = 'order'
  AND amount_cents > 0
]

journey login "Sign-in" tier high {
  description "Customers sign in."
  steps login_attempt, login_success
  owners security "iam-security" product "growth-auth"
  cohorts device_type, region
  min_sample 300
  allow W0103 "pairs live elsewhere"
  # Events per attempt.
  metric login_success_rate experience good high = rate(login_success / login_attempt)
  metric suspicious_login_rate security good low = rate(login_attempt[risk_score > 0.8] / login_attempt)  # trailing
  metric enrolled = count(distinct entity of mfa_enrolled)
  metric abusers security good low = count(reset_request having count per entity > 3)
  metric resumed = rate(distinct session of login_attempt followed by login_success within 10m by session / distinct session of login_attempt)
  metric both = count(a having count per device_id >= 2 followed by b)
  metric loss outcome good low = sum(amount of fraud_case) {
    unit "currency:EUR"
    description "Fraud loss."
    min_sample 20
    attribute cohorts from login_success within 90d tie_break event_id
    allow W0102 "traced by a change"
  }
  metric revenue outcome = sum([amount_cents / 100.0] of order_placed)
  metric converted experience good high = conversion(login_attempt -> login_success within 7d)
  metric converted_by_order = conversion(cart -> paid by order_id)
  metric time_to_sign_in experience good low = duration(p95 of login_attempt -> login_success within 24h by session)
  metric approx_time = duration(approx p99.9 of login_attempt -> login_success)
  metric contacts_per_k good low = derived(1000 * contacts / recoveries)
  metric mixed = derived(-(a - b) / (c + 2.50) - (d - e) * -f)
  metric attribute_only = count(a) { attribute cohorts from login_success }

  pair sign_in_health {
    security suspicious_login_rate warn > 2% for 3 windows critical < 0.1% or > 5%
    experience login_success_rate warn < 95% critical <= 90% min_sample 50 {
      when device_type = "mobile" warn < 92% min_sample 50
      when region = "EU \"west\"" critical drops 2pp vs 28d
      when region = "APAC"
    }
    min_sample 100
    tradeoff experience worsens 3pp while security improves vs 28d severity warn
    action "Security checks the detection signal; product reviews recent sign-in friction changes."
    maps csf:DE.AE-02, sp800-63:AAL2, "internal: access review #4"
    allow W0101 "activity is fine here"
  }
  pair timing {
    experience time_to_sign_in warn > 30m critical > 90s for 1 window
    security abusers critical rises 50% vs 7d
  }
  pair empty {}

  # The step-up change.
  change stepup_checkout "Step-up at checkout" on 2026-03-15 {
    journeys checkout, recovery
    outcomes loss, converted
    window 14d
    washout 7d
    compare cohort region = "EU"
    allow W0109 "outcomes listed"
  }
  change quiet on 2026-04-01
  change vs_journey on 2026-05-01 { compare journey checkout }
}

journey recovery {
  owners product "growth-auth"
  metric recovered = count(recovery_done)
}

journey bare {}
# Trailing comment one.

#
#  Indented trailing comment.
"##;

    fn parse(text: &str) -> Document {
        dsl::parse(FileId(0), text).unwrap_or_else(|d| {
            let at = d.span.map_or(0, |s| s.start as usize);
            panic!("{} at {at}: {:?}\n{text}", d.message, &text[at..])
        })
    }

    /// The document without spans and byte offsets, to compare what two
    /// parses hold.
    fn shape(doc: &Document) -> String {
        let debug = format!("{doc:?}");
        let mut out = String::with_capacity(debug.len());
        let mut rest = debug.as_str();
        loop {
            let span = rest.find("Span { file: ");
            let offsets = rest.find("offsets: [");
            let (at, close) = match (span, offsets) {
                (Some(s), Some(o)) if o < s => (o, ']'),
                (Some(s), _) => (s, '}'),
                (None, Some(o)) => (o, ']'),
                (None, None) => break,
            };
            out.push_str(&rest[..at]);
            out.push('_');
            let end = rest[at..].find(close).expect("a closing delimiter");
            rest = &rest[at + end + 1..];
        }
        out.push_str(rest);
        out
    }

    /// Printing is lossless (the reprint parses to the same document) and
    /// idempotent (printing that again gives the same text).
    fn assert_round_trip(text: &str) -> String {
        let first = parse(text);
        let printed = print(&first);
        let second = parse(&printed);
        assert_eq!(shape(&first), shape(&second), "printed:\n{printed}");
        assert_eq!(print(&second), printed, "not idempotent");
        printed
    }

    #[test]
    fn every_form_round_trips() {
        assert_round_trip(FULL);
    }

    #[test]
    fn small_documents_round_trip() {
        for text in [
            "",
            "# only a comment\n",
            "scorecard \"acme ciam\" {}\n",
            "scorecard acme {\n  rollups false\n}\n",
            "event a on s\n# between\nevent b on s",
            "journey j { metric m = count(a) pair p { security m } change c on 2026-01-01 metric n = count(b) }",
            "journey j { pair p { experience m { when d = \"v\" } } }",
        ] {
            assert_round_trip(text);
        }
    }

    #[test]
    fn shape_ignores_spans_only() {
        assert_eq!(shape(&parse("event a on s where [x]")), shape(&parse("event  a\n on  s where [x]")));
        assert_ne!(shape(&parse("event a on s")), shape(&parse("event a on t")));
        assert_ne!(shape(&parse("event a on s where [x]")), shape(&parse("event a on s where [y]")));
    }

    #[test]
    fn the_design_example_prints_canonically() {
        let text = r#"journey login "Sign-in" tier medium {
  owners security "iam-security" product "growth-auth"
  cohorts device_type, region
  metric login_success_rate experience good high = rate(login_success / login_attempt)
  metric suspicious_login_rate security good low = rate(risky_attempt / login_attempt)
  pair sign_in_health {
    security   suspicious_login_rate warn > 2%  critical > 5%
    experience login_success_rate    warn < 95% critical < 90%
    action "Security checks the detection signal."
    maps csf:DE.AE-02, sp800-63:AAL2
  }
}
event login_attempt on auth_events where [event_name = 'login_attempt']
event login_success on auth_events where "event_name = 'login_success'"
"#;
        let expected = r#"journey login "Sign-in" tier medium {
  owners security "iam-security" product "growth-auth"
  cohorts device_type, region

  metric login_success_rate experience good high = rate(login_success / login_attempt)
  metric suspicious_login_rate security good low = rate(risky_attempt / login_attempt)

  pair sign_in_health {
    security suspicious_login_rate warn > 2% critical > 5%
    experience login_success_rate warn < 95% critical < 90%
    action "Security checks the detection signal."
    maps csf:DE.AE-02, sp800-63:AAL2
  }
}

event login_attempt on auth_events where [event_name = 'login_attempt']

event login_success on auth_events where [event_name = 'login_success']
"#;
        assert_eq!(assert_round_trip(text), expected);
    }

    #[test]
    fn comments_stay_above_their_declarations() {
        let doc = parse(FULL);
        let header = doc.header.as_ref().expect("header");
        assert_eq!(header.comments, ["Acme's CIAM scorecard.", "Second line of the file comment."]);
        assert_eq!(doc.sources[1].comments, ["A comment inside a block moves to the next declaration."]);
        let login = &doc.journeys[0];
        assert_eq!(login.metrics[0].comments, ["Events per attempt."]);
        assert_eq!(login.metrics[2].comments, ["trailing"]);
        assert_eq!(login.changes[0].comments, ["The step-up change."]);
        assert_eq!(doc.trailing_comments, ["Trailing comment one.", "", " Indented trailing comment."]);

        let printed = print(&doc);
        assert!(printed.starts_with("# Acme's CIAM scorecard.\n# Second line of the file comment.\nscorecard acme-ciam"));
        assert!(printed.contains("\n  # Events per attempt.\n  metric login_success_rate "));
        assert!(printed.contains("\n  # trailing\n  metric enrolled "));
        assert!(printed.ends_with("journey bare {}\n\n# Trailing comment one.\n#\n#  Indented trailing comment.\n"));
        let count = |text: &str| crate::syntax::comments::dsl_comments(text).len();
        assert_eq!(count(&printed), count(FULL));
    }

    #[test]
    fn declarations_print_in_document_order() {
        let printed = assert_round_trip("event b on s\ntier high {}\nscorecard x {}\nevent a on s\n");
        assert_eq!(printed, "event b on s\n\ntier high {}\n\nscorecard x {}\n\nevent a on s\n");
    }

    #[test]
    fn strings_and_sql_are_escaped_so_they_read_back() {
        let doc = parse(FULL);
        let header = doc.header.as_ref().expect("header");
        assert_eq!(header.title.as_ref().map(|t| t.as_str()), Some("Acme \"customer\" identity"));
        let description = header.description.as_ref().expect("description");
        assert_eq!(description.as_str(), "Sign-in, recovery and step-up.\nOwned by IAM; paths use \\ and\ttabs.");
        let printed = print(&doc);
        assert!(printed.contains(r#"  description "Sign-in, recovery and step-up.\nOwned by IAM; paths use \\ and\ttabs.""#));
        assert!(printed.contains(r#"  table "sales.Orders 2024""#));
        assert!(printed.contains(r#"band = [case when x then 'a]' else 'b' end], odd = "x ] y""#));
        assert!(printed.contains("  filter [status <> 'test']\n"));
        assert!(printed.contains("where [\n  kind = 'order'\n  AND amount_cents > 0\n]\n"));
        assert!(printed.contains(r#"maps csf:DE.AE-02, sp800-63:AAL2, "internal: access review #4""#));
    }

    #[test]
    fn a_pairs_own_min_sample_prints_before_its_sides() {
        let doc = parse(FULL);
        let pair = &doc.journeys[0].pairs[0];
        assert_eq!(pair.min_sample.as_ref().map(|n| n.node), Some(100));
        let experience = pair.experience.as_ref().expect("experience");
        assert_eq!(experience.min_sample.as_ref().map(|n| n.node), Some(50));
        let printed = print(&doc);
        assert!(printed.contains("  pair sign_in_health {\n    min_sample 100\n    security "));
    }

    #[test]
    fn documents_without_spans_print_in_field_order() {
        let mut doc = parse("journey j { metric m = count(a) }\nevent a on s\ntier t {}\n");
        doc.journeys[0].span = Span::default();
        doc.events[0].span = Span::default();
        doc.tiers[0].span = Span::default();
        assert_eq!(print(&doc), "tier t {}\n\nevent a on s\n\njourney j {\n  metric m = count(a)\n}\n");
    }
}
