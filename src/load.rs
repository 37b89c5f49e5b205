//! Loading a scorecard: find the root file, follow its includes, read every
//! file through a [`Vfs`] and hand each to its front-end.
//!
//! The library never touches the disk itself: the CLI passes a file system
//! (the real one, or a git revision for `diff`), so loading is testable and
//! the same code reads any snapshot of a scorecard.

use std::path::{Component, Path, PathBuf};

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, SourceMap, Span};
use crate::syntax::{self, ast::Document};

/// Largest scorecard file scorec reads.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// Names a folder's root file may have, in the order they are looked for.
pub const ROOT_NAMES: &[&str] = &["scorecard.yaml", "scorecard.yml", "scorecard.scorec"];

/// Read access to the files of a scorecard.
pub trait Vfs {
    /// The bytes of a file.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>>;
    /// Whether `path` is a folder.
    fn is_dir(&self, path: &Path) -> bool;
    /// Every file under `dir`, recursively, as paths relative to `dir`, sorted.
    fn files_under(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>>;
}

/// A user catalog file as read from disk.
#[derive(Clone, Debug)]
pub struct CatalogFile {
    /// Its id in the source map.
    pub file: FileId,
    /// The span of the `catalogs:` entry that named it.
    pub declared_at: Span,
}

/// Every file of a scorecard, parsed.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The text of every file read.
    pub sources: SourceMap,
    /// Each scorecard file's syntax tree, root first.
    pub documents: Vec<(FileId, Document)>,
    /// User catalogs named by the root.
    pub catalogs: Vec<CatalogFile>,
    /// Problems found while loading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    /// The folder of the root file; included paths are relative to it.
    pub root_dir: PathBuf,
}

/// Which front-end reads a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// The scorec DSL (`.scorec`).
    Dsl,
}

impl Syntax {
    /// The syntax of a path, by extension.
    pub fn of(path: &Path) -> Option<Syntax> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml") => Some(Syntax::Yaml),
            Some("scorec") => Some(Syntax::Dsl),
            _ => None,
        }
    }
}

