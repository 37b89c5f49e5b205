//! The real file system, for loading, and atomic writes of outputs.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::load::Vfs;

/// Reads scorecards from the disk.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsFs;

impl Vfs for OsFs {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn files_under(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let mut stack = vec![PathBuf::new()];
        while let Some(relative) = stack.pop() {
            for entry in std::fs::read_dir(dir.join(&relative))? {
                let entry = entry?;
                let name = relative.join(entry.file_name());
                let kind = entry.file_type()?;
                if kind.is_dir() {
                    // Hidden folders (.git, .scorec) never hold scorecard files.
                    if !entry.file_name().to_string_lossy().starts_with('.') {
                        stack.push(name);
                    }
                } else if kind.is_file() {
                    out.push(name);
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Writes `contents` to `path` atomically: a temporary file in the same
/// folder, flushed, then renamed over the target. A failure leaves the
/// previous file untouched.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.scorec-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Replaces the folder `dir` with exactly `files` (paths relative to it),
/// all or nothing; see [`replace_dir`].
pub fn write_dir_atomic(dir: &Path, files: &[(PathBuf, &[u8])]) -> std::io::Result<()> {
    replace_dir(dir, |staged| {
        for (path, contents) in files {
            write_new(&staged.join(path), contents)?;
        }
        Ok(())
    })
}

/// Writes a new file into a folder that [`replace_dir`] is filling,
/// creating its folder. It is not flushed to disk on its own: a build
/// writes thousands of files, and one `fsync` each took longer than the
/// build. Readers see the new folder only when it has replaced the old
/// one, whole.
pub fn write_new(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, contents)
}

/// Replaces the folder `dir` with what `fill` writes into a new folder
/// beside it (given to `fill`), all or nothing: the new folder takes the
/// old one's place only when `fill` succeeds. A failure leaves the old
/// folder as it was and removes the new one.
pub fn replace_dir<T>(
    dir: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<T>,
) -> std::io::Result<T> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".to_string());
    let staged = parent.join(format!(".{name}.scorec-{}.new", std::process::id()));
    let retired = parent.join(format!(".{name}.scorec-{}.old", std::process::id()));
    let _ = std::fs::remove_dir_all(&staged);
    let filled = std::fs::create_dir_all(&staged).and_then(|()| fill(&staged));
    let value = match filled {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
    };
    if dir.exists() {
        if !dir.is_dir() {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(std::io::Error::other(format!(
                "{} exists and is not a folder",
                dir.display()
            )));
        }
        std::fs::rename(dir, &retired).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staged);
        })?;
        if let Err(e) = std::fs::rename(&staged, dir) {
            // Put the old output back.
            let _ = std::fs::rename(&retired, dir);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(e);
        }
        let _ = std::fs::remove_dir_all(&retired);
    } else {
        std::fs::rename(&staged, dir).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&staged);
        })?;
    }
    Ok(value)
}
