//! Framework catalogs: the built-in control catalogs under `catalogs/`, user
//! catalogs of the same shape, and the CSF 1.1 to 2.0 crosswalk that lets a
//! diagnostic name the CSF 2.0 successor of a legacy ID.
//!
//! Resolution of `FRAMEWORK:ID` references lives in `resolve.rs`; this file
//! owns the data: loading, validation, and the `scorec catalogs list|show`
//! texts.

mod resolve;

use std::fmt::Write as _;

use indexmap::IndexMap;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::codes::{self, Code};
use resolve::Scheme;
pub use resolve::{RefError, Resolved};

/// Every loaded catalog: the built-ins first, then user catalogs, in the
/// order they were added.
#[derive(Clone, Debug)]
pub struct Catalogs {
    catalogs: Vec<Catalog>,
    crosswalk: Crosswalk,
}

/// One framework catalog: a list of controls with a name to refer to it by.
#[derive(Clone, Debug, Serialize)]
pub struct Catalog {
    /// The name references use (`nist-csf-2.0`), unique among loaded catalogs.
    pub framework: String,
    /// The framework's full title.
    pub title: String,
    /// The framework's version, as the catalog writes it.
    pub version: String,
    /// Where the data comes from (a URL for the built-ins; may be empty).
    pub source: String,
    /// Whether scorec ships this catalog.
    pub builtin: bool,
    /// Short names accepted instead of `framework` (`csf`).
    pub aliases: Vec<String>,
    /// The controls, in the catalog's order.
    pub controls: Vec<Control>,
    /// How IDs of this catalog are normalised before lookup.
    #[serde(skip)]
    scheme: Scheme,
    /// Normalised ID or alias to the index of its control.
    #[serde(skip)]
    index: IndexMap<String, usize>,
}

/// One control (function, category, requirement, risk, level...) of a catalog.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Control {
    /// The ID as the framework writes it (`DE.AE-02`, `NHI3:2025`, `MEASURE 2.7`).
    pub id: String,
    /// Short official title or outcome statement.
    pub title: String,
    /// What the entry is: `function`, `category`, `subcategory`, `risk`,
    /// `level`, `requirement`, or a user catalog's own word.
    pub kind: String,
    /// The ID of the enclosing entry, where the framework has a hierarchy.
    #[serde(default)]
    pub parent: Option<String>,
    /// Other spellings of the ID that references may use (`NHI3`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Listed by the framework but no longer valid to map to.
    #[serde(default)]
    pub withdrawn: bool,
    /// The IDs that took over a withdrawn control's outcome.
    #[serde(default)]
    pub replaced_by: Vec<String>,
}

/// The CSF 1.1 to 2.0 identifier mapping (`nist-csf-1.1-to-2.0.yaml`): a
/// mapping rather than a catalog of controls, used to explain legacy IDs.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Crosswalk {
    /// The mapping's name (`nist-csf-1.1-to-2.0`).
    pub framework: String,
    /// The mapping's title.
    pub title: String,
    /// The versions it maps between.
    pub version: String,
    /// Where the data comes from.
    pub source: String,
    /// One entry per CSF 1.1 category and subcategory.
    pub entries: Vec<LegacyEntry>,
}

/// What became of one CSF 1.1 category or subcategory in CSF 2.0.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct LegacyEntry {
    /// The CSF 1.1 spelling (`PR.AC-4`).
    pub from: String,
    /// The zero-padded spelling CSF 2.0 data uses for it (`PR.AC-04`).
    #[serde(default)]
    pub alias: Option<String>,
    /// `category` or `subcategory`.
    pub kind: String,
    /// The CSF 1.1 title or outcome statement.
    pub from_title: String,
    /// The CSF 2.0 IDs it went to (empty when NIST names none).
    pub to: Vec<String>,
    /// How it went there.
    pub relation: Relation,
    /// Free-text explanation from the data file.
    pub note: String,
    /// `high` or `medium`.
    pub confidence: String,
}

/// How a CSF 1.1 element relates to its CSF 2.0 targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Folded into the listed 2.0 elements.
    IncorporatedInto,
    /// Relocated essentially intact.
    MovedTo,
    /// The same ID is still valid in 2.0 (zero-padded).
    Retained,
    /// Withdrawn with no NIST target.
    Withdrawn,
}

impl Relation {
    /// The relation as the data file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::IncorporatedInto => "incorporated_into",
            Relation::MovedTo => "moved_to",
            Relation::Retained => "retained",
            Relation::Withdrawn => "withdrawn",
        }
    }
}

/// One shipped catalog file and how scorec reads it. The short names are
/// documented in `catalogs/README.md`, "Short names scorec accepts".
struct Builtin {
    framework: &'static str,
    text: &'static str,
    aliases: &'static [&'static str],
    scheme: Scheme,
}

