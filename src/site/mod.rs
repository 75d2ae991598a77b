//! The build, as a straight line of stages over one site model:
//! [`load`] reads and parses the content, [`resolve`](fn@resolve) anchors and cites, [`render`] turns the
//! model into files (pages in parallel) handed one by one to a sink: [`build_into_output`]
//! stages them on disk through the safe writer, [`build`] keeps them in memory. Each stage
//! returns a value and the problems it found; every problem of a run is reported, then the run fails.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::annotate::model::{Annotation, Unloaded};
use crate::annotate::placing;
use crate::annotate::resolve::{self, Resolved};
use crate::annotate::review;
use crate::config::SiteConfig;
use crate::content::{Briefing, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, plural};
use crate::output::{self, SiteFiles};
use crate::series::{self, SeriesBriefing};

mod annotation_list;
mod indexes;
mod load;
mod pages;
mod shared;

pub use indexes::is_index_file;
pub(crate) use load::markdown_files;
pub use load::{Changes, Reuse, load, load_reusing, read_text};
use pages::check_render;
pub use pages::{Prepared, prepare, render};

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
    /// `content/annotations/**/*.yaml`, in file order; each shared with the next load when its
    /// file did not change (see [`Reuse`]).
    pub annotations: Vec<Arc<Annotation>>,
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

/// The resolve stage: anchors every annotation and resolves the briefing's citations.
pub fn resolve(site: &Site, diagnostics: &mut Diagnostics) -> Resolved {
    resolve_with(site, None, diagnostics)
}

/// [`resolve`](fn@resolve), searching again only the annotations that are new or changed since the last
/// resolve kept in `reuse`, when the sources are those it anchored in. What it gives, the
/// problems included, is what [`resolve`](fn@resolve) gives.
pub fn resolve_reusing(site: &Site, reuse: &mut Reuse, diagnostics: &mut Diagnostics) -> Resolved {
    let same_sources = reuse
        .anchored_in
        .as_ref()
        .is_some_and(|sources| Arc::ptr_eq(sources, &site.sources));
    if !same_sources {
        reuse.kept = placing::Kept::default();
        reuse.reviewed = review::Reviewed::default();
        reuse.anchored_in = Some(site.sources.clone());
    }
    resolve_with(
        site,
        Some((&mut reuse.kept, &mut reuse.reviewed)),
        diagnostics,
    )
}

fn resolve_with(
    site: &Site,
    kept: Option<(&mut placing::Kept, &mut review::Reviewed)>,
    diagnostics: &mut Diagnostics,
) -> Resolved {
    let (kept, reviewed) = kept.unzip();
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
        diagnostics.extend_shared(review::review(&resolved, &site.sources, reviewed));
    }
    resolved
}
