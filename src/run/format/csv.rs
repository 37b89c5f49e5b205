//! CSV: one row per status row (every check, bucket and cohort), with the
//! metric's numerator and denominator beside pair sides; then the rows of
//! metrics no pair judges, with an empty `rule` and `status`. RFC 4180
//! quoting, a header row, `\n` line ends, NULL as an empty field.

use std::collections::HashMap;

use crate::run::Value;
use crate::run::report::Report;

/// The columns, in order.
pub const COLUMNS: [&str; 18] = [
    "rule",
    "journey",
    "pair",
    "side",
    "metric",
    "source",
    "bucket",
    "grouping",
    "cohort",
    "value",
    "numerator",
    "denominator",
    "sample",
    "min_sample",
    "baseline",
    "bound",
    "status",
    "incomplete",
];

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The report's rows as CSV.
pub fn csv(report: &Report) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    let key = |metric: &str, bucket: &str, cohort: &str| {
        (metric.to_string(), bucket.to_string(), cohort.to_string())
    };
    let values: HashMap<(String, String, String), &Value> = report
        .values
        .iter()
        .map(|v| (key(&v.metric, &v.bucket, &v.cohort), v))
        .collect();
    let mut judged = std::collections::HashSet::new();
    let mut line = |fields: Vec<String>| {
        let cells: Vec<String> = fields.iter().map(|f| field(f)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    };
    for s in &report.statuses {
        let v = s
            .metric
            .as_deref()
            .filter(|_| s.rule == "threshold")
            .and_then(|m| values.get(&key(m, &s.bucket, &s.cohort)));
        if let Some(v) = v {
            judged.insert(key(&v.metric, &v.bucket, &v.cohort));
        }
        line(vec![
            s.rule.clone(),
            opt(s.journey.as_ref()),
            opt(s.pair.as_ref()),
            opt(s.side.as_ref()),
            opt(s.metric.as_ref()),
            opt(s.source.as_ref()),
            s.bucket.clone(),
            s.grouping.clone(),
            s.cohort.clone(),
            opt(s.value),
            opt(v.and_then(|v| v.numerator.as_ref())),
            opt(v.and_then(|v| v.denominator.as_ref())),
            opt(s.sample),
            opt(s.min_sample),
            opt(s.baseline),
            opt(s.bound.as_ref()),
            s.status.as_str().to_string(),
            opt(v.map(|v| v.incomplete)),
        ]);
    }
    for v in &report.values {
        if judged.contains(&key(&v.metric, &v.bucket, &v.cohort)) {
            continue;
        }
        line(vec![
            String::new(),
            v.journey.clone(),
            String::new(),
            String::new(),
            v.metric.clone(),
            String::new(),
            v.bucket.clone(),
            v.grouping.clone(),
            v.cohort.clone(),
            opt(v.value),
            opt(v.numerator.as_ref()),
            opt(v.denominator.as_ref()),
            opt(v.sample),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            v.incomplete.to_string(),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_when_they_must_be() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
    }
}
