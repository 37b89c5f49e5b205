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
use crate::sql::{Dialect, Options, RenderError, check_identifiers, header, statement};
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
    let d = dialect.sql();
    let mut rows: Vec<String> = Vec::with_capacity(model.pairs.len());
    for pair in model.pairs.values() {
        rows.push(pair_row(d, model, pair, rows.is_empty()));
    }
    let body = if rows.is_empty() {
        let select: Vec<String> = COLUMNS
            .iter()
            .map(|c| format!("{} AS {}", d.null_of(d.text()), d.ident(c)))
            .collect();
        format!("SELECT {} WHERE 1 = 0", select.join(", "))
    } else {
        let sides: Vec<String> = [("security", "s_"), ("experience", "e_")]
            .iter()
            .map(|(side, prefix)| side_select(d, side, prefix))
            .collect();
        format!(
            "WITH {} AS (\n{}\n)\n{}",
            d.ident("sc_pairs"),
            rows.join("\nUNION ALL\n"),
            sides.join("\nUNION ALL\n")
        )
    };
    let mut header = header(model, dialect, "", &Bounds::View, options);
    header.push_str("-- Pairs: one row per side, joined to `scorecard` by metric.\n");
    Ok(statement(
        dialect,
        header,
        body,
        Some("scorecard_pairs"),
        &options.schema,
    ))
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

/// A pair's row of `sc_pairs`. The first row names the columns and types
/// its NULLs (a union takes both from its first row; PostgreSQL resolves
/// a chain of unions pair by pair from the left); later rows write bare
/// values.
fn pair_row(d: &dyn SqlDialect, model: &Scorecard, pair: &Pair, first: bool) -> String {
    let text = |s: Option<&str>| match s {
        Some(s) => d.string(s),
        None if first => d.null_of(d.text()),
        None => "NULL".to_string(),
    };
    let journey = &model.journeys[&pair.journey];
    let maps = pair
        .maps
        .iter()
        .map(|m| format!("{}:{}", m.framework, m.id))
        .collect::<Vec<_>>()
        .join(", ");
    let shared = [
        text(Some(&pair.name)),
        text(Some(&pair.journey)),
        text(journey.security_owner.as_deref()),
        text(journey.product_owner.as_deref()),
        text(pair.tradeoff.as_ref().map(print_expr::tradeoff).as_deref()),
        text(pair.action.as_deref()),
        text((!maps.is_empty()).then_some(maps.as_str())),
    ];
    let mut values: Vec<(String, String)> = shared
        .into_iter()
        .zip(PAIR_COLUMNS)
        .map(|(v, c)| (v, c.to_string()))
        .collect();
    for (part, prefix) in [(&pair.security, "s_"), (&pair.experience, "e_")] {
        let metric = &model.metrics[&part.metric];
        let acting = match metric.side {
            Side::Security => journey.security_owner.as_deref(),
            Side::Experience | Side::Outcome => journey.product_owner.as_deref(),
        };
        let min_sample = part.min_sample.to_string();
        let overrides = overrides(part);
        let side = [
            text(Some(&part.metric)),
            text(acting),
            text(part.warn.as_ref().map(print_expr::threshold).as_deref()),
            text(part.critical.as_ref().map(print_expr::threshold).as_deref()),
            if first {
                d.cast(&min_sample, d.bigint())
            } else {
                min_sample
            },
            text((!overrides.is_empty()).then_some(overrides.as_str())),
        ];
        values.extend(
            side.into_iter()
                .zip(SIDE_COLUMNS)
                .map(|(v, c)| (v, format!("{prefix}{c}"))),
        );
    }
    let select: Vec<String> = values
        .into_iter()
        .map(|(v, c)| {
            if first {
                format!("{v} AS {}", d.ident(&c))
            } else {
                v
            }
        })
        .collect();
    format!("SELECT {}", select.join(", "))
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
