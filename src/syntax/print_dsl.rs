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
use super::print_expr::{self, sql_bracket, string, threshold, whole_match};
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
    let name = word_or_string(Rule::scorecard_name, &h.name.node);
    let head = format!("scorecard {name}{}", title(h.title.as_ref()));
    let d = &h.defaults;
    let mut body = Body::default();
    body.quoted("description", h.description.as_ref());
    body.word("dialect", d.dialect.as_ref());
    body.word("grain", d.grain.as_ref());
    body.quoted("timezone", d.timezone.as_ref());
    body.number("min_sample", d.min_sample.as_ref());
    body.word("week_start", d.week_start.as_ref());
    body.duration("dedupe_lookback", d.dedupe_lookback.as_ref());
    body.duration("attribution_lookback", d.attribution_lookback.as_ref());
    body.opt("rollups", d.rollups.as_ref().map(|b| b.node.to_string()));
    body.list("include", h.includes.iter().map(|s| string(&s.node)));
    body.list("catalogs", h.catalogs.iter().map(|s| string(&s.node)));
    with_comments(&h.comments, block(head, body.0))
}

fn tier(t: &TierPolicy) -> Vec<String> {
    let mut body = Body::default();
    body.number("min_sample", t.min_sample.as_ref());
    body.words("require", &t.required_cohorts);
    body.word("severity", t.severity.as_ref());
    body.words("sign_off", &t.sign_off);
    with_comments(&t.comments, block(format!("tier {}", t.tier.node), body.0))
}

fn source(s: &Source) -> Vec<String> {
    let mut body = Body::default();
    let table = s
        .table
        .as_ref()
        .map(|t| word_or_string(Rule::table_name, &t.node));
    body.opt("table", table);
    body.word("timestamp", s.timestamp.as_ref());
    body.word("entity", s.entity.as_ref());
    body.word("session", s.session.as_ref());
    if let Some(by) = &s.dedupe_by {
        let order = match &s.dedupe_order {
            Some(order) => format!(" order {}", order.node),
            None => String::new(),
        };
        body.0.push(format!("dedupe {}{order}", by.node));
    }
    let dimensions = s.dimensions.iter().map(|d| match &d.expr {
        Some(expr) => format!("{} = {}", d.name.node, sql_bracket(expr)),
        None => d.name.node.clone(),
    });
    body.list("dimensions", dimensions);
    if !s.columns.is_empty() {
        let columns = s
            .columns
            .iter()
            .map(|c| format!("{} {}", c.name.node, c.ty.node));
        body.0
            .extend(block("columns".to_string(), columns.collect()));
    }
    body.opt("filter", s.filter.as_ref().map(sql_bracket));
    let integrity = &s.integrity;
    for (word, bounds) in [
        ("freshness", &integrity.freshness),
        ("volume", &integrity.volume),
        ("duplicates", &integrity.duplicates),
    ] {
        // Bounds need a clause to be written at all.
        let text = bounds
            .as_ref()
            .map(|b| clauses(b.warn.as_ref(), b.critical.as_ref(), None));
        body.opt(word, text.filter(|t| !t.is_empty()));
    }
    body.allows(&s.allow);
    with_comments(
        &s.comments,
        block(format!("source {}", s.name.node), body.0),
    )
}

fn event(e: &Event) -> Vec<String> {
    let mut line = format!("event {}", e.name.node);
    if let Some(source) = &e.source {
        line = format!("{line} on {}", source.node);
    }
    if let Some(filter) = &e.filter {
        line = format!("{line} where {}", sql_bracket(filter));
    }
    line.push_str(&title(e.description.as_ref()));
    with_comments(&e.comments, vec![line])
}

fn journey(j: &Journey) -> Vec<String> {
    let mut head = format!("journey {}{}", j.name.node, title(j.title.as_ref()));
    if let Some(tier) = &j.tier {
        head = format!("{head} tier {}", tier.node);
    }
    let mut body = Body::default();
    body.quoted("description", j.description.as_ref());
    body.words("steps", &j.steps);
    let owners: Vec<String> = [
        ("security", &j.security_owner),
        ("product", &j.product_owner),
    ]
    .into_iter()
    .filter_map(|(role, team)| Some(format!("{role} {}", string(&team.as_ref()?.node))))
    .collect();
    body.opt("owners", (!owners.is_empty()).then(|| owners.join(" ")));
    body.words("cohorts", &j.cohorts);
    body.number("min_sample", j.min_sample.as_ref());
    body.allows(&j.allow);
    let mut body = body.0;

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
    let mut body = Body::default();
    body.quoted("unit", m.unit.as_ref());
    body.quoted("description", m.description.as_ref());
    body.number("min_sample", m.min_sample.as_ref());
    if let Some(a) = &m.attribution {
        let mut line = format!("attribute cohorts from {}", a.event.node);
        if let Some(lookback) = &a.lookback {
            line = format!("{line} within {}", print_expr::duration(lookback.node));
        }
        if let Some(tie_break) = &a.tie_break {
            line = format!("{line} tie_break {}", tie_break.node);
        }
        body.0.push(line);
    }
    body.allows(&m.allow);
    with_comments(&m.comments, optional_block(head, body.0))
}