/// The shipped catalogs in the order `scorec catalogs list` shows them. A
/// newer edition comes before an older one of the same list.
const BUILTINS: &[Builtin] = &[
    Builtin {
        framework: "nist-csf-2.0",
        text: include_str!("../../catalogs/nist-csf-2.0.yaml"),
        aliases: &["csf", "nist-csf"],
        scheme: Scheme::Csf,
    },
    Builtin {
        framework: "nist-sp-800-63-4",
        text: include_str!("../../catalogs/nist-sp-800-63-4.yaml"),
        aliases: &["sp800-63", "nist-800-63", "nist-sp-800-63"],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "pci-dss-4.0.1",
        text: include_str!("../../catalogs/pci-dss-4.0.1.yaml"),
        aliases: &["pci", "pci-dss"],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "nist-ai-rmf-1.0",
        text: include_str!("../../catalogs/nist-ai-rmf-1.0.yaml"),
        aliases: &["ai-rmf", "nist-ai-rmf"],
        scheme: Scheme::AiRmf,
    },
    Builtin {
        framework: "owasp-top10-2025",
        text: include_str!("../../catalogs/owasp-top10-2025.yaml"),
        aliases: &["owasp", "owasp-top10"],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "owasp-top10-2021",
        text: include_str!("../../catalogs/owasp-top10-2021.yaml"),
        aliases: &[],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "owasp-nhi-top10-2025",
        text: include_str!("../../catalogs/owasp-nhi-top10-2025.yaml"),
        aliases: &["owasp-nhi", "nhi"],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "owasp-llm-top10-2025",
        text: include_str!("../../catalogs/owasp-llm-top10-2025.yaml"),
        aliases: &["owasp-llm"],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "owasp-agentic-top10-2026",
        text: include_str!("../../catalogs/owasp-agentic-top10-2026.yaml"),
        aliases: &["owasp-agentic"],
        scheme: Scheme::Generic,
    },
    Builtin {
        framework: "owasp-agentic-threats",
        text: include_str!("../../catalogs/owasp-agentic-threats-t1-t15.yaml"),
        aliases: &["owasp-agentic-threats-t1-t15"],
        scheme: Scheme::Generic,
    },
];

/// The CSF 1.1 to 2.0 mapping, the eleventh shipped file.
const CROSSWALK: &str = include_str!("../../catalogs/nist-csf-1.1-to-2.0.yaml");

/// Framework names that mean CSF 1.1: references under them are explained
/// with the crosswalk, never accepted.
const CSF_1_1_NAMES: &[&str] = &["nist-csf-1.1", "csf-1.1"];

/// The keys of a catalog file: the typed ones, then descriptive ones that
/// scorec does not read.
const CATALOG_KEYS: &[&str] = &[
    "framework",
    "title",
    "version",
    "source",
    "aliases",
    "controls",
    "source_notes",
    "confidence",
    "counts",
    "notes",
];

/// The keys of a control: the typed ones, then the descriptive ones the
/// shipped files use (see `catalogs/README.md`, "File shape").
const CONTROL_KEYS: &[&str] = &[
    "id",
    "title",
    "kind",
    "parent",
    "aliases",
    "withdrawn",
    "replaced_by",
    "description",
    "withdrawal",
    "legacy_id",
    "title_variants",
    "note",
    "statement_lead",
    "service_provider_only",
    "control_objectives",
    "title_truncated",
    "level",
    "selected_for",
    "draft_title",
];

impl Catalogs {
    /// The ten shipped control catalogs and the CSF 1.1 to 2.0 crosswalk.
    ///
    /// # Panics
    ///
    /// Only if a shipped file is broken, which the tests rule out.
    pub fn builtin() -> Catalogs {
        let catalogs = BUILTINS
            .iter()
            .map(|b| {
                let raw: RawCatalog =
                    serde_saphyr::from_str(b.text).expect("a built-in catalog parses (tested)");
                assert_eq!(
                    raw.framework, b.framework,
                    "a built-in catalog declares the framework its table entry names"
                );
                let aliases = b.aliases.iter().map(|a| (*a).to_owned()).collect();
                Catalog::new(raw, true, aliases, b.scheme)
                    .expect("a built-in catalog is valid (tested)")
            })
            .collect();
        let crosswalk =
            serde_saphyr::from_str(CROSSWALK).expect("the CSF crosswalk parses (tested)");
        Catalogs {
            catalogs,
            crosswalk,
        }
    }

    /// Adds a user catalog written in the shape of the built-in files
    /// (`framework`, `title`, `version`, optional `source` and short-name
    /// `aliases`, and `controls` with `id`, `title`, `kind`, optional
    /// `parent`, `aliases`, `withdrawn`, `replaced_by`). The error says what
    /// is wrong, in the style of a diagnostic message.
    ///
    /// # Errors
    ///
    /// When the text is not a catalog of that shape, names a framework or
    /// short name already loaded, or has inconsistent IDs.
    pub fn add_user(&mut self, text: &str) -> Result<(), String> {
        self.try_add_user(text).map_err(|(_, message)| message)
    }

