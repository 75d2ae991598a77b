//! A series of briefings: `content/briefings/<slug>.md`, beside the home briefing
//! (`content/index.md`), sharing its sources and annotations.
//!
//! Loading reads and checks each file like the home briefing, and requires a `date` (the
//! home list and the feed are in date order). Resolving turns each briefing's citations into
//! links from `briefings/<slug>.html`, one folder down. The rest of the site only reads what
//! this module returns: the pages, the home list, the "cited in" lists and the feed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::annotate::citation::{self, Citing};
use crate::annotate::resolve::{self, CitedBriefing, Resolved};
use crate::content::{self, Briefing, Date, is_slug};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::site::{self, Site};

/// The folder of the series, relative to the site root.
pub const FOLDER: &str = "content/briefings";

/// One briefing of the series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesBriefing {
    /// The file name without `.md`.
    pub slug: String,
    /// Its page relative to the site root: `briefings/<slug>.html`.
    pub href: String,
    /// Its date, required in the series.
    pub date: Date,
    /// The parsed file.
    pub briefing: Briefing,
}

/// Reads `content/briefings/*.md`, newest first (then by slug, for a stable order).
pub fn load(root: &Path, diagnostics: &mut Diagnostics) -> Vec<SeriesBriefing> {
    let mut series = Vec::new();
    for file in site::markdown_files(root, Path::new(FOLDER), diagnostics) {
        let text = match site::read_text(root, &file) {
            Ok(text) => text,
            Err(problem) => {
                diagnostics.push(problem);
                continue;
            }
        };
        let briefing = match content::parse_briefing(&file, text) {
            Ok(briefing) => briefing,
            Err(problems) => {
                diagnostics.extend(problems);
                continue;
            }
        };
        let slug = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !is_slug(&slug) {
            diagnostics.push(
                Diagnostic::error("E012", format!("`{slug}` is not a usable briefing name"))
                    .at(Location::file_start(&file))
                    .help("name briefing files with lowercase letters, digits and dashes, like `2025-01-23-stargate.md`"),
            );
            continue;
        }
        let Some(date) = briefing.meta.date else {
            diagnostics.push(
                Diagnostic::error("E004", "a briefing of the series needs a `date`")
                    .at(Location::from_range(&file, &briefing.markdown.text, 0..3))
                    .label("this front matter has no `date:`")
                    .help("add `date: YYYY-MM-DD`: the home page and the feed list briefings newest first"),
            );
            continue;
        };
        series.push(SeriesBriefing {
            href: format!("briefings/{slug}.html"),
            slug,
            date,
            briefing,
        });
    }
    series.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    series
}

/// Resolves the citations of every series briefing against the anchored annotations. An id
/// that exists but did not anchor has its own error already, so citing it is not another.
pub fn resolve(
    site: &Site,
    resolved: &Resolved,
    diagnostics: &mut Diagnostics,
) -> Vec<CitedBriefing> {
    if site.series.is_empty() {
        return Vec::new();
    }
    let citables = resolve::citables(&resolved.annotations, &site.sources);
    let anchored: HashSet<&str> = resolved
        .annotations
        .iter()
        .map(|a| a.annotation.id.as_str())
        .collect();
    let unanchored: HashSet<String> = site
        .annotations
        .iter()
        .map(|a| a.id.clone())
        .filter(|id| !anchored.contains(id.as_str()))
        .collect();
    site.series
        .iter()
        .map(|entry| {
            let citing = Citing {
                file: &entry.briefing.markdown,
                briefing: true,
                unanchored: &unanchored,
            };
            let resolution =
                citation::resolve(entry.briefing.body.events.clone(), &citables, &citing);
            diagnostics.extend(resolution.diagnostics);
            CitedBriefing {
                body: resolution.cited,
                counts: resolution.counts,
            }
        })
        .collect()
}

/// What templates receive about a briefing of the series.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesEntry<'a> {
    /// `briefings/<slug>.html`, relative to the site root.
    pub href: String,
    /// The slug.
    pub slug: &'a str,
    /// The front matter.
    #[serde(flatten)]
    pub meta: &'a content::BriefingMeta,
}

/// The series as templates list it, newest first.
pub fn entries(site: &Site) -> Vec<SeriesEntry<'_>> {
    site.series
        .iter()
        .map(|entry| SeriesEntry {
            href: entry.href.clone(),
            slug: &entry.slug,
            meta: &entry.briefing.meta,
        })
        .collect()
}

/// Which briefings cite what: the home briefing and each of the series, from one pass over
/// the citations, so a page looks up its own list without scanning the archive.
pub struct CitedIn<'a> {
    /// The home briefing, then the series in order.
    briefings: Vec<SeriesEntry<'a>>,
    /// For each cited annotation, the briefings citing it, by index in `briefings`, ascending.
    by_annotation: HashMap<&'a str, Vec<usize>>,
}

impl<'a> CitedIn<'a> {
    /// Indexes the citations of the home briefing and of every briefing of the series.
    pub fn new(site: &'a Site, resolved: &'a Resolved) -> Self {
        let mut briefings = vec![SeriesEntry {
            href: "index.html".to_string(),
            slug: "index",
            meta: &site.briefing.meta,
        }];
        briefings.extend(entries(site));
        let mut by_annotation: HashMap<&str, Vec<usize>> = HashMap::new();
        for a in resolved.annotations.iter().filter(|a| a.citations > 0) {
            by_annotation.entry(&a.annotation.id).or_default().push(0);
        }
        for (k, resolution) in resolved.series.iter().enumerate() {
            for id in resolution.counts.keys() {
                by_annotation.entry(id).or_default().push(k + 1);
            }
        }
        CitedIn {
            briefings,
            by_annotation,
        }
    }

    /// The briefings that cite any of `ids`, home first, then the series in order.
    pub fn briefings<'i>(&self, ids: impl IntoIterator<Item = &'i str>) -> Vec<SeriesEntry<'a>> {
        let found: BTreeSet<usize> = ids
            .into_iter()
            .filter_map(|id| self.by_annotation.get(id))
            .flatten()
            .copied()
            .collect();
        found
            .into_iter()
            .map(|k| self.briefings[k].clone())
            .collect()
    }
}
