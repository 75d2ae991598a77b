//! The build, as a straight line of stages over one site model:
//! [`load`] reads and parses the content, [`resolve`] anchors and cites, [`render`] turns the
//! model into files (pages in parallel) handed one by one to a sink: [`build_into_output`]
//! stages them on disk through the safe writer, [`build`] keeps them in memory. Each stage
//! returns a value and the problems it found; every problem of a run is reported, then the run fails.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::annotate::model::{self, Annotation, Unloaded};
use crate::annotate::resolve::{self, Resolved};
use crate::annotate::review;
use crate::config::SiteConfig;
use crate::content::{self, Briefing, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity, plural};
use crate::output::{self, SiteFiles};
use crate::series::{self, SeriesBriefing};
use crate::walk;

mod pages;
mod shared;

use pages::check_render;
pub use pages::{Prepared, is_index_file, prepare, render};

/// What the command line asks of a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder, holding `content/`.
    pub root: PathBuf,
    /// Where to write; `<root>/public` when absent.
    pub output: Option<PathBuf>,
    /// Overrides `theme:` of site.yaml.
    pub theme: Option<String>,
    /// Overrides `base_url:` of site.yaml.
    pub base_url: Option<String>,
    /// Warnings fail the build.
    pub deny_warnings: bool,
}

/// The loaded content: the immutable model every later stage reads.
#[derive(Debug, Clone)]
pub struct Site {
    /// Settings from site.yaml and the command line.
    pub config: SiteConfig,
    /// `content/index.md`.
    pub briefing: Briefing,
    /// `content/briefings/*.md`, newest first.
    pub series: Vec<SeriesBriefing>,
    /// `content/sources/*.md`, sorted by slug; shared with the next load when none changed
    /// (see [`Reuse`]).
    pub sources: Arc<[Source]>,
    /// `content/annotations/**/*.yaml`, in file order.
    pub annotations: Vec<Annotation>,
    /// What the annotation files hold but did not load, reported already.
    pub unloaded: Unloaded,
}

/// What a finished run reports.
#[derive(Debug)]
pub struct Outcome {
    /// Every problem found.
    pub diagnostics: Diagnostics,
    /// The number of HTML pages, when the site rendered.
    pub pages: Option<usize>,
    /// The number of anchored annotations.
    pub annotations: usize,
    /// How long the run took.
    pub elapsed: Duration,
    /// The site's files, when [`build`] rendered it in memory.
    pub files: Option<SiteFiles>,
    /// The path and size of each file rendered, sorted.
    pub written: Vec<(String, usize)>,
    /// Whether the run failed (errors, or warnings under `--deny-warnings`).
    pub failed: bool,
}

impl Outcome {
    /// The one line `build` ends with.
    pub fn summary(&self) -> String {
        format!(
            "{}, {}, {}, {} in {} ms",
            plural(self.pages.unwrap_or(0), "page"),
            plural(self.annotations, "annotation"),
            plural(self.diagnostics.count(Severity::Warning), "warning"),
            plural(self.diagnostics.count(Severity::Error), "error"),
            self.elapsed.as_millis()
        )
    }
}

/// Builds the site in memory: load, resolve, render. Nothing is written.
pub fn build(options: &BuildOptions) -> Outcome {
    run(options, Stage::Memory)
}

/// Builds the site into its output folder (`public/` by default): each file is written into
/// a staging folder as it is rendered, and the folder is swapped in whole once the site built
/// without failing; a site that cannot be written fails the outcome with E008.
pub fn build_into_output(options: &BuildOptions) -> Outcome {
    run(options, Stage::Output)
}

/// Checks the site: load and resolve, every problem reported, and of the render stage only
/// what can fail on the content (see [`check_render`]); no page is rendered.
pub fn check(options: &BuildOptions) -> Outcome {
    run(options, Stage::Check)
}

/// How far a run goes, and where its files go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Check,
    Memory,
    Output,
}

fn run(options: &BuildOptions, stage: Stage) -> Outcome {
    let started = Instant::now();
    let mut diagnostics = Diagnostics::default();
    let mut annotations = 0;
    let mut pages = None;
    let mut files = None;
    let mut written = None;
    if let Some(site) = load(options, &mut diagnostics) {
        let resolved = resolve(&site, &mut diagnostics);
        annotations = resolved.annotations.len();
        let root = &options.root;
        match stage {
            Stage::Check => pages = check_render(root, &site, &resolved, &mut diagnostics),
            Stage::Memory => {
                let sink = Mutex::new(SiteFiles::new());
                written = render(root, &site, &resolved, &sink, &mut diagnostics);
                files = written
                    .is_some()
                    .then(|| sink.into_inner().unwrap_or_else(PoisonError::into_inner));
            }
            Stage::Output => {
                written = render_into_output(options, &site, &resolved, &mut diagnostics);
            }
        }
    }
    if let Some(written) = &written {
        pages = Some(written.iter().filter(|(p, _)| p.ends_with(".html")).count());
    }
    let failed =
        diagnostics.fails(options.deny_warnings) || (stage != Stage::Check && written.is_none());
    Outcome {
        diagnostics,
        pages,
        annotations,
        files,
        written: written.unwrap_or_default(),
        elapsed: started.elapsed(),
        failed,
    }
}

