//! The shape of the YAML format: which keys each mapping has, their types
//! and documentation. The walker validates keys against these tables, and
//! `scorec schema` generates the JSON Schema from the same tables, so the
//! two cannot drift apart.

use serde_json::{Map, Value as Json, json};

/// A YAML mapping with a fixed set of keys.
#[derive(Debug)]
pub struct Shape {
    /// What the mapping is, for messages (`source`, `pair side`).
    pub what: &'static str,
    /// One line of documentation.
    pub doc: &'static str,
    /// The keys it may hold.
    pub fields: &'static [Field],
}

/// One key of a [`Shape`].
#[derive(Debug)]
pub struct Field {
    /// The key.
    pub key: &'static str,
    /// What its value must be.
    pub ty: Ty,
    /// Documentation shown by editors.
    pub doc: &'static str,
    /// Whether the key must be present.
    pub required: bool,
}

/// The type of a value.
#[derive(Debug)]
pub enum Ty {
    /// Free text.
    Text,
    /// A name (letters, digits, underscores).
    Name,
    /// A whole number, zero or more.
    Count,
    /// `true` or `false`.
    Bool,
    /// One of some words.
    Word(&'static [&'static str]),
    /// A duration (`14d`).
    Duration,
    /// A date (`2026-03-15`).
    Date,
    /// A threshold (`> 2% for 3 windows`).
    Threshold,
    /// A SQL expression.
    Sql,
    /// An expression-language text (formula argument, trade-off rule).
    Expr,
    /// A list of values of a type.
    List(&'static Ty),
    /// A nested mapping.
    Obj(&'static Shape),
    /// A mapping from user names to mappings of a shape.
    Named(&'static Shape),
    /// A mapping from user names to values of a type.
    NamedOf(&'static Ty),
    /// A dimension: a column name, or `{name: sql}`.
    Dimension,
    /// `{CODE: reason}`: lints allowed on an item.
    Allow,
}

const fn f(key: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        doc,
        required: false,
    }
}

const fn req(key: &'static str, ty: Ty, doc: &'static str) -> Field {
    Field {
        key,
        ty,
        doc,
        required: true,
    }
}

/// Dialects scorec compiles to.
pub const DIALECTS: &[&str] = &[
    "duckdb",
    "postgres",
    "snowflake",
    "bigquery",
    "databricks",
    "redshift",
    "trino",
    "clickhouse",
];
/// Time buckets.
pub const GRAINS: &[&str] = &["hour", "day", "week", "month"];
/// Risk tiers, lowest first.
pub const TIERS: &[&str] = &["low", "medium", "high", "critical"];
/// Metric sides.
pub const SIDES: &[&str] = &["security", "experience", "outcome"];
/// Good directions.
pub const DIRECTIONS: &[&str] = &["high", "low"];
/// Alert severities.
pub const SEVERITIES: &[&str] = &["warn", "critical"];
/// Owner roles.
pub const ROLES: &[&str] = &["security", "product"];
/// Week starts.
pub const WEEK_STARTS: &[&str] = &["monday", "sunday"];
/// Column types of a declared schema.
pub const COLUMN_TYPES: &[&str] = &[
    "string",
    "integer",
    "decimal",
    "double",
    "boolean",
    "timestamp",
    "date",
];

/// Top-level keys of any scorecard file; the first six only in the root.
pub static FILE: Shape = Shape {
    what: "scorecard file",
    doc: "A scorecard file: the root (with `scorecard:`) or an included file",
    fields: &[
        f(
            "scorecard",
            Ty::Text,
            "Scorecard name; only in the root file",
        ),
        f("title", Ty::Text, "Human title of the scorecard"),
        f("description", Ty::Text, "What the scorecard is for"),
        f(
            "defaults",
            Ty::Obj(&DEFAULTS),
            "Defaults for every journey and metric",
        ),
        f(
            "include",
            Ty::List(&Ty::Text),
            "Files or glob patterns to include, relative to the root file",
        ),
        f(
            "catalogs",
            Ty::List(&Ty::Text),
            "User framework catalog files, relative to the root file",
        ),
        f(
            "tiers",
            Ty::Named(&TIER),
            "Tier policies by tier (low, medium, high, critical)",
        ),
        f(
            "sources",
            Ty::Named(&SOURCE),
            "Warehouse tables and views by name",
        ),
        f(
            "events",
            Ty::Named(&EVENT),
            "Named predicates over one source",
        ),
        f("journeys", Ty::Named(&JOURNEY), "Customer journeys by name"),
    ],
};

/// Scorecard defaults.
pub static DEFAULTS: Shape = Shape {
    what: "defaults block",
    doc: "Scorecard-wide defaults",
    fields: &[
        f("dialect", Ty::Word(DIALECTS), "SQL dialect to compile to"),
        f("grain", Ty::Word(GRAINS), "Time bucket of every value"),
        f(
            "timezone",
            Ty::Text,
            "IANA time zone of the buckets (default UTC)",
        ),
        f(
            "min_sample",
            Ty::Count,
            "Smallest sample a threshold is evaluated on",
        ),
        f(
            "week_start",
            Ty::Word(WEEK_STARTS),
            "First day of a week bucket",
        ),
        f(
            "dedupe_lookback",
            Ty::Duration,
            "How far before the range start de-duplication looks (default 1d)",
        ),
        f(
            "attribution_lookback",
            Ty::Duration,
            "How far back cohort attribution looks (default 90d)",
        ),
        f(
            "rollups",
            Ty::Bool,
            "Also compute single-dimension rollups of the cohorts",
        ),
    ],
};

/// A tier policy.
pub static TIER: Shape = Shape {
    what: "tier policy",
    doc: "Defaults and requirements for journeys of one tier",
    fields: &[
        f(
            "min_sample",
            Ty::Count,
            "Floor for every min_sample of journeys of this tier",
        ),
        f(
            "require",
            Ty::List(&Ty::Name),
            "Cohort dimensions every journey of this tier must have",
        ),
        f(
            "severity",
            Ty::Word(SEVERITIES),
            "Severity of a breach when a pair does not say",
        ),
        f(
            "sign_off",
            Ty::List(&Ty::Word(ROLES)),
            "Owner roles that must review changes",
        ),
    ],
};

/// A source.
pub static SOURCE: Shape = Shape {
    what: "source",
    doc: "A warehouse table or view",
    fields: &[
        req(
            "table",
            Ty::Text,
            "Table or view, possibly qualified (analytics.auth_events)",
        ),
        req("timestamp", Ty::Name, "Timestamp column"),
        f("entity", Ty::Name, "Entity (user) key column"),
        f("session", Ty::Name, "Session key column"),
        f(
            "dedupe_by",
            Ty::Name,
            "De-duplication key: one row per key is kept, the earliest",
        ),
        f(
            "dedupe_order",
            Ty::Name,
            "Column that breaks ties between rows of one key at the same time",
        ),
        f(
            "dimensions",
            Ty::List(&Ty::Dimension),
            "Cohort dimensions: columns, or {name: sql}",
        ),
        f(
            "columns",
            Ty::NamedOf(&Ty::Text),
            "Optional typed schema: column name to type",
        ),
        f("filter", Ty::Sql, "Row filter applied before anything else"),
        f(
            "integrity",
            Ty::Obj(&INTEGRITY),
            "Signal-integrity checks, owned by security",
        ),
        f(
            "allow",
            Ty::Allow,
            "Lints allowed on this source, with a reason",
        ),
    ],
};

/// Signal-integrity checks.
pub static INTEGRITY: Shape = Shape {
    what: "integrity block",
    doc: "Signal-integrity checks of a source",
    fields: &[
        f(
            "freshness",
            Ty::Obj(&BOUNDS),
            "Newest timestamp versus the watermark (> 2h)",
        ),
        f(
            "volume",
            Ty::Obj(&BOUNDS),
            "Row volume against its own baseline (drops 30% vs 28d)",
        ),
        f(
            "duplicates",
            Ty::Obj(&BOUNDS),
            "Share of rows de-duplication removed (> 1%)",
        ),
    ],
};

/// Warn and critical bounds.
pub static BOUNDS: Shape = Shape {
    what: "bounds block",
    doc: "Warn and critical bounds",
    fields: &[
        f("warn", Ty::Threshold, "Warn bound"),
        f("critical", Ty::Threshold, "Critical bound"),
    ],
};

/// An event.
pub static EVENT: Shape = Shape {
    what: "event",
    doc: "A named predicate over one source",
    fields: &[
        req("source", Ty::Name, "The source the event reads"),
        f("where", Ty::Sql, "SQL predicate over the source's columns"),
        f("description", Ty::Text, "What the event is"),
    ],
};

/// A journey.
pub static JOURNEY: Shape = Shape {
    what: "journey",
    doc: "A customer journey",
    fields: &[
        f("title", Ty::Text, "Human title"),
        f("description", Ty::Text, "What the journey is"),
        req("tier", Ty::Word(TIERS), "Risk tier"),
        f("steps", Ty::List(&Ty::Name), "Ordered steps (events)"),
        f(
            "owners",
            Ty::Obj(&OWNERS),
            "Who owns the signal and who owns the thresholds",
        ),
        f(
            "cohorts",
            Ty::List(&Ty::Name),
            "Dimensions every value is broken down by, together",
        ),
        f("min_sample", Ty::Count, "Journey-wide min_sample"),
        f(
            "metrics",
            Ty::Named(&METRIC),
            "Metrics by name (unique in the scorecard)",
        ),
        f("pairs", Ty::Named(&PAIR), "Pairs by name"),
        f("changes", Ty::Named(&CHANGE), "Control changes by name"),
        f(
            "allow",
            Ty::Allow,
            "Lints allowed on this journey, with a reason",
        ),
    ],
};

/// Journey owners.
pub static OWNERS: Shape = Shape {
    what: "owners block",
    doc: "Owners of a journey",
    fields: &[
        f("security", Ty::Text, "Owns the integrity of the signal"),
        f(
            "product",
            Ty::Text,
            "Owns the interpretation and the thresholds",
        ),
    ],
};

/// The keys of a metric that hold its formula, one of which is required.
pub const FORMULA_KEYS: &[&str] = &[
    "count",
    "sum",
    "rate",
    "conversion",
    "duration",
    "derived",
    "formula",
];

/// A metric.
pub static METRIC: Shape = Shape {
    what: "metric",
    doc: "A measured quantity of one journey; give exactly one of count, sum, rate, conversion, duration, derived or formula",
    fields: &[
        req("side", Ty::Word(SIDES), "security, experience or outcome"),
        req(
            "good",
            Ty::Word(DIRECTIONS),
            "Which direction is good: high or low",
        ),
        f(
            "count",
            Ty::Expr,
            "Events, or distinct keys: `login_attempt`, `distinct entity of mfa_enrolled`",
        ),
        f("sum", Ty::Expr, "Exact sum: `amount of fraud_case`"),
        f(
            "rate",
            Ty::Expr,
            "`numerator / denominator`, e.g. `login_success / login_attempt`",
        ),
        f(
            "conversion",
            Ty::Expr,
            "`a -> b within 7d`: distinct entities with a reaching b",
        ),
        f(
            "duration",
            Ty::Expr,
            "`p95 of a -> b within 24h`: minutes from each a to the next b",
        ),
        f(
            "derived",
            Ty::Expr,
            "Arithmetic over metrics of the same journey",
        ),
        f(
            "formula",
            Ty::Expr,
            "Any formula in call form: `rate(a / b)`",
        ),
        f(
            "unit",
            Ty::Text,
            "Display unit (fraction, count, minutes, currency:EUR)",
        ),
        f("description", Ty::Text, "What the metric means"),
        f("min_sample", Ty::Count, "Metric-level min_sample"),
        f(
            "attribute",
            Ty::Obj(&ATTRIBUTE),
            "Take cohorts from another event of the same entity",
        ),
        f(
            "allow",
            Ty::Allow,
            "Lints allowed on this metric, with a reason",
        ),
    ],
};

/// Cohort attribution.
pub static ATTRIBUTE: Shape = Shape {
    what: "attribution",
    doc: "Cohort attribution from the entity's latest event at or before the outcome",
    fields: &[
        req("from", Ty::Name, "The event whose cohort is taken"),
        f("within", Ty::Duration, "How far back to look"),
        f(
            "tie_break",
            Ty::Name,
            "Column that breaks ties between events at the same time",
        ),
    ],
};

/// A pair.
pub static PAIR: Shape = Shape {
    what: "pair",
    doc: "A security metric and an experience or outcome metric, judged together",
    fields: &[
        req("security", Ty::Obj(&SIDE), "The security side"),
        req(
            "experience",
            Ty::Obj(&SIDE),
            "The experience (or outcome) side",
        ),
        f(
            "tradeoff",
            Ty::Expr,
            "`experience worsens 3pp while security improves vs 28d`",
        ),
        f("action", Ty::Text, "What the owners do on a breach"),
        f(
            "maps",
            Ty::List(&Ty::Text),
            "Framework controls: `csf:DE.AE-02`, `sp800-63:AAL2`",
        ),
        f("min_sample", Ty::Count, "Pair-level min_sample"),
        f(
            "allow",
            Ty::Allow,
            "Lints allowed on this pair, with a reason",
        ),
    ],
};

/// A pair side.
pub static SIDE: Shape = Shape {
    what: "pair side",
    doc: "One side of a pair",
    fields: &[
        req("metric", Ty::Name, "The metric"),
        f("warn", Ty::Threshold, "Warn bound"),
        f("critical", Ty::Threshold, "Critical bound"),
        f("min_sample", Ty::Count, "Side-level min_sample"),
        f(
            "overrides",
            Ty::List(&Ty::Obj(&OVERRIDE)),
            "Per-cohort bounds",
        ),
    ],
};

/// A cohort override.
pub static OVERRIDE: Shape = Shape {
    what: "cohort override",
    doc: "Bounds for one cohort value",
    fields: &[
        req(
            "when",
            Ty::NamedOf(&Ty::Text),
            "The cohort: `{device_type: mobile}`",
        ),
        f("warn", Ty::Threshold, "Warn bound"),
        f("critical", Ty::Threshold, "Critical bound"),
        f("min_sample", Ty::Count, "min_sample for this cohort"),
    ],
};

/// A control change.
pub static CHANGE: Shape = Shape {
    what: "control change",
    doc: "A dated change of a control, traced before and after",
    fields: &[
        f("title", Ty::Text, "What changed"),
        req("date", Ty::Date, "When it took effect"),
        f("journeys", Ty::List(&Ty::Name), "Other journeys it touches"),
        f(
            "outcomes",
            Ty::List(&Ty::Name),
            "Outcome metrics expected to move",
        ),
        f(
            "window",
            Ty::Duration,
            "Length of the before and after windows (default 14d)",
        ),
        f(
            "washout",
            Ty::Duration,
            "Gap after the change before the after window",
        ),
        f(
            "compare",
            Ty::Obj(&COMPARE),
            "An untouched comparison cohort or journey",
        ),
        f(
            "allow",
            Ty::Allow,
            "Lints allowed on this change, with a reason",
        ),
    ],
};

/// A comparison.
pub static COMPARE: Shape = Shape {
    what: "comparison",
    doc: "Give one of cohort or journey",
    fields: &[
        f(
            "cohort",
            Ty::NamedOf(&Ty::Text),
            "A cohort the change did not touch: `{region: EU}`",
        ),
        f("journey", Ty::Name, "A journey the change did not touch"),
    ],
};

impl Shape {
    /// The field for `key`, if the shape has it.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// The JSON Schema (draft 2020-12) of a scorecard YAML file.
pub fn json_schema() -> Json {
    let mut schema = object_schema(&FILE);
    if let Json::Object(map) = &mut schema {
        map.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        map.insert(
            "$id".into(),
            json!("https://scorec.dev/schema/scorecard.json"),
        );
        map.insert("title".into(), json!("scorec scorecard"));
    }
    schema
}

fn object_schema(shape: &Shape) -> Json {
    let mut properties = Map::new();
    for field in shape.fields {
        let mut schema = type_schema(&field.ty);
        if let Json::Object(map) = &mut schema {
            map.insert("description".into(), json!(field.doc));
        }
        properties.insert(field.key.into(), schema);
    }
    let required: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.key)
        .collect();
    let mut map = Map::new();
    map.insert("type".into(), json!("object"));
    map.insert("description".into(), json!(shape.doc));
    map.insert("properties".into(), Json::Object(properties));
    map.insert("additionalProperties".into(), json!(false));
    if !required.is_empty() {
        map.insert("required".into(), json!(required));
    }
    Json::Object(map)
}

fn type_schema(ty: &Ty) -> Json {
    match ty {
        Ty::Text | Ty::Sql | Ty::Expr => json!({"type": ["string", "number", "boolean"]}),
        Ty::Name => json!({"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}),
        Ty::Count => json!({"type": "integer", "minimum": 0}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Word(words) => json!({"enum": words}),
        Ty::Duration => json!({"type": "string", "pattern": "^[0-9]+[smhdw]$"}),
        Ty::Date => json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}),
        Ty::Threshold => json!({"type": "string"}),
        Ty::List(item) => json!({"type": "array", "items": type_schema(item)}),
        Ty::Obj(shape) => object_schema(shape),
        Ty::Named(shape) => json!({
            "type": "object",
            "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
            "additionalProperties": object_schema(shape),
        }),
        Ty::NamedOf(item) => json!({"type": "object", "additionalProperties": type_schema(item)}),
        Ty::Dimension => json!({
            "anyOf": [
                {"type": "string"},
                {"type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": {"type": "string"}},
            ]
        }),
        Ty::Allow => {
            json!({"type": "object", "additionalProperties": {"type": "string", "minLength": 1}})
        }
    }
}
