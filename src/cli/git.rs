//! Reading a scorecard at a git revision through the object store, with the
//! `git` command line: `rev-parse` finds the repository and the commit,
//! `ls-tree` lists the files, `cat-file --batch` reads them in one process.
//! Nothing is checked out, so the working tree is never touched.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use super::fs::OsFs;
use crate::load::{MAX_FILE_BYTES, Syntax, Vfs};

/// A git repository, found from the current folder.
#[derive(Clone, Debug)]
pub(super) struct Repo {
    /// Its top folder.
    pub(super) toplevel: PathBuf,
    /// The current folder, relative to the top.
    prefix: PathBuf,
}

/// Runs git with `args` in the current folder; its stdout, or why not.
fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `git`: {e}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let reason = stderr.lines().next().unwrap_or("").trim();
        Err(format!("`git {}` failed: {reason}", args.join(" ")))
    }
}

impl Repo {
    /// The repository holding the current folder.
    pub(super) fn discover() -> Result<Repo, String> {
        let out = git(&["rev-parse", "--show-toplevel", "--show-prefix"])
            .map_err(|_| "the current folder is not in a git repository".to_string())?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let toplevel = PathBuf::from(lines.next().unwrap_or_default());
        let prefix = PathBuf::from(lines.next().unwrap_or_default());
        Ok(Repo { toplevel, prefix })
    }

    /// A path given on the command line (relative to the current folder,
    /// or absolute), as a path relative to the top of the repository.
    pub(super) fn relative(&self, path: &Path) -> Result<PathBuf, String> {
        let joined = if path.is_absolute() {
            let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            path.strip_prefix(&self.toplevel)
                .map(Path::to_path_buf)
                .map_err(|_| format!("`{}` is outside the repository", path.display()))?
        } else {
            self.prefix.join(path)
        };
        let mut out = PathBuf::new();
        for c in joined.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    if !out.pop() {
                        return Err(format!("`{}` is outside the repository", path.display()));
                    }
                }
                Component::Normal(n) => out.push(n),
                Component::RootDir | Component::Prefix(_) => {}
            }
        }
        Ok(out)
    }

    /// The commit a revision names (`main`, `HEAD~2`, a tag, a hash).
    pub(super) fn commit(&self, revision: &str) -> Result<String, String> {
        let spec = format!("{revision}^{{commit}}");
        let out = git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])
        .map_err(|_| format!("`{revision}` is not a commit of this repository"))?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }
}

/// A file of a tree: read already, or read on demand by its object id.
#[derive(Clone, Debug)]
enum Blob {
    Read(Vec<u8>),
    Later(String),
}

/// The files under one folder of one commit, addressed by their paths
/// relative to the top of the repository.
#[derive(Debug)]
pub(super) struct TreeFs {
    files: BTreeMap<PathBuf, Blob>,
}

impl TreeFs {
    /// Lists the files of `commit` under `path` (the scorecard's folder, or
    /// the folder of its root file) and reads every scorecard file among
    /// them with one `git cat-file --batch`. Other files (a user catalog
    /// with another extension) are read when the loader asks for them.
    pub(super) fn read(repo: &Repo, commit: &str, path: &Path) -> Result<TreeFs, String> {
        let mut entries = ls_tree(repo, commit, path)?;
        let is_file = entries.len() == 1 && entries[0].0 == path;
        if is_file {
            entries = ls_tree(repo, commit, path.parent().unwrap_or(Path::new("")))?;
        }
        let wanted: Vec<&(PathBuf, String, u64)> = entries
            .iter()
            .filter(|(p, _, size)| Syntax::of(p).is_some() && *size as usize <= MAX_FILE_BYTES)
            .collect();
        let ids: Vec<&str> = wanted.iter().map(|(_, id, _)| id.as_str()).collect();
        let mut contents = cat_batch(&ids)?.into_iter();
        let mut files = BTreeMap::new();
        for (p, id, size) in &entries {
            let blob = if Syntax::of(p).is_some() && *size as usize <= MAX_FILE_BYTES {
                Blob::Read(contents.next().unwrap_or_default())
            } else {
                Blob::Later(id.clone())
            };
            files.insert(p.clone(), blob);
        }
        Ok(TreeFs { files })
    }
}

