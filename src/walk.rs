//! Walking the site's folders, with one policy for everything brief reads from `content/`
//! and `themes/`.
//!
//! Files come sorted by name, so output is deterministic. A folder or file that cannot be
//! read is a located error (E009), never silently skipped. Symlinks are followed only while
//! they stay inside the site: one that points outside it is refused (E020) and not followed,
//! so a site cannot publish `/etc` through a link; a symlink loop is reported (E009), not
//! walked forever.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, Location};

/// The files under `root/dir` (to `depth` levels: 1 for the folder's own files) that `wanted`
/// keeps, relative to `root`, sorted. A missing folder has no files.
pub fn files_under(
    root: &Path,
    dir: &Path,
    depth: usize,
    wanted: impl Fn(&Path) -> bool,
    problems: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let full = root.join(dir);
    if !full.exists() && std::fs::symlink_metadata(&full).is_err() {
        return Vec::new();
    }
    let site = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let mut files = Vec::new();
    let mut entries = WalkDir::new(&full)
        .follow_links(true)
        .max_depth(depth)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().map_or_else(|| dir.to_path_buf(), relative);
                problems.push(unreadable(&path, &error));
                continue;
            }
        };
        if entry.path_is_symlink() && !inside(&site, entry.path()) {
            let path = relative(entry.path());
            problems.push(
                Diagnostic::error(
                    "E020",
                    format!("`{}` is a link to a place outside the site", path.display()),
                )
                .at(Location::file_start(&path))
                .label("a symbolic link")
                .help("brief reads only files inside the site's folder: copy the file in instead of linking to it"),
            );
            if entry.file_type().is_dir() {
                entries.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() && wanted(entry.path()) {
            files.push(relative(entry.path()));
        }
    }
    files
}

fn inside(site: &Path, path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|real| real.starts_with(site))
}

fn unreadable(path: &Path, error: &walkdir::Error) -> Diagnostic {
    let diagnostic = if error.loop_ancestor().is_some() {
        Diagnostic::error(
            "E009",
            format!(
                "`{}` is a symbolic link that loops back to a folder above it",
                path.display()
            ),
        )
        .help("remove the link, or point it at a folder that does not contain it")
    } else {
        let cause = error
            .io_error()
            .map_or_else(|| error.to_string(), ToString::to_string);
        Diagnostic::error("E009", format!("cannot read `{}`: {cause}", path.display()))
            .help("check that the file or folder exists and that you may read it (`ls -l`)")
    };
    diagnostic.at(Location::file_start(path))
}