    /// [`Catalogs::add_user`] with the diagnostic code of the error:
    /// `DUPLICATE_CATALOG` when the framework or a short name is taken,
    /// `BAD_CATALOG` otherwise.
    ///
    /// # Errors
    ///
    /// As [`Catalogs::add_user`].
    pub fn try_add_user(&mut self, text: &str) -> Result<(), (Code, String)> {
        let bad = |message| (codes::BAD_CATALOG, message);
        let raw: RawCatalog = serde_saphyr::from_str(text).map_err(|e| bad(unreadable(e)))?;
        check_user_keys(text, &raw).map_err(bad)?;
        let names: Vec<&String> = std::iter::once(&raw.framework)
            .chain(&raw.aliases)
            .collect();
        for (i, name) in names.iter().enumerate() {
            if names[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
                return Err(bad(format!("the catalog gives the name `{name}` twice")));
            }
            if let Some(owner) = self.name_owner(name) {
                let message = if owner.eq_ignore_ascii_case(name) {
                    format!("a catalog named `{owner}` is already loaded")
                } else {
                    format!("`{name}` is already a short name of `{owner}`")
                };
                return Err((codes::DUPLICATE_CATALOG, message));
            }
        }
        let aliases = raw.aliases.clone();
        let catalog = Catalog::new(raw, false, aliases, Scheme::Generic).map_err(bad)?;
        self.catalogs.push(catalog);
        Ok(())
    }

    /// The loaded control catalogs, built-ins first. The crosswalk is not
    /// among them; see [`Catalogs::crosswalk`].
    pub fn catalogs(&self) -> &[Catalog] {
        &self.catalogs
    }

    /// The CSF 1.1 to 2.0 identifier mapping.
    pub fn crosswalk(&self) -> &Crosswalk {
        &self.crosswalk
    }

    /// The catalog with this framework name or short name, ignoring case.
    pub fn find_catalog(&self, name_or_alias: &str) -> Option<&Catalog> {
        let name = name_or_alias.trim();
        self.catalogs
            .iter()
            .find(|c| c.framework.eq_ignore_ascii_case(name))
            .or_else(|| {
                self.catalogs
                    .iter()
                    .find(|c| c.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
            })
    }

    /// A table of the loaded catalogs and the crosswalk: framework, short
    /// names, version, number of controls, title.
    pub fn list_text(&self) -> String {
        let mut rows = vec![[
            "framework".to_owned(),
            "short names".to_owned(),
            "version".to_owned(),
            "controls".to_owned(),
            "title".to_owned(),
        ]];
        for c in &self.catalogs {
            let withdrawn = c.controls.iter().filter(|k| k.withdrawn).count();
            let mut count = (c.controls.len() - withdrawn).to_string();
            if withdrawn > 0 {
                let _ = write!(count, " (+{withdrawn} withdrawn)");
            }
            let title = if c.builtin {
                c.title.clone()
            } else {
                format!("{} (user catalog)", c.title)
            };
            rows.push([
                c.framework.clone(),
                dash_if_empty(c.aliases.join(", ")),
                c.version.clone(),
                count,
                title,
            ]);
        }
        let x = &self.crosswalk;
        rows.push([
            x.framework.clone(),
            "-".to_owned(),
            x.version.clone(),
            format!("{} mappings", x.entries.len()),
            format!("{} (used to explain CSF 1.1 IDs)", x.title),
        ]);
        table(&rows)
    }

    /// `scorec catalogs show`: given a framework name or short name, the
    /// catalog's controls as a tree; given `FRAMEWORK:ID`, that control (or
    /// the withdrawn control, or the CSF 1.1 entry it names). `None` when the
    /// text names nothing.
    pub fn show_text(&self, name_or_ref: &str) -> Option<String> {
        if let Some(catalog) = self.find_catalog(name_or_ref) {
            return Some(catalog_text(catalog));
        }
        if self
            .crosswalk
            .framework
            .eq_ignore_ascii_case(name_or_ref.trim())
        {
            return Some(crosswalk_text(&self.crosswalk));
        }
        match self.resolve(name_or_ref) {
            Ok(r) => Some(control_text(r.catalog, r.control)),
            Err(RefError::Withdrawn { framework, id, .. }) => {
                let catalog = self.find_catalog(&framework)?;
                let control = catalog.control(&id)?;
                Some(control_text(catalog, control))
            }
            Err(RefError::Legacy { id, .. }) => {
                let entry = self.crosswalk.find(&id)?;
                Some(legacy_text(self, entry))
            }
            Err(_) => None,
        }
    }

    /// The framework name that `name` already means (as a framework name or
    /// short name), if any.
    fn name_owner(&self, name: &str) -> Option<&str> {
        if let Some(c) = self.find_catalog(name) {
            return Some(&c.framework);
        }
        let csf_1_1 = CSF_1_1_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name));
        if csf_1_1 || self.crosswalk.framework.eq_ignore_ascii_case(name) {
            return Some(&self.crosswalk.framework);
        }
        None
    }
}

