//! `fmt` and `convert`: print each file of a scorecard again, in its own
//! syntax or the other one. Printing is lossless (comments included), so a
//! rewritten scorecard checks to the same model.

use std::path::{Path, PathBuf};

use crate::load::{Loaded, Syntax};
use crate::syntax::ast::Document;
use crate::syntax::{print_dsl, yaml};

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Path relative to the scorecard folder.
    pub relative: PathBuf,
    /// Path of the file it was made from, as shown to the user.
    pub from: String,
    /// New contents.
    pub text: String,
}

/// Prints a document in a syntax.
pub fn print(doc: &Document, syntax: Syntax) -> String {
    match syntax {
        Syntax::Yaml => yaml::print::print(doc),
        Syntax::Dsl => print_dsl::print(doc),
    }
}

/// Every file of the scorecard in canonical layout, in its own syntax.
pub fn format(loaded: &Loaded) -> Vec<Output> {
    loaded
        .documents
        .iter()
        .filter_map(|(id, doc)| {
            let file = loaded.sources.get(*id);
            let syntax = Syntax::of(Path::new(&file.name))?;
            Some(Output {
                relative: relative(&loaded.root_dir, &file.name),
                from: file.name.clone(),
                text: print(doc, syntax),
            })
        })
        .collect()
}

/// Every file of the scorecard in `to`, with extensions and include
/// patterns switched to the new syntax.
pub fn convert(loaded: &Loaded, to: Syntax) -> Vec<Output> {
    loaded
        .documents
        .iter()
        .map(|(id, doc)| {
            let file = loaded.sources.get(*id);
            let mut doc = doc.clone();
            if let Some(header) = &mut doc.header {
                // `*.yaml` and `*.scorec` patterns may become the same one.
                let mut seen = Vec::new();
                header.includes.retain_mut(|include| {
                    include.node = switch_extension(&include.node, to);
                    let new = !seen.contains(&include.node);
                    seen.push(include.node.clone());
                    new
                });
            }
            Output {
                relative: PathBuf::from(switch_extension(
                    &relative(&loaded.root_dir, &file.name).to_string_lossy(),
                    to,
                )),
                from: file.name.clone(),
                text: print(&doc, to),
            }
        })
        .collect()
}

/// `a/b.yaml` becomes `a/b.scorec` for the DSL and back; other names stay.
pub fn switch_extension(path: &str, to: Syntax) -> String {
    let (stem, ext) = match path.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => (stem, ext),
        _ => return path.to_string(),
    };
    match (ext, to) {
        ("yaml" | "yml", Syntax::Dsl) => format!("{stem}.scorec"),
        ("scorec", Syntax::Yaml) => format!("{stem}.yaml"),
        _ => path.to_string(),
    }
}

fn relative(root: &Path, shown: &str) -> PathBuf {
    let path = Path::new(shown);
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}
