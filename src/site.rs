//! The build, as a straight line of stages over one site model:
//! [`load`] reads and parses the content, [`render`] turns the model into files (pages in
//! parallel), and [`build`] writes them through the safe writer. Each stage returns a value
//! and the problems it found; every problem of a run is reported, then the run fails.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::annotate::model::{self, Annotation, Unloaded};
use crate::annotate::resolve::{self, Anchored, Resolved};
use crate::config::SiteConfig;
use crate::content::{self, Briefing, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity, plural};
use crate::feed;
use crate::output::{self, SiteFiles};
use crate::render::theme::Theme;
use crate::render::{annotations, chart, scripts};
use crate::series::{self, SeriesBriefing};
use crate::timeline;
use crate::walk;

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
    /// `content/sources/*.md`, sorted by slug.
    pub sources: Vec<Source>,
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
    /// The site's files, when it rendered: [`write`] puts them on disk, `serve` answers from
    /// them, `check` drops them.
    pub files: Option<SiteFiles>,
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

/// Builds the site in memory: load, resolve, render. Nothing is written (see [`write`]).
pub fn build(options: &BuildOptions) -> Outcome {
    run(options, true)
}

/// Checks the site: load and resolve, every problem reported, and of the render stage only
/// what can fail on the content (see [`check_render`]); no page is rendered.
pub fn check(options: &BuildOptions) -> Outcome {
    run(options, false)
}

fn run(options: &BuildOptions, render_pages: bool) -> Outcome {
    let started = Instant::now();
    let mut diagnostics = Diagnostics::default();
    let mut annotations = 0;
    let mut pages = None;
    let files = load(options, &mut diagnostics).and_then(|site| {
        let resolved = resolve(&site, &mut diagnostics);
        annotations = resolved.annotations.len();
        if render_pages {
            let files = render(&options.root, &site, &resolved, &mut diagnostics)?;
            pages = Some(files.keys().filter(|p| p.ends_with(".html")).count());
            Some(files)
        } else {
            pages = check_render(&options.root, &site, &resolved, &mut diagnostics);
            None
        }
    });
    let failed = diagnostics.fails(options.deny_warnings) || (render_pages && files.is_none());
    Outcome {
        diagnostics,
        pages,
        annotations,
        files,
        elapsed: started.elapsed(),
        failed,
    }
}

/// Writes a site that built without failing into its output folder (`public/` by default),
/// swapping it in whole; a site that cannot be written fails the outcome with E008.
pub fn write(options: &BuildOptions, outcome: &mut Outcome) {
    let Some(files) = outcome.files.as_ref().filter(|_| !outcome.failed) else {
        return;
    };
    let started = Instant::now();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    if let Err(error) = output::write_site(&output, &options.root, files) {
        outcome
            .diagnostics
            .push(Diagnostic::error("E008", error.to_string()).help(error.help()));
        outcome.failed = true;
    }
    outcome.elapsed += started.elapsed();
}

