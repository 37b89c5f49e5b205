//! Typed cell values and a tiny evaluator for the SQL fragments the oracle
//! meets: column references, literals, comparisons, `IS [NOT] NULL`,
//! `AND`/`OR`/`NOT` and parentheses, with SQL's three-valued logic. Anything
//! else is an error, so a test never silently agrees with a wrong guess.

use std::cmp::Ordering;

use sqlparser::ast::{BinaryOperator, Expr, UnaryOperator, Value as Lit};

/// One typed cell.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// SQL NULL.
    Null,
    /// Text.
    Str(String),
    /// Integer.
    Int(i64),
    /// Double.
    Float(f64),
    /// Exact decimal: units and scale (`Dec(1230, 2)` is 12.30).
    Dec(i128, u32),
    /// Boolean.
    Bool(bool),
    /// UTC instant in microseconds since the epoch.
    Ts(i64),
}

impl Value {
    /// The value as text, as a dimension column or a join key shows it;
    /// `None` for NULL.
    pub(crate) fn text(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::Dec(units, scale) => decimal_text(*units, *scale),
            Value::Bool(b) => b.to_string(),
            Value::Ts(us) => us.to_string(),
        })
    }

    fn number(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            Value::Dec(units, scale) => Some(*units as f64 / 10f64.powi(*scale as i32)),
            _ => None,
        }
    }
}

/// An exact decimal as text with exactly `scale` decimals.
pub(crate) fn decimal_text(units: i128, scale: u32) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let digits = units.unsigned_abs().to_string();
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (int, frac) = padded.split_at(padded.len() - scale);
    format!("{sign}{int}.{frac}")
}

/// Parses decimal text (`-12.3`) into units at `scale`; more decimals than
/// the scale is an error, never a silent rounding.
pub(crate) fn parse_decimal(text: &str, scale: u32) -> Result<i128, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !ok(int) || !ok(frac) {
        return Err(format!("`{text}` is not a decimal"));
    }
    if frac.len() > scale as usize {
        return Err(format!("`{text}` has more than {scale} decimals"));
    }
    let digits = format!("{int}{frac:0<width$}", width = scale as usize);
    let units: i128 = if digits.is_empty() {
        0
    } else {
        digits
            .parse()
            .map_err(|_| format!("`{text}` is out of range"))?
    };
    Ok(if negative { -units } else { units })
}

/// A total order for values of one column (NULL first); used for
/// de-duplication and attribution tie-breaks.
pub(crate) fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Ts(x), Value::Ts(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ => match (a.number(), b.number()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.text().cmp(&b.text()),
        },
    }
}

/// Evaluates `expr` over one row; `column` reads a cell by name.
pub(crate) fn eval(
    expr: &Expr,
    column: &dyn Fn(&str) -> Result<Value, String>,
) -> Result<Value, String> {
    Ok(match expr {
        Expr::Identifier(id) => column(&id.value)?,
        Expr::CompoundIdentifier(parts) => match parts.last() {
            Some(last) => column(&last.value)?,
            None => return Err("an empty identifier".into()),
        },
        Expr::Nested(inner) => eval(inner, column)?,
        Expr::Value(v) => literal(&v.value)?,
        Expr::IsNull(inner) => Value::Bool(eval(inner, column)? == Value::Null),
        Expr::IsNotNull(inner) => Value::Bool(eval(inner, column)? != Value::Null),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => match eval(expr, column)? {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(!b),
            other => return Err(format!("NOT of a non-boolean {other:?}")),
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match eval(expr, column)? {
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(-i),
            Value::Float(f) => Value::Float(-f),
            Value::Dec(u, s) => Value::Dec(-u, s),
            other => return Err(format!("minus of a non-number {other:?}")),
        },
        Expr::BinaryOp { left, op, right } => {
            let (l, r) = (eval(left, column)?, eval(right, column)?);
            binary(&l, op, &r).ok_or_else(|| format!("the oracle does not evaluate `{expr}`"))??
        }
        other => return Err(format!("the oracle does not evaluate `{other}`")),
    })
}

/// Whether a predicate holds: only TRUE does, NULL does not.
pub(crate) fn holds(
    expr: Option<&Expr>,
    column: &dyn Fn(&str) -> Result<Value, String>,
) -> Result<bool, String> {
    match expr {
        None => Ok(true),
        Some(e) => match eval(e, column)? {
            Value::Bool(b) => Ok(b),
            Value::Null => Ok(false),
            other => Err(format!("`{e}` is not a predicate (gives {other:?})")),
        },
    }
}

fn literal(v: &Lit) -> Result<Value, String> {
    Ok(match v {
        Lit::SingleQuotedString(s) => Value::Str(s.clone()),
        Lit::Boolean(b) => Value::Bool(*b),
        Lit::Null => Value::Null,
        Lit::Number(text, _) => match text.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(
                text.parse()
                    .map_err(|_| format!("`{text}` is not a number"))?,
            ),
        },
        other => {
            return Err(format!(
                "the oracle does not evaluate the literal `{other}`"
            ));
        }
    })
}

/// `None` when the operator is not supported.
fn binary(l: &Value, op: &BinaryOperator, r: &Value) -> Option<Result<Value, String>> {
    use BinaryOperator as B;
    let truth = |v: &Value| match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => Err(format!("{other:?} is not a boolean")),
    };
    Some(match op {
        B::And | B::Or => (|| {
            let (a, b) = (truth(l)?, truth(r)?);
            let and = matches!(op, B::And);
            Ok(match (a, b) {
                (Some(x), Some(y)) => Value::Bool(if and { x && y } else { x || y }),
                (Some(x), None) | (None, Some(x)) if x != and => Value::Bool(x),
                _ => Value::Null,
            })
        })(),
        B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq => compare(l, op, r),
        _ => return None,
    })
}

fn compare(l: &Value, op: &BinaryOperator, r: &Value) -> Result<Value, String> {
    use BinaryOperator as B;
    if *l == Value::Null || *r == Value::Null {
        return Ok(Value::Null);
    }
    let ord = match (l, r) {
        (Value::Str(a), Value::Str(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Ts(a), Value::Ts(b)) => a.cmp(b),
        _ => match (l.number(), r.number()) {
            (Some(a), Some(b)) => a
                .partial_cmp(&b)
                .ok_or_else(|| format!("cannot compare {a} and {b}"))?,
            _ => return Err(format!("cannot compare {l:?} with {r:?}")),
        },
    };
    Ok(Value::Bool(match op {
        B::Eq => ord.is_eq(),
        B::NotEq => ord.is_ne(),
        B::Lt => ord.is_lt(),
        B::LtEq => ord.is_le(),
        B::Gt => ord.is_gt(),
        _ => ord.is_ge(),
    }))
}