impl Catalog {
    /// The shortest name references can use: a short name, or the
    /// framework name when it has none that is shorter.
    pub fn short_name(&self) -> &str {
        self.aliases.iter().fold(
            &self.framework,
            |best, a| if a.len() < best.len() { a } else { best },
        )
    }

    /// The control with exactly this ID, ignoring case.
    pub fn control(&self, id: &str) -> Option<&Control> {
        self.controls.iter().find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// Builds and validates a catalog; the error names the first problem.
    fn new(
        raw: RawCatalog,
        builtin: bool,
        aliases: Vec<String>,
        scheme: Scheme,
    ) -> Result<Catalog, String> {
        check_name("framework name", &raw.framework)?;
        for alias in &aliases {
            check_name("short name", alias)?;
        }
        if raw.controls.is_empty() {
            return Err(format!("catalog `{}` has no controls", raw.framework));
        }
        let mut catalog = Catalog {
            framework: raw.framework,
            title: raw.title,
            version: raw.version,
            source: raw.source,
            builtin,
            aliases,
            controls: raw.controls,
            scheme,
            index: IndexMap::new(),
        };
        catalog.build_index()?;
        catalog.check_links()?;
        Ok(catalog)
    }

    /// Fills the lookup index; two controls that normalise to the same key
    /// could never be told apart, so they are an error.
    fn build_index(&mut self) -> Result<(), String> {
        for (i, control) in self.controls.iter().enumerate() {
            if control.id.trim().is_empty() {
                return Err(format!(
                    "a control of `{}` has an empty `id`",
                    self.framework
                ));
            }
            for spelling in resolve::spellings(control) {
                let key = resolve::key(self.scheme, spelling);
                match self.index.get(&key) {
                    Some(&j) if j != i => {
                        let other = &self.controls[j].id;
                        return Err(if other.eq_ignore_ascii_case(&control.id) {
                            format!("control `{}` is listed twice", control.id)
                        } else {
                            format!(
                                "`{spelling}` of control `{}` cannot be told apart from control `{other}` (IDs compare ignoring case, dashes and zero padding)",
                                control.id
                            )
                        });
                    }
                    Some(_) => {}
                    None => {
                        self.index.insert(key, i);
                    }
                }
            }
        }
        Ok(())
    }

    /// Every `parent` and `replaced_by` names a control of this catalog, and
    /// no control is its own ancestor.
    fn check_links(&self) -> Result<(), String> {
        for control in &self.controls {
            let id = &control.id;
            if let Some(parent) = &control.parent
                && self.control(parent).is_none()
            {
                return Err(format!(
                    "control `{id}` names parent `{parent}`, which is not in the catalog"
                ));
            }
            if let Some(missing) = control
                .replaced_by
                .iter()
                .find(|r| self.control(r).is_none())
            {
                return Err(format!(
                    "control `{id}` is replaced by `{missing}`, which is not in the catalog"
                ));
            }
            let mut ancestor = control.parent.as_deref();
            for _ in 0..self.controls.len() {
                let Some(a) = ancestor else { break };
                if a.eq_ignore_ascii_case(id) {
                    return Err(format!("control `{id}` is its own ancestor"));
                }
                ancestor = self.control(a).and_then(|c| c.parent.as_deref());
            }
        }
        Ok(())
    }

    /// The controls whose parent is `parent` (the roots for `None`), in order.
    fn children<'a>(&'a self, parent: Option<&'a str>) -> impl Iterator<Item = &'a Control> + 'a {
        self.controls
            .iter()
            .filter(move |c| match (c.parent.as_deref(), parent) {
                (None, None) => true,
                (Some(p), Some(q)) => p.eq_ignore_ascii_case(q),
                _ => false,
            })
    }
}

impl Crosswalk {
    /// The entry whose CSF 1.1 spelling or zero-padded alias is `id`.
    pub fn find(&self, id: &str) -> Option<&LegacyEntry> {
        let id = id.trim();
        self.entries.iter().find(|e| {
            e.from.eq_ignore_ascii_case(id)
                || e.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(id))
        })
    }
}

/// The typed part of a catalog file; other keys are descriptive.
#[derive(Deserialize)]
struct RawCatalog {
    framework: String,
    title: String,
    version: String,
    #[serde(default)]
    source: String,
    /// Short names; only user catalogs give them in the file.
    #[serde(default)]
    aliases: Vec<String>,
    controls: Vec<Control>,
}

/// The keys of a user catalog, read separately from the typed parse so that
/// a misspelt key (`parnet`) is reported instead of ignored.
#[derive(Deserialize)]
struct RawKeys {
    controls: Vec<IndexMap<String, IgnoredAny>>,
}

/// A YAML or shape error of a user catalog, with its line and column but
/// without a source snippet: the caller renders the diagnostic.
fn unreadable(error: serde_saphyr::Error) -> String {
    error.without_snippet().to_string()
}

