//! The expression language shared by both front-ends: formulas,
//! thresholds, durations, keys and trade-off rules.
//!
//! The DSL parses these inline; YAML hands us the text of a scalar together
//! with an [`Origin`] that maps byte offsets of that text back into the file.

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::ast::*;
use super::grammar::{Rule, ScorecParser, describe};
use crate::codes::{self, Code};
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span, Spanned};

/// Where parsed text came from, so spans point into the original file.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// Span of the whole text in the file (a YAML scalar, or the DSL file).
    pub span: Span,
    /// File offset of each byte of the text, if known; otherwise offsets are
    /// `span.start + local` (exact for the DSL, approximate for YAML).
    pub offsets: Vec<u32>,
}

impl Origin {
    /// An origin for text that is the file itself from `start`.
    pub fn direct(file: FileId, start: usize, len: usize) -> Origin {
        Origin {
            file,
            span: Span::new(file, start..start + len),
            offsets: Vec::new(),
        }
    }

    /// The file span of a local byte range.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        if self.offsets.is_empty() {
            // Clamped so that an error at the end of the text (`expected
            // `}``) points at the end, not one byte past the file.
            let base = self.span.start as usize;
            let end = self.span.end as usize;
            return Span::new(
                self.file,
                (base + range.start).min(end)..(base + range.end).min(end),
            );
        }
        let sql = SqlText {
            text: String::new(),
            span: self.span,
            offsets: self.offsets.clone(),
        };
        if range.start >= self.offsets.len() {
            let end = self.span.end as usize;
            return Span::new(self.file, end..end);
        }
        sql.span_of(range)
    }

    /// The offsets for a local byte range, for an embedded SQL fragment.
    fn offsets_of(&self, range: std::ops::Range<usize>) -> Vec<u32> {
        if self.offsets.is_empty() {
            let base = self.span.start as usize;
            range.map(|i| (base + i) as u32).collect()
        } else {
            self.offsets
                .get(range)
                .map(<[u32]>::to_vec)
                .unwrap_or_default()
        }
    }
}

/// Which expression a YAML scalar holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `formula: rate(a / b)`.
    Formula,
    /// `count: a`.
    Count,
    /// `sum: amount of a`.
    Sum,
    /// `rate: a / b`.
    Rate,
    /// `conversion: a -> b within 7d`.
    Conversion,
    /// `duration: p95 of a -> b within 24h`.
    Duration,
    /// `derived: 1000 * a / b`.
    Derived,
}

/// Parses a formula written in YAML under the key for `entry`.
pub fn parse_formula(entry: Entry, text: &str, origin: &Origin) -> Result<Formula, Diagnostic> {
    let rule = match entry {
        Entry::Formula => Rule::formula_entry,
        Entry::Count => Rule::count_entry,
        Entry::Sum => Rule::sum_entry,
        Entry::Rate => Rule::rate_entry,
        Entry::Conversion => Rule::conversion_entry,
        Entry::Duration => Rule::duration_entry,
        Entry::Derived => Rule::derived_entry,
    };
    let pair = parse_one(rule, text, origin)?;
    let inner = first(pair);
    let cx = Cx { origin };
    Ok(match entry {
        Entry::Formula => cx.formula(inner),
        Entry::Count => Formula::Count(cx.unit(inner)),
        Entry::Sum => cx.sum_body(inner),
        Entry::Rate => cx.rate_body(inner),
        Entry::Conversion => Formula::Conversion(cx.sequence(inner)),
        Entry::Duration => cx.duration_body(inner),
        Entry::Derived => Formula::Derived(cx.arith(inner)),
    })
}

/// Parses a threshold (`> 2% for 3 windows`).
pub fn parse_threshold(text: &str, origin: &Origin) -> Result<Threshold, Diagnostic> {
    let pair = parse_one(Rule::threshold_entry, text, origin)?;
    Ok(Cx { origin }.threshold(first(pair)))
}

/// Moves every span of a threshold through `f`: a threshold parsed once
/// with local offsets can be placed at each scalar that repeats its text.
pub fn respan_threshold(t: &mut Threshold, f: &impl Fn(Span) -> Span) {
    t.span = f(t.span);
    if let Some(w) = &mut t.windows {
        w.span = f(w.span);
    }
    match &mut t.bound {
        Bound::Absolute { value, .. } => value.span = f(value.span),
        Bound::Outside { low, high, .. } => {
            low.span = f(low.span);
            high.span = f(high.span);
        }
        Bound::Relative {
            amount,
            baseline,
            baseline_min_sample,
            ..
        } => {
            amount.span = f(amount.span);
            baseline.span = f(baseline.span);
            if let Some(m) = baseline_min_sample {
                m.span = f(m.span);
            }
        }
    }
}

