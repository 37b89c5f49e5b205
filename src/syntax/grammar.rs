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
        Rule::integer => "a whole number (at most 18 digits)",
        Rule::sequence => "an event sequence (`a -> b within 7d`)",
        Rule::number => "a number",
        Rule::date => "a date (YYYY-MM-DD)",
        Rule::duration => "a duration (`30m`, `24h`, `14d`; at most 9 digits)",
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

#[cfg(test)]
mod tests {
    /// Every rule of the grammar has a `///` doc comment right above it.
    #[test]
    fn every_rule_is_documented() {
        let grammar = include_str!("../../grammar/scorec.pest");
        let lines: Vec<&str> = grammar.lines().collect();
        let mut rules = 0;
        for (i, line) in lines.iter().enumerate() {
            let Some((name, _)) = line.split_once(" = ") else {
                continue;
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            rules += 1;
            let above = i.checked_sub(1).map(|j| lines[j].trim_start());
            assert!(
                above.is_some_and(|l| l.starts_with("///")),
                "grammar rule `{name}` has no `///` comment"
            );
        }
        assert!(
            rules > 100,
            "found only {rules} rules; is the grammar file readable?"
        );
    }
}
