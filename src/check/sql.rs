//! SQL fragments written by users: parsed as exactly one expression with
//! sqlparser, checked for constructs that do not belong in a row predicate,
//! and kept as a parsed tree so backends re-emit it, never paste it.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token};

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast::SqlText;

/// Aggregate functions that cannot appear in a per-row fragment.
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "stddev",
    "variance",
    "percentile_cont",
    "percentile_disc",
    "median",
    "array_agg",
    "string_agg",
    "listagg",
    "any_value",
    "approx_count_distinct",
    "quantile",
    "quantile_cont",
];

/// Parses a fragment as one SQL expression.
pub fn parse_expr(sql: &SqlText) -> Result<Expr, Diagnostic> {
    let dialect = GenericDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(64)
        .try_with_sql(&sql.text)
        .map_err(|e| error(sql, &e))?;
    let expr = parser.parse_expr().map_err(|e| error(sql, &e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        let at = offset(&sql.text, next.span.start).unwrap_or(0);
        let end = offset(&sql.text, next.span.end)
            .unwrap_or(at + 1)
            .max(at + 1);
        let (message, help) = if next.token == Token::SemiColon {
            (
                "a SQL fragment cannot end a statement with `;`".to_string(),
                "a fragment is one expression; remove the `;` and anything after it",
            )
        } else {
            (
                format!("unexpected `{}` after the SQL expression", next.token),
                "a fragment is one expression; combine conditions with AND or OR",
            )
        };
        return Err(Diagnostic::new(codes::SQL_NOT_ONE_EXPRESSION, message)
            .at_labelled(sql.span_of(at..end), "the expression ends before this")
            .with_help(help));
    }
    check_constructs(sql, &expr)?;
    Ok(expr)
}

/// The column names an expression reads (unqualified or last part).
pub fn columns(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        match e {
            Expr::Identifier(ident) => out.push(ident.value.clone()),
            Expr::CompoundIdentifier(parts) => {
                if let Some(last) = parts.last() {
                    out.push(last.value.clone());
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

fn check_constructs(sql: &SqlText, expr: &Expr) -> Result<(), Diagnostic> {
    let mut finder = Forbidden::default();
    let _ = expr.visit(&mut finder);
    let Some((code, what, needle)) = finder.found else {
        return Ok(());
    };
    let at = find_case_insensitive(&sql.text, &needle).unwrap_or(0);
    let len = needle.len().max(1);
    let help = if code == codes::SQL_SUBQUERY {
        "declare another event, or a source over a view that does the join"
    } else {
        "a fragment is evaluated on one row; aggregation is what metrics do"
    };
    Err(
        Diagnostic::new(code, format!("a SQL fragment cannot contain {what}"))
            .at_labelled(sql.span_of(at..at + len), what.clone())
            .with_help(help),
    )
}

#[derive(Default)]
struct Forbidden {
    found: Option<(codes::Code, String, String)>,
}

impl Visitor for Forbidden {
    type Break = ();

    fn pre_visit_query(&mut self, _query: &sqlparser::ast::Query) -> ControlFlow<()> {
        self.found = Some((
            codes::SQL_SUBQUERY,
            "a subquery".to_string(),
            "select".to_string(),
        ));
        ControlFlow::Break(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        let found = match expr {
            Expr::Subquery(_) | Expr::Exists { .. } => Some((
                codes::SQL_SUBQUERY,
                "a subquery".to_string(),
                "select".to_string(),
            )),
            Expr::Function(f) => {
                let name = f.name.to_string().to_lowercase();
                if f.over.is_some() {
                    Some((
                        codes::SQL_FORBIDDEN,
                        "a window function".to_string(),
                        "over".to_string(),
                    ))
                } else if AGGREGATES.contains(&name.as_str()) {
                    Some((
                        codes::SQL_FORBIDDEN,
                        format!("the aggregate `{name}`"),
                        name,
                    ))
                } else {
                    None
                }
            }
            Expr::Wildcard(_) | Expr::QualifiedWildcard(..) => Some((
                codes::SQL_FORBIDDEN,
                "a wildcard".to_string(),
                "*".to_string(),
            )),
            Expr::Value(v) if matches!(v.value, sqlparser::ast::Value::Placeholder(_)) => Some((
                codes::SQL_FORBIDDEN,
                "a placeholder".to_string(),
                v.value.to_string(),
            )),
            _ => None,
        };
        match found {
            Some(f) => {
                self.found = Some(f);
                ControlFlow::Break(())
            }
            None => ControlFlow::Continue(()),
        }
    }
}

fn error(sql: &SqlText, e: &ParserError) -> Diagnostic {
    let raw = match e {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s.clone(),
        ParserError::RecursionLimitExceeded => "the expression nests too deeply".to_string(),
    };
    let (message, location) = split_location(&raw);
    let len = sql.text.len();
    let at = location.and_then(|l| offset(&sql.text, l)).unwrap_or(len);
    // An error at the end of the text ("found EOF") points at its last token.
    let at_end = at >= len;
    let (at, end) = if at_end {
        let trimmed = sql.text.trim_end();
        let last = trimmed.rfind(char::is_whitespace).map_or(0, |i| i + 1);
        (last.min(len.saturating_sub(1)), trimmed.len().max(1))
    } else {
        let end = sql.text[at..]
            .find(char::is_whitespace)
            .map_or(len, |n| at + n)
            .max(at + 1);
        (at, end)
    };
    let message = lower_first(
        &message
            .replace("Expected: ", "expected ")
            .replace(", found: ", ", found ")
            .replace("found EOF", "found the end of the fragment"),
    );
    Diagnostic::new(codes::SQL_SYNTAX, format!("invalid SQL: {message}"))
        .at_labelled(
            sql.span_of(at..end),
            if at_end {
                "the expression is incomplete after this"
            } else {
                "here"
            },
        )
        .with_help("a fragment is one SQL expression, such as `event_name = 'login_attempt'`")
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Splits sqlparser's " at Line: L, Column: C" suffix off a message.
fn split_location(message: &str) -> (String, Option<Location>) {
    let Some(at) = message.rfind(" at Line: ") else {
        return (message.to_string(), None);
    };
    let rest = &message[at + " at Line: ".len()..];
    let mut parts = rest.split(", Column: ");
    let line = parts.next().and_then(|l| l.trim().parse().ok());
    let column = parts.next().and_then(|c| {
        c.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()
    });
    match (line, column) {
        (Some(line), Some(column)) => (message[..at].to_string(), Some(Location { line, column })),
        _ => (message[..at].to_string(), None),
    }
}

/// Byte offset of a 1-based line and column (in characters) in `text`.
fn offset(text: &str, location: Location) -> Option<usize> {
    if location.line == 0 {
        return None;
    }
    let mut line_start = 0;
    for _ in 1..location.line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let line = &text[line_start..];
    let col = (location.column as usize).saturating_sub(1);
    Some(line_start + line.char_indices().nth(col).map_or(line.len(), |(i, _)| i))
}

fn find_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack.to_lowercase().find(&needle.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::{FileId, Span};

    fn sql(text: &str) -> SqlText {
        SqlText {
            text: text.to_string(),
            span: Span::new(FileId(0), 10..10 + text.len()),
            offsets: (10..10 + text.len() as u32).collect(),
        }
    }

    #[test]
    fn accepts_one_predicate() {
        let expr = parse_expr(&sql("event_name = 'login' AND risk_score > 0.8")).expect("valid");
        assert_eq!(columns(&expr), ["event_name", "risk_score"]);
    }

    #[test]
    fn rejects_a_second_statement_at_the_semicolon() {
        let d = parse_expr(&sql("x = 1; DROP TABLE users")).expect_err("two statements");
        assert_eq!(d.code, codes::SQL_NOT_ONE_EXPRESSION);
        assert_eq!(d.span.map(|s| s.start), Some(15));
    }

    #[test]
    fn rejects_subqueries_and_aggregates() {
        let d = parse_expr(&sql("user_id IN (SELECT id FROM admins)")).expect_err("subquery");
        assert_eq!(d.code, codes::SQL_SUBQUERY);
        let d = parse_expr(&sql("count(*) > 3")).expect_err("aggregate");
        assert_eq!(d.code, codes::SQL_FORBIDDEN);
    }

    #[test]
    fn syntax_errors_point_into_the_fragment() {
        let d = parse_expr(&sql("risk_score >")).expect_err("incomplete");
        assert_eq!(d.code, codes::SQL_SYNTAX);
    }
}