/// Parses a duration (`14d`).
pub fn parse_duration(text: &str, origin: &Origin) -> Result<Duration, Diagnostic> {
    let pair = parse_one(Rule::duration_entry_value, text, origin)?;
    Ok(duration_value(first(pair).as_str()))
}

/// Parses a trade-off rule.
pub fn parse_tradeoff(text: &str, origin: &Origin) -> Result<Tradeoff, Diagnostic> {
    let pair = parse_one(Rule::tradeoff_entry, text, origin)?;
    Ok(Cx { origin }.tradeoff(first(pair)))
}

/// Parses a relating key (`entity`, `session`, a column).
pub fn parse_key(text: &str, origin: &Origin) -> Result<Key, Diagnostic> {
    let pair = parse_one(Rule::key_entry, text, origin)?;
    Ok(key_value(first(pair)))
}

fn parse_one<'i>(rule: Rule, text: &'i str, origin: &Origin) -> Result<Pair<'i, Rule>, Diagnostic> {
    let mut pairs = ScorecParser::parse(rule, text)
        .map_err(|e| syntax_error(codes::EXPR_SYNTAX, &e, origin))?;
    pairs
        .next()
        .ok_or_else(|| Diagnostic::new(codes::EXPR_SYNTAX, "empty expression").at(origin.span))
}

fn first(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    pair.into_inner()
        .next()
        .expect("grammar: an entry rule holds one expression")
}

/// Converts a pest error into a diagnostic pointing into the original file.
pub(super) fn syntax_error(
    code: Code,
    error: &pest::error::Error<Rule>,
    origin: &Origin,
) -> Diagnostic {
    syntax_error_with(code, error, origin, describe)
}

/// Like [`syntax_error`], naming the expected rules with `describe`: the DSL
/// front-end names its statement rules by their keywords.
pub(super) fn syntax_error_with(
    code: Code,
    error: &pest::error::Error<Rule>,
    origin: &Origin,
    describe: fn(&Rule) -> String,
) -> Diagnostic {
    let (start, end) = match error.location {
        InputLocation::Pos(p) => (p, p + 1),
        InputLocation::Span((s, e)) => (s, e.max(s + 1)),
    };
    let message = match &error.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let mut expected: Vec<String> = positives.iter().map(describe).collect();
            expected.sort();
            expected.dedup();
            if expected.is_empty() {
                let unexpected: Vec<String> = negatives.iter().map(describe).collect();
                format!("unexpected {}", unexpected.join(", "))
            } else {
                format!("expected {}", join_or(&expected))
            }
        }
        ErrorVariant::CustomError { message } => message.clone(),
    };
    let what = if code == codes::EXPR_SYNTAX {
        "cannot parse this expression"
    } else {
        "cannot parse this file"
    };
    Diagnostic::new(code, format!("{what}: {message}"))
        .at_labelled(origin.span(start..end), message)
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Integer types a grammar `integer` can be read into.
pub(super) trait Bounded {
    /// The largest value.
    const MAX: Self;
}

impl Bounded for u64 {
    const MAX: u64 = u64::MAX;
}

impl Bounded for u32 {
    const MAX: u32 = u32::MAX;
}

/// Converts expression pairs into syntax, resolving spans through an origin.
pub(super) struct Cx<'a> {
    pub(super) origin: &'a Origin,
}

