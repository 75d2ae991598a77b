//! What the fuzz targets share: a scratch site in a temp folder that each input rewrites, so
//! the targets that need files (the build, `suggest`, `new annotation`) run the library's real
//! stages on them.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Splits a fuzz input into `N` parts at lines holding only `===`; missing parts are empty.
/// The seeds are then readable files: a source, `===`, an annotation file, `===`, a briefing.
pub fn parts<const N: usize>(text: &str) -> [&str; N] {
    let mut out = [""; N];
    let mut rest = text;
    for (index, part) in out.iter_mut().enumerate() {
        if index + 1 == N {
            *part = rest;
            break;
        }
        match rest.split_once("\n===\n") {
            Some((head, tail)) => {
                *part = head;
                rest = tail;
            }
            None => {
                *part = rest;
                break;
            }
        }
    }
    out
}

/// The scratch site of this fuzzing process, made once: `content/` with a source `a`, an
/// annotation file and a briefing, rewritten by [`write_site`].
pub fn scratch_root() -> &'static Path {
    static ROOT: OnceLock<tempfile::TempDir> = OnceLock::new();
    ROOT.get_or_init(|| tempfile::tempdir().expect("a temp folder for the scratch site"))
        .path()
}

/// Lays out a site: `content/sources/a.md`, `content/annotations/a.yaml`, `content/index.md`.
pub fn write_site(source: &str, annotations: &str, briefing: &str) -> PathBuf {
    let root = scratch_root();
    for (path, text) in [
        ("content/sources/a.md", source),
        ("content/annotations/a.yaml", annotations),
        ("content/index.md", briefing),
    ] {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("a file has a folder"))
            .expect("the scratch site's folders");
        std::fs::write(full, text).expect("a scratch file");
    }
    root.to_path_buf()
}
