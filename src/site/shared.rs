//! What every page shares, computed once before the pages render: the theme, the base
//! context each page's starts from, the briefings' bodies, each source's passages and which
//! briefings cite what.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use pulldown_cmark::{Event, Tag};
use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::Site;
use super::pages::print_path;
use crate::annotate::citation::Cited;
use crate::annotate::resolve::{Anchored, Resolved};
use crate::content::{self, Source};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::feed;
use crate::render::annotations;
use crate::render::theme::Theme;
use crate::series;

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
pub(super) struct SourceContext<'a> {
    pub(super) slug: &'a str,
    pub(super) href: String,
    #[serde(flatten)]
    pub(super) meta: &'a content::SourceMeta,
    /// The briefings that cite it: the home briefing, then the series.
    pub(super) cited_by: Vec<series::SeriesEntry<'a>>,
}

/// How many cited sources the header lists before its link to all sources.
const HEADER_SOURCES: usize = 8;

/// What every page shares, computed once: each page's context starts from a copy of
/// `base`, which holds nothing that grows with the archive.
pub(super) struct Shared<'a> {
    pub(super) site: &'a Site,
    /// The site's title: `title` of `site.yaml`, else the briefing's.
    pub(super) title: &'a str,
    pub(super) resolved: &'a Resolved,
    pub(super) theme: Theme,
    pub(super) base: Context,
    pub(super) sources: Vec<SourceContext<'a>>,
    /// The sources the briefing cites, by index, in slug order.
    pub(super) cited: Vec<usize>,
    /// Each source's passages, so a source page reads only its own.
    pub(super) passages: Vec<Vec<annotations::SourcePassage<'a>>>,
    /// The briefing's body: on index.html and on print.html, rendered once.
    pub(super) briefing_html: String,
    /// Each series briefing's body and the sources it cites: on its page and its print page.
    pub(super) series: Vec<(String, Vec<usize>)>,
    pub(super) by_id: HashMap<&'a str, &'a Anchored>,
    /// Which briefings cite each annotation.
    pub(super) cited_in: series::CitedIn<'a>,
}

impl<'a> Shared<'a> {
    /// Loads the theme and computes what pages share; `None` when the theme does not load or
    /// a briefing's body fails to render (the problems are in `diagnostics`).
    pub(super) fn new(
        root: &Path,
        site: &'a Site,
        resolved: &'a Resolved,
        diagnostics: &mut Diagnostics,
    ) -> Option<Shared<'a>> {
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
        let cited = cited_sources(&site.sources, &resolved.briefing, "", &passages, |a| {
            a.citations > 0
        });
        let series_pages = series_bodies(site, resolved, &passages, &theme)
            .map_err(|problem| diagnostics.push(problem))
            .ok()?;
        let cited_in = series::CitedIn::new(site, resolved);
        let sources = source_contexts(site, &passages, &cited_in);
        let header: Vec<&SourceContext<'_>> = cited
            .iter()
            .take(HEADER_SOURCES)
            .map(|&index| &sources[index])
            .collect();
        let base = base_context(site, title, &header);
        Some(Shared {
            site,
            title,
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
        })
    }
}

/// Each series briefing's body as HTML and the sources it shows.
fn series_bodies(
    site: &Site,
    resolved: &Resolved,
    passages: &[Vec<annotations::SourcePassage<'_>>],
    theme: &Theme,
) -> Result<Vec<(String, Vec<usize>)>, Diagnostic> {
    site.series
        .par_iter()
        .zip(&resolved.series)
        .map(|(_, cited)| {
            let html =
                annotations::briefing_html(&cited.body, resolved, &site.sources, "../", theme)?;
            let sources = cited_sources(&site.sources, &cited.body, "../", passages, |a| {
                cited.counts.contains_key(&a.annotation.id)
            });
            Ok((html, sources))
        })
        .collect()
}

/// What templates receive about each source, with the briefings that cite it.
fn source_contexts<'a>(
    site: &'a Site,
    passages: &[Vec<annotations::SourcePassage<'a>>],
    cited_in: &series::CitedIn<'a>,
) -> Vec<SourceContext<'a>> {
    site.sources
        .iter()
        .zip(passages)
        .map(|(source, passages)| SourceContext {
            slug: &source.slug,
            href: format!("sources/{}.html", source.slug),
            meta: &source.meta,
            cited_by: cited_in
                .briefings(passages.iter().map(|p| p.anchored.annotation.id.as_str())),
        })
        .collect()
}

/// The sources a briefing shows, by index: those with a passage of an annotation it cites
/// (`cites`), and those its Markdown links to (`sources/<slug>.html`, from its page `root`
/// away from the site root).
fn cited_sources(
    sources: &[Source],
    body: &Cited,
    root: &str,
    passages: &[Vec<annotations::SourcePassage<'_>>],
    cites: impl Fn(&Anchored) -> bool,
) -> Vec<usize> {
    let prefix = format!("{root}sources/");
    let linked: HashSet<&str> = body
        .events
        .iter()
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                let path = dest_url.strip_prefix(prefix.as_str())?;
                path.split_once(".html").map(|(slug, _)| slug)
            }
            _ => None,
        })
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
