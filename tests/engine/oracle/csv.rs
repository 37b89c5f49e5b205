//! The input rows: the CSV files of `scorec example-data`
//! (`DIR/<schema>.<table>.csv`), read with a small RFC-4180 reader of our
//! own and typed by each source's declared `columns`.

use std::collections::BTreeMap;
use std::path::Path;

use scorec::model::Scorecard;

use super::eval::{Value, parse_decimal};

/// The rows of one source, typed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    /// Column names, in file order.
    pub(crate) columns: Vec<String>,
    /// Rows, in file order; each has one value per column.
    pub(crate) rows: Vec<Vec<Value>>,
}

impl Table {
    /// The position of a column: exact name first, then ignoring case as
    /// unquoted SQL identifiers do.
    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name).or_else(|| {
            self.columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(name))
        })
    }
}

/// The rows of every source of a scorecard, by source name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    pub(crate) by_source: BTreeMap<String, Table>,
}

impl Tables {
    /// Reads `DIR/<table>.csv` for every source (`<table>` as the source
    /// declares it, e.g. `analytics.auth_events`). A missing file is an
    /// error: a test that forgot a table must not pass on an empty one.
    pub(crate) fn load(model: &Scorecard, dir: &Path) -> Result<Tables, String> {
        let mut texts = Vec::new();
        for source in model.sources.values() {
            let path = dir.join(format!("{}.csv", source.table));
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            texts.push((source.table.clone(), text));
        }
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(t, x)| (t.as_str(), x.as_str()))
            .collect();
        Tables::from_csv(model, &refs)
    }

    /// Builds the tables from CSV texts keyed by table name.
    pub(crate) fn from_csv(model: &Scorecard, files: &[(&str, &str)]) -> Result<Tables, String> {
        let mut by_source = BTreeMap::new();
        for source in model.sources.values() {
            let Some((_, text)) = files.iter().find(|(t, _)| *t == source.table) else {
                return Err(format!("no CSV for table `{}`", source.table));
            };
            let records = parse(text).map_err(|e| format!("{}.csv: {e}", source.table))?;
            let mut records = records.into_iter();
            let header: Vec<String> = records
                .next()
                .ok_or_else(|| format!("{}.csv has no header", source.table))?
                .into_iter()
                .map(Option::unwrap_or_default)
                .collect();
            let types: Vec<String> = header
                .iter()
                .map(|c| match source.columns.get(c) {
                    Some(ty) => ty.clone(),
                    None if *c == source.timestamp => "timestamp".to_string(),
                    None => "string".to_string(),
                })
                .collect();
            let mut rows = Vec::new();
            for (n, record) in records.enumerate() {
                if record.len() != header.len() {
                    return Err(format!(
                        "{}.csv record {} has {} fields, the header {}",
                        source.table,
                        n + 2,
                        record.len(),
                        header.len()
                    ));
                }
                let row = record
                    .into_iter()
                    .zip(&types)
                    .map(|(field, ty)| typed(field, ty))
                    .collect::<Result<Vec<Value>, String>>()
                    .map_err(|e| format!("{}.csv record {}: {e}", source.table, n + 2))?;
                rows.push(row);
            }
            by_source.insert(
                source.name.clone(),
                Table {
                    columns: header,
                    rows,
                },
            );
        }
        Ok(Tables { by_source })
    }
}

/// Types one field: an empty unquoted field is NULL.
fn typed(field: Option<String>, ty: &str) -> Result<Value, String> {
    let Some(text) = field else {
        return Ok(Value::Null);
    };
    let base = ty.split('(').next().unwrap_or("").trim();
    Ok(match base {
        "timestamp" => Value::Ts(parse_timestamp(&text)?),
        "double" => Value::Float(
            text.parse()
                .map_err(|_| format!("`{text}` is not a double"))?,
        ),
        "integer" => Value::Int(
            text.parse()
                .map_err(|_| format!("`{text}` is not an integer"))?,
        ),
        "decimal" => {
            let scale = decimal_scale(ty);
            Value::Dec(parse_decimal(&text, scale)?, scale)
        }
        "boolean" => match text.to_ascii_lowercase().as_str() {
            "true" | "t" | "1" => Value::Bool(true),
            "false" | "f" | "0" => Value::Bool(false),
            _ => return Err(format!("`{text}` is not a boolean")),
        },
        _ => Value::Str(text),
    })
}

/// The scale of `decimal(p,s)`; 0 for a bare `decimal`.
pub(crate) fn decimal_scale(ty: &str) -> u32 {
    ty.split_once(',')
        .and_then(|(_, s)| s.trim_end_matches(')').trim().parse().ok())
        .unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]` in UTC, as microseconds since the epoch.
pub(crate) fn parse_timestamp(text: &str) -> Result<i64, String> {
    let dt: jiff::civil::DateTime = text
        .parse()
        .map_err(|e| format!("`{text}` is not a timestamp: {e}"))?;
    let zoned = dt
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map_err(|e| format!("`{text}`: {e}"))?;
    Ok(zoned.timestamp().as_microsecond())
}

/// RFC 4180 records. A field is `None` when empty and unquoted (NULL);
/// `""` is the empty string. CRLF and LF both end a record; a final line
/// break is optional.
pub(crate) fn parse(text: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let mut records = Vec::new();
    let mut record: Vec<Option<String>> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut at_start = true;
    let end_field = |field: &mut String, quoted: &mut bool, record: &mut Vec<Option<String>>| {
        let value = std::mem::take(field);
        record.push(if value.is_empty() && !*quoted {
            None
        } else {
            Some(value)
        });
        *quoted = false;
    };
    while let Some(c) = chars.next() {
        match c {
            '"' if at_start => {
                quoted = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(other) => field.push(other),
                        None => return Err("unterminated quoted field".into()),
                    }
                }
                at_start = false;
                if !matches!(chars.peek(), None | Some(',' | '\r' | '\n')) {
                    return Err("text after a closing quote".into());
                }
            }
            ',' => {
                end_field(&mut field, &mut quoted, &mut record);
                at_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                end_field(&mut field, &mut quoted, &mut record);
                records.push(std::mem::take(&mut record));
                at_start = true;
            }
            '"' => return Err("a quote inside an unquoted field".into()),
            other => {
                field.push(other);
                at_start = false;
            }
        }
    }
    if !at_start || !record.is_empty() {
        end_field(&mut field, &mut quoted, &mut record);
        records.push(record);
    }
    Ok(records)
}
