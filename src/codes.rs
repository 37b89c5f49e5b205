//! The registry of diagnostic codes: each code's name, one-line summary and
//! its `scorec explain` page (a Markdown file under `docs/codes/`).
//!
//! Codes are stable: a code is never reused for another problem. Errors are
//! `E`, lints (warnings) are `W`; a lint can be allowed per item by code or
//! by name.

use serde::Serialize;

use crate::diagnostic::Severity;

/// A stable diagnostic code such as `E0102`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Code(&'static str);

impl Code {
    /// The code as written (`E0102`).
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Errors start with `E`, warnings with `W`.
    pub fn severity(self) -> Severity {
        if self.0.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The registry entry of this code.
    pub fn info(self) -> &'static CodeInfo {
        ALL.iter().find(|c| c.code == self).unwrap_or(&ALL[0])
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// What the registry knows about one code.
#[derive(Debug, Serialize)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// Kebab-case name, usable in `allow` instead of the code.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// The full `scorec explain` page, Markdown.
    #[serde(skip)]
    pub page: &'static str,
}

/// Finds a code by its code (`E0102`, any case) or name (`unknown-key`).
pub fn lookup(text: &str) -> Option<&'static CodeInfo> {
    ALL.iter()
        .find(|c| c.code.0.eq_ignore_ascii_case(text) || c.name == text)
}

macro_rules! codes {
    ($($konst:ident = $code:literal, $name:literal, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $konst: Code = Code($code);
        )*
        /// Every code, in order.
        pub static ALL: &[CodeInfo] = &[
            $(CodeInfo {
                code: $konst,
                name: $name,
                summary: $summary,
                page: include_str!(concat!("../docs/codes/", $code, ".md")),
            },)*
        ];
    };
}

