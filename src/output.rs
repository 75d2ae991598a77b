//! The safe, atomic writer of the built site.
//!
//! The render stage hands each file to a [`Sink`] as soon as it is made. `build` writes them
//! into a [`Staging`] folder beside the output and, once the whole site rendered without
//! failing, swaps the two in one step, so a failed build, a crash or a Ctrl-C half-way leaves
//! the previous site as it was, and a reader never sees it missing; no build holds its whole
//! site in memory. `serve` collects the files in memory instead ([`SiteFiles`] is a sink too).
//! It writes only relative paths made of plain names, whatever a slug or id says, and it
//! refuses to replace a folder it did not create (brief leaves a marker file in its output),
//! so `--output ~` cannot wipe a home folder. Paths are compared after resolving symlinks, so
//! no spelling of the site root, of `content/` or of a folder around them can be the output.
//! A lock file beside the output lets one build at a time write it; another gets a clear
//! error instead of mixing files.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::{self, Seek, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use thiserror::Error;

/// The file brief leaves in every output folder it creates.
pub const MARKER: &str = ".brief-output";

/// The files of a built site, by path relative to the output folder (`/`-separated).
pub type SiteFiles = BTreeMap<String, Vec<u8>>;

/// Why the site could not be written.
#[derive(Debug, Error)]
pub enum WriteError {
    /// The output folder holds files that brief did not write.
    #[error("`{}` already exists and was not made by brief; refusing to replace it", .0.display())]
    NotOurs(PathBuf),
    /// A page path would leave the output folder.
    #[error("refusing to write `{0}`: it is not a plain path inside the output folder")]
    UnsafePath(String),
    /// The output folder is the site root or contains it.
    #[error("the output folder `{}` is the site's folder or contains it; replacing it would delete the content", .0.display())]
    ContainsRoot(PathBuf),
    /// The output folder is inside `content/`.
    #[error("the output folder `{}` is inside the site's `content/`", .0.display())]
    InsideContent(PathBuf),
    /// The output is a symbolic link; replacing it would turn it into a folder.
    #[error("the output `{}` is a symbolic link; brief replaces its output whole and will not replace a link", .0.display())]
    Symlink(PathBuf),
    /// Another brief process is writing the same output folder.
    #[error("another brief is writing `{}` right now; this build wrote nothing", .0.display())]
    Busy(PathBuf),
    /// The file system said no.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// What was being written.
        path: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
}