impl Cx<'_> {
    /// The span of a pair, without the trailing whitespace and comments
    /// that pest includes when a rule ends with an optional part.
    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        let end = s.start() + super::comments::content_len(s.as_str());
        self.origin.span(s.start()..end)
    }

    pub(super) fn name(&self, pair: &Pair<'_, Rule>) -> Name {
        Spanned::new(pair.as_str().to_string(), self.span(pair))
    }

    /// A SQL fragment from a `sql_bracket`, `sql_fragment` or `string`.
    pub(super) fn sql(&self, pair: Pair<'_, Rule>) -> SqlText {
        match pair.as_rule() {
            Rule::sql_fragment => self.sql(first(pair)),
            Rule::sql_bracket => {
                let inner = first(pair);
                let s = inner.as_span();
                SqlText {
                    text: inner.as_str().to_string(),
                    span: self.origin.span(s.start()..s.end()),
                    offsets: self.origin.offsets_of(s.start()..s.end()),
                }
            }
            _ => {
                let (text, offsets) = self.string_with_offsets(&pair);
                SqlText {
                    text,
                    span: self.span(&pair),
                    offsets,
                }
            }
        }
    }

    /// The unescaped content of a `string` pair.
    pub(super) fn string(&self, pair: &Pair<'_, Rule>) -> Spanned<String> {
        Spanned::new(self.string_with_offsets(pair).0, self.span(pair))
    }

    fn string_with_offsets(&self, pair: &Pair<'_, Rule>) -> (String, Vec<u32>) {
        let inner = pair.clone().into_inner().next();
        let Some(inner) = inner else {
            return (String::new(), Vec::new());
        };
        let base = inner.as_span().start();
        let mut text = String::new();
        let mut offsets = Vec::new();
        let mut chars = inner.as_str().char_indices();
        while let Some((i, c)) = chars.next() {
            let (ch, at) = if c == '\\' {
                match chars.next() {
                    Some((_, 'n')) => ('\n', i),
                    Some((_, 't')) => ('\t', i),
                    Some((_, other)) => (other, i),
                    None => ('\\', i),
                }
            } else {
                (c, i)
            };
            let start = text.len();
            text.push(ch);
            let file_offset = self.origin.offsets_of(base + at..base + at + 1);
            let offset = file_offset.first().copied().unwrap_or(0);
            offsets.extend(std::iter::repeat_n(offset, text.len() - start));
        }
        (text, offsets)
    }

    pub(super) fn formula(&self, pair: Pair<'_, Rule>) -> Formula {
        let inner = first(pair);
        let rule = inner.as_rule();
        let mut parts = inner.into_inner().filter(|p| p.as_rule() != Rule::kw_count);
        let body = parts.next().expect("grammar: a formula has a body");
        match rule {
            Rule::count_f => Formula::Count(self.unit(body)),
            Rule::sum_f => self.sum_body(body),
            Rule::rate_f => self.rate_body(body),
            Rule::conversion_f => Formula::Conversion(self.sequence(body)),
            Rule::duration_f => self.duration_body(body),
            _ => Formula::Derived(self.arith(body)),
        }
    }

    fn sum_body(&self, pair: Pair<'_, Rule>) -> Formula {
        let mut parts = pair.into_inner();
        let value = parts.next().expect("grammar: sum value");
        let value_inner = first(value);
        let value = if value_inner.as_rule() == Rule::ident {
            let s = value_inner.as_span();
            SqlText {
                text: value_inner.as_str().to_string(),
                span: self.span(&value_inner),
                offsets: self.origin.offsets_of(s.start()..s.end()),
            }
        } else {
            self.sql(value_inner)
        };
        let unit = parts
            .find(|p| p.as_rule() == Rule::unit)
            .expect("grammar: sum unit");
        Formula::Sum {
            value,
            unit: self.unit(unit),
        }
    }

    fn rate_body(&self, pair: Pair<'_, Rule>) -> Formula {
        let mut units = pair.into_inner();
        let numerator = self.unit(units.next().expect("grammar: numerator"));
        let denominator = self.unit(units.next().expect("grammar: denominator"));
        Formula::Rate {
            numerator,
            denominator,
        }
    }

    fn duration_body(&self, pair: Pair<'_, Rule>) -> Formula {
        let mut approximate = false;
        let mut percentile = None;
        let mut sequence = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::kw_approx => approximate = true,
                Rule::percentile => {
                    let value = part.as_str()[1..].parse().unwrap_or(f64::NAN);
                    percentile = Some(Spanned::new(value, self.span(&part)));
                }
                Rule::sequence => sequence = Some(self.sequence(part)),
                _ => {}
            }
        }
        Formula::Duration {
            percentile: percentile.expect("grammar: percentile"),
            approximate,
            sequence: sequence.expect("grammar: sequence"),
        }
    }

    pub(super) fn unit(&self, pair: Pair<'_, Rule>) -> Unit {
        let span = self.span(&pair);
        let mut unit = Unit {
            distinct: None,
            event: Spanned::new(String::new(), span),
            filter: None,
            frequency: None,
            followed_by: None,
            span,
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::distinct_of => {
                    let key = part
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::key)
                        .expect("grammar: key");
                    unit.distinct = Some(self.key(key));
                }
                Rule::ident => unit.event = self.name(&part),
                Rule::sql_bracket => unit.filter = Some(self.sql(part)),
                Rule::frequency => {
                    let span = self.span(&part);
                    let mut key = None;
                    let mut op = CmpOp::Gt;
                    let mut count = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::key => key = Some(self.key(p)),
                            Rule::cmp_op => op = cmp_op(p.as_str()),
                            Rule::integer => count = Some(self.integer(&p)),
                            _ => {}
                        }
                    }
                    unit.frequency = Some(Frequency {
                        key: key.expect("grammar: key"),
                        op,
                        count: count.expect("grammar: count"),
                        span,
                    });
                }
                Rule::followed => {
                    let span = self.span(&part);
                    let mut event = None;
                    let mut within = None;
                    let mut by = None;
                    for p in part.into_inner() {
                        match p.as_rule() {
                            Rule::ident => event = Some(self.name(&p)),
                            Rule::within => within = Some(self.within(p)),
                            Rule::by_key => by = Some(self.by_key(p)),
                            _ => {}
                        }
                    }
                    unit.followed_by = Some(FollowedBy {
                        event: event.expect("grammar: event"),
                        within,
                        by,
                        span,
                    });
                }
                _ => {}
            }
        }
        unit
    }

    pub(super) fn sequence(&self, pair: Pair<'_, Rule>) -> Sequence {
        let mut names = Vec::new();
        let mut within = None;
        let mut by = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => names.push(self.name(&p)),
                Rule::within => within = Some(self.within(p)),
                Rule::by_key => by = Some(self.by_key(p)),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        Sequence {
            from: names.next().expect("grammar: from"),
            to: names.next().expect("grammar: to"),
            within,
            by,
        }
    }

    pub(super) fn within(&self, pair: Pair<'_, Rule>) -> Spanned<Duration> {
        let d = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::duration)
            .expect("grammar: duration");
        self.duration(&d)
    }

    fn by_key(&self, pair: Pair<'_, Rule>) -> Spanned<Key> {
        self.key(
            pair.into_inner()
                .find(|p| p.as_rule() == Rule::key)
                .expect("grammar: key"),
        )
    }

    fn key(&self, pair: Pair<'_, Rule>) -> Spanned<Key> {
        let span = self.span(&pair);
        Spanned::new(key_value(pair), span)
    }

    pub(super) fn duration(&self, pair: &Pair<'_, Rule>) -> Spanned<Duration> {
        Spanned::new(duration_value(pair.as_str()), self.span(pair))
    }

    pub(super) fn integer<T: TryFrom<u64> + Bounded>(&self, pair: &Pair<'_, Rule>) -> Spanned<T> {
        // The grammar admits at most 18 digits, so the text fits a u64; a
        // value too large for `T` saturates at its maximum.
        let n: u64 = pair.as_str().parse().unwrap_or(u64::MAX);
        Spanned::new(T::try_from(n).unwrap_or(T::MAX), self.span(pair))
    }

    pub(super) fn arith(&self, pair: Pair<'_, Rule>) -> Arith {
        match pair.as_rule() {
            Rule::arith | Rule::arith_term => {
                let mut parts = pair.into_inner();
                let mut acc = self.arith(parts.next().expect("grammar: operand"));
                while let (Some(op), Some(rhs)) = (parts.next(), parts.next()) {
                    let op = match op.as_str() {
                        "+" => ArithOp::Add,
                        "-" => ArithOp::Sub,
                        "*" => ArithOp::Mul,
                        _ => ArithOp::Div,
                    };
                    acc = Arith::Binary(Box::new(acc), op, Box::new(self.arith(rhs)));
                }
                acc
            }
            Rule::arith_factor => {
                let mut negations = 0;
                let mut atom = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::neg_op => negations += 1,
                        _ => atom = Some(self.arith(p)),
                    }
                }
                let mut value = atom.expect("grammar: atom");
                for _ in 0..negations {
                    value = Arith::Neg(Box::new(value));
                }
                value
            }
            Rule::arith_atom => self.arith(first(pair)),
            Rule::number => {
                Arith::Number(Spanned::new(pair.as_str().to_string(), self.span(&pair)))
            }
            Rule::ident => Arith::Metric(self.name(&pair)),
            _ => Arith::Number(Spanned::new("0".into(), self.span(&pair))),
        }
    }

    pub(super) fn threshold(&self, pair: Pair<'_, Rule>) -> Threshold {
        let span = self.span(&pair);
        let mut parts = pair.into_inner();
        let bound = parts.next().expect("grammar: bound");
        let windows = parts.next().map(|s| {
            let n = s
                .into_inner()
                .find(|p| p.as_rule() == Rule::integer)
                .expect("grammar: windows");
            self.integer(&n)
        });
        Threshold {
            bound: self.bound(first(bound)),
            windows,
            span,
        }
    }

    fn bound(&self, pair: Pair<'_, Rule>) -> Bound {
        match pair.as_rule() {
            Rule::absolute => {
                let mut parts = pair.into_inner();
                let op = cmp_op(parts.next().expect("grammar: op").as_str());
                Bound::Absolute {
                    op,
                    value: self.quantity(parts.next().expect("grammar: quantity")),
                }
            }
            Rule::outside => {
                let parts: Vec<_> = pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::kw_or)
                    .collect();
                let (op1, q1, op2, q2) = (
                    cmp_op(parts[0].as_str()),
                    self.quantity(parts[1].clone()),
                    cmp_op(parts[2].as_str()),
                    self.quantity(parts[3].clone()),
                );
                // `< a or > b` and `> b or < a` mean the same; store low first.
                let ((lo_op, low), (hi_op, high)) = if matches!(op1, CmpOp::Lt | CmpOp::Le) {
                    ((op1, q1), (op2, q2))
                } else {
                    ((op2, q2), (op1, q1))
                };
                Bound::Outside {
                    low,
                    high,
                    low_inclusive: lo_op == CmpOp::Le,
                    high_inclusive: hi_op == CmpOp::Ge,
                }
            }
            _ => {
                let mut direction = Direction::Drops;
                let mut amount = None;
                let mut baseline = None;
                let mut baseline_min_sample = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::change_dir if p.as_str() == "rises" => direction = Direction::Rises,
                        Rule::quantity => amount = Some(self.quantity(p)),
                        Rule::duration => baseline = Some(self.duration(&p)),
                        Rule::integer => baseline_min_sample = Some(self.integer(&p)),
                        _ => {}
                    }
                }
                Bound::Relative {
                    direction,
                    amount: amount.expect("grammar: amount"),
                    baseline: baseline.expect("grammar: baseline"),
                    baseline_min_sample,
                }
            }
        }
    }

    pub(super) fn quantity(&self, pair: Pair<'_, Rule>) -> Quantity {
        let span = self.span(&pair);
        let inner = first(pair);
        let text = inner.as_str();
        let (number, unit) = match inner.as_rule() {
            Rule::points => (
                text.trim_end_matches("pp").to_string(),
                QuantityUnit::Points,
            ),
            Rule::percent => (
                text.trim_end_matches('%').to_string(),
                QuantityUnit::Percent,
            ),
            Rule::duration => (
                duration_value(text).seconds.to_string(),
                QuantityUnit::Seconds,
            ),
            _ => (text.to_string(), QuantityUnit::Plain),
        };
        Quantity { number, unit, span }
    }

    pub(super) fn tradeoff(&self, pair: Pair<'_, Rule>) -> Tradeoff {
        let mut sides = Vec::new();
        let mut amount = None;
        let mut baseline = None;
        let mut severity = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::pair_side_name => {
                    let side = if p.as_str() == "security" {
                        SideName::Security
                    } else {
                        SideName::Experience
                    };
                    sides.push(Spanned::new(side, self.span(&p)));
                }
                Rule::quantity => amount = Some(self.quantity(p)),
                Rule::duration => baseline = Some(self.duration(&p)),
                Rule::ident => severity = Some(self.name(&p)),
                _ => {}
            }
        }
        let mut sides = sides.into_iter();
        Tradeoff {
            degrading: sides.next().expect("grammar: side"),
            amount: amount.expect("grammar: amount"),
            improving: sides.next().expect("grammar: side"),
            baseline: baseline.expect("grammar: baseline"),
            severity,
        }
    }
}

fn key_value(pair: Pair<'_, Rule>) -> Key {
    let inner = first(pair);
    match inner.as_rule() {
        Rule::kw_entity => Key::Entity,
        Rule::kw_session => Key::Session,
        _ => Key::Column(inner.as_str().to_string()),
    }
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">=" => CmpOp::Ge,
        _ => CmpOp::Gt,
    }
}

/// Seconds in a duration literal; the grammar guarantees digits and a unit.
pub(super) fn duration_value(text: &str) -> Duration {
    let (digits, unit) = text.split_at(text.len() - 1);
    let n: u64 = digits.parse().unwrap_or(u64::MAX);
    let unit = match unit {
        "s" => TimeUnit::Second,
        "m" => TimeUnit::Minute,
        "h" => TimeUnit::Hour,
        "d" => TimeUnit::Day,
        _ => TimeUnit::Week,
    };
    Duration {
        seconds: n.saturating_mul(unit.seconds()),
        unit,
    }
}