/// `git ls-tree`: path, object id and size of every regular file under `path`.
fn ls_tree(repo: &Repo, commit: &str, path: &Path) -> Result<Vec<(PathBuf, String, u64)>, String> {
    let top = repo.toplevel.to_string_lossy().into_owned();
    let spec = path.to_string_lossy().into_owned();
    let mut args = vec![
        "-C",
        &top,
        "ls-tree",
        "-r",
        "-z",
        "-l",
        "--full-tree",
        commit,
    ];
    if !spec.is_empty() {
        args.push("--");
        args.push(&spec);
    }
    let out = git(&args)?;
    let mut entries = Vec::new();
    for record in out.split(|b| *b == 0).filter(|r| !r.is_empty()) {
        let text = String::from_utf8_lossy(record);
        let Some((meta, file)) = text.split_once('\t') else {
            continue;
        };
        let fields: Vec<&str> = meta.split_whitespace().collect();
        // Regular files only: symbolic links (120000) and submodules are
        // not part of a scorecard.
        if let [mode, "blob", id, size] = fields.as_slice()
            && mode.starts_with("100")
        {
            entries.push((
                PathBuf::from(file),
                id.to_string(),
                size.parse().unwrap_or(0),
            ));
        }
    }
    Ok(entries)
}

/// The contents of `ids`, in order, from one `git cat-file --batch`.
fn cat_batch(ids: &[&str]) -> Result<Vec<Vec<u8>>, String> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run `git cat-file`: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin for `git cat-file`")?;
    let input: String = ids.iter().map(|id| format!("{id}\n")).collect();
    // Write on another thread: git answers while it reads, and a full pipe
    // would block both sides.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or("no stdout for `git cat-file`")?
        .read_to_end(&mut out)
        .map_err(|e| format!("cannot read from `git cat-file`: {e}"))?;
    let _ = writer.join();
    let _ = child.wait();
    let mut blobs = Vec::new();
    let mut rest = out.as_slice();
    for _ in ids {
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or("short `git cat-file` output")?;
        let header = String::from_utf8_lossy(&rest[..end]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("unexpected `git cat-file` output: {header}"))?;
        let body = rest
            .get(end + 1..end + 1 + size)
            .ok_or("short `git cat-file` output")?;
        blobs.push(body.to_vec());
        rest = rest.get(end + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}

fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

fn not_found() -> std::io::Error {
    std::io::Error::from(std::io::ErrorKind::NotFound)
}

impl Vfs for TreeFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.files.get(&normal(path)) {
            Some(Blob::Read(bytes)) => Ok(bytes.clone()),
            Some(Blob::Later(id)) => git(&["cat-file", "blob", id]).map_err(std::io::Error::other),
            None => Err(not_found()),
        }
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = normal(path);
        self.files.keys().any(|p| p != &dir && p.starts_with(&dir))
    }

    fn files_under(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let dir = normal(dir);
        Ok(self
            .files
            .keys()
            .filter_map(|p| p.strip_prefix(&dir).ok())
            .filter(|p| {
                // Hidden folders never hold scorecard files (as on disk).
                let mut parents = p.components().rev().skip(1);
                !parents.any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            })
            .map(Path::to_path_buf)
            .collect())
    }
}

/// The working tree, addressed like a [`TreeFs`] by paths relative to the
/// top of the repository, so both versions show the same file names.
#[derive(Debug)]
pub(super) struct WorktreeFs {
    pub(super) toplevel: PathBuf,
}

impl Vfs for WorktreeFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        OsFs.read(&self.toplevel.join(path))
    }

    fn is_dir(&self, path: &Path) -> bool {
        OsFs.is_dir(&self.toplevel.join(path))
    }

    fn files_under(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        OsFs.files_under(&self.toplevel.join(dir))
    }
}
