//! The render stage: every page of the site through the theme, in parallel, from one
//! immutable model. Each page kind is a function that adds what its template needs to a copy
//! of the shared base context and returns a [`Draft`]; [`Page::write`] renders the draft into
//! a file as it goes to the sink.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::Site;
use super::annotation_list;
use super::shared::{Shared, SourceContext};
use crate::annotate::resolve::Resolved;
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feed;
use crate::output::{Sink, SiteFiles};
use crate::render::theme::Theme;
use crate::render::{annotations, chart, scripts};
use crate::series::{self, SeriesBriefing};
use crate::timeline;

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

/// Renders every page and the other files into `sink`, each as soon as it is made: the path
/// and size of every file, sorted, or `None` on errors.
pub fn render(
    root: &Path,
    site: &Site,
    resolved: &Resolved,
    sink: &dyn Sink,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<(String, usize)>> {
    let prepared = prepare(root, site, resolved, diagnostics)?;
    // Each file goes to the sink as soon as it is made, from both cores; only its path and
    // size are kept. The indexes are made beside the pages: parts of them are serial (the
    // postings, the JSON-LD), which pages fill in around.
    let (mut results, indexes): (Vec<Result<(String, usize), Diagnostic>>, _) = rayon::join(
        || {
            prepared
                .pages
                .par_iter()
                .map(|page| page.put(&prepared.shared, sink))
                .collect()
        },
        || prepared.write_index_files(sink),
    );
    results.extend(
        prepared
            .fixed_files()
            .into_iter()
            .map(|(path, bytes)| put(sink, path, &bytes)),
    );
    results.extend(indexes);
    let mut written = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(file) => written.push(file),
            Err(problem) => diagnostics.push(problem),
        }
    }
    written.sort_unstable();
    (!diagnostics.fails(false)).then_some(written)
}

/// Puts the file at `path` into `sink`: its path and size, or E008.
pub(super) fn put(
    sink: &dyn Sink,
    path: String,
    bytes: &[u8],
) -> Result<(String, usize), Diagnostic> {
    let size = sink.put(&path, bytes).map_err(super::write_failed)?;
    Ok((path, size))
}

/// The site ready to render: what every page shares, computed once, and every problem that
/// can be found before a page renders. [`render`] renders all its pages at once; `serve`
/// renders a page only when a browser asks for it ([`Prepared::render_page`]).
pub struct Prepared<'a> {
    pub(super) shared: Shared<'a>,
    pages: Vec<Page>,
    /// The pages by output path.
    by_path: HashMap<String, Page>,
    feed: Option<String>,
}

/// Prepares the site for rendering: what the pages share (see [`Shared::new`]) and the feed;
/// `None` (the problems in `diagnostics`) when it cannot render.
pub fn prepare<'a>(
    root: &Path,
    site: &'a Site,
    resolved: &'a Resolved,
    diagnostics: &mut Diagnostics,
) -> Option<Prepared<'a>> {
    let shared = Shared::new(root, site, resolved, diagnostics)?;
    let feed = feed::atom(site, resolved, &shared.theme, diagnostics);
    let pages = Page::all(site);
    let by_path = pages
        .iter()
        .map(|&page| (page.path(&shared), page))
        .collect();
    Some(Prepared {
        shared,
        pages,
        by_path,
        feed,
    })
}

impl Prepared<'_> {
    /// The output paths of every page, which [`Prepared::render_page`] renders.
    pub fn page_paths(&self) -> impl Iterator<Item = &str> {
        self.by_path.keys().map(String::as_str)
    }

    /// The page at `path` (relative, as in [`SiteFiles`]), or `None` when no page has it.
    pub fn render_page(&self, path: &str) -> Option<Result<Vec<u8>, Diagnostic>> {
        let page = self.by_path.get(path)?;
        let mut bytes = Vec::new();
        Some(match page.write(&self.shared, &mut bytes) {
            Ok(()) => Ok(bytes),
            Err(PageError::Page(problem)) => Err(*problem),
            Err(PageError::Write(error)) => unreachable!("writing into a Vec failed: {error}"),
        })
    }

    /// Every file but the pages and [`Prepared::index_files`]: the theme's assets, the feed and
    /// the sitemap, made without rendering a page.
    pub fn fixed_files(&self) -> SiteFiles {
        let site = self.shared.site;
        let mut files = SiteFiles::new();
        for (path, bytes) in &self.shared.theme.assets {
            files.insert(format!("assets/{path}"), bytes.clone());
        }
        files.insert(".nojekyll".to_string(), Vec::new());
        if let Some(feed) = &self.feed {
            files.insert(feed::PATH.to_string(), feed.clone().into_bytes());
        }
        if let Some(base) = &site.config.base_url {
            let paths = files.keys().map(String::as_str).chain(self.page_paths());
            let sitemap = sitemap(base, paths);
            files.insert("sitemap.xml".to_string(), sitemap.into_bytes());
        }
        files
    }
}

