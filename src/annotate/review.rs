//! The review before publishing: warnings for work left unfinished.

use std::collections::HashSet;

use rayon::prelude::*;

use super::model::Kind;
use super::resolve::{Anchored, Resolved};
use crate::content::Source;
use crate::diagnostics::{Diagnostic, Location};

/// The review before publishing: warnings for work left unfinished. An annotation nothing
/// cites, a note without its note, a quote spliced across a paragraph break, a source no
/// annotation points at, an outlet nobody filled in. They are meaningful once the content
/// has no errors (an annotation that fails to anchor leaves its source unannotated), so the
/// build asks for them only then.
pub fn review(resolved: &Resolved, sources: &[Source]) -> Vec<Diagnostic> {
    let cited_in_series: HashSet<&str> = resolved
        .series
        .iter()
        .flat_map(|briefing| briefing.counts.keys().map(String::as_str))
        .collect();
    // In parallel, in the annotations' order: an archive's review finds tens of thousands.
    let mut diagnostics: Vec<Diagnostic> = resolved
        .annotations
        .par_iter()
        .flat_map_iter(|a| review_annotation(a, &cited_in_series))
        .collect();
    let annotated: HashSet<&str> = resolved
        .annotations
        .iter()
        .flat_map(|a| a.annotation.targets.iter().map(|t| t.source.as_str()))
        .collect();
    for source in sources {
        if !annotated.contains(source.slug.as_str()) {
            diagnostics.push(
                Diagnostic::warning("W205", format!("no annotation points at `{}`", source.slug))
                    .at(Location::file_start(&source.markdown.file))
                    .label("a source nothing annotates")
                    .help(format!(
                        "annotate it (`brief suggest --source {}` lists candidates), or remove it",
                        source.slug
                    )),
            );
        }
        if source.meta.outlet == "unknown" {
            diagnostics.push(
                Diagnostic::warning("W206", format!("the outlet of `{}` is unknown", source.slug))
                    .at(outlet_location(source))
                    .label("who published it?")
                    .help("write the publication's name, like `outlet: CNBC`; readers judge a source by it"),
            );
        }
    }
    diagnostics
}

/// The review of one annotation: nothing cites it, a note without its note, a quote spliced
/// across a paragraph break.
fn review_annotation(a: &Anchored, cited_in_series: &HashSet<&str>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let annotation = &a.annotation;
    if a.citations == 0 && !a.cited_in_notes && !cited_in_series.contains(annotation.id.as_str()) {
        diagnostics.push(
            Diagnostic::warning("W202", format!("nothing cites `{}`", annotation.id))
                .at(annotation.at.clone())
                .label("not cited in the briefing nor in any note")
                .help(format!(
                    "cite it as `[](@{})` where the briefing uses it, or remove it",
                    annotation.id
                )),
        );
    }
    if annotation.kind == Kind::Note
        && annotation
            .note
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
    {
        diagnostics.push(
            Diagnostic::warning(
                "W203",
                format!("the note `{}` has no `note`", annotation.id),
            )
            .at(annotation.at.clone())
            .label("a note annotation, with nothing to say")
            .help("add `note: ...` with the comment, or make it a `quote` or `figure`"),
        );
    }
    if annotation.across_paragraphs {
        return diagnostics;
    }
    for (passage, target) in a.passages.iter().zip(&annotation.targets) {
        if passage.exact.contains("\n\n") {
            diagnostics.push(
                Diagnostic::warning("W204", "the quote runs across a paragraph break")
                    .at(target.quote_at.clone())
                    .label("these words are in two paragraphs of the source")
                    .help("quote one paragraph, or add `across_paragraphs: true` if the splice is meant"),
            );
        }
    }
    diagnostics
}

/// The `unknown` of an `outlet: unknown` front matter line.
fn outlet_location(source: &Source) -> Location {
    let text = &source.markdown.text;
    let front = &text[..source.markdown.body_offset];
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        if let Some(value) = line.strip_prefix("outlet:") {
            let start = offset + "outlet:".len() + (value.len() - value.trim_start().len());
            let end = offset + line.trim_end().len();
            return Location::from_range(&source.markdown.file, text, start..end.max(start));
        }
        offset += line.len();
    }
    Location::file_start(&source.markdown.file)
}
