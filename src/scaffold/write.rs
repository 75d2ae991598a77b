//! Writing an annotation file safely: runs of `brief new` on one site take turns (a lock
//! file), the site is checked as it would be with the new text before anything is written, and
//! the file is replaced by an atomic rename (which `brief import` writes its sources with too).

use std::path::Path;
use std::sync::Arc;

use crate::annotate::model::{self, Annotation};
use crate::annotate::resolve;
use crate::diagnostics::{Diagnostic, Severity};
use crate::schema;
use crate::site::Site;

/// The lock file that serialises `brief new` runs on one site.
const LOCK_FILE: &str = ".brief-new.lock";

/// Waits for, then holds, the site's lock until the returned file is dropped.
pub(super) fn lock_site(root: &Path) -> Result<std::fs::File, Diagnostic> {
    let io = |error: std::io::Error| {
        Diagnostic::error("E009", format!("cannot lock `{LOCK_FILE}`: {error}"))
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(root.join(LOCK_FILE))
        .map_err(io)?;
    file.lock().map_err(io)?;
    Ok(file)
}

/// Checks the site as it would be with `file` holding `text`: the file parses and its
/// annotations anchor. Problems elsewhere are not this edit's.
pub(super) fn recheck(site: &Site, file: &Path, text: &str) -> Result<(), Diagnostic> {
    let mut annotations: Vec<Arc<Annotation>> = model::parse_file(file, text)
        .map_err(|mut problems| problems.remove(0))?
        .into_iter()
        .map(Arc::new)
        .collect();
    annotations.extend(
        site.annotations
            .iter()
            .filter(|a| a.at.file != file)
            .cloned(),
    );
    let mut problems = Vec::new();
    resolve::resolve(
        annotations,
        &site.unloaded,
        &site.sources,
        &site.briefing,
        &mut problems,
    );
    match problems.into_iter().find(|d| {
        d.severity == Severity::Error && d.location.as_ref().is_some_and(|l| l.file == file)
    }) {
        Some(problem) => Err(problem),
        None => Ok(()),
    }
}

/// Writes `text` to `file` under `root` through a staging file of its own (named after this
/// process), renamed over the file: a reader sees the old file or the new, never half.
pub(crate) fn write_atomically(root: &Path, file: &Path, text: &str) -> Result<(), Diagnostic> {
    let path = root.join(file);
    let io = |error: std::io::Error| {
        Diagnostic::error(
            "E009",
            format!("cannot write `{}`: {error}", file.display()),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut staging = path.clone().into_os_string();
    staging.push(format!(".{}.brief-new", std::process::id()));
    std::fs::write(&staging, text).map_err(io)?;
    std::fs::rename(&staging, &path).map_err(|error| {
        let _ = std::fs::remove_file(&staging);
        io(error)
    })
}

/// A site made by hand may lack the schema the modeline points at.
pub(super) fn ensure_schema(root: &Path) -> Result<(), Diagnostic> {
    let path = root.join(schema::COMMITTED_PATH);
    if path.exists() {
        return Ok(());
    }
    let io = |error: std::io::Error| {
        Diagnostic::error(
            "E009",
            format!("cannot write `{}`: {error}", schema::COMMITTED_PATH),
        )
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::write(&path, schema::annotations_schema()).map_err(io)
}
