//! Reading and validating catalogs: the checks every catalog passes (names,
//! unique IDs, links between controls) and the user catalogs added at run
//! time, whose unknown keys and taken names are errors.

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::resolve::{self, Scheme};
use super::{CSF_1_1_NAMES, Catalog, Catalogs, Control, backticked};
use crate::codes::{self, Code};

/// The typed part of a catalog file; other keys are descriptive.
#[derive(Deserialize)]
pub(super) struct RawCatalog {
    pub(super) framework: String,
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
    /// Builds and validates a catalog; the error names the first problem.
    pub(super) fn new(
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
