//! The DSL front-end: turns a `.scorec` file into the spanned syntax tree.
//!
//! Expressions inside declarations (formulas, thresholds, trade-offs) go
//! through the same [`Cx`] as YAML scalars, so both front-ends build the same
//! nodes. Comments are silent in the grammar; [`comments`] recovers them from
//! the text and attaches them to the declarations.

#![allow(
    clippy::result_large_err,
    reason = "front-ends return a `Diagnostic` by value, as `expr` does; it is built once per failed parse"
)]

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::{self, *};
use super::comments;
use super::expr::{Cx, Origin, syntax_error_with};
use super::grammar::{self, Rule, ScorecParser};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span, Spanned};

/// Parses a DSL file into a document, with its comments attached.
///
/// Every span is the exact byte range in `text`. A statement that sets a
/// single value (`table`, `warn`, `action`...) may appear once per item; a
/// second one is an error rather than silently replacing the first.
pub fn parse(file: FileId, text: &str) -> Result<Document, Diagnostic> {
    let origin = Origin::direct(file, 0, text.len());
    let cx = Cx { origin: &origin };
    let root = ScorecParser::parse(Rule::file, text)
        .map_err(|e| {
            unclosed_block(
                text,
                &e,
                syntax_error_with(codes::DSL_SYNTAX, &e, &origin, describe),
                &origin,
            )
        })?
        .next()
        .expect("grammar: a file");
    let mut doc = Document::default();
    for decl in root.into_inner() {
        match decl.as_rule() {
            Rule::scorecard_decl => {
                let header = header(&cx, decl)?;
                if let Some(first) = &doc.header {
                    return Err(Diagnostic::new(
                        codes::DSL_SYNTAX,
                        "a file holds at most one `scorecard` header",
                    )
                    .at_labelled(header.span, "second header")
                    .with_label(first.span, "first header"));
                }
                doc.header = Some(header);
            }
            Rule::tier_decl => doc.tiers.push(tier(&cx, decl)?),
            Rule::source_decl => doc.sources.push(source(&cx, decl)?),
            Rule::event_decl => doc.events.push(event(&cx, decl)),
            Rule::journey_decl => doc.journeys.push(journey(&cx, decl)?),
            // `EOI`.
            _ => {}
        }
    }
    comments::attach(comments::dsl_comments(text), &mut doc);
    Ok(doc)
}

/// Names a rule in "expected ..." messages: statements by their keyword.
/// Top-level declaration keywords, which start at the beginning of a line.
const DECLARATIONS: &[&str] = &["scorecard", "tier", "source", "event", "journey"];

/// pest does not list a missing `}` among what it expected; when a parse
/// error lands on a top-level declaration inside a block, say that the
/// block above is not closed.
fn unclosed_block(
    text: &str,
    error: &pest::error::Error<Rule>,
    diagnostic: Diagnostic,
    origin: &Origin,
) -> Diagnostic {
    let pest::error::InputLocation::Pos(at) = error.location else {
        return diagnostic;
    };
    let inside_block = matches!(&error.variant, pest::error::ErrorVariant::ParsingError { positives, .. }
        if !positives.iter().any(|r| matches!(r, Rule::file | Rule::EOI)));
    let line_start = at == 0 || text[..at].ends_with('\n');
    let Some(keyword) = DECLARATIONS
        .iter()
        .find(|k| text[at..].starts_with(*k) && text[at + k.len()..].starts_with([' ', '\t']))
    else {
        return diagnostic;
    };
    if !(inside_block && line_start) {
        return diagnostic;
    }
    // The block that is still open: the last declaration before this one.
    let opener = text[..at]
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .filter(|&i| i < at && DECLARATIONS.iter().any(|k| text[i..].starts_with(k)))
        .max();
    let mut d = Diagnostic::new(
        codes::DSL_SYNTAX,
        format!("cannot parse this file: expected `}}` before this `{keyword}`"),
    )
    .at_labelled(
        origin.span(at..at + keyword.len()),
        "the block above is still open here",
    );
    if let Some(start) = opener {
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        d = d.with_label(origin.span(start..end), "this block is not closed");
    }
    d.with_help(format!(
        "close the block with `}}`; inside it scorec {}",
        diagnostic
            .message
            .trim_start_matches("cannot parse this file: ")
    ))
}

