//! `brief init [DIR]`: a new briefing site that builds and checks clean at once.
//!
//! The files come from `init/` of this repository, compiled into the binary, so `init` works
//! wherever `brief` is installed. The example content (one source written for the scaffold,
//! one annotation, a briefing citing it) shows each format once; `--bare` leaves it out.
//! A folder with anything in it is refused unless `--force`, which overwrites only the files
//! `init` writes.

use std::io;
use std::path::{Path, PathBuf};

/// Files every new site gets: (path in the site, contents).
const ALWAYS: &[(&str, &str)] = &[
    (
        "content/site.yaml",
        include_str!("../init/content/site.yaml"),
    ),
    (".gitignore", include_str!("../init/gitignore")),
    (
        ".github/workflows/pages.yml",
        include_str!("../init/.github/workflows/pages.yml"),
    ),
];

/// The example content, left out by `--bare`.
const EXAMPLE: &[(&str, &str)] = &[
    ("content/index.md", include_str!("../init/content/index.md")),
    (
        "content/sources/example-gazette.md",
        include_str!("../init/content/sources/example-gazette.md"),
    ),
    (
        "content/annotations/example.yaml",
        include_str!("../init/content/annotations/example.yaml"),
    ),
];

/// The briefing of a bare site: no citation, nothing to warn about.
const BARE_BRIEFING: &str = "---\ntitle: My briefing\n---\n\nWrite your briefing here; see `brief explain` for any error.\n";

/// Folders a bare site gets empty, so the layout is visible.
const FOLDERS: &[&str] = &["content/sources", "content/annotations"];

/// Why `init` wrote nothing, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The folder has files, and `--force` was not given.
    #[error("`{0}` is not empty")]
    NotEmpty(PathBuf),
    /// The file system said no.
    #[error("cannot write `{path}`: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
}

/// Writes a new site into `dir` (made if missing); the files written, relative to `dir`.
pub fn init(dir: &Path, bare: bool, force: bool) -> Result<Vec<PathBuf>, InitError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    let has_entries = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_some(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => false,
        Err(error) => return Err(io_error(dir)(error)),
    };
    if has_entries && !force {
        return Err(InitError::NotEmpty(dir.to_path_buf()));
    }
    let mut files: Vec<(&str, String)> = ALWAYS
        .iter()
        .map(|(path, text)| (*path, fill(text)))
        .collect();
    if bare {
        files.push(("content/index.md", BARE_BRIEFING.to_string()));
    } else {
        files.extend(EXAMPLE.iter().map(|(path, text)| (*path, text.to_string())));
    }
    for folder in FOLDERS {
        let path = dir.join(folder);
        std::fs::create_dir_all(&path).map_err(io_error(&path))?;
    }
    let mut written = Vec::new();
    for (relative, text) in files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        std::fs::write(&path, text).map_err(io_error(&path))?;
        written.push(PathBuf::from(relative));
    }
    written.sort();
    Ok(written)
}

/// The workflow names the repository and version brief is downloaded from.
fn fill(text: &str) -> String {
    text.replace("__BRIEF_REPOSITORY__", repository())
        .replace("__BRIEF_VERSION__", env!("CARGO_PKG_VERSION"))
}

/// The GitHub repository brief is released from (`repository` of Cargo.toml), or a
/// placeholder the user replaces when the crate does not say.
fn repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
        .strip_prefix("https://github.com/")
        .map(|path| path.trim_end_matches('/'))
        .filter(|path| !path.is_empty())
        .unwrap_or("OWNER/brief")
}

/// What to type next, printed after the files.
pub fn next_steps(dir: &Path) -> String {
    format!(
        "next:\n  cd {}\n  brief serve     # preview at http://127.0.0.1:1111, rebuilt on every save\n  brief build     # write the site to public/\n",
        dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workflow_names_a_repository_and_this_version() {
        let workflow = fill(ALWAYS[2].1);
        assert!(!workflow.contains("__BRIEF_"), "{workflow}");
        assert!(workflow.contains(&format!("BRIEF_VERSION: {}", env!("CARGO_PKG_VERSION"))));
    }
}