/// Rejects keys that the catalog shape does not have. `raw` is the typed
/// parse of the same text, so its controls line up with the key maps.
fn check_user_keys(text: &str, raw: &RawCatalog) -> Result<(), String> {
    let top: IndexMap<String, IgnoredAny> = serde_saphyr::from_str(text).map_err(unreadable)?;
    let known = |k: &String| CATALOG_KEYS.contains(&k.as_str());
    if let Some(key) = top.keys().find(|k| !known(k)) {
        return Err(format!(
            "unknown key `{key}` in the catalog; it has {}",
            backticked(CATALOG_KEYS)
        ));
    }
    let keys: RawKeys = serde_saphyr::from_str(text).map_err(unreadable)?;
    let known = |k: &String| CONTROL_KEYS.contains(&k.as_str());
    for (control, keys) in raw.controls.iter().zip(&keys.controls) {
        if let Some(key) = keys.keys().find(|k| !known(k)) {
            return Err(format!(
                "unknown key `{key}` in control `{}`; a control has {}",
                control.id,
                backticked(CONTROL_KEYS)
            ));
        }
    }
    Ok(())
}

/// A framework or short name must be usable before the `:` of a reference.
fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() || name.contains(':') || name.chars().any(char::is_whitespace) {
        return Err(format!(
            "the {what} `{name}` must be non-empty, without `:` or spaces"
        ));
    }
    Ok(())
}

/// `a`, `b`, `c` for a message.
fn backticked<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn dash_if_empty(s: String) -> String {
    if s.is_empty() { "-".to_owned() } else { s }
}

/// Left-aligned columns separated by two spaces, no trailing spaces.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            if i + 1 < N {
                let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A catalog's header and its controls as a tree by parent.
fn catalog_text(catalog: &Catalog) -> String {
    let origin = if catalog.builtin {
        "built-in"
    } else {
        "user catalog"
    };
    let mut out = format!(
        "{}: {} (version {}, {origin})\n",
        catalog.framework, catalog.title, catalog.version
    );
    let _ = writeln!(
        out,
        "short names: {}",
        dash_if_empty(catalog.aliases.join(", "))
    );
    if !catalog.source.is_empty() {
        let _ = writeln!(out, "source: {}", catalog.source);
    }
    out.push('\n');
    // Controls whose parent is missing cannot occur: `check_links` rejects them.
    let mut stack: Vec<(&Control, usize)> = catalog.children(None).map(|c| (c, 0)).collect();
    stack.reverse();
    while let Some((control, depth)) = stack.pop() {
        let _ = write!(
            out,
            "{:indent$}{}  {}",
            "",
            control.id,
            control.title,
            indent = depth * 2
        );
        if control.withdrawn {
            out.push_str(&withdrawn_note(control));
        }
        out.push('\n');
        let mut children: Vec<_> = catalog
            .children(Some(&control.id))
            .map(|c| (c, depth + 1))
            .collect();
        children.reverse();
        stack.extend(children);
    }
    out
}

/// ` (withdrawn; replaced by A, B)`.
fn withdrawn_note(control: &Control) -> String {
    if control.replaced_by.is_empty() {
        " (withdrawn)".to_owned()
    } else {
        format!(
            " (withdrawn; replaced by {})",
            control.replaced_by.join(", ")
        )
    }
}

/// One control with its place in the catalog.
fn control_text(catalog: &Catalog, control: &Control) -> String {
    let mut out = format!("{}  {}\n", control.id, control.title);
    let _ = writeln!(
        out,
        "  catalog:  {} ({}, version {})",
        catalog.framework, catalog.title, catalog.version
    );
    let _ = writeln!(out, "  kind:     {}", control.kind);
    if let Some(parent) = &control.parent {
        let title = catalog
            .control(parent)
            .map(|p| p.title.as_str())
            .unwrap_or_default();
        let _ = writeln!(out, "  parent:   {parent}  {title}");
    }
    if !control.aliases.is_empty() {
        let _ = writeln!(out, "  aliases:  {}", control.aliases.join(", "));
    }
    let status = if control.withdrawn {
        withdrawn_note(control)
            .trim()
            .trim_matches(['(', ')'])
            .to_owned()
    } else {
        "active".to_owned()
    };
    let _ = writeln!(out, "  status:   {status}");
    let children: Vec<_> = catalog.children(Some(&control.id)).collect();
    if !children.is_empty() {
        out.push_str("  children:\n");
        for child in children {
            let mark = if child.withdrawn {
                withdrawn_note(child)
            } else {
                String::new()
            };
            let _ = writeln!(out, "    {}  {}{mark}", child.id, child.title);
        }
    }
    out
}