fn describe(rule: &Rule) -> String {
    let keyword = match rule {
        Rule::file => return grammar::describe(&Rule::declaration),
        Rule::bounds => return "`warn` or `critical`".to_string(),
        Rule::metric_body | Rule::overrides => return "`{`".to_string(),
        Rule::column_type => return "a column type".to_string(),
        Rule::sc_description | Rule::j_description => "description",
        Rule::sc_dialect => "dialect",
        Rule::sc_grain => "grain",
        Rule::sc_timezone => "timezone",
        Rule::sc_week_start => "week_start",
        Rule::sc_dedupe_lookback => "dedupe_lookback",
        Rule::sc_attribution_lookback => "attribution_lookback",
        Rule::sc_rollups => "rollups",
        Rule::sc_include => "include",
        Rule::sc_catalogs => "catalogs",
        Rule::tier_require => "require",
        Rule::tier_sign_off => "sign_off",
        Rule::src_table => "table",
        Rule::src_timestamp => "timestamp",
        Rule::src_dedupe => "dedupe",
        Rule::src_dimensions => "dimensions",
        Rule::src_columns => "columns",
        Rule::src_filter => "filter",
        Rule::src_freshness => "freshness",
        Rule::src_volume => "volume",
        Rule::src_duplicates => "duplicates",
        Rule::j_steps => "steps",
        Rule::j_owners => "owners",
        Rule::owner_product => "product",
        Rule::j_cohorts => "cohorts",
        Rule::m_unit => "unit",
        Rule::m_attribute => "attribute",
        Rule::p_tradeoff => "tradeoff",
        Rule::p_action => "action",
        Rule::p_maps => "maps",
        Rule::c_journeys => "journeys",
        Rule::c_outcomes => "outcomes",
        Rule::c_window => "window",
        Rule::c_washout => "washout",
        Rule::c_compare => "compare",
        Rule::compare_cohort => "cohort",
        // Named only in "given twice" errors: their keyword rule is what an
        // "expected" message names.
        Rule::sc_min_sample => "min_sample",
        Rule::tier_severity => "severity",
        Rule::src_entity => "entity",
        Rule::src_session => "session",
        Rule::owner_security => "owners security",
        Rule::warn_clause => "warn",
        Rule::critical_clause => "critical",
        other => return grammar::describe(other),
    };
    format!("`{keyword}`")
}

