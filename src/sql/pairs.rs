//! The `scorecard_pairs` view: one row per pair side, with owners,
//! thresholds, action and framework mappings.
//!
//! A pair's own columns (owners, trade-off, action, mappings) are the same
//! on both sides, so the view writes one row per pair in a CTE
//! (`sc_pairs`: the pair's columns, then each side's with an `s_` or `e_`
//! prefix) and selects each side from it: a 10,000-pair scorecard would
//! otherwise write every trade-off, action and mapping twice.

use std::fmt::Write as _;

use crate::model::{Pair, PairSide, Scorecard, Side};
use crate::sql::dialect::SqlDialect;
use crate::sql::render::Bounds;
use crate::sql::{Dialect, Options, RenderError, check_identifiers, header, statement_head};
use crate::syntax::print_expr;

/// The view's columns, in order.
const COLUMNS: [&str; 14] = [
    "pair",
    "journey",
    "side",
    "metric",
    "acting_owner",
    "security_owner",
    "product_owner",
    "warn",
    "critical",
    "min_sample",
    "cohort_overrides",
    "tradeoff",
    "action",
    "maps",
];

/// The columns that differ between a pair's sides.
const SIDE_COLUMNS: [&str; 6] = [
    "metric",
    "acting_owner",
    "warn",
    "critical",
    "min_sample",
    "cohort_overrides",
];

/// The columns a pair's sides share, besides `pair` and `journey`.
const PAIR_COLUMNS: [&str; 7] = [
    "pair",
    "journey",
    "security_owner",
    "product_owner",
    "tradeoff",
    "action",
    "maps",
];