/// What `check` finds at the render stage without rendering: the theme's problems (its
/// templates are compiled) and the feed's; the number of pages a build would write, or `None`
/// when the theme does not load. Pages are not rendered: highlighting, templates and the
/// search index are the larger part of a build and find nothing in the content.
pub(super) fn check_render(
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
fn sitemap<'p>(base: &str, paths: impl Iterator<Item = &'p str>) -> String {
    let base = base.trim_end_matches('/');
    let mut paths: Vec<&str> = paths.collect();
    paths.sort_unstable();
    let urls: String = paths
        .into_iter()
        .filter(|path| {
            path.ends_with(".html")
                && !matches!(*path, "404.html" | "print.html")
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
pub(super) fn print_path(entry: Option<&SeriesBriefing>) -> String {
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

    /// Its output path, the one its draft gives, known without rendering it.
    fn path(self, shared: &Shared<'_>) -> String {
        let series = &shared.site.series;
        match self {
            Page::Briefing => "index.html".to_string(),
            Page::Source(index) => shared.sources[index].href.clone(),
            Page::SourceIndex => "sources/index.html".to_string(),
            Page::Series(index) => series[index].href.clone(),
            Page::NotFound => "404.html".to_string(),
            Page::Annotations => "annotations.html".to_string(),
            Page::Print(briefing) => print_path(briefing.map(|index| &series[index])),
        }
    }

    /// Renders the page into `sink` at its path: its path and size.
    fn put(self, shared: &Shared<'_>, sink: &dyn Sink) -> Result<(String, usize), Diagnostic> {
        let path = self.path(shared);
        let mut problem = None;
        let written = sink.write(&path, &mut |out| {
            self.write(shared, out).map_err(|error| match error {
                PageError::Write(error) => error,
                PageError::Page(page) => {
                    problem = Some(page);
                    io::Error::other("the page did not render")
                }
            })
        });
        match (problem, written) {
            (Some(problem), _) => Err(*problem),
            (None, Ok(size)) => Ok((path, size)),
            (None, Err(error)) => Err(super::write_failed(error)),
        }
    }

    /// Writes the page into `out`: its draft, rendered by the theme with the shared base
    /// context, and the card data of its citations.
    fn write(self, shared: &Shared<'_>, out: &mut dyn Write) -> Result<(), PageError> {
        let mut context = shared.base.clone();
        let draft = match self {
            Page::Briefing => briefing_page(shared, &mut context)?,
            Page::Source(index) => source_page(shared, index, &mut context)?,
            Page::SourceIndex => source_index_page(shared, &mut context),
            Page::Series(index) => series_page(shared, index, &mut context),
            Page::NotFound => Draft::new("404.html", "404.html", "", "404", "Page not found"),
            Page::Print(briefing) => print_page(shared, briefing, &mut context)?,
            Page::Annotations => annotation_list::draft(shared, &mut context),
        };
        let site = shared.site;
        let page = PageContext {
            kind: draft.kind,
            title: draft.title,
            path: &draft.path,
            language: &site.config.language,
            description: draft.description,
            canonical: draft
                .canonical
                .then(|| canonical(site, &draft.path))
                .flatten(),
        };
        context.insert("page", &page);
        context.insert("root", draft.root);
        context.insert("content", &draft.content);
        let html = shared.theme.render(draft.template, &context)?;
        if let Page::Annotations = self {
            return annotation_list::write(shared, &html, draft.root, out);
        }
        let cited: BTreeSet<String> = scripts::cited_ids(&html).map(str::to_string).collect();
        let html = with_cards(shared, html, cited.iter().map(String::as_str), draft.root)?;
        Ok(out.write_all(html.as_bytes())?)
    }
}

/// Why a page could not be written: the page itself (a template, its content), or where it
/// was being written.
pub(super) enum PageError {
    Page(Box<Diagnostic>),
    Write(io::Error),
}

impl From<Diagnostic> for PageError {
    fn from(problem: Diagnostic) -> PageError {
        PageError::Page(Box::new(problem))
    }
}

impl From<io::Error> for PageError {
    fn from(error: io::Error) -> PageError {
        PageError::Write(error)
    }
}

/// A page before the theme renders it; what it adds to the context is already inserted.
pub(super) struct Draft<'a> {
    template: &'static str,
    /// Its path from the site root.
    path: String,
    /// From the page back to the site root: `""` or `"../"`.
    root: &'static str,
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    /// Whether it has a canonical URL (all but the 404 and print pages, with a base URL).
    canonical: bool,
    /// The HTML the template places as `content`.
    content: String,
}

impl<'a> Draft<'a> {
    pub(super) fn new(
        template: &'static str,
        path: impl Into<String>,
        root: &'static str,
        kind: &'static str,
        title: &'a str,
    ) -> Draft<'a> {
        Draft {
            template,
            path: path.into(),
            root,
            kind,
            title,
            description: None,
            canonical: kind != "404",
            content: String::new(),
        }
    }
}

fn briefing_page<'a>(
    shared: &'a Shared<'a>,
    context: &mut Context,
) -> Result<Draft<'a>, Diagnostic> {
    let (site, resolved) = (shared.site, shared.resolved);
    let key_figures = annotations::key_figures(resolved, &site.sources);
    context.insert(
        "key_figures_chart",
        &chart::key_figures_chart(&key_figures, &shared.theme)?,
    );
    context.insert("key_figures", &key_figures);
    context.insert(
        "timeline",
        &timeline::events(resolved, &site.sources, |id| {
            shared.by_id.get(id).is_some_and(|a| a.citations > 0)
        }),
    );
    let cited: Vec<&SourceContext<'_>> = shared
        .cited
        .iter()
        .map(|&index| &shared.sources[index])
        .collect();
    context.insert("cited_sources", &cited);
    let meta = &site.briefing.meta;
    Ok(Draft {
        description: meta.description.as_deref(),
        content: shared.briefing_html.clone(),
        ..Draft::new("index.html", "index.html", "", "briefing", &meta.title)
    })
}