/// Reads `content/`: site.yaml, the briefing and the sources.
pub fn load(options: &BuildOptions, diagnostics: &mut Diagnostics) -> Option<Site> {
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
    let (sources, broken_sources) = load_sources(root, &config, diagnostics);
    let (mut annotations, mut unloaded) = load_annotations(root, diagnostics);
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

fn load_annotations(root: &Path, diagnostics: &mut Diagnostics) -> (Vec<Annotation>, Unloaded) {
    let mut problems = Vec::new();
    let files = walk::files_under(
        root,
        Path::new("content/annotations"),
        usize::MAX,
        |path| path.extension().is_some_and(|x| x == "yaml" || x == "yml"),
        &mut problems,
    );
    diagnostics.extend(problems);
    let loaded: Vec<(PathBuf, model::LoadedFile)> = files
        .into_par_iter()
        .map(|file| {
            let loaded = match read_annotation_text(root, &file) {
                Ok(text) => model::load_file(&file, &text),
                Err(problem) => model::LoadedFile {
                    problems: vec![problem],
                    lost: true,
                    ..model::LoadedFile::default()
                },
            };
            (file, loaded)
        })
        .collect();
    let mut annotations = Vec::new();
    let mut unloaded = Unloaded::default();
    for (file, mut found) in loaded {
        annotations.append(&mut found.annotations);
        diagnostics.extend(found.problems);
        unloaded.ids.extend(found.failed_ids);
        if found.lost {
            unloaded.files.push(file);
        }
    }
    (annotations, unloaded)
}

/// The resolve stage: anchors every annotation and resolves the briefing's citations.
pub fn resolve(site: &Site, diagnostics: &mut Diagnostics) -> Resolved {
    let mut found = Vec::new();
    let mut resolved = resolve::resolve(
        site.annotations.clone(),
        &site.unloaded,
        &site.sources,
        &site.briefing,
        &mut found,
    );
    diagnostics.extend(found);
    resolved.series = series::resolve(site, &resolved, diagnostics);
    if !diagnostics.fails(false) {
        diagnostics.extend(resolve::review(&resolved, &site.sources));
    }
    resolved
}

/// The sources that load, and the slugs of the source files that exist but did not (their
/// errors are in `diagnostics`).
fn load_sources(
    root: &Path,
    config: &SiteConfig,
    diagnostics: &mut Diagnostics,
) -> (Vec<Source>, HashSet<String>) {
    let slug_of = |file: &Path| -> String {
        file.file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut broken = HashSet::new();
    let files: Vec<PathBuf> = markdown_files(root, Path::new("content/sources"), diagnostics)
        .into_iter()
        .filter(|file| {
            let fits = publishable_name(file);
            if !fits {
                diagnostics.push(
                    Diagnostic::error("E012", "this source's name is too long for a page name")
                        .at(Location::file_start(file))
                        .label(format!("its page would be `sources/<name>.html`, over {MAX_NAME_BYTES} bytes"))
                        .help("rename the file to a short slug, like `cnbc-trump-call.md`, and update the annotations' `source:` values"),
                );
                broken.insert(slug_of(file));
            }
            fits
        })
        .collect();
    let parsed: Vec<(PathBuf, Result<Source, Vec<Diagnostic>>)> = files
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
            Err(problems) => {
                diagnostics.extend(problems);
                broken.insert(slug_of(&file));
            }
        }
    }
    (sources, broken)
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

/// What every template receives about the site.
#[derive(Debug, Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    language: &'a str,
    base_url: Option<&'a str>,
    /// How many source articles the archive holds.
    source_count: usize,
}

/// What templates receive about one source article.
#[derive(Debug, Serialize)]
struct SourceContext<'a> {
    slug: &'a str,
    href: String,
    #[serde(flatten)]
    meta: &'a content::SourceMeta,
    /// The briefings that cite it: the home briefing, then the series.
    cited_by: Vec<series::SeriesEntry<'a>>,
}

/// What templates receive about the page being rendered.
#[derive(Debug, Serialize)]
struct PageContext<'a> {
    kind: &'a str,
    title: &'a str,
    path: &'a str,
    language: &'a str,
    description: Option<&'a str>,
    canonical: Option<String>,
}

/// How many cited sources the header lists before its link to all sources.
const HEADER_SOURCES: usize = 8;

/// What every page shares, computed once: each page's context starts from a copy of
/// `base`, which holds nothing that grows with the archive.
struct Shared<'a> {
    site: &'a Site,
    resolved: &'a Resolved,
    theme: Theme,
    base: Context,
    sources: Vec<SourceContext<'a>>,
    /// The sources the briefing cites, by index, in slug order.
    cited: Vec<usize>,
    /// Each source's passages, so a source page reads only its own.
    passages: Vec<Vec<annotations::SourcePassage<'a>>>,
    /// The briefing's body: on index.html and on print.html, rendered once.
    briefing_html: String,
    /// Each series briefing's body and the sources it cites: on its page and its print page.
    series: Vec<(String, Vec<usize>)>,
    by_id: HashMap<&'a str, &'a Anchored>,
    /// Which briefings cite each annotation.
    cited_in: series::CitedIn<'a>,
}

