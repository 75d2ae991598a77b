//! The safe, atomic writer of the built site.
//!
//! The whole site is rendered in memory first; this module then writes it into a temporary
//! folder beside the output and swaps it in with renames, so a failed build (or a crash
//! half-way) leaves the previous site as it was. It writes only relative paths made of plain
//! names, whatever a slug or id says, and it refuses to replace a folder it did not create
//! (brief leaves a marker file in its output), so `--output ~` cannot wipe a home folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

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
    #[error("the output folder `{}` would contain the content itself", .0.display())]
    ContainsRoot(PathBuf),
    /// The file system said no.
    #[error("cannot write `{}`: {source}", path.display())]
    Io {
        /// What was being written.
        path: PathBuf,
        /// Why it failed.
        source: io::Error,
    },
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` as the new contents of `output`, replacing what a previous build left there.
pub fn write_site(output: &Path, root: &Path, files: &SiteFiles) -> Result<(), WriteError> {
    for path in files.keys() {
        check_relative(path)?;
    }
    let output = absolute(output)?;
    if absolute(root)?.starts_with(&output) {
        return Err(WriteError::ContainsRoot(output));
    }
    if output.exists() && !is_ours(&output)? {
        return Err(WriteError::NotOurs(output));
    }
    let parent = output
        .parent()
        .ok_or_else(|| WriteError::NotOurs(output.clone()))?;
    fs::create_dir_all(parent).map_err(io_error(parent))?;
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}.brief-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.brief-old-{}", std::process::id()));
    let result = stage(&staging, files).and_then(|()| swap(&staging, &retired, &output));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
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
    let path = std::path::absolute(path).map_err(io_error(path))?;
    Ok(path
        .components()
        .fold(PathBuf::new(), |mut out, component| {
            match component {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
            out
        }))
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

fn stage(staging: &Path, files: &SiteFiles) -> Result<(), WriteError> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(io_error(staging))?;
    }
    fs::create_dir_all(staging).map_err(io_error(staging))?;
    for (relative, bytes) in files {
        let path = staging.join(relative);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        fs::write(&path, bytes).map_err(io_error(&path))?;
    }
    let marker = staging.join(MARKER);
    fs::write(
        &marker,
        "This folder is written by `brief build`; it is replaced whole by each build.\n",
    )
    .map_err(io_error(&marker))
}

fn swap(staging: &Path, retired: &Path, output: &Path) -> Result<(), WriteError> {
    if output.exists() {
        fs::rename(output, retired).map_err(io_error(output))?;
    }
    if let Err(source) = fs::rename(staging, output) {
        let _ = fs::rename(retired, output);
        return Err(WriteError::Io {
            path: output.to_path_buf(),
            source,
        });
    }
    if retired.exists() {
        fs::remove_dir_all(retired).map_err(io_error(retired))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("list").flatten().collect();
        assert_eq!(leftovers.len(), 1, "no staging folder is left behind");
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