impl WriteError {
    /// What the user can do about it.
    pub fn help(&self) -> &'static str {
        match self {
            WriteError::Busy(_) => {
                "wait for the other build to finish (its site is complete when it does), then run this one again"
            }
            WriteError::Symlink(_) => {
                "pass the folder the link points to as `--output`, or remove the link"
            }
            _ => "pass another `--output` folder, or empty this one if it is yours to delete",
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Where the render stage puts each file of the site as it makes it, from any thread.
pub trait Sink: Sync {
    /// Makes the file at `path`, relative to the output folder (`/`-separated), from what
    /// `contents` writes into it (a large file is written as it is made, never held whole);
    /// returns its size in bytes.
    fn write(&self, path: &str, contents: &mut Contents<'_>) -> Result<usize, WriteError>;

    /// Makes the file at `path` of `bytes`.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<usize, WriteError> {
        self.write(path, &mut |out| out.write_all(bytes))
    }
}

/// What writes a file's contents.
pub type Contents<'a> = dyn FnMut(&mut dyn Write) -> io::Result<()> + 'a;

/// A file's contents in memory.
fn in_memory(path: &str, contents: &mut Contents<'_>) -> Result<Vec<u8>, WriteError> {
    check_relative(path)?;
    let mut bytes = Vec::new();
    contents(&mut bytes).map_err(io_error(Path::new(path)))?;
    Ok(bytes)
}

/// The site in memory, for `serve`.
impl Sink for Mutex<SiteFiles> {
    fn write(&self, path: &str, contents: &mut Contents<'_>) -> Result<usize, WriteError> {
        let bytes = in_memory(path, contents)?;
        let size = bytes.len();
        self.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_string(), bytes);
        Ok(size)
    }
}

/// Nowhere: for a build that renders only to report problems (its output cannot be written,
/// or its content has errors already).
pub struct Discard;

impl Sink for Discard {
    fn write(&self, path: &str, contents: &mut Contents<'_>) -> Result<usize, WriteError> {
        in_memory(path, contents).map(|bytes| bytes.len())
    }
}

/// A site being written: files go into a staging folder beside the output as they come;
/// [`Staging::finish`] swaps it in whole. Dropped unfinished (the build failed), the staging
/// folder is deleted and the previous output stays as it was.
pub struct Staging {
    staging: PathBuf,
    output: PathBuf,
    /// The folders made so far, so each is created once.
    folders: Mutex<HashSet<PathBuf>>,
    finished: bool,
    /// Held until the swap: one build at a time writes this output.
    _lock: Lock,
}

impl Staging {
    /// Checks that `output` may be replaced and starts its staging folder.
    pub fn begin(output: &Path, root: &Path) -> Result<Staging, WriteError> {
        let shown = output.to_path_buf();
        let output = absolute(output)?;
        if fs::symlink_metadata(&output).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Symlink(shown));
        }
        let output = resolved(&output)?;
        let root = resolved(&absolute(root)?)?;
        if root.starts_with(&output) {
            return Err(WriteError::ContainsRoot(shown));
        }
        if output.starts_with(root.join("content")) {
            return Err(WriteError::InsideContent(shown));
        }
        let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else {
            return Err(WriteError::ContainsRoot(shown));
        };
        let name = name.to_string_lossy().into_owned();
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let lock = lock(&parent.join(format!(".{name}.brief-lock")), &shown)?;
        if output.exists() && !is_ours(&output)? {
            return Err(WriteError::NotOurs(shown));
        }
        remove_litter(parent, &name);
        let staging = parent.join(format!(".{name}.brief-new-{}", unique_suffix()));
        fs::create_dir(&staging).map_err(io_error(&staging))?;
        Ok(Staging {
            staging,
            output,
            folders: Mutex::new(HashSet::new()),
            finished: false,
            _lock: lock,
        })
    }

    /// Leaves brief's marker and puts the staged site in the place of the output.
    pub fn finish(mut self) -> Result<(), WriteError> {
        let marker = self.staging.join(MARKER);
        fs::write(
            &marker,
            "This folder is written by `brief build`; it is replaced whole by each build.\n",
        )
        .map_err(io_error(&marker))?;
        swap(&self.staging, &self.output)?;
        self.finished = true;
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, contents: &mut Contents<'_>) -> Result<usize, WriteError> {
        check_relative(path)?;
        let path = self.staging.join(path);
        if let Some(folder) = path.parent().filter(|folder| *folder != self.staging) {
            let mut made = self.folders.lock().unwrap_or_else(PoisonError::into_inner);
            if !made.contains(folder) {
                fs::create_dir_all(folder).map_err(io_error(folder))?;
                made.insert(folder.to_path_buf());
            }
        }
        let written = fs::File::create(&path).and_then(|file| {
            let mut out = io::BufWriter::new(file);
            contents(&mut out)?;
            let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
            file.stream_position()
        });
        let size = written.map_err(io_error(&path))?;
        Ok(usize::try_from(size).unwrap_or(usize::MAX))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Holds the exclusive lock of one output folder while it lives.
struct Lock(fs::File);

fn lock(path: &Path, output: &Path) -> Result<Lock, WriteError> {
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io_error(path))?;
    match file.try_lock() {
        Ok(()) => Ok(Lock(file)),
        Err(fs::TryLockError::WouldBlock) => Err(WriteError::Busy(output.to_path_buf())),
        Err(fs::TryLockError::Error(source)) => Err(WriteError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// Staging and retired folders a killed build left beside the output. Only called under the
/// lock, so none of them belongs to a build still running.
fn remove_litter(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.brief-new-"), format!(".{name}.brief-old-")];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str()))
            && entry.file_type().is_ok_and(|t| t.is_dir())
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// A name part no other staging folder has: the process, a counter within it, and the time.
fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A page path must be relative and made only of plain names: no `..`, no root, no drive.
fn check_relative(path: &str) -> Result<(), WriteError> {
    let plain = !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(())
    } else {
        Err(WriteError::UnsafePath(path.to_string()))
    }
}

fn absolute(path: &Path) -> Result<PathBuf, WriteError> {
    std::path::absolute(path).map_err(io_error(path))
}

/// The path with every symlink resolved: the longest part that exists is canonicalized, the
/// rest (not yet created) is appended, its `..` taken off by name.
fn resolved(path: &Path) -> Result<PathBuf, WriteError> {
    let mut existing = path.to_path_buf();
    let mut missing = Vec::new();
    loop {
        match fs::canonicalize(&existing) {
            Ok(real) => {
                return Ok(missing.into_iter().rev().fold(real, |mut out, part| {
                    if part == ".." {
                        out.pop();
                    } else if part != "." {
                        out.push(part);
                    }
                    out
                }));
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                let Some(last) = existing.components().next_back() else {
                    return Err(io_error(path)(error));
                };
                missing.push(last.as_os_str().to_os_string());
                if !existing.pop() {
                    return Err(io_error(path)(error));
                }
            }
            Err(error) => return Err(io_error(path)(error)),
        }
    }
}

/// An output folder is ours when it is empty or holds brief's marker.
fn is_ours(output: &Path) -> Result<bool, WriteError> {
    if !output.is_dir() {
        return Ok(false);
    }
    if output.join(MARKER).is_file() {
        return Ok(true);
    }
    let mut entries = fs::read_dir(output).map_err(io_error(output))?;
    Ok(entries.next().is_none())
}

/// Puts `staging` in the place of `output`. Where the system can, the two folders trade
/// places in one step, so `output` never goes missing; elsewhere the old one is renamed away
/// first. What was the output is then deleted.
fn swap(staging: &Path, output: &Path) -> Result<(), WriteError> {
    if !output.exists() {
        return fs::rename(staging, output).map_err(io_error(output));
    }
    let retired = if exchange(staging, output) {
        staging.to_path_buf()
    } else {
        let retired = staging.with_file_name(
            staging
                .file_name()
                .map(|n| {
                    n.to_string_lossy()
                        .replacen(".brief-new-", ".brief-old-", 1)
                })
                .unwrap_or_default(),
        );
        fs::rename(output, &retired).map_err(io_error(output))?;
        if let Err(source) = fs::rename(staging, output) {
            let _ = fs::rename(&retired, output);
            return Err(WriteError::Io {
                path: output.to_path_buf(),
                source,
            });
        }
        retired
    };
    fs::remove_dir_all(&retired).map_err(io_error(&retired))
}

/// Trades the two folders' names atomically (`renameat2` with `RENAME_EXCHANGE`); false where
/// the kernel or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `files` as a build does: staged, then swapped in.
    fn write_site(output: &Path, root: &Path, files: &SiteFiles) -> Result<(), WriteError> {
        let staging = Staging::begin(output, root)?;
        for (path, bytes) in files {
            staging.put(path, bytes)?;
        }
        staging.finish()
    }

    fn files(pairs: &[(&str, &str)]) -> SiteFiles {
        pairs
            .iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn writes_then_replaces_its_own_output() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        write_site(
            &out,
            dir.path(),
            &files(&[("index.html", "1"), ("sources/a.html", "a")]),
        )
        .expect("first build");
        write_site(&out, dir.path(), &files(&[("index.html", "2")])).expect("second build");
        assert_eq!(
            fs::read_to_string(out.join("index.html")).expect("index"),
            "2"
        );
        assert!(!out.join("sources/a.html").exists(), "stale pages are gone");
        // The output and its lock file (kept on purpose) remain; no staging folder does.
        let mut leftovers: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        leftovers.sort();
        assert_eq!(leftovers, [".public.brief-lock", "public"]);
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("home");
        fs::create_dir(&out).expect("mkdir");
        fs::write(out.join("thesis.txt"), "precious").expect("write");
        let error =
            write_site(&out, dir.path(), &files(&[("index.html", "x")])).expect_err("refused");
        assert!(matches!(error, WriteError::NotOurs(_)));
        assert_eq!(
            fs::read_to_string(out.join("thesis.txt")).expect("kept"),
            "precious"
        );
    }

    #[test]
    fn refuses_paths_that_escape() {
        let dir = tempfile::tempdir().expect("temp dir");
        for bad in ["../x.html", "/etc/x", "a/../../x", "", "a\\..\\x"] {
            let error = write_site(&dir.path().join("out"), dir.path(), &files(&[(bad, "x")]))
                .expect_err(bad);
            assert!(matches!(error, WriteError::UnsafePath(_)), "{bad}");
        }
    }

    #[test]
    fn refuses_to_replace_the_site_root() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = write_site(
            &dir.path().join("sub/.."),
            &dir.path().join("content/.."),
            &files(&[("a", "b")]),
        );
        assert!(matches!(
            error,
            Err(WriteError::ContainsRoot(_)) | Err(WriteError::NotOurs(_))
        ));
    }
}