fn pair(p: &Pair) -> Vec<String> {
    let mut body = Body::default();
    // The pair's own min_sample comes first: after a side it would read as
    // the side's.
    body.number("min_sample", p.min_sample.as_ref());
    for (word, side) in [("security", &p.security), ("experience", &p.experience)] {
        if let Some(side) = side {
            body.0.extend(pair_side(word, side));
        }
    }
    body.opt(
        "tradeoff",
        p.tradeoff.as_ref().map(|t| print_expr::tradeoff(&t.node)),
    );
    body.quoted("action", p.action.as_ref());
    let maps = p
        .maps
        .iter()
        .map(|m| word_or_string(Rule::mapping_word, &m.node));
    body.list("maps", maps);
    body.allows(&p.allow);
    with_comments(&p.comments, block(format!("pair {}", p.name.node), body.0))
}

fn pair_side(word: &str, side: &PairSide) -> Vec<String> {
    let rest = clauses(
        side.warn.as_ref(),
        side.critical.as_ref(),
        side.min_sample.as_ref(),
    );
    let head = joined(format!("{word} {}", side.metric.node), rest);
    if side.overrides.is_empty() {
        return vec![head];
    }
    let overrides = side.overrides.iter().map(|o| {
        let rest = clauses(o.warn.as_ref(), o.critical.as_ref(), o.min_sample.as_ref());
        joined(
            format!("when {} = {}", o.dimension.node, string(&o.value.node)),
            rest,
        )
    });
    block(head, overrides.collect())
}

fn change(c: &ControlChange) -> Vec<String> {
    let mut head = format!("change {}{}", c.name.node, title(c.title.as_ref()));
    if let Some(date) = &c.date {
        head = format!("{head} on {}", date.node);
    }
    let mut body = Body::default();
    body.words("journeys", &c.journeys);
    body.words("outcomes", &c.outcomes);
    body.duration("window", c.window.as_ref());
    body.duration("washout", c.washout.as_ref());
    let compare = c.compare.as_ref().map(|compare| match compare {
        Comparison::Cohort { dimension, value } => {
            format!("cohort {} = {}", dimension.node, string(&value.node))
        }
        Comparison::Journey(journey) => format!("journey {}", journey.node),
    });
    body.opt("compare", compare);
    body.allows(&c.allow);
    with_comments(&c.comments, optional_block(head, body.0))
}

/// The statements of a block, one line each, without indentation.
#[derive(Default)]
struct Body(Vec<String>);

impl Body {
    /// `keyword value`, when there is a value.
    fn opt(&mut self, keyword: &str, value: Option<String>) {
        if let Some(value) = value {
            self.0.push(format!("{keyword} {value}"));
        }
    }

    /// `keyword name`.
    fn word(&mut self, keyword: &str, name: Option<&Name>) {
        self.opt(keyword, name.map(|n| n.node.clone()));
    }

    /// `keyword "text"`.
    fn quoted(&mut self, keyword: &str, text: Option<&Spanned<String>>) {
        self.opt(keyword, text.map(|t| string(&t.node)));
    }

    /// `keyword 200`.
    fn number(&mut self, keyword: &str, n: Option<&Spanned<u64>>) {
        self.opt(keyword, n.map(|n| n.node.to_string()));
    }

    /// `keyword 14d`.
    fn duration(&mut self, keyword: &str, d: Option<&Spanned<Duration>>) {
        self.opt(keyword, d.map(|d| print_expr::duration(d.node)));
    }

    /// `keyword a, b, c`, when there are items.
    fn list(&mut self, keyword: &str, items: impl Iterator<Item = String>) {
        let items: Vec<String> = items.collect();
        if !items.is_empty() {
            self.0.push(format!("{keyword} {}", items.join(", ")));
        }
    }

    /// `keyword a, b, c` of names.
    fn words(&mut self, keyword: &str, names: &[Name]) {
        self.list(keyword, names.iter().map(|n| n.node.clone()));
    }