/// Renders every page and collects the assets: the site as files, or `None` on errors.
pub fn render(
    root: &Path,
    site: &Site,
    resolved: &Resolved,
    diagnostics: &mut Diagnostics,
) -> Option<SiteFiles> {
    let theme = Theme::load(root, &site.config.theme)
        .map_err(|problems| diagnostics.extend(problems))
        .ok()?;
    let title = site
        .config
        .title
        .as_deref()
        .unwrap_or(&site.briefing.meta.title);
    let passages = annotations::passages_by_source(resolved, site.sources.len());
    // The briefing's body appears on index.html and on print.html: rendered once.
    let briefing_html =
        annotations::briefing_html(&resolved.briefing, resolved, &site.sources, "", &theme)
            .map_err(|problem| diagnostics.push(problem))
            .ok()?;
    let cited = cited_sources(&site.sources, &briefing_html, "", &passages, |a| {
        a.citations > 0
    });
    let series_pages = site
        .series
        .par_iter()
        .zip(&resolved.series)
        .map(|(_, cited)| {
            let html =
                annotations::briefing_html(&cited.events, resolved, &site.sources, "../", &theme)?;
            let sources = cited_sources(&site.sources, &html, "../", &passages, |a| {
                cited.counts.contains_key(&a.annotation.id)
            });
            Ok((html, sources))
        })
        .collect::<Result<Vec<_>, Diagnostic>>()
        .map_err(|problem| diagnostics.push(problem))
        .ok()?;
    let cited_in = series::CitedIn::new(site, resolved);
    let sources: Vec<SourceContext<'_>> = site
        .sources
        .iter()
        .zip(&passages)
        .map(|(source, passages)| SourceContext {
            slug: &source.slug,
            href: format!("sources/{}.html", source.slug),
            meta: &source.meta,
            cited_by: cited_in
                .briefings(passages.iter().map(|p| p.anchored.annotation.id.as_str())),
        })
        .collect();
    let header: Vec<&SourceContext<'_>> = cited
        .iter()
        .take(HEADER_SOURCES)
        .map(|&index| &sources[index])
        .collect();
    let base = base_context(site, title, &header);
    let shared = Shared {
        site,
        resolved,
        briefing_html,
        series: series_pages,
        by_id: resolved
            .annotations
            .iter()
            .map(|a| (a.annotation.id.as_str(), a))
            .collect(),
        theme,
        cited_in,
        base,
        sources,
        cited,
        passages,
    };
    let rendered: Vec<Result<(String, Vec<u8>), Diagnostic>> = Page::all(site)
        .par_iter()
        .map(|page| page.render(&shared))
        .collect();
    let mut files = SiteFiles::new();
    for result in rendered {
        match result {
            Ok((path, bytes)) => {
                files.insert(path, bytes);
            }
            Err(problem) => diagnostics.push(problem),
        }
    }
    for (path, bytes) in &shared.theme.assets {
        files.insert(format!("assets/{path}"), bytes.clone());
    }
    files.insert(".nojekyll".to_string(), Vec::new());
    for (path, text) in scripts::search_files(&search_pages(site), &site.sources, resolved) {
        files.insert(format!("assets/{path}"), text.into_bytes());
    }
    files.insert(
        "annotations.jsonld".to_string(),
        crate::annotate::jsonld::export(
            resolved,
            &site.sources,
            title,
            site.config.base_url.as_deref(),
        )
        .into_bytes(),
    );
    if let Some(feed) = feed::atom(site, resolved, &shared.theme, diagnostics) {
        files.insert(feed::PATH.to_string(), feed.into_bytes());
    }
    if let Some(base) = &site.config.base_url {
        files.insert(
            "sitemap.xml".to_string(),
            sitemap(base, &files).into_bytes(),
        );
    }
    (!diagnostics.fails(false)).then_some(files)
}

