//! Framework catalogs: the built-in control catalogs under `catalogs/`, user
//! catalogs of the same shape, and the CSF 1.1 to 2.0 crosswalk that lets a
//! diagnostic name the CSF 2.0 successor of a legacy ID.
//!
//! This file owns the data model and the shipped files. Validation and user
//! catalogs live in `validate.rs`, resolution of `FRAMEWORK:ID` references in
//! `resolve.rs`, and the `scorec catalogs list|show` texts in `text.rs`.

mod resolve;
mod text;
mod validate;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use resolve::Scheme;
pub use resolve::{RefError, Resolved};
use validate::RawCatalog;

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

/// `a`, `b`, `c` for a message.
pub(super) fn backticked<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests;