    /// `allow LINT "reason"`, one line each.
    fn allows(&mut self, allow: &[Allow]) {
        for a in allow {
            self.0
                .push(format!("allow {} {}", a.lint.node, string(&a.reason.node)));
        }
    }
}

/// `warn ... critical ... min_sample N`, in that order.
fn clauses(
    warn: Option<&Threshold>,
    critical: Option<&Threshold>,
    min_sample: Option<&Spanned<u64>>,
) -> String {
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

/// ` "Title"`, or nothing.
fn title(title: Option<&Spanned<String>>) -> String {
    title
        .map(|t| format!(" {}", string(&t.node)))
        .unwrap_or_default()
}

/// `head rest`, or `head` when there is no rest.
fn joined(head: String, rest: String) -> String {
    if rest.is_empty() {
        head
    } else {
        format!("{head} {rest}")
    }
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
    lines.extend(
        body.into_iter()
            .map(|l| if l.is_empty() { l } else { format!("  {l}") }),
    );
    lines.push("}".to_string());
    lines
}

/// A block, or the head alone for declarations whose body is optional.
fn optional_block(head: String, body: Vec<String>) -> Vec<String> {
    if body.is_empty() {
        vec![head]
    } else {
        block(head, body)
    }
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
  # A comment inside a block stays with that block.
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
        assert_eq!(
            shape(&parse("event a on s where [x]")),
            shape(&parse("event  a\n on  s where [x]"))
        );
        assert_ne!(shape(&parse("event a on s")), shape(&parse("event a on t")));
        assert_ne!(
            shape(&parse("event a on s where [x]")),
            shape(&parse("event a on s where [y]"))
        );
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
        assert_eq!(
            header.comments,
            ["Acme's CIAM scorecard.", "Second line of the file comment."]
        );
        assert_eq!(
            doc.sources[0].comments,
            ["A comment inside a block stays with that block."]
        );
        let login = &doc.journeys[0];
        assert_eq!(login.metrics[0].comments, ["Events per attempt."]);
        assert_eq!(login.metrics[2].comments, ["trailing"]);
        assert_eq!(login.changes[0].comments, ["The step-up change."]);
        assert_eq!(
            doc.trailing_comments,
            ["Trailing comment one.", "", " Indented trailing comment."]
        );

        let printed = print(&doc);
        assert!(printed.starts_with(
            "# Acme's CIAM scorecard.\n# Second line of the file comment.\nscorecard acme-ciam"
        ));
        assert!(printed.contains("\n  # Events per attempt.\n  metric login_success_rate "));
        assert!(printed.contains("\n  # trailing\n  metric enrolled "));
        assert!(printed.ends_with(
            "journey bare {}\n\n# Trailing comment one.\n#\n#  Indented trailing comment.\n"
        ));
        let count = |text: &str| crate::syntax::comments::dsl_comments(text).len();
        assert_eq!(count(&printed), count(FULL));
    }

    #[test]
    fn declarations_print_in_document_order() {
        let printed =
            assert_round_trip("event b on s\ntier high {}\nscorecard x {}\nevent a on s\n");
        assert_eq!(
            printed,
            "event b on s\n\ntier high {}\n\nscorecard x {}\n\nevent a on s\n"
        );
    }

    #[test]
    fn strings_and_sql_are_escaped_so_they_read_back() {
        let doc = parse(FULL);
        let header = doc.header.as_ref().expect("header");
        assert_eq!(
            header.title.as_ref().map(|t| t.as_str()),
            Some("Acme \"customer\" identity")
        );
        let description = header.description.as_ref().expect("description");
        assert_eq!(
            description.as_str(),
            "Sign-in, recovery and step-up.\nOwned by IAM; paths use \\ and\ttabs."
        );
        let printed = print(&doc);
        assert!(printed.contains(r#"  description "Sign-in, recovery and step-up.\nOwned by IAM; paths use \\ and\ttabs.""#));
        assert!(printed.contains(r#"  table "sales.Orders 2024""#));
        assert!(printed.contains(r#"band = [case when x then 'a]' else 'b' end], odd = "x ] y""#));
        assert!(printed.contains("  filter [status <> 'test']\n"));
        assert!(printed.contains("where [\n  kind = 'order'\n  AND amount_cents > 0\n]\n"));
        assert!(
            printed.contains(r#"maps csf:DE.AE-02, sp800-63:AAL2, "internal: access review #4""#)
        );
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
        assert_eq!(
            print(&doc),
            "tier t {}\n\nevent a on s\n\njourney j {\n  metric m = count(a)\n}\n"
        );
    }
}