/// The crosswalk as a table of entries.
fn crosswalk_text(crosswalk: &Crosswalk) -> String {
    let mut out = format!(
        "{}: {} (version {}, built-in mapping)\nsource: {}\n\n",
        crosswalk.framework, crosswalk.title, crosswalk.version, crosswalk.source
    );
    let mut rows = vec![[
        "CSF 1.1".to_owned(),
        "relation".to_owned(),
        "CSF 2.0".to_owned(),
        "confidence".to_owned(),
    ]];
    for e in &crosswalk.entries {
        rows.push([
            e.from.clone(),
            e.relation.as_str().to_owned(),
            dash_if_empty(e.to.join(", ")),
            e.confidence.clone(),
        ]);
    }
    out.push_str(&table(&rows));
    out
}

/// One CSF 1.1 entry with the titles of its CSF 2.0 targets.
fn legacy_text(catalogs: &Catalogs, entry: &LegacyEntry) -> String {
    let x = &catalogs.crosswalk;
    let mut out = format!("{}  {}\n", entry.from, entry.from_title);
    let _ = writeln!(
        out,
        "  mapping:    {} (a CSF 1.1 ID, not valid in CSF 2.0 mappings)",
        x.framework
    );
    let _ = writeln!(out, "  kind:       {}", entry.kind);
    let _ = writeln!(out, "  relation:   {}", entry.relation.as_str());
    let csf = catalogs.catalogs.iter().find(|c| c.scheme == Scheme::Csf);
    for to in &entry.to {
        let title = csf
            .and_then(|c| c.control(to))
            .map(|c| c.title.as_str())
            .unwrap_or_default();
        let _ = writeln!(out, "  CSF 2.0:    {to}  {title}");
    }
    let _ = writeln!(out, "  note:       {}", entry.note);
    let _ = writeln!(out, "  confidence: {}", entry.confidence);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `counts` section of a data file: numbers, or numbers by group.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Count {
        Number(usize),
        Groups(IndexMap<String, usize>),
    }

    #[derive(Deserialize)]
    struct Counted {
        framework: String,
        #[serde(default)]
        counts: IndexMap<String, Count>,
    }

    /// How many controls a `counts` key of a catalog file counts. The keys
    /// differ between files; each rule follows the file's `notes`.
    fn counted(catalog: &Catalog, key: &str) -> usize {
        let controls = &catalog.controls;
        let by_kind = |kind: &str, withdrawn: Option<bool>| {
            controls
                .iter()
                .filter(|c| c.kind == kind && withdrawn.is_none_or(|w| c.withdrawn == w))
                .count()
        };
        match key {
            "entries_total" => controls.len(),
            "functions" => by_kind("function", Some(false)),
            "categories" | "categories_active" => by_kind("category", Some(false)),
            "subcategories" | "subcategories_active" => by_kind("subcategory", Some(false)),
            "categories_withdrawn" => by_kind("category", Some(true)),
            "subcategories_withdrawn" => by_kind("subcategory", Some(true)),
            "risks" | "threats" => by_kind("risk", None),
            "level_families" => by_kind("category", None),
            "levels" => by_kind("level", None),
            "principal_requirements" => controls.iter().filter(|c| c.parent.is_none()).count(),
            "req8_sections" => controls
                .iter()
                .filter(|c| c.parent.as_deref() == Some("8"))
                .count(),
            "req8_sub_requirements" => controls
                .iter()
                .filter(|c| c.id.starts_with("8.") && c.parent.as_deref().is_some_and(|p| p != "8"))
                .count(),
            other => panic!("{}: no rule for counts key `{other}`", catalog.framework),
        }
    }

    #[test]
    fn every_builtin_catalog_parses_and_is_valid() {
        for b in BUILTINS {
            let raw: RawCatalog =
                serde_saphyr::from_str(b.text).unwrap_or_else(|e| panic!("{}: {e}", b.framework));
            assert_eq!(raw.framework, b.framework);
            let aliases = b.aliases.iter().map(|a| (*a).to_owned()).collect();
            if let Err(e) = Catalog::new(raw, true, aliases, b.scheme) {
                panic!("{}: {e}", b.framework);
            }
        }
        let crosswalk: Result<Crosswalk, _> = serde_saphyr::from_str(CROSSWALK);
        assert!(crosswalk.is_ok(), "{:?}", crosswalk.err());
    }

    #[test]
    fn builtins_are_the_eleven_shipped_files() {
        let catalogs = Catalogs::builtin();
        let names: Vec<&str> = catalogs
            .catalogs()
            .iter()
            .map(|c| c.framework.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "nist-csf-2.0",
                "nist-sp-800-63-4",
                "pci-dss-4.0.1",
                "nist-ai-rmf-1.0",
                "owasp-top10-2025",
                "owasp-top10-2021",
                "owasp-nhi-top10-2025",
                "owasp-llm-top10-2025",
                "owasp-agentic-top10-2026",
                "owasp-agentic-threats",
            ]
        );
        assert_eq!(catalogs.crosswalk().framework, "nist-csf-1.1-to-2.0");
        assert!(catalogs.catalogs().iter().all(|c| c.builtin));
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/catalogs"))
            .expect("catalogs/ exists")
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
            })
            .count();
        assert_eq!(
            files,
            BUILTINS.len() + 1,
            "every catalogs/*.yaml is built in"
        );
    }

    #[test]
    fn catalogs_have_the_counts_their_files_claim() {
        let catalogs = Catalogs::builtin();
        for b in BUILTINS {
            let file: Counted = serde_saphyr::from_str(b.text).expect("parses");
            let catalog = catalogs.find_catalog(&file.framework).expect("loaded");
            assert!(!file.counts.is_empty(), "{} has counts", file.framework);
            for (key, count) in &file.counts {
                let Count::Number(expected) = count else {
                    panic!("{}: nested count `{key}`", file.framework);
                };
                assert_eq!(
                    counted(catalog, key),
                    *expected,
                    "{}: {key}",
                    file.framework
                );
            }
        }
        let file: Counted = serde_saphyr::from_str(CROSSWALK).expect("parses");
        let entries = &catalogs.crosswalk().entries;
        for (key, count) in &file.counts {
            match (key.as_str(), count) {
                ("entries", Count::Number(n)) => assert_eq!(entries.len(), *n),
                ("subcategories_1_1", Count::Number(n)) => {
                    assert_eq!(
                        entries.iter().filter(|e| e.kind == "subcategory").count(),
                        *n
                    );
                }
                ("categories_1_1", Count::Number(n)) => {
                    assert_eq!(entries.iter().filter(|e| e.kind == "category").count(), *n);
                }
                ("by_kind_and_relation", Count::Groups(groups)) => {
                    for (group, n) in groups {
                        let actual = entries
                            .iter()
                            .filter(|e| format!("{}/{}", e.kind, e.relation.as_str()) == *group)
                            .count();
                        assert_eq!(actual, *n, "crosswalk: {group}");
                    }
                }
                _ => panic!("crosswalk: no rule for counts key `{key}`"),
            }
        }
    }

    #[test]
    fn short_names_are_the_documented_ones() {
        let catalogs = Catalogs::builtin();
        let expected = [
            ("csf", "nist-csf-2.0"),
            ("nist-csf", "nist-csf-2.0"),
            ("owasp-nhi", "owasp-nhi-top10-2025"),
            ("nhi", "owasp-nhi-top10-2025"),
            ("owasp-llm", "owasp-llm-top10-2025"),
            ("owasp-agentic", "owasp-agentic-top10-2026"),
            ("owasp-agentic-threats", "owasp-agentic-threats"),
            ("owasp-agentic-threats-t1-t15", "owasp-agentic-threats"),
            ("owasp", "owasp-top10-2025"),
            ("owasp-top10", "owasp-top10-2025"),
            ("owasp-top10-2021", "owasp-top10-2021"),
            ("owasp-top10-2025", "owasp-top10-2025"),
            ("sp800-63", "nist-sp-800-63-4"),
            ("nist-800-63", "nist-sp-800-63-4"),
            ("pci", "pci-dss-4.0.1"),
            ("pci-dss", "pci-dss-4.0.1"),
            ("ai-rmf", "nist-ai-rmf-1.0"),
            ("CSF", "nist-csf-2.0"),
        ];
        for (name, framework) in expected {
            let found = catalogs.find_catalog(name).map(|c| c.framework.as_str());
            assert_eq!(found, Some(framework), "{name}");
        }
        let readme = include_str!("../../catalogs/README.md");
        let section = readme
            .split("## Short names scorec accepts")
            .nth(1)
            .expect("the README documents the short names");
        for c in catalogs.catalogs() {
            for alias in &c.aliases {
                assert!(
                    section.contains(&format!("`{alias}`")),
                    "README lacks `{alias}`"
                );
            }
        }
    }

    const USER: &str = "
