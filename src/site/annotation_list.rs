//! `annotations.html`, the one page that lists every annotation: at 50,000 annotations it
//! is tens of megabytes, so it is never held whole. The theme renders the page around a mark
//! (`annotation_list`), then each annotation through `partials/annotation.html`, a chunk at a
//! time in parallel, written between the page's two halves as it comes.

use std::collections::BTreeSet;
use std::io::Write;

use rayon::prelude::*;
use tera::Context;

use super::pages::{Draft, PageError, with_cards};
use super::shared::{Shared, SourceContext};
use crate::annotate::resolve::Anchored;
use crate::diagnostics::Diagnostic;
use crate::render::{annotations, scripts};

/// What `annotation_list` holds while the page renders; the theme must place it once.
const MARK: &str = "<!--brief:annotation-list-->";

/// How many annotations render at once: enough to keep both cores busy, few enough that a
/// chunk's contexts and HTML stay small.
const CHUNK: usize = 512;

/// The page's own variables: the list's mark and the sources to filter by.
pub(super) fn draft<'a>(shared: &'a Shared<'a>, context: &mut Context) -> Draft<'a> {
    context.insert("annotation_list", MARK);
    // The sources to filter by: those with at least one annotated passage.
    let annotated: Vec<&SourceContext<'_>> = shared
        .sources
        .iter()
        .zip(&shared.passages)
        .filter(|(_, passages)| !passages.is_empty())
        .map(|(source, _)| source)
        .collect();
    context.insert("annotated_sources", &annotated);
    Draft::new(
        "annotations.html",
        "annotations.html",
        "",
        "annotations",
        "Annotations",
    )
}

/// Writes the page the theme rendered around the mark (`page`), with every annotation in
/// its place and the card data of every citation on it (notes cite other annotations).
pub(super) fn write(
    shared: &Shared<'_>,
    page: &str,
    root: &str,
    out: &mut dyn Write,
) -> Result<(), PageError> {
    let (head, tail) = page
        .split_once(MARK)
        .filter(|(_, tail)| !tail.contains(MARK))
        .ok_or_else(|| misplaced_mark(shared))?;
    let mut cited: BTreeSet<String> = scripts::cited_ids(head)
        .chain(scripts::cited_ids(tail))
        .map(str::to_string)
        .collect();
    out.write_all(head.as_bytes())?;
    for chunk in shared.resolved.annotations.chunks(CHUNK) {
        let entries = chunk
            .par_iter()
            .map(|anchored| entry(shared, anchored, root))
            .collect::<Result<Vec<String>, Diagnostic>>()?;
        for entry in entries {
            cited.extend(scripts::cited_ids(&entry).map(str::to_string));
            out.write_all(entry.as_bytes())?;
        }
    }
    let tail = with_cards(
        shared,
        tail.to_string(),
        cited.iter().map(String::as_str),
        root,
    )?;
    out.write_all(tail.as_bytes())?;
    Ok(())
}

/// One annotation through `partials/annotation.html`.
fn entry(shared: &Shared<'_>, anchored: &Anchored, root: &str) -> Result<String, Diagnostic> {
    let theme = &shared.theme;
    let id = anchored.annotation.id.as_str();
    let mut context = Context::new();
    context.insert(
        "a",
        &annotations::view(anchored, &shared.site.sources, theme)?,
    );
    context.insert("root", root);
    // As on source pages, a list only with a series.
    let briefings = if shared.site.series.is_empty() {
        Vec::new()
    } else {
        shared.cited_in.briefings([id])
    };
    context.insert("briefings", &briefings);
    theme.render("partials/annotation.html", &context)
}

/// A theme's `annotations.html` that does not place the list exactly once.
fn misplaced_mark(shared: &Shared<'_>) -> Diagnostic {
    shared
        .theme
        .problem(
            "annotations.html",
            "this template must place `annotation_list` exactly once",
        )
        .help(
            "write `{{ annotation_list | safe }}` where the annotations go; each one is rendered \
             by `partials/annotation.html` (see docs/themes.md)",
        )
}
