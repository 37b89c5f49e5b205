//! User SQL fragments, re-emitted from their parsed form for a dialect.
//!
//! A fragment was parsed by `check` into a sqlparser `Expr`. Here every
//! identifier is quoted and folded for the dialect (and optionally
//! qualified with a table alias), and every string literal is re-escaped
//! for the dialect. The text never comes from what the user typed.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Ident, Value, visit_expressions_mut};

use crate::sql::dialect::SqlDialect;

/// A fragment as dialect SQL, its columns qualified with `qualifier`.
pub(crate) fn render(d: &dyn SqlDialect, expr: &Expr, qualifier: Option<&str>) -> String {
    let mut expr = expr.clone();
    let mut literals: Vec<String> = Vec::new();
    let _ = visit_expressions_mut(&mut expr, |e| {
        match e {
            Expr::Identifier(ident) => {
                let quoted = quote(d, ident);
                *e = Expr::Identifier(match qualifier {
                    Some(q) => Ident::new(format!("{q}.{}", quoted.value)),
                    None => quoted,
                });
            }
            Expr::CompoundIdentifier(parts) => {
                // `t.col`: the column is what matters; the stream has no `t`.
                if let Some(last) = parts.last() {
                    let quoted = quote(d, last);
                    *e = Expr::Identifier(match qualifier {
                        Some(q) => Ident::new(format!("{q}.{}", quoted.value)),
                        None => quoted,
                    });
                }
            }
            Expr::Value(v) => {
                if let Value::SingleQuotedString(s) = &v.value {
                    let marker = format!("__scorec_literal_{}__", literals.len());
                    literals.push(d.string(s));
                    *e = Expr::Identifier(Ident::new(marker));
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
    let mut text = expr.to_string();
    // Markers are replaced from the last, so `_1__` never matches `_11__`.
    for (i, literal) in literals.iter().enumerate().rev() {
        text = text.replace(&format!("__scorec_literal_{i}__"), literal);
    }
    text
}

/// An identifier quoted for the dialect, kept as the user quoted it when
/// they did (a quoted identifier is not folded).
fn quote(d: &dyn SqlDialect, ident: &Ident) -> Ident {
    if ident.quote_style.is_some() {
        Ident::new(d.quoted(&ident.value))
    } else {
        Ident::new(d.ident(&ident.value))
    }
}

/// The column names a fragment reads.
pub(crate) fn columns(expr: &Expr, out: &mut Vec<String>) {
    let mut expr = expr.clone();
    let _ = visit_expressions_mut(&mut expr, |e| {
        let name = match e {
            Expr::Identifier(i) => Some(i.value.clone()),
            Expr::CompoundIdentifier(parts) => parts.last().map(|i| i.value.clone()),
            _ => None,
        };
        if let Some(name) = name
            && !out.contains(&name)
        {
            out.push(name);
        }
        ControlFlow::<()>::Continue(())
    });
}