/// The `scorecard_pairs` view.
pub fn pairs_sql(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Result<String, RenderError> {
    check_identifiers(model, dialect, &options.schema)?;
    Ok(pairs_statement(
        model,
        &PairRows::new(model),
        dialect,
        options,
    ))
}

/// [`pairs_sql`] from rows made once for every dialect of a build,
/// identifiers checked.
pub fn pairs_statement(
    model: &Scorecard,
    rows: &PairRows,
    dialect: Dialect,
    options: &Options,
) -> String {
    let d = dialect.sql();
    let mut header = header(model, dialect, "", &Bounds::View, options);
    header.push_str("-- Pairs: one row per side, joined to `scorecard` by metric.\n");
    // The rows are written after the head: a large scorecard's pairs run
    // to megabytes, about 400 bytes a pair.
    let mut out = statement_head(
        dialect,
        header,
        Some("scorecard_pairs"),
        &Bounds::View,
        &options.schema,
    );
    if rows.0.is_empty() {
        let select: Vec<String> = COLUMNS
            .iter()
            .map(|c| format!("{} AS {}", d.null_of(d.text()), d.ident(c)))
            .collect();
        let _ = write!(out, "SELECT {} WHERE 1 = 0", select.join(", "));
    } else {
        let names: Vec<String> = PAIR_COLUMNS
            .iter()
            .map(|c| d.ident(c))
            .chain(["s_", "e_"].iter().flat_map(|prefix| {
                SIDE_COLUMNS
                    .iter()
                    .map(move |c| d.ident(&format!("{prefix}{c}")))
            }))
            .collect();
        out.reserve(rows.0.len() * 440);
        out.push_str("WITH ");
        out.push_str(&d.ident("sc_pairs"));
        out.push_str(" AS (\n");
        for (i, row) in rows.0.iter().enumerate() {
            if i > 0 {
                out.push_str("\nUNION ALL\n");
            }
            pair_row(&mut out, d, row, (i == 0).then_some(&names[..]));
        }
        out.push_str("\n)\n");
        let sides: Vec<String> = [("security", "s_"), ("experience", "e_")]
            .iter()
            .map(|(side, prefix)| side_select(d, side, prefix))
            .collect();
        out.push_str(&sides.join("\nUNION ALL\n"));
    }
    out.push_str(";\n");
    out
}

/// One side's rows in the view's column order.
fn side_select(d: &dyn SqlDialect, side: &str, prefix: &str) -> String {
    let columns: Vec<String> = COLUMNS
        .iter()
        .map(|&c| {
            if c == "side" {
                format!("{} AS {}", d.string(side), d.ident(c))
            } else if SIDE_COLUMNS.contains(&c) {
                format!("{} AS {}", d.ident(&format!("{prefix}{c}")), d.ident(c))
            } else {
                d.ident(c)
            }
        })
        .collect();
    format!("SELECT {} FROM {}", columns.join(", "), d.ident("sc_pairs"))
}

/// A value of `sc_pairs`.
enum Value {
    /// Text; `None` is NULL.
    Text(Option<String>),
    /// `min_sample`.
    Count(u64),
}

/// Every pair's row of `sc_pairs` in its column order ([`PAIR_COLUMNS`],
/// then [`SIDE_COLUMNS`] for the security and the experience side), not
/// yet quoted: the same in every dialect, so a build makes them once.
pub struct PairRows(Vec<Vec<Value>>);

impl PairRows {
    /// The rows of a scorecard's pairs.
    pub fn new(model: &Scorecard) -> PairRows {
        PairRows(
            model
                .pairs
                .values()
                .map(|pair| pair_values(model, pair))
                .collect(),
        )
    }
}

/// A pair's values in the order of [`PairRows`].
fn pair_values(model: &Scorecard, pair: &Pair) -> Vec<Value> {
    let text = |s: Option<&str>| Value::Text(s.map(str::to_string));
    let journey = &model.journeys[&pair.journey];
    let maps = pair
        .maps
        .iter()
        .map(|m| format!("{}:{}", m.framework, m.id))
        .collect::<Vec<_>>()
        .join(", ");
    let mut values = vec![
        text(Some(&pair.name)),
        text(Some(&pair.journey)),
        text(journey.security_owner.as_deref()),
        text(journey.product_owner.as_deref()),
        Value::Text(pair.tradeoff.as_ref().map(print_expr::tradeoff)),
        text(pair.action.as_deref()),
        Value::Text((!maps.is_empty()).then_some(maps)),
    ];
    for part in [&pair.security, &pair.experience] {
        let metric = &model.metrics[&part.metric];
        let acting = match metric.side {
            Side::Security => journey.security_owner.as_deref(),
            Side::Experience | Side::Outcome => journey.product_owner.as_deref(),
        };
        let overrides = overrides(part);
        values.extend([
            text(Some(&part.metric)),
            text(acting),
            Value::Text(part.warn.as_ref().map(print_expr::threshold)),
            Value::Text(part.critical.as_ref().map(print_expr::threshold)),
            Value::Count(part.min_sample),
            Value::Text((!overrides.is_empty()).then_some(overrides)),
        ]);
    }
    values
}

/// Writes a pair's row of `sc_pairs`. The first row (given the column
/// names) names the columns and types its NULLs and counts (a union takes
/// both from its first row; PostgreSQL resolves a chain of unions pair by
/// pair from the left); later rows write bare values.
fn pair_row(out: &mut String, d: &dyn SqlDialect, row: &[Value], names: Option<&[String]>) {
    out.push_str("SELECT ");
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match (value, names) {
            (Value::Text(Some(s)), _) => out.push_str(&d.string(s)),
            (Value::Text(None), None) => out.push_str("NULL"),
            (Value::Text(None), Some(_)) => out.push_str(&d.null_of(d.text())),
            (Value::Count(n), None) => {
                let _ = write!(out, "{n}");
            }
            (Value::Count(n), Some(_)) => out.push_str(&d.cast(&n.to_string(), d.bigint())),
        }
        if let Some(name) = names.and_then(|n| n.get(i)) {
            out.push_str(" AS ");
            out.push_str(name);
        }
    }
}

/// A side's cohort overrides as text: `dim = value: warn .. critical ..
/// min_sample n`, joined by `; `.
fn overrides(part: &PairSide) -> String {
    part.overrides
        .iter()
        .map(|o| {
            let mut s = format!("{} = {}:", o.dimension, o.value);
            if let Some(w) = &o.warn {
                let _ = write!(s, " warn {}", print_expr::threshold(w));
            }
            if let Some(c) = &o.critical {
                let _ = write!(s, " critical {}", print_expr::threshold(c));
            }
            let _ = write!(s, " min_sample {}", o.min_sample);
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}