framework: acme-controls
title: ACME internal identity controls
version: 3
aliases: [acme]
controls:
  - id: IAM
    title: Identity and access
    kind: domain
  - id: IAM-01
    title: Step-up before payment changes
    kind: control
    parent: IAM
    aliases: [STEPUP]
  - id: IAM-02
    title: Old recovery flow
    kind: control
    parent: IAM
    withdrawn: true
    replaced_by: [IAM-01]
";

    #[test]
    fn user_catalogs_resolve_like_builtins() {
        let mut catalogs = Catalogs::builtin();
        catalogs.add_user(USER).expect("valid user catalog");
        let acme = catalogs.find_catalog("ACME").expect("short name");
        assert!(!acme.builtin);
        assert_eq!(acme.version, "3");
        let r = catalogs.resolve("acme:iam-1").expect("resolves");
        assert_eq!(r.canonical(), "acme-controls:IAM-01");
        let r = catalogs.resolve("acme-controls:stepup").expect("alias");
        assert_eq!(r.control.id, "IAM-01");
        let e = catalogs.resolve("acme:IAM-02").expect_err("withdrawn");
        assert_eq!(e.help().as_deref(), Some("use `IAM-01` instead"));
    }

    #[test]
    fn user_catalog_errors_say_what_is_wrong() {
        let mut catalogs = Catalogs::builtin();
        catalogs.add_user(USER).expect("valid");
        let other = USER
            .replace("acme-controls", "other")
            .replace("[acme]", "[]");
        let cases = [
            (
                "other",
                "acme-controls",
                "a catalog named `acme-controls` is already loaded",
            ),
            (
                "other",
                "NIST-CSF-2.0",
                "a catalog named `nist-csf-2.0` is already loaded",
            ),
            (
                "other",
                "with space",
                "the framework name `with space` must be non-empty",
            ),
            (
                "[]",
                "[csf]",
                "`csf` is already a short name of `nist-csf-2.0`",
            ),
            ("[]", "[o, O]", "the catalog gives the name `O` twice"),
            ("version: 3\n", "", "missing field `version`"),
            (
                "parent: IAM\n    aliases",
                "parnet: IAM\n    aliases",
                "unknown key `parnet` in control `IAM-01`",
            ),
            (
                "parent: IAM\n    aliases",
                "parent: IAX\n    aliases",
                "control `IAM-01` names parent `IAX`, which is not",
            ),
            (
                "id: IAM-02",
                "id: iam-01",
                "control `iam-01` is listed twice",
            ),
            (
                "id: IAM-02",
                "id: IAM-1",
                "`IAM-1` of control `IAM-1` cannot be told apart from control `IAM-01`",
            ),
            (
                "[IAM-01]",
                "[IAM-09]",
                "control `IAM-02` is replaced by `IAM-09`, which is not",
            ),
        ];
        let taken = catalogs.clone().try_add_user(USER).map(|_| ());
        assert!(matches!(taken, Err((codes::DUPLICATE_CATALOG, _))));
        for (from, to, expected) in cases {
            let text = other.replacen(from, to, 1);
            let error = catalogs.clone().add_user(&text).expect_err(expected);
            assert!(
                error.contains(expected),
                "expected `{expected}` in `{error}`"
            );
        }
    }

    #[test]
    fn builtin_files_have_the_user_catalog_shape() {
        for b in BUILTINS {
            let text = b.text.replacen(
                &format!("framework: {}", b.framework),
                "framework: user-copy",
                1,
            );
            let mut catalogs = Catalogs::builtin();
            let added = catalogs.add_user(&text);
            assert!(added.is_ok(), "{}: {:?}", b.framework, added.err());
        }
    }

    #[test]
    fn list_shows_every_catalog_and_the_crosswalk() {
        let catalogs = Catalogs::builtin();
        let text = catalogs.list_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + catalogs.catalogs().len() + 1);
        assert!(lines[0].starts_with("framework"));
        let csf = lines
            .iter()
            .find(|l| l.starts_with("nist-csf-2.0 "))
            .expect("csf row");
        // 6 functions + 22 categories + 106 subcategories; 12 + 79 withdrawn.
        assert!(
            csf.contains("csf, nist-csf") && csf.contains("134 (+91 withdrawn)"),
            "{csf}"
        );
        assert!(lines.last().is_some_and(|l| l.starts_with("nist-csf-1.1-to-2.0") && l.contains("131 mappings")));
    }

    #[test]
    fn show_gives_a_tree_or_one_control() {
        let catalogs = Catalogs::builtin();
        let tree = catalogs.show_text("sp800-63").expect("a catalog");
        assert!(
            tree.contains("\nIAL  Identity Assurance Level\n  IAL1  Identity Assurance Level 1\n"),
            "{tree}"
        );
        let control = catalogs.show_text("csf:DE.AE-02").expect("a control");
        assert!(control.starts_with("DE.AE-02  Potentially adverse events"));
        assert!(control.contains("parent:   DE.AE  Adverse Event Analysis"));
        let withdrawn = catalogs
            .show_text("csf:PR.AC-04")
            .expect("withdrawn control");
        assert!(
            withdrawn.contains("status:   withdrawn; replaced by PR.AA-05"),
            "{withdrawn}"
        );
        let legacy = catalogs.show_text("csf:ID.GV-4").expect("legacy entry");
        assert!(
            legacy.contains("CSF 2.0:    GV.RM-04") && legacy.contains("confidence: medium"),
            "{legacy}"
        );
        assert!(catalogs.show_text("nist-csf-1.1-to-2.0").is_some());
        assert_eq!(catalogs.show_text("csf:PR.DS-09"), None);
        assert_eq!(catalogs.show_text("iso27001"), None);
    }

    #[test]
    fn json_output_has_the_public_fields_only() {
        let catalogs = Catalogs::builtin();
        let nhi = catalogs.find_catalog("nhi").expect("loaded");
        let json = serde_json::to_value(nhi).expect("serialises");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "framework",
                "title",
                "version",
                "source",
                "builtin",
                "aliases",
                "controls"
            ]
        );
        assert_eq!(json["controls"][2]["id"], "NHI3:2025");
    }
}