codes! {
    // Files and loading.
    READ_FAILED = "E0001", "read-failed", "a scorecard file or folder cannot be read";
    NOT_UTF8 = "E0002", "not-utf8", "a scorecard file is not valid UTF-8";
    FILE_TOO_LARGE = "E0003", "file-too-large", "a scorecard file is larger than scorec accepts";
    NO_ROOT = "E0004", "no-root", "no root scorecard file, or more than one";
    BAD_INCLUDE = "E0005", "bad-include", "an include matches no file, leaves the scorecard folder, or repeats a file";
    UNKNOWN_FILE_KIND = "E0006", "unknown-file-kind", "a file is neither YAML nor DSL";
    GIT_FAILED = "E0007", "git-failed", "a git repository or revision cannot be read (`scorec diff`)";
    // Syntax.
    YAML_SYNTAX = "E0101", "yaml-syntax", "the YAML cannot be parsed";
    UNKNOWN_KEY = "E0102", "unknown-key", "a YAML key scorec does not know";
    DUPLICATE_KEY = "E0103", "duplicate-key", "a YAML key given twice in one mapping";
    WRONG_TYPE = "E0104", "wrong-type", "a value has the wrong type";
    MISSING_KEY = "E0105", "missing-key", "a required key or clause is missing";
    YAML_LIMIT = "E0106", "yaml-limit", "the YAML exceeds a safety limit (nesting, aliases, size)";
    DSL_SYNTAX = "E0107", "dsl-syntax", "the DSL cannot be parsed";
    EXPR_SYNTAX = "E0108", "expr-syntax", "a formula, threshold or duration cannot be parsed";
    INVALID_VALUE = "E0109", "invalid-value", "a value is not one of the allowed words or is out of range";
    MISPLACED = "E0110", "misplaced", "a declaration that only the root file may hold appears elsewhere";
    // Names.
    UNKNOWN_SOURCE = "E0201", "unknown-source", "a reference to a source that is not declared";
    UNKNOWN_EVENT = "E0202", "unknown-event", "a reference to an event that is not declared";
    UNKNOWN_METRIC = "E0203", "unknown-metric", "a reference to a metric that is not declared";
    UNKNOWN_JOURNEY = "E0204", "unknown-journey", "a reference to a journey that is not declared";
    DUPLICATE_NAME = "E0205", "duplicate-name", "two declarations share a name";
    UNKNOWN_DIMENSION = "E0206", "unknown-dimension", "a cohort or key names a dimension no source declares";
    UNKNOWN_TIER = "E0207", "unknown-tier", "a tier name that is not low, medium, high or critical";
    UNKNOWN_COLUMN = "E0208", "unknown-column", "a column that the source's declared schema does not have";
    UNKNOWN_CODE = "E0209", "unknown-code", "an `allow` names a lint that does not exist";
    // SQL fragments.
    SQL_SYNTAX = "E0301", "sql-syntax", "a SQL fragment cannot be parsed as an expression";
    SQL_NOT_ONE_EXPRESSION = "E0302", "sql-not-one-expression", "a SQL fragment holds more than one expression or statement";
    SQL_SUBQUERY = "E0303", "sql-subquery", "a SQL fragment contains a subquery";
    SQL_FORBIDDEN = "E0304", "sql-forbidden", "a SQL fragment uses a construct scorec does not allow";
    // Mappings and catalogs.
    UNKNOWN_FRAMEWORK = "E0401", "unknown-framework", "a mapping names a framework no catalog provides";
    UNKNOWN_CONTROL = "E0402", "unknown-control", "a mapping names a control its catalog does not have";
    LEGACY_CONTROL = "E0403", "legacy-control", "a mapping uses a CSF 1.1 identifier";
    WITHDRAWN_CONTROL = "E0404", "withdrawn-control", "a mapping names a withdrawn control";
    AMBIGUOUS_EDITION = "E0405", "ambiguous-edition", "a mapping's ID exists in several editions and names none";
    MALFORMED_MAPPING = "E0406", "malformed-mapping", "a mapping is not of the form `FRAMEWORK:ID`";
    BAD_CATALOG = "E0407", "bad-catalog", "a user catalog file is not a valid catalog";
    DUPLICATE_CATALOG = "E0408", "duplicate-catalog", "two catalogs declare the same framework name";
    // Metric semantics.
    MISSING_KEY_COLUMN = "E0501", "missing-key-column", "a metric needs an entity, session or other key its source does not declare";
    DERIVED_OTHER_JOURNEY = "E0502", "derived-other-journey", "a derived metric references a metric of another journey";
    DERIVED_CYCLE = "E0503", "derived-cycle", "derived metrics reference each other in a cycle";
    METRIC_KIND = "E0504", "metric-kind", "a metric has no formula, several formulas, or the wrong kind of operand";
    PERCENTILE_RANGE = "E0505", "percentile-range", "a duration percentile is outside 0 to 100";
    ATTRIBUTION = "E0506", "attribution", "cohort attribution is declared in a way that cannot work";
    NOT_NUMERIC = "E0507", "not-numeric", "a summed column is not a numeric column";
    // Pairs and thresholds.
    PAIR_SECURITY_SIDE = "E0601", "pair-security-side", "a pair's security side is not a security metric";
    PAIR_EXPERIENCE_SIDE = "E0602", "pair-experience-side", "a pair's experience side is not an experience or outcome metric";
    PAIR_OTHER_JOURNEY = "E0603", "pair-other-journey", "a pair uses a metric of another journey";
    BOUND_DIRECTION = "E0604", "bound-direction", "a threshold contradicts the metric's good direction";
    BOUND_ORDER = "E0605", "bound-order", "warn and critical bounds contradict each other";
    PERCENT_RANGE = "E0606", "percent-range", "a percentage bound on a rate is outside 0 to 100 %";
    BOUND_UNIT = "E0607", "bound-unit", "a bound's unit does not fit the metric (a duration on a rate)";
    BAD_OVERRIDE = "E0608", "bad-override", "a cohort override names a dimension the journey is not broken down by";
    BAD_TRADEOFF = "E0609", "bad-tradeoff", "a trade-off rule cannot be evaluated";
    // Control changes.
    CHANGE_OUTCOME = "E0701", "change-outcome", "a control change names an outcome metric that cannot be traced";
    BAD_DATE = "E0702", "bad-date", "a date is not a valid calendar date";
    BAD_COMPARISON = "E0703", "bad-comparison", "a control change's comparison cohort or journey cannot be used";
    // Scorecard settings.
    BAD_TIMEZONE = "E0801", "bad-timezone", "a time zone that the tz database does not know";
    // Data of `scorec run`.
    NO_DATA = "E0901", "no-data", "no data file or table for a source (`scorec run`)";
    DATA_MISSING_COLUMN = "E0902", "data-missing-column", "a source's data lacks a column the scorecard reads (`scorec run`)";
    DATA_COLUMN_TYPE = "E0903", "data-column-type", "a column of a source's data has a type that does not fit its declaration (`scorec run`)";
    DATA_UNREADABLE = "E0904", "data-unreadable", "a source's data cannot be read, or the scorecard's SQL fails on it (`scorec run`)";
    // Lints.
    ACTIVITY_AS_VALUE = "W0101", "activity-as-value", "a pair's experience or outcome side is a plain activity count";
    UNUSED_METRIC = "W0102", "unused-metric", "a metric that no pair, derived metric or control change uses";
    JOURNEY_WITHOUT_PAIR = "W0103", "journey-without-pair", "a journey with no pair";
    HIGH_TIER_NO_COHORTS = "W0104", "high-tier-no-cohorts", "a high or critical tier journey without cohorts";
    BELOW_TIER_MIN_SAMPLE = "W0105", "below-tier-min-sample", "a min_sample below the journey's tier policy";
    RECOVERY_TIER = "W0106", "recovery-tier", "account recovery has a lower tier than sign-in";
    PAIR_WITHOUT_ACTION = "W0107", "pair-without-action", "a pair that names no action";
    MISSING_OWNER = "W0108", "missing-owner", "a journey without both a security and a product owner";
    CHANGE_WITHOUT_OUTCOME = "W0109", "change-without-outcome", "a control change with no outcome metric";
    PAIR_WITHOUT_MAPPING = "W0110", "pair-without-mapping", "a pair with no framework mapping";
    COHORT_NOT_PROVIDED = "W0111", "cohort-not-provided", "a metric's sources cannot provide the journey's cohorts";
    UNUSED_ALLOW = "W0112", "unused-allow", "an `allow` that silences nothing";
    MISSING_REQUIRED_COHORT = "W0113", "missing-required-cohort", "a journey lacks a cohort its tier policy requires";
    NO_FRESHNESS_CHECK = "W0114", "no-freshness-check", "a source without a freshness check";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_pages_are_complete() {
        let mut seen = std::collections::BTreeSet::new();
        for info in ALL {
            assert!(
                seen.insert(info.code.as_str()),
                "duplicate code {}",
                info.code
            );
            assert!(seen.insert(info.name), "duplicate name {}", info.name);
            for section in ["## Example", "## Fix"] {
                assert!(
                    info.page.contains(section),
                    "{} page lacks `{section}`",
                    info.code
                );
            }
            assert!(
                info.page.starts_with(&format!("# {}", info.code)),
                "{} page must start with its code",
                info.code
            );
        }
    }
}
