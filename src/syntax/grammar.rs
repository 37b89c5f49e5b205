//! The pest parser generated from `grammar/scorec.pest`.
//!
//! Its types (`Rule`, `Pair`) stay inside `syntax`: the DSL and expression
//! front-ends turn them into our syntax tree before anything else sees them.

use pest_derive::Parser;

/// The generated parser for the DSL and the expression language.
#[derive(Parser)]
#[grammar = "../grammar/scorec.pest"]
pub(super) struct ScorecParser;

/// A readable name for a rule in "expected ..." messages.
pub(super) fn describe(rule: &Rule) -> String {
    let text = match rule {
        Rule::EOI => "end of input",
        Rule::ident | Rule::scorecard_name => "a name",
        Rule::table_name => "a table name",
        Rule::integer => "a whole number",
        Rule::number => "a number",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::duration => "a duration (`30m`, `24h`, `14d`)",
        Rule::string => "a quoted string",
        Rule::sql_bracket | Rule::sql_fragment => "a SQL fragment in `[...]`",
        Rule::formula => "a formula (`count(...)`, `rate(... / ...)`, ...)",
        Rule::unit => "an event",
        Rule::cmp_op => "a comparison (`<`, `<=`, `>`, `>=`)",
        Rule::quantity => "a number, percentage, `pp` or duration",
        Rule::percentile => "a percentile (`p95`)",
        Rule::threshold | Rule::bound => "a threshold (`< 95%`, `drops 20% vs 28d`)",
        Rule::change_dir => "`drops` or `rises`",
        Rule::pair_side_name => "`security` or `experience`",
        Rule::key => "a key (`entity`, `session` or a column)",
        Rule::arith | Rule::arith_atom | Rule::arith_term | Rule::arith_factor => {
            "an arithmetic expression"
        }
        Rule::add_op | Rule::mul_op => "an operator",
        Rule::mapping | Rule::mapping_word => "a mapping (`csf:DE.AE-02`)",
        Rule::lint_name => "a lint code or name",
        Rule::boolean => "`true` or `false`",
        Rule::declaration
        | Rule::scorecard_decl
        | Rule::tier_decl
        | Rule::source_decl
        | Rule::event_decl
        | Rule::journey_decl => "a declaration (`scorecard`, `tier`, `source`, `event`, `journey`)",
        other => {
            let name = format!("{other:?}");
            return match name.strip_prefix("kw_") {
                Some(keyword) => format!("`{keyword}`"),
                None => name.replace('_', " "),
            };
        }
    };
    text.to_string()
}
