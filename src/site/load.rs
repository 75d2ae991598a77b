//! The load stage: `content/` read into a [`Site`]. `site.yaml`, the briefings, the sources and
//! the annotation files are parsed, each problem located; a file that does not load is set
//! aside with its error, so one run reports every problem. [`Reuse`] lets `serve` parse again
//! only the files a save changed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{BuildOptions, Site};
use crate::annotate::model::{self, Annotation, Unloaded};
use crate::annotate::{placing, review};
use crate::config::SiteConfig;
use crate::content::{self, Briefing, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::series;
use crate::walk;

/// Reads `content/`: site.yaml, the briefing and the sources.
pub fn load(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Site> {
    let everything = Changes {
        touches: &|_| true,
        listing: true,
    };
    load_reusing(options, &mut Reuse::default(), everything, diagnostics)
}

/// What changed under the root since the load a [`Reuse`] holds.
#[derive(Clone, Copy)]
pub struct Changes<'a> {
    /// Whether a file (given relative to the root) may have changed.
    pub touches: &'a (dyn Fn(&Path) -> bool + Sync),
    /// Whether a file may have been added or removed: the folders are listed again. When
    /// not, a folder's files are those listed last time.
    pub listing: bool,
}

/// What `serve` keeps from one load for the next, so that a load parses again only what
/// changed: the sources (all of them again when one changed, or the list, or the language)
/// and each annotation file on its own, with the problems each gave, and the folders' lists
/// of files (listed again only when a file may have been added or removed). What the next
/// resolve takes from the last one is here too (see [`super::resolve_reusing`]).
#[derive(Debug, Default)]
pub struct Reuse {
    sources: Option<LoadedSources>,
    /// Each annotation file as last loaded, in the order listed.
    annotations: Vec<(PathBuf, LoadedAnnotations)>,
    /// Each folder's files as last listed, with the listing's problems.
    listings: HashMap<PathBuf, (Vec<PathBuf>, Vec<Diagnostic>)>,
    /// How each annotation anchored in `anchored_in`, the sources of the last resolve.
    pub(super) kept: placing::Kept,
    /// Each annotation's review in `anchored_in`.
    pub(super) reviewed: review::Reviewed,
    pub(super) anchored_in: Option<Arc<[Source]>>,
}

/// One annotation file as loaded: its annotations, shared with the sites loaded from it.
#[derive(Debug)]
struct LoadedAnnotations {
    annotations: Vec<Arc<Annotation>>,
    /// What else it gave; its `annotations` are moved into the field above.
    file: model::LoadedFile,
}

impl From<model::LoadedFile> for LoadedAnnotations {
    fn from(mut file: model::LoadedFile) -> LoadedAnnotations {
        let annotations = file.annotations.drain(..).map(Arc::new).collect();
        LoadedAnnotations { annotations, file }
    }
}

#[derive(Debug)]
struct LoadedSources {
    files: Vec<PathBuf>,
    language: String,
    sources: Arc<[Source]>,
    broken: HashSet<String>,
    problems: Vec<Diagnostic>,
}

/// [`load`], taking from `reuse` what an earlier load parsed of the files for which `changed`
/// (given a path relative to the root) is false, and keeping this load's results there. The
/// site and the problems are those [`load`] gives.
pub fn load_reusing(
    options: &BuildOptions,
    reuse: &mut Reuse,
    changes: Changes<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Site> {
    let root = &options.root;
    let mut config = read_optional(root, Path::new("content/site.yaml"), diagnostics)
        .map(|(file, text)| SiteConfig::parse(&file, &text))
        .transpose()
        .unwrap_or_else(|d| {
            diagnostics.push(d);
            None
        })
        .unwrap_or_default();
    if let Some(theme) = &options.theme {
        config.theme.clone_from(theme);
    }
    if options.base_url.is_some() {
        config.base_url.clone_from(&options.base_url);
    }
    if let Some(base) = &config.base_url
        && !(base.starts_with("https://") || base.starts_with("http://"))
    {
        diagnostics.push(
            Diagnostic::error("E013", format!("the base URL `{base}` is not an http(s) address"))
                .help("give the site's public address, like `https://user.github.io/repo/`; links never need it, only sitemap.xml and canonical links"),
        );
    }
    let series = series::load(root, diagnostics);
    let briefing = load_home(root, &config, !series.is_empty(), diagnostics);
    let (sources, broken_sources) = load_sources(root, &config, reuse, changes, diagnostics);
    let (mut annotations, mut unloaded) = load_annotations(root, reuse, changes, diagnostics);
    set_aside_on_broken_sources(&mut annotations, &mut unloaded, broken_sources);
    Some(Site {
        config,
        briefing: briefing?,
        series,
        sources,
        annotations,
        unloaded,
    })
}

/// `content/index.md`, the home briefing. A series may do without it: the home page is then
/// the list of its briefings under the site's title.
fn load_home(
    root: &Path,
    config: &SiteConfig,
    has_series: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Briefing> {
    let file = Path::new(HOME);
    let missing = std::fs::symlink_metadata(root.join(file))
        .is_err_and(|error| error.kind() == std::io::ErrorKind::NotFound);
    let text = if missing && has_series {
        // A title alone, quoted as JSON (which YAML reads), so any title parses.
        let title = config.title.as_deref().unwrap_or("Briefings");
        format!("---\ntitle: {}\n---\n", serde_json::Value::from(title))
    } else {
        read_text(root, file)
            .map_err(|problem| diagnostics.push(problem))
            .ok()?
    };
    content::parse_briefing(file, text)
        .map_err(|problems| diagnostics.extend(problems))
        .ok()
}

fn load_annotations(
    root: &Path,
    reuse: &mut Reuse,
    changes: Changes<'_>,
    diagnostics: &mut Diagnostics,
) -> (Vec<Arc<Annotation>>, Unloaded) {
    let files = reuse.listing(
        Path::new("content/annotations"),
        changes,
        diagnostics,
        |problems| {
            walk::files_under(
                root,
                Path::new("content/annotations"),
                usize::MAX,
                |path| path.extension().is_some_and(|x| x == "yaml" || x == "yml"),
                problems,
            )
        },
    );
    let earlier = align(std::mem::take(&mut reuse.annotations), &files);
    // Only the files not kept from the earlier load are read (`None`: kept).
    let read: Vec<Option<LoadedAnnotations>> = files
        .par_iter()
        .zip(&earlier)
        .map(|(file, kept)| {
            if kept.is_some() && !(changes.touches)(file) {
                return None;
            }
            let loaded = match read_annotation_text(root, file) {
                Ok(text) => model::load_file(file, &text),
                Err(problem) => model::LoadedFile {
                    problems: vec![problem],
                    lost: true,
                    ..model::LoadedFile::default()
                },
            };
            Some(loaded.into())
        })
        .collect();
    let mut annotations = Vec::new();
    let mut unloaded = Unloaded::default();
    for ((file, kept), read) in files.into_iter().zip(earlier).zip(read) {
        let Some(found) = read.or(kept) else {
            continue;
        };
        annotations.extend(found.annotations.iter().map(Arc::clone));
        diagnostics.extend(found.file.problems.iter().cloned());
        unloaded.ids.extend(found.file.failed_ids.iter().cloned());
        if found.file.lost {
            unloaded.files.push(file.clone());
        }
        reuse.annotations.push((file, found));
    }
    (annotations, unloaded)
}

/// The sources that load, and the slugs of the source files that exist but did not (their
/// errors are in `diagnostics`).
fn load_sources(
    root: &Path,
    config: &SiteConfig,
    reuse: &mut Reuse,
    changes: Changes<'_>,
    diagnostics: &mut Diagnostics,
) -> (Arc<[Source]>, HashSet<String>) {
    let dir = Path::new("content/sources");
    let files = reuse.listing(dir, changes, diagnostics, |problems| {
        walk::files_under(root, dir, 1, is_markdown, problems)
    });
    let changed = changes.touches;
    let same = |earlier: &&LoadedSources| {
        earlier.files == files
            && earlier.language == config.language
            && !files.iter().any(|file| changed(file))
    };
    let loaded = match reuse.sources.take().filter(|earlier| same(&earlier)) {
        Some(earlier) => earlier,
        None => parse_sources(root, config, files),
    };
    diagnostics.extend(loaded.problems.iter().cloned());
    let result = (Arc::clone(&loaded.sources), loaded.broken.clone());
    reuse.sources = Some(loaded);
    result
}

/// The files loaded earlier, lined up with `files` (`None` for a file not loaded before):
/// as they are when the list is the same, by path when it changed.
fn align(
    earlier: Vec<(PathBuf, LoadedAnnotations)>,
    files: &[PathBuf],
) -> Vec<Option<LoadedAnnotations>> {
    if earlier.len() == files.len() && earlier.iter().zip(files).all(|((a, _), b)| a == b) {
        return earlier
            .into_iter()
            .map(|(_, loaded)| Some(loaded))
            .collect();
    }
    let mut by_path: HashMap<PathBuf, LoadedAnnotations> = earlier.into_iter().collect();
    files.iter().map(|file| by_path.remove(file)).collect()
}

impl Reuse {
    /// The files of `dir` that `list` finds (its problems go to `diagnostics`), or those it
    /// found last time when `changes` added or removed none.
    fn listing(
        &mut self,
        dir: &Path,
        changes: Changes<'_>,
        diagnostics: &mut Diagnostics,
        list: impl FnOnce(&mut Vec<Diagnostic>) -> Vec<PathBuf>,
    ) -> Vec<PathBuf> {
        let listed = match self.listings.remove(dir).filter(|_| !changes.listing) {
            Some(listed) => listed,
            None => {
                let mut problems = Vec::new();
                (list(&mut problems), problems)
            }
        };
        diagnostics.extend(listed.1.iter().cloned());
        let files = listed.0.clone();
        self.listings.insert(dir.to_path_buf(), listed);
        files
    }
}

/// The sources of `files` that parse, the slugs of those that do not, and their problems.
fn parse_sources(root: &Path, config: &SiteConfig, files: Vec<PathBuf>) -> LoadedSources {
    let slug_of = |file: &Path| -> String {
        file.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut problems = Vec::new();
    let mut broken = HashSet::new();
    let publishable: Vec<PathBuf> = files
        .iter()
        .filter(|file| {
            let fits = publishable_name(file);
            if !fits {
                problems.push(
                    Diagnostic::error("E012", "this source's name is too long for a page name")
                        .at(Location::file_start(file))
                        .label(format!("its page would be `sources/<name>.html`, over {MAX_NAME_BYTES} bytes"))
                        .help("rename the file to a short slug, like `cnbc-trump-call.md`, and update the annotations' `source:` values"),
                );
                broken.insert(slug_of(file));
            }
            fits
        })
        .cloned()
        .collect();
    let parsed: Vec<(PathBuf, Result<Source, Vec<Diagnostic>>)> = publishable
        .into_par_iter()
        .map(|file| {
            let source = read_text(root, &file)
                .map_err(|d| vec![d])
                .and_then(|text| content::parse_source(&file, text, &config.language));
            (file, source)
        })
        .collect();
    let mut sources = Vec::new();
    for (file, result) in parsed {
        match result {
            Ok(source) => sources.push(source),
            Err(found) => {
                problems.extend(found);
                broken.insert(slug_of(&file));
            }
        }
    }
    LoadedSources {
        files,
        language: config.language.clone(),
        sources: sources.into(),
        broken,
        problems,
    }
}

/// One mistake, one error: the annotations on a source file that did not load are set aside
/// like entries that did not load, so neither they ("no source") nor their citations ("no
/// annotation") repeat the source's own error.
fn set_aside_on_broken_sources(
    annotations: &mut Vec<Arc<Annotation>>,
    unloaded: &mut Unloaded,
    broken: HashSet<String>,
) {
    if broken.is_empty() {
        return;
    }
    annotations.retain(|annotation| {
        let on_broken = annotation
            .targets
            .iter()
            .any(|target| broken.contains(&target.source));
        if on_broken {
            unloaded.ids.insert(annotation.id.clone());
        }
        !on_broken
    });
    unloaded.sources = broken;
}

/// The home briefing, relative to the site root.
const HOME: &str = "content/index.md";

/// The longest file name most file systems accept, in bytes.
const MAX_NAME_BYTES: usize = 255;

/// Whether a source's page name, `<slug>.html`, fits in a file name.
fn publishable_name(file: &Path) -> bool {
    file.file_stem()
        .is_some_and(|stem| stem.len() + ".html".len() <= MAX_NAME_BYTES)
}

/// The `.md` files of `root/dir` (not of its sub-folders), relative to `root`, sorted.
pub(crate) fn markdown_files(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Diagnostics,
) -> Vec<PathBuf> {
    let mut problems = Vec::new();
    let files = walk::files_under(root, dir, 1, is_markdown, &mut problems);
    diagnostics.extend(problems);
    files
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Reads a UTF-8 file of the content; `file` is relative to `root`.
pub fn read_text(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(file)).map_err(|error| unreadable(file, &error))?;
    decode(file, bytes)
}

/// Reads an annotation file, refusing one over the size limit before reading it whole.
fn read_annotation_text(root: &Path, file: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let limit = model::MAX_FILE_BYTES as u64;
    let opened = std::fs::File::open(root.join(file)).map_err(|error| unreadable(file, &error))?;
    let size = opened.metadata().map_or(0, |m| m.len());
    if size > limit {
        return Err(model::too_large(file, size));
    }
    let mut bytes = Vec::new();
    opened
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| unreadable(file, &error))?;
    if bytes.len() as u64 > limit {
        return Err(model::too_large(file, bytes.len() as u64));
    }
    decode(file, bytes)
}

fn unreadable(file: &Path, error: &std::io::Error) -> Diagnostic {
    let diagnostic =
        Diagnostic::error("E009", format!("cannot read `{}`: {error}", file.display()));
    if error.kind() == std::io::ErrorKind::NotFound && file == Path::new(HOME) {
        diagnostic.help("a site needs `content/index.md`, the briefing (or briefings in `content/briefings/`); see README.md, Quick start")
    } else {
        diagnostic
            .at(Location::file_start(file))
            .help("check that you may read it (`ls -l`)")
    }
}

/// The text of a content file: UTF-8, without the byte-order mark some editors write first
/// (invisible to the editor, so lines and columns are counted without it).
fn decode(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.as_bytes();
        let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        Diagnostic::error("E006", "this file is not UTF-8 text")
            .at(Location::from_range(file, &text, valid..valid))
            .label("the first byte that is not UTF-8 follows here")
            .help("save the file as UTF-8 (any editor's \"Save with encoding\" does it)")
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn read_optional(
    root: &Path,
    file: &Path,
    diagnostics: &mut Diagnostics,
) -> Option<(PathBuf, String)> {
    if !root.join(file).exists() {
        return None;
    }
    match read_text(root, file) {
        Ok(text) => Some((file.to_path_buf(), text)),
        Err(problem) => {
            diagnostics.push(problem);
            None
        }
    }
}