/// Loads the scorecard at `path`: a folder holding one root file, or a root file.
pub fn load(vfs: &dyn Vfs, path: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let root = match find_root(vfs, path) {
        Ok(root) => root,
        Err(d) => {
            loaded.diagnostics.push(d);
            return loaded;
        }
    };
    let errors_before = loaded.diagnostics.len();
    let Some((root_id, root_doc)) = read_and_parse(vfs, &root, &mut loaded) else {
        return loaded;
    };
    let root_parsed = loaded.diagnostics[errors_before..]
        .iter()
        .all(|d| !d.is_error());
    let dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
    loaded.root_dir.clone_from(&dir);
    let (includes, catalogs) = root_doc
        .header
        .as_ref()
        .map(|h| (h.includes.clone(), h.catalogs.clone()))
        .unwrap_or_default();
    if root_doc.header.is_none() && root_parsed {
        loaded.diagnostics.push(
            Diagnostic::new(codes::NO_ROOT, format!("`{}` has no `scorecard` declaration", root.display()))
                .at(Span::new(root_id, 0..0))
                .with_help("the root file starts with `scorecard: NAME` (YAML) or `scorecard NAME { ... }` (DSL)"),
        );
    }
    loaded.documents.push((root_id, root_doc));

    let listing = if includes.is_empty() {
        Vec::new()
    } else {
        vfs.files_under(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &dir
        })
        .unwrap_or_default()
    };
    let mut seen = vec![normal(&root)];
    let mut to_parse: Vec<(FileId, Syntax)> = Vec::new();
    for include in includes {
        let pattern_text = include.node.as_str();
        if escapes(Path::new(pattern_text)) {
            loaded.diagnostics.push(
                Diagnostic::new(
                    codes::BAD_INCLUDE,
                    format!("include `{pattern_text}` leaves the scorecard folder"),
                )
                .at(include.span)
                .with_help("included files must be inside the folder of the root file"),
            );
            continue;
        }
        let pattern = match glob::Pattern::new(pattern_text) {
            Ok(p) => p,
            Err(e) => {
                loaded.diagnostics.push(
                    Diagnostic::new(
                        codes::BAD_INCLUDE,
                        format!("include `{pattern_text}` is not a valid pattern: {}", e.msg),
                    )
                    .at(include.span),
                );
                continue;
            }
        };
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..glob::MatchOptions::default()
        };
        let matched: Vec<&PathBuf> = listing
            .iter()
            .filter(|p| pattern.matches_path_with(p, options) && Syntax::of(p).is_some())
            .collect();
        if matched.is_empty() {
            loaded.diagnostics.push(
                Diagnostic::new(codes::BAD_INCLUDE, format!("include `{pattern_text}` matches no scorecard file"))
                    .at(include.span)
                    .with_help("paths are relative to the root file; scorecard files end in `.yaml`, `.yml` or `.scorec`"),
            );
            continue;
        }
        for relative in matched {
            let path = dir.join(relative);
            if seen.contains(&normal(&path)) {
                if !pattern_text.contains(['*', '?', '[']) {
                    loaded.diagnostics.push(
                        Diagnostic::new(
                            codes::BAD_INCLUDE,
                            format!("`{}` is included twice", path.display()),
                        )
                        .at(include.span),
                    );
                }
                continue;
            }
            seen.push(normal(&path));
            if let Some(file) = read_file(vfs, &path, &mut loaded) {
                to_parse.push(file);
            }
        }
    }
    // Included files are independent: parse them on every core, then keep
    // their documents and diagnostics in include order.
    for (id, doc, diagnostics) in parse_all(&loaded.sources, &to_parse) {
        loaded.diagnostics.extend(diagnostics);
        if let Some(header) = &doc.header {
            loaded.diagnostics.push(
                Diagnostic::new(
                    codes::NO_ROOT,
                    "an included file declares a second `scorecard`",
                )
                .at(header.name.span)
                .with_help("only the root file has a `scorecard` declaration"),
            );
        }
        loaded.documents.push((id, doc));
    }
    for catalog in catalogs {
        let path = dir.join(&catalog.node);
        if escapes(Path::new(&catalog.node)) {
            loaded.diagnostics.push(
                Diagnostic::new(
                    codes::BAD_INCLUDE,
                    format!("catalog `{}` leaves the scorecard folder", catalog.node),
                )
                .at(catalog.span),
            );
            continue;
        }
        match read_text(vfs, &path, &mut loaded.sources, Some(catalog.span)) {
            Ok(file) => loaded.catalogs.push(CatalogFile {
                file,
                declared_at: catalog.span,
            }),
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    loaded
}

fn find_root(vfs: &dyn Vfs, path: &Path) -> Result<PathBuf, Diagnostic> {
    if !vfs.is_dir(path) {
        if let Err(e) = vfs.read(path) {
            return Err(Diagnostic::new(
                codes::READ_FAILED,
                format!("cannot read `{}`: {}", path.display(), io_reason(&e)),
            )
            .with_help("give a scorecard folder or its root file"));
        }
        return Ok(path.to_path_buf());
    }
    let found: Vec<PathBuf> = ROOT_NAMES
        .iter()
        .map(|n| path.join(n))
        .filter(|p| vfs.read(p).is_ok())
        .collect();
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Diagnostic::new(
            codes::NO_ROOT,
            format!("no root scorecard file in `{}`", path.display()),
        )
        .with_help(format!(
            "create one of {} (`scorec init` writes a starter)",
            ROOT_NAMES.join(", ")
        ))),
        many => Err(Diagnostic::new(
            codes::NO_ROOT,
            format!(
                "`{}` holds {} root files: {}",
                path.display(),
                many.len(),
                many.iter()
                    .map(|p| format!("`{}`", p.display()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_help("keep one root file and include the others from it")),
    }
}

fn read_and_parse(vfs: &dyn Vfs, path: &Path, loaded: &mut Loaded) -> Option<(FileId, Document)> {
    let (id, syntax) = read_file(vfs, path, loaded)?;
    let (doc, diagnostics) = parse_text(id, &loaded.sources.get(id).text, syntax);
    loaded.diagnostics.extend(diagnostics);
    Some((id, doc))
}

/// Reads a scorecard file into the source map; reports what stops it.
fn read_file(vfs: &dyn Vfs, path: &Path, loaded: &mut Loaded) -> Option<(FileId, Syntax)> {
    let Some(syntax) = Syntax::of(path) else {
        loaded.diagnostics.push(
            Diagnostic::new(
                codes::UNKNOWN_FILE_KIND,
                format!("`{}` is neither YAML nor DSL", path.display()),
            )
            .with_help("scorecard files end in `.yaml`, `.yml` or `.scorec`"),
        );
        return None;
    };
    match read_text(vfs, path, &mut loaded.sources, None) {
        Ok(id) => Some((id, syntax)),
        Err(d) => {
            loaded.diagnostics.push(d);
            None
        }
    }
}

/// Parses files in parallel, one thread per available core, and returns
/// the results in the order of `files`.
fn parse_all(
    sources: &SourceMap,
    files: &[(FileId, Syntax)],
) -> Vec<(FileId, Document, Vec<Diagnostic>)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len())
        .max(1);
    let parse = |&(id, syntax): &(FileId, Syntax)| {
        let (doc, diagnostics) = parse_text(id, &sources.get(id).text, syntax);
        (id, doc, diagnostics)
    };
    if threads == 1 {
        return files.iter().map(parse).collect();
    }
    // Interleave files over threads so large and small files spread evenly.
    let mut results: Vec<Option<(FileId, Document, Vec<Diagnostic>)>> =
        (0..files.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    files
                        .iter()
                        .enumerate()
                        .skip(t)
                        .step_by(threads)
                        .map(|(i, f)| (i, parse(f)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            // A panic in a parser thread is a bug; re-raise it here.
            for (i, result) in handle
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
            {
                results[i] = Some(result);
            }
        }
    });
    results.into_iter().flatten().collect()
}

/// Parses one file's text with the front-end of its syntax.
pub fn parse_text(file: FileId, text: &str, syntax: Syntax) -> (Document, Vec<Diagnostic>) {
    match syntax {
        Syntax::Yaml => syntax::yaml::parse(file, text),
        Syntax::Dsl => match syntax::dsl::parse(file, text) {
            Ok(doc) => (doc, Vec::new()),
            Err(d) => (Document::default(), vec![d]),
        },
    }
}

fn read_text(
    vfs: &dyn Vfs,
    path: &Path,
    sources: &mut SourceMap,
    declared_at: Option<Span>,
) -> Result<FileId, Diagnostic> {
    let shown = normal(path).display().to_string();
    let bytes = vfs.read(path).map_err(|e| {
        let d = Diagnostic::new(
            codes::READ_FAILED,
            format!("cannot read `{shown}`: {}", io_reason(&e)),
        );
        match declared_at {
            Some(span) => d.at(span),
            None => d,
        }
    })?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::new(
            codes::FILE_TOO_LARGE,
            format!(
                "`{shown}` is {} bytes; scorec reads files of at most {MAX_FILE_BYTES} bytes",
                bytes.len()
            ),
        )
        .with_help("split the scorecard into included files"));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(sources.add(shown, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Keep the valid prefix so the diagnostic can show the line.
            let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let len = text.len();
            let id = sources.add(shown.clone(), text);
            Err(Diagnostic::new(
                codes::NOT_UTF8,
                format!("`{shown}` is not valid UTF-8 (byte {valid})"),
            )
            .at_labelled(Span::new(id, len..len), "invalid byte after this")
            .with_help("save the file as UTF-8"))
        }
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

fn escapes(path: &Path) -> bool {
    path.is_absolute() || path.components().any(|c| matches!(c, Component::ParentDir))
}

fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}