fn source_page<'a>(
    shared: &'a Shared<'a>,
    index: usize,
    context: &mut Context,
) -> Result<Draft<'a>, Diagnostic> {
    let site = shared.site;
    let source = &site.sources[index];
    let html = annotations::source_html(
        source,
        &shared.passages[index],
        annotations::Placement::SOURCE_PAGE,
        &shared.theme,
    )?;
    let listed = &shared.sources[index];
    context.insert("source", listed);
    // Alone, the home briefing is "the briefing": a list only with a series.
    let cited_in: &[series::SeriesEntry<'_>] = if site.series.is_empty() {
        &[]
    } else {
        &listed.cited_by
    };
    context.insert("cited_in", cited_in);
    Ok(Draft {
        content: html,
        ..Draft::new(
            "source.html",
            listed.href.clone(),
            "../",
            "source",
            &source.meta.title,
        )
    })
}

fn source_index_page<'a>(shared: &'a Shared<'a>, context: &mut Context) -> Draft<'a> {
    context.insert("all_sources", &shared.sources);
    Draft::new(
        "sources.html",
        "sources/index.html",
        "../",
        "sources",
        "Sources",
    )
}

fn series_page<'a>(shared: &'a Shared<'a>, index: usize, context: &mut Context) -> Draft<'a> {
    let (site, resolved) = (shared.site, shared.resolved);
    let entry = &site.series[index];
    context.insert("briefing", &entry.briefing.meta);
    context.insert("print_href", &print_path(Some(entry)));
    let counts = &resolved.series[index].counts;
    context.insert(
        "timeline",
        &timeline::events(resolved, &site.sources, |id| counts.contains_key(id)),
    );
    let meta = &entry.briefing.meta;
    Draft {
        description: meta.description.as_deref(),
        content: shared.series[index].0.clone(),
        ..Draft::new(
            "briefing.html",
            entry.href.clone(),
            "../",
            "series-briefing",
            &meta.title,
        )
    }
}

/// A briefing and the sources it cites on one page, for print: the home briefing's (`None`)
/// or a series briefing's.
fn print_page<'a>(
    shared: &'a Shared<'a>,
    briefing: Option<usize>,
    context: &mut Context,
) -> Result<Draft<'a>, Diagnostic> {
    let site = shared.site;
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
                &shared.theme,
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
    let path = print_path(entry);
    context.insert("print_href", &path);
    Ok(Draft {
        canonical: false,
        content: html.clone(),
        ..Draft::new("print.html", path, root, "print", &meta.title)
    })
}

/// `html` with the card data of the annotations `cited` on it (read back from the page as
/// `brief.js` reads it, `a.cite[data-ann]`, wherever they are: the briefing's prose, notes)
/// before `</body>`, where the theme's deferred script finds it.
pub(super) fn with_cards<'i>(
    shared: &Shared<'_>,
    mut html: String,
    cited: impl Iterator<Item = &'i str>,
    root: &str,
) -> Result<String, Diagnostic> {
    let cards = scripts::cards_json(
        cited.filter_map(|id| shared.by_id.get(id).copied()),
        &shared.site.sources,
        root,
        &shared.theme,
    )?;
    if let Some(cards) = cards {
        let at = html.rfind("</body>").unwrap_or(html.len());
        html.insert_str(
            at,
            &format!("<script type=\"application/json\" id=\"brief-cards\">{cards}</script>\n"),
        );
    }
    Ok(html)
}

fn canonical(site: &Site, path: &str) -> Option<String> {
    site.config
        .base_url
        .as_ref()
        .map(|base| format!("{}/{path}", base.trim_end_matches('/')))
}