/// Renders the site into a staging folder beside the output and swaps it in when nothing
/// failed. Content with problems, or an output that cannot be replaced, is still rendered
/// (into nothing), so that every problem of the content is reported; the output's own
/// problem (E008) comes only when the content has none, as the only reason the build failed.
fn render_into_output(
    options: &BuildOptions,
    site: &Site,
    resolved: &Resolved,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<(String, usize)>> {
    let root = &options.root;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let staging = if diagnostics.fails(options.deny_warnings) {
        None
    } else {
        Some(output::Staging::begin(&output, root))
    };
    match staging {
        Some(Ok(staging)) => {
            let written = render(root, site, resolved, &staging, diagnostics)?;
            if !diagnostics.fails(options.deny_warnings) {
                staging
                    .finish()
                    .map_err(|error| diagnostics.push(write_failed(error)))
                    .ok()?;
            }
            Some(written)
        }
        Some(Err(error)) => {
            let written = render(root, site, resolved, &output::Discard, diagnostics)?;
            if !diagnostics.fails(options.deny_warnings) {
                diagnostics.push(write_failed(error));
            }
            Some(written)
        }
        None => render(root, site, resolved, &output::Discard, diagnostics),
    }
}

/// A site that cannot be written: E008.
fn write_failed(error: output::WriteError) -> Diagnostic {
    Diagnostic::error("E008", error.to_string()).help(error.help())
}

/// Reads `content/`: site.yaml, the briefing and the sources.
pub fn load(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Site> {
    load_reusing(options, &mut Reuse::default(), &|_| true, diagnostics)
}

/// What `serve` keeps from one load for the next, so that a load parses again only what
/// changed: the sources (all of them again when one changed, or the list, or the language)
/// and each annotation file on its own, with the problems each gave.
#[derive(Debug, Default)]
pub struct Reuse {
    sources: Option<LoadedSources>,
    annotations: HashMap<PathBuf, model::LoadedFile>,
    /// How each annotation anchored in `anchored_in`, the sources of the last resolve.
    kept: resolve::Kept,
    anchored_in: Option<Arc<[Source]>>,
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
    changed: &(dyn Fn(&Path) -> bool + Sync),
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
    let (sources, broken_sources) = load_sources(root, &config, reuse, changed, diagnostics);
    let (mut annotations, mut unloaded) = load_annotations(root, reuse, changed, diagnostics);
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
    changed: &(dyn Fn(&Path) -> bool + Sync),
    diagnostics: &mut Diagnostics,
) -> (Vec<Annotation>, Unloaded) {
    let mut problems = Vec::new();
    let files = walk::files_under(
        root,
        Path::new("content/annotations"),
        usize::MAX,
        |path| path.extension().is_some_and(|x| x == "yaml" || x == "yml"),
        &mut problems,
    );
    diagnostics.extend(problems);
    let mut earlier = std::mem::take(&mut reuse.annotations);
    // Only the files not kept from the earlier load are read (`None`: kept).
    let loaded: Vec<(PathBuf, Option<model::LoadedFile>)> = files
        .into_par_iter()
        .map(|file| {
            if earlier.contains_key(&file) && !changed(&file) {
                return (file, None);
            }
            let loaded = match read_annotation_text(root, &file) {
                Ok(text) => model::load_file(&file, &text),
                Err(problem) => model::LoadedFile {
                    problems: vec![problem],
                    lost: true,
                    ..model::LoadedFile::default()
                },
            };
            (file, Some(loaded))
        })
        .collect();
    let mut annotations = Vec::new();
    let mut unloaded = Unloaded::default();
    for (file, read) in loaded {
        let Some(found) = read.or_else(|| earlier.remove(&file)) else {
            continue;
        };
        annotations.extend(found.annotations.iter().cloned());
        diagnostics.extend(found.problems.iter().cloned());
        unloaded.ids.extend(found.failed_ids.iter().cloned());
        if found.lost {
            unloaded.files.push(file.clone());
        }
        reuse.annotations.insert(file, found);
    }
    (annotations, unloaded)
}

/// The resolve stage: anchors every annotation and resolves the briefing's citations.
pub fn resolve(site: &Site, diagnostics: &mut Diagnostics) -> Resolved {
    resolve_with(site, None, diagnostics)
}

/// [`resolve`], searching again only the annotations that are new or changed since the last
/// resolve kept in `reuse`, when the sources are those it anchored in. What it gives, the
/// problems included, is what [`resolve`] gives.
pub fn resolve_reusing(site: &Site, reuse: &mut Reuse, diagnostics: &mut Diagnostics) -> Resolved {
    let same_sources = reuse
        .anchored_in
        .as_ref()
        .is_some_and(|sources| Arc::ptr_eq(sources, &site.sources));
    if !same_sources {
        reuse.kept = resolve::Kept::default();
        reuse.anchored_in = Some(site.sources.clone());
    }
    resolve_with(site, Some(&mut reuse.kept), diagnostics)
}

fn resolve_with(
    site: &Site,
    kept: Option<&mut resolve::Kept>,
    diagnostics: &mut Diagnostics,
) -> Resolved {
    let mut found = Vec::new();
    let mut resolved = resolve::resolve_keeping(
        site.annotations.clone(),
        &site.unloaded,
        &site.sources,
        &site.briefing,
        kept,
        &mut found,
    );
    diagnostics.extend(found);
    resolved.series = series::resolve(site, &resolved, diagnostics);
    if !diagnostics.fails(false) {
        diagnostics.extend(review::review(&resolved, &site.sources));
    }
    resolved
}

/// The sources that load, and the slugs of the source files that exist but did not (their
/// errors are in `diagnostics`).
fn load_sources(
    root: &Path,
    config: &SiteConfig,
    reuse: &mut Reuse,
    changed: &(dyn Fn(&Path) -> bool + Sync),
    diagnostics: &mut Diagnostics,
) -> (Arc<[Source]>, HashSet<String>) {
    let files = markdown_files(root, Path::new("content/sources"), diagnostics);
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
    annotations: &mut Vec<Annotation>,
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
    let files = walk::files_under(
        root,
        dir,
        1,
        |path| path.extension().is_some_and(|e| e == "md"),
        &mut problems,
    );
    diagnostics.extend(problems);
    files
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