/// What `check` finds at the render stage without rendering: the theme's problems (its
/// templates are compiled) and the feed's; the number of pages a build would write, or `None`
/// when the theme does not load. Pages are not rendered: highlighting, templates and the
/// search index are the larger part of a build and find nothing in the content.
fn check_render(
    root: &Path,
    site: &Site,
    resolved: &Resolved,
    diagnostics: &mut Diagnostics,
) -> Option<usize> {
    let theme = Theme::load(root, &site.config.theme)
        .map_err(|problems| diagnostics.extend(problems))
        .ok()?;
    feed::atom(site, resolved, &theme, diagnostics);
    Some(Page::all(site).len())
}

/// `sitemap.xml`, only with a base URL: every page but the 404 and the print versions.
fn sitemap(base: &str, files: &SiteFiles) -> String {
    let base = base.trim_end_matches('/');
    let urls: String = files
        .keys()
        .filter(|path| {
            path.ends_with(".html")
                && !matches!(path.as_str(), "404.html" | "print.html")
                && !path.ends_with(".print.html")
        })
        .map(|path| {
            format!(
                "  <url><loc>{}/{}</loc></url>\n",
                crate::markdown::escape_html(base),
                path
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{urls}</urlset>\n"
    )
}

/// The print page of the home briefing, or of a series briefing (`briefings/<slug>.print.html`:
/// a slug has no dot, so no briefing's page can take that name).
fn print_path(entry: Option<&SeriesBriefing>) -> String {
    entry.map_or_else(
        || "print.html".to_string(),
        |entry| format!("briefings/{}.print.html", entry.slug),
    )
}

/// A source as the print page shows it: its front matter and its marked text.
#[derive(Serialize)]
struct PrintSource<'a> {
    slug: &'a str,
    #[serde(flatten)]
    meta: &'a content::SourceMeta,
    html: String,
}

/// The sources a briefing cites, by index in slug order: those with a passage it cites, and
/// those its body (rendered with `root`) links to.
fn cited_sources(
    sources: &[Source],
    html: &str,
    root: &str,
    passages: &[Vec<annotations::SourcePassage<'_>>],
    cites: impl Fn(&Anchored) -> bool,
) -> Vec<usize> {
    let linked: HashSet<&str> = html
        .split(&format!("href=\"{root}sources/"))
        .skip(1)
        .filter_map(|rest| rest.split_once(".html").map(|(slug, _)| slug))
        .collect();
    (0..sources.len())
        .filter(|&index| {
            linked.contains(sources[index].slug.as_str())
                || passages[index].iter().any(|p| cites(p.anchored))
        })
        .collect()
}

fn base_context(site: &Site, title: &str, header: &[&SourceContext<'_>]) -> Context {
    let mut context = Context::new();
    context.insert(
        "site",
        &SiteContext {
            title,
            language: &site.config.language,
            base_url: site.config.base_url.as_deref(),
            source_count: site.sources.len(),
        },
    );
    context.insert("header_sources", header);
    context.insert("series", &series::entries(site));
    context.insert("feed", &feed::published(site));
    context.insert("briefing", &site.briefing.meta);
    context.insert("print_href", &print_path(None));
    context.insert(
        "build",
        &serde_json::json!({ "generator": concat!("brief ", env!("CARGO_PKG_VERSION")) }),
    );
    context
}

/// One page of the output.
#[derive(Debug, Clone, Copy)]
enum Page {
    Briefing,
    Source(usize),
    SourceIndex,
    /// A briefing of the series, by its index in `Site::series`.
    Series(usize),
    NotFound,
    Annotations,
    /// A briefing and the sources it cites on one page: the home briefing's (`None`) or a
    /// series briefing's, by its index.
    Print(Option<usize>),
}

impl Page {
    /// Every page of the site.
    fn all(site: &Site) -> Vec<Page> {
        let mut pages = vec![
            Page::Briefing,
            Page::NotFound,
            Page::Annotations,
            Page::Print(None),
            Page::SourceIndex,
        ];
        pages.extend((0..site.sources.len()).map(Page::Source));
        pages.extend((0..site.series.len()).map(Page::Series));
        pages.extend((0..site.series.len()).map(|index| Page::Print(Some(index))));
        pages
    }

    fn render(self, shared: &Shared<'_>) -> Result<(String, Vec<u8>), Diagnostic> {
        let Shared {
            site,
            resolved,
            sources,
            theme,
            ..
        } = shared;
        let mut context = shared.base.clone();
        let language = site.config.language.as_str();
        let cited_sources = || -> Vec<&SourceContext<'_>> {
            shared.cited.iter().map(|&index| &sources[index]).collect()
        };
        // The print page's own path, owned here so its page context may borrow it.
        let print_page: String;
        let (template, path, root, page, content) = match self {
            Page::Briefing => {
                let meta = &site.briefing.meta;
                let key_figures = annotations::key_figures(resolved, &site.sources);
                context.insert(
                    "key_figures_chart",
                    &chart::key_figures_chart(&key_figures, theme)?,
                );
                context.insert("key_figures", &key_figures);
                context.insert(
                    "timeline",
                    &timeline::events(resolved, &site.sources, |id| {
                        shared.by_id.get(id).is_some_and(|a| a.citations > 0)
                    }),
                );
                context.insert("cited_sources", &cited_sources());
                let page = PageContext {
                    kind: "briefing",
                    title: &meta.title,
                    path: "index.html",
                    language,
                    description: meta.description.as_deref(),
                    canonical: canonical(site, "index.html"),
                };
                let html = shared.briefing_html.clone();
                ("index.html", "index.html".to_string(), "", page, html)
            }
            Page::Source(index) => {
                let source = &site.sources[index];
                let html = annotations::source_html(
                    source,
                    &shared.passages[index],
                    annotations::Placement::SOURCE_PAGE,
                    theme,
                )?;
                context.insert("source", &sources[index]);
                // Alone, the home briefing is "the briefing": a list only with a series.
                let cited_in: &[series::SeriesEntry<'_>] = if site.series.is_empty() {
                    &[]
                } else {
                    &sources[index].cited_by
                };
                context.insert("cited_in", cited_in);
                let page = PageContext {
                    kind: "source",
                    title: &source.meta.title,
                    path: &sources[index].href,
                    language,
                    description: None,
                    canonical: canonical(site, &sources[index].href),
                };
                (
                    "source.html",
                    sources[index].href.clone(),
                    "../",
                    page,
                    html,
                )
            }
            Page::Series(index) => {
                let entry = &site.series[index];
                let html = shared.series[index].0.clone();
                context.insert("briefing", &entry.briefing.meta);
                context.insert("print_href", &print_path(Some(entry)));
                let counts = &resolved.series[index].counts;
                context.insert(
                    "timeline",
                    &timeline::events(resolved, &site.sources, |id| counts.contains_key(id)),
                );
                let page = PageContext {
                    kind: "series-briefing",
                    title: &entry.briefing.meta.title,
                    path: &entry.href,
                    language,
                    description: entry.briefing.meta.description.as_deref(),
                    canonical: canonical(site, &entry.href),
                };
                ("briefing.html", entry.href.clone(), "../", page, html)
            }
            Page::SourceIndex => {
                context.insert("all_sources", sources);
                let page = PageContext {
                    kind: "sources",
                    title: "Sources",
                    path: "sources/index.html",
                    language,
                    description: None,
                    canonical: canonical(site, "sources/index.html"),
                };
                (
                    "sources.html",
                    "sources/index.html".to_string(),
                    "../",
                    page,
                    String::new(),
                )
            }
            Page::NotFound => {
                let page = PageContext {
                    kind: "404",
                    title: "Page not found",
                    path: "404.html",
                    language,
                    description: None,
                    canonical: None,
                };
                ("404.html", "404.html".to_string(), "", page, String::new())
            }
            Page::Print(briefing) => {
                let entry = briefing.map(|index| &site.series[index]);
                let (html, cited, root) = match briefing {
                    None => (&shared.briefing_html, &shared.cited, ""),
                    Some(index) => (&shared.series[index].0, &shared.series[index].1, "../"),
                };
                let print_sources = cited
                    .iter()
                    .map(|&index| {
                        let source = &site.sources[index];
                        let html = annotations::source_html(
                            source,
                            &shared.passages[index],
                            annotations::Placement {
                                root,
                                id_prefix: &format!("{}--", source.slug),
                            },
                            theme,
                        )?;
                        Ok(PrintSource {
                            slug: &source.slug,
                            meta: &source.meta,
                            html,
                        })
                    })
                    .collect::<Result<Vec<PrintSource<'_>>, Diagnostic>>()?;
                context.insert("print_sources", &print_sources);
                let meta = entry.map_or(&site.briefing.meta, |e| &e.briefing.meta);
                context.insert("briefing", meta);
                print_page = print_path(entry);
                context.insert("print_href", &print_page);
                let page = PageContext {
                    kind: "print",
                    title: &meta.title,
                    path: &print_page,
                    language,
                    description: None,
                    canonical: None,
                };
                ("print.html", print_page.clone(), root, page, html.clone())
            }
            Page::Annotations => {
                context.insert("annotations", &annotations::views(resolved, &site.sources));
                // The sources to filter by: those with at least one annotated passage.
                let annotated: Vec<&SourceContext<'_>> = sources
                    .iter()
                    .zip(&shared.passages)
                    .filter(|(_, passages)| !passages.is_empty())
                    .map(|(source, _)| source)
                    .collect();
                context.insert("annotated_sources", &annotated);
                // As on source pages, a list only with a series.
                let cited_in: BTreeMap<&str, Vec<series::SeriesEntry<'_>>> = resolved
                    .annotations
                    .iter()
                    .filter(|_| !site.series.is_empty())
                    .map(|a| {
                        let id = a.annotation.id.as_str();
                        (id, shared.cited_in.briefings([id]))
                    })
                    .filter(|(_, briefings)| !briefings.is_empty())
                    .collect();
                context.insert("cited_in", &cited_in);
                let page = PageContext {
                    kind: "annotations",
                    title: "Annotations",
                    path: "annotations.html",
                    language,
                    description: None,
                    canonical: canonical(site, "annotations.html"),
                };
                (
                    "annotations.html",
                    "annotations.html".to_string(),
                    "",
                    page,
                    String::new(),
                )
            }
        };
        context.insert("page", &page);
        context.insert("root", root);
        context.insert("content", &content);
        let mut html = shared.theme.render(template, &context)?;
        if let Some(cards) = cards_for(shared, &html) {
            // Before `</body>`, where the theme's deferred script finds it.
            let at = html.rfind("</body>").unwrap_or(html.len());
            html.insert_str(
                at,
                &format!("<script type=\"application/json\" id=\"brief-cards\">{cards}</script>\n"),
            );
        }
        Ok((path, html.into_bytes()))
    }
}

/// The briefings search covers, by page: the home briefing, then the series.
fn search_pages(site: &Site) -> Vec<(String, &Briefing)> {
    std::iter::once(("index.html".to_string(), &site.briefing))
        .chain(
            site.series
                .iter()
                .map(|entry| (entry.href.clone(), &entry.briefing)),
        )
        .collect()
}

/// The card data of the citations on a rendered page, wherever they are (the briefing's
/// prose, notes): read back from the links the citation resolver writes.
fn cards_for(shared: &Shared<'_>, html: &str) -> Option<String> {
    let cited: BTreeSet<&str> = scripts::cited_ids(html).collect();
    scripts::cards_json(
        cited
            .into_iter()
            .filter_map(|id| shared.by_id.get(id).copied()),
        &shared.site.sources,
    )
}

fn canonical(site: &Site, path: &str) -> Option<String> {
    site.config
        .base_url
        .as_ref()
        .map(|base| format!("{}/{path}", base.trim_end_matches('/')))
}