fn header(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<Header, Diagnostic> {
    let span = cx.span(&pair);
    let mut name = None;
    let mut title = None;
    let mut description = None;
    let mut defaults = Defaults::default();
    let mut includes = Vec::new();
    let mut catalogs = Vec::new();
    for part in pair.into_inner() {
        let at = Stmt::of(cx, &part);
        match part.as_rule() {
            Rule::scorecard_name => name = Some(cx.name(&part)),
            Rule::string if name.is_none() => name = Some(cx.string(&part)),
            Rule::string => title = Some(cx.string(&part)),
            Rule::sc_description => set(&mut description, cx.string(&last(part)), &at)?,
            Rule::sc_dialect => set(&mut defaults.dialect, cx.name(&last(part)), &at)?,
            Rule::sc_grain => set(&mut defaults.grain, cx.name(&last(part)), &at)?,
            Rule::sc_timezone => set(&mut defaults.timezone, cx.string(&last(part)), &at)?,
            Rule::sc_min_sample => set(&mut defaults.min_sample, cx.integer(&last(part)), &at)?,
            Rule::sc_week_start => set(&mut defaults.week_start, cx.name(&last(part)), &at)?,
            Rule::sc_dedupe_lookback => {
                set(&mut defaults.dedupe_lookback, cx.duration(&last(part)), &at)?
            }
            Rule::sc_attribution_lookback => set(
                &mut defaults.attribution_lookback,
                cx.duration(&last(part)),
                &at,
            )?,
            Rule::sc_rollups => {
                let value = last(part);
                let rollups = Spanned::new(value.as_str() == "true", cx.span(&value));
                set(&mut defaults.rollups, rollups, &at)?;
            }
            Rule::sc_include => includes.extend(strings(cx, part)),
            Rule::sc_catalogs => catalogs.extend(strings(cx, part)),
            // `kw_scorecard`.
            _ => {}
        }
    }
    Ok(Header {
        name: name.expect("grammar: a scorecard has a name"),
        title,
        description,
        defaults,
        includes,
        catalogs,
        comments: Comments::new(),
        span,
    })
}

fn tier(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<TierPolicy, Diagnostic> {
    let span = cx.span(&pair);
    let mut name = None;
    let mut min_sample = None;
    let mut required_cohorts = Vec::new();
    let mut severity = None;
    let mut sign_off = Vec::new();
    for part in pair.into_inner() {
        let at = Stmt::of(cx, &part);
        match part.as_rule() {
            Rule::ident => name = Some(cx.name(&part)),
            Rule::sc_min_sample => set(&mut min_sample, cx.integer(&last(part)), &at)?,
            Rule::tier_require => required_cohorts.extend(names(cx, part)),
            Rule::tier_severity => set(&mut severity, cx.name(&last(part)), &at)?,
            Rule::tier_sign_off => sign_off.extend(names(cx, part)),
            // `kw_tier`.
            _ => {}
        }
    }
    Ok(TierPolicy {
        tier: name.expect("grammar: a tier has a name"),
        min_sample,
        required_cohorts,
        severity,
        sign_off,
        comments: Comments::new(),
        span,
    })
}

fn source(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<Source, Diagnostic> {
    let span = cx.span(&pair);
    let mut source = Source {
        name: Spanned::new(String::new(), span),
        table: None,
        timestamp: None,
        entity: None,
        session: None,
        dedupe_by: None,
        dedupe_order: None,
        dimensions: Vec::new(),
        columns: Vec::new(),
        filter: None,
        integrity: Integrity::default(),
        allow: Vec::new(),
        comments: Comments::new(),
        span,
    };
    for part in pair.into_inner() {
        let at = Stmt::of(cx, &part);
        match part.as_rule() {
            Rule::ident => source.name = cx.name(&part),
            Rule::src_table => {
                let value = last(part);
                let table = match value.as_rule() {
                    Rule::string => cx.string(&value),
                    _ => cx.name(&value),
                };
                set(&mut source.table, table, &at)?;
            }
            Rule::src_timestamp => set(&mut source.timestamp, cx.name(&last(part)), &at)?,
            Rule::src_entity => set(&mut source.entity, cx.name(&last(part)), &at)?,
            Rule::src_session => set(&mut source.session, cx.name(&last(part)), &at)?,
            Rule::src_dedupe => {
                let mut columns = part.into_inner().map(|p| cx.name(&p));
                let by = columns.next().expect("grammar: a dedupe key");
                set(&mut source.dedupe_by, by, &at)?;
                source.dedupe_order = columns.next();
            }
            Rule::src_dimensions => {
                for dimension in part.into_inner() {
                    let mut parts = dimension.into_inner();
                    let name = cx.name(&parts.next().expect("grammar: a dimension name"));
                    let expr = parts.next().map(|p| cx.sql(p));
                    source.dimensions.push(Dimension { name, expr });
                }
            }
            Rule::src_columns => {
                for column in part.into_inner() {
                    let mut parts = column.into_inner();
                    let name = cx.name(&parts.next().expect("grammar: a column name"));
                    let ty = cx.name(&parts.next().expect("grammar: a column type"));
                    source.columns.push(Column { name, ty });
                }
            }
            Rule::src_filter => set(&mut source.filter, cx.sql(last(part)), &at)?,
            Rule::src_freshness => set(&mut source.integrity.freshness, bounds(cx, part)?, &at)?,
            Rule::src_volume => set(&mut source.integrity.volume, bounds(cx, part)?, &at)?,
            Rule::src_duplicates => set(&mut source.integrity.duplicates, bounds(cx, part)?, &at)?,
            Rule::allow_stmt => source.allow.push(allow(cx, part)),
            // `kw_source`.
            _ => {}
        }
    }
    Ok(source)
}

/// `freshness warn > 2h critical > 6h`: the span is the whole statement.
fn bounds(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<Bounds, Diagnostic> {
    let mut bounds = Bounds {
        span: cx.span(&pair),
        ..Bounds::default()
    };
    let mut clauses = Clauses::default();
    for clause in last(pair).into_inner() {
        clauses.add(cx, clause)?;
    }
    bounds.warn = clauses.warn;
    bounds.critical = clauses.critical;
    Ok(bounds)
}

fn event(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Event {
    let span = cx.span(&pair);
    let mut idents = Vec::new();
    let mut filter = None;
    let mut description = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => idents.push(cx.name(&part)),
            Rule::sql_fragment => filter = Some(cx.sql(part)),
            Rule::string => description = Some(cx.string(&part)),
            // `kw_event`, `kw_on`, `kw_where`.
            _ => {}
        }
    }
    let mut idents = idents.into_iter();
    Event {
        name: idents.next().expect("grammar: an event has a name"),
        source: idents.next(),
        filter,
        description,
        comments: Comments::new(),
        span,
    }
}

fn journey(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<Journey, Diagnostic> {
    let span = cx.span(&pair);
    let mut journey = Journey {
        name: Spanned::new(String::new(), span),
        title: None,
        description: None,
        tier: None,
        steps: Vec::new(),
        security_owner: None,
        product_owner: None,
        cohorts: Vec::new(),
        min_sample: None,
        metrics: Vec::new(),
        pairs: Vec::new(),
        changes: Vec::new(),
        allow: Vec::new(),
        comments: Comments::new(),
        span,
    };
    let mut after_tier = false;
    for part in pair.into_inner() {
        let at = Stmt::of(cx, &part);
        match part.as_rule() {
            Rule::kw_tier => after_tier = true,
            Rule::ident if after_tier => journey.tier = Some(cx.name(&part)),
            Rule::ident => journey.name = cx.name(&part),
            Rule::string => journey.title = Some(cx.string(&part)),
            Rule::j_description => set(&mut journey.description, cx.string(&last(part)), &at)?,
            Rule::j_steps => journey.steps.extend(names(cx, part)),
            Rule::j_owners => {
                for owner in part.into_inner() {
                    let at = Stmt::of(cx, &owner);
                    let team = cx.string(&last(owner.clone()));
                    if owner.as_rule() == Rule::owner_security {
                        set(&mut journey.security_owner, team, &at)?;
                    } else {
                        set(&mut journey.product_owner, team, &at)?;
                    }
                }
            }
            Rule::j_cohorts => journey.cohorts.extend(names(cx, part)),
            Rule::sc_min_sample => set(&mut journey.min_sample, cx.integer(&last(part)), &at)?,
            Rule::metric_decl => journey.metrics.push(metric(cx, part)?),
            Rule::pair_decl => journey.pairs.push(pair_decl(cx, part)?),
            Rule::change_decl => journey.changes.push(change(cx, part)?),
            Rule::allow_stmt => journey.allow.push(allow(cx, part)),
            // `kw_journey`.
            _ => {}
        }
    }
    Ok(journey)
}

fn metric(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<Metric, Diagnostic> {
    let span = cx.span(&pair);
    let mut metric = Metric {
        name: Spanned::new(String::new(), span),
        side: None,
        good: None,
        formula: None,
        unit: None,
        description: None,
        min_sample: None,
        attribution: None,
        allow: Vec::new(),
        comments: Comments::new(),
        span,
    };
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::ident => metric.name = cx.name(&part),
            Rule::metric_side => metric.side = Some(cx.name(&last(part))),
            Rule::metric_good => metric.good = Some(cx.name(&last(part))),
            Rule::formula => {
                let at = cx.span(&part);
                metric.formula = Some(Spanned::new(cx.formula(part), at));
            }
            Rule::metric_body => {
                for stmt in part.into_inner() {
                    metric_stmt(cx, &mut metric, stmt)?;
                }
            }
            // `kw_metric`.
            _ => {}
        }
    }
    Ok(metric)
}

fn metric_stmt(cx: &Cx<'_>, metric: &mut Metric, stmt: Pair<'_, Rule>) -> Result<(), Diagnostic> {
    let at = Stmt::of(cx, &stmt);
    match stmt.as_rule() {
        Rule::m_unit => set(&mut metric.unit, cx.string(&last(stmt)), &at),
        Rule::j_description => set(&mut metric.description, cx.string(&last(stmt)), &at),
        Rule::sc_min_sample => set(&mut metric.min_sample, cx.integer(&last(stmt)), &at),
        Rule::m_attribute => {
            let mut event = None;
            let mut lookback = None;
            let mut tie_break = None;
            for part in stmt.into_inner() {
                match part.as_rule() {
                    Rule::within => lookback = Some(cx.within(part)),
                    Rule::ident if event.is_none() => event = Some(cx.name(&part)),
                    _ => tie_break = Some(cx.name(&part)),
                }
            }
            let attribution = Attribution {
                event: event.expect("grammar: an attribution event"),
                lookback,
                tie_break,
                span: at.span,
            };
            set(&mut metric.attribution, attribution, &at)
        }
        _ => {
            metric.allow.push(allow(cx, stmt));
            Ok(())
        }
    }
}

fn pair_decl(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<ast::Pair, Diagnostic> {
    let span = cx.span(&pair);
    let mut decl = ast::Pair {
        name: Spanned::new(String::new(), span),
        security: None,
        experience: None,
        tradeoff: None,
        action: None,
        maps: Vec::new(),
        min_sample: None,
        allow: Vec::new(),
        comments: Comments::new(),
        span,
    };
    for part in pair.into_inner() {
        let at = Stmt::of(cx, &part);
        match part.as_rule() {
            Rule::ident => decl.name = cx.name(&part),
            Rule::pair_side => {
                let (is_security, side) = pair_side(cx, part)?;
                if is_security {
                    let at = Stmt {
                        rule: Rule::kw_security,
                        ..at
                    };
                    set(&mut decl.security, side, &at)?;
                } else {
                    let at = Stmt {
                        rule: Rule::kw_experience,
                        ..at
                    };
                    set(&mut decl.experience, side, &at)?;
                }
            }
            Rule::p_tradeoff => {
                let rule = last(part);
                let rule_span = cx.span(&rule);
                set(
                    &mut decl.tradeoff,
                    Spanned::new(cx.tradeoff(rule), rule_span),
                    &at,
                )?;
            }
            Rule::p_action => set(&mut decl.action, cx.string(&last(part)), &at)?,
            Rule::p_maps => {
                for mapping in part.into_inner() {
                    let value = last(mapping);
                    decl.maps.push(match value.as_rule() {
                        Rule::string => cx.string(&value),
                        _ => cx.name(&value),
                    });
                }
            }
            Rule::sc_min_sample => set(&mut decl.min_sample, cx.integer(&last(part)), &at)?,
            Rule::allow_stmt => decl.allow.push(allow(cx, part)),
            // `kw_pair`.
            _ => {}
        }
    }
    Ok(decl)
}

/// One side of a pair, and whether it is the security side.
fn pair_side(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<(bool, PairSide), Diagnostic> {
    let span = cx.span(&pair);
    let mut parts = pair.into_inner();
    let is_security = parts.next().expect("grammar: a side name").as_str() == "security";
    let metric = cx.name(&parts.next().expect("grammar: a side metric"));
    let mut clauses = Clauses::default();
    let mut overrides = Vec::new();
    for part in parts {
        if part.as_rule() == Rule::overrides {
            for item in part.into_inner() {
                overrides.push(cohort_override(cx, item)?);
            }
        } else {
            clauses.add(cx, part)?;
        }
    }
    let side = PairSide {
        metric,
        warn: clauses.warn,
        critical: clauses.critical,
        min_sample: clauses.min_sample,
        overrides,
        span,
    };
    Ok((is_security, side))
}

fn cohort_override(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<CohortOverride, Diagnostic> {
    let span = cx.span(&pair);
    let mut dimension = None;
    let mut value = None;
    let mut clauses = Clauses::default();
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::kw_when => {}
            Rule::ident => dimension = Some(cx.name(&part)),
            Rule::string => value = Some(cx.string(&part)),
            _ => clauses.add(cx, part)?,
        }
    }
    Ok(CohortOverride {
        dimension: dimension.expect("grammar: an override dimension"),
        value: value.expect("grammar: an override value"),
        warn: clauses.warn,
        critical: clauses.critical,
        min_sample: clauses.min_sample,
        span,
    })
}

/// The warn, critical and min_sample clauses of a side, override or bounds.
#[derive(Default)]
struct Clauses {
    warn: Option<Threshold>,
    critical: Option<Threshold>,
    min_sample: Option<Spanned<u64>>,
}

impl Clauses {
    fn add(&mut self, cx: &Cx<'_>, clause: Pair<'_, Rule>) -> Result<(), Diagnostic> {
        let at = Stmt::of(cx, &clause);
        match clause.as_rule() {
            Rule::warn_clause => set(&mut self.warn, cx.threshold(last(clause)), &at),
            Rule::critical_clause => set(&mut self.critical, cx.threshold(last(clause)), &at),
            _ => set(&mut self.min_sample, cx.integer(&last(clause)), &at),
        }
    }
}

fn change(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Result<ControlChange, Diagnostic> {
    let span = cx.span(&pair);
    let mut change = ControlChange {
        name: Spanned::new(String::new(), span),
        title: None,
        date: None,
        journeys: Vec::new(),
        outcomes: Vec::new(),
        window: None,
        washout: None,
        compare: None,
        allow: Vec::new(),
        comments: Comments::new(),
        span,
    };
    for part in pair.into_inner() {
        let at = Stmt::of(cx, &part);
        match part.as_rule() {
            Rule::ident => change.name = cx.name(&part),
            Rule::string => change.title = Some(cx.string(&part)),
            Rule::date => change.date = Some(cx.name(&part)),
            Rule::c_journeys => change.journeys.extend(names(cx, part)),
            Rule::c_outcomes => change.outcomes.extend(names(cx, part)),
            Rule::c_window => set(&mut change.window, cx.duration(&last(part)), &at)?,
            Rule::c_washout => set(&mut change.washout, cx.duration(&last(part)), &at)?,
            Rule::c_compare => {
                let target = last(part);
                let comparison = match target.as_rule() {
                    Rule::compare_cohort => {
                        let mut parts = target.into_inner();
                        let dimension =
                            cx.name(&parts.next().expect("grammar: a cohort dimension"));
                        let value = cx.string(&parts.next().expect("grammar: a cohort value"));
                        Comparison::Cohort { dimension, value }
                    }
                    _ => Comparison::Journey(cx.name(&last(target))),
                };
                set(&mut change.compare, comparison, &at)?;
            }
            Rule::allow_stmt => change.allow.push(allow(cx, part)),
            // `kw_change`, `kw_on`.
            _ => {}
        }
    }
    Ok(change)
}

fn allow(cx: &Cx<'_>, pair: Pair<'_, Rule>) -> Allow {
    let mut parts = pair.into_inner().filter(|p| p.as_rule() != Rule::kw_allow);
    let lint = cx.name(&parts.next().expect("grammar: a lint name"));
    let reason = cx.string(&parts.next().expect("grammar: a reason"));
    Allow { lint, reason }
}

/// The names of the `ident_list` in a statement.
fn names(cx: &Cx<'_>, stmt: Pair<'_, Rule>) -> Vec<Name> {
    last(stmt).into_inner().map(|p| cx.name(&p)).collect()
}

/// The strings of the `string_list` in a statement.
fn strings(cx: &Cx<'_>, stmt: Pair<'_, Rule>) -> Vec<Spanned<String>> {
    last(stmt).into_inner().map(|p| cx.string(&p)).collect()
}

/// The last inner pair: the value of a `keyword value` statement.
fn last(pair: Pair<'_, Rule>) -> Pair<'_, Rule> {
    pair.into_inner()
        .last()
        .expect("grammar: a statement has a value")
}

/// Where a statement is and which rule it is, for "given twice" errors.
struct Stmt {
    span: Span,
    rule: Rule,
}

impl Stmt {
    fn of(cx: &Cx<'_>, pair: &Pair<'_, Rule>) -> Stmt {
        Stmt {
            span: cx.span(pair),
            rule: pair.as_rule(),
        }
    }
}

/// Sets a single-valued field, refusing a second statement for it.
fn set<T>(slot: &mut Option<T>, value: T, stmt: &Stmt) -> Result<(), Diagnostic> {
    if slot.is_some() {
        let what = describe(&stmt.rule);
        return Err(
            Diagnostic::new(codes::DSL_SYNTAX, format!("{what} is given twice"))
                .at_labelled(stmt.span, "second one")
                .with_help(format!("keep one {what} statement")),
        );
    }
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests;
