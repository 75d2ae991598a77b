//! The review before publishing: warnings for work left unfinished.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rayon::prelude::*;

use super::model::{Annotation, Kind};
use super::resolve::{Anchored, Resolved};
use crate::content::Source;
use crate::diagnostics::{Diagnostic, Location, Problem};

/// Each annotation's review, kept from one rebuild of `serve` to the next over the same
/// sources: an annotation that did not change (the very value, [`Arc::ptr_eq`]) and is
/// still cited, or still not, has the same problems, which are reported again as they are.
#[derive(Debug, Default)]
pub struct Reviewed {
    /// By the address of the annotation, which the entry holds (so the address is not reused).
    by_annotation: HashMap<usize, ReviewedOne>,
}

#[derive(Debug)]
struct ReviewedOne {
    annotation: Arc<Annotation>,
    uncited: bool,
    problems: Vec<Arc<Problem>>,
}

/// The review before publishing: warnings for work left unfinished. An annotation nothing
/// cites, a note without its note, a quote spliced across a paragraph break, a source no
/// annotation points at, an outlet nobody filled in. They are meaningful once the content
/// has no errors (an annotation that fails to anchor leaves its source unannotated), so the
/// build asks for them only then.
///
/// `serve` passes `reviewed`: the review of each annotation it holds as it is now is taken
/// from there, and this one's kept there. It must come from a review over the same sources.
pub fn review(
    resolved: &Resolved,
    sources: &[Source],
    mut reviewed: Option<&mut Reviewed>,
) -> Vec<Arc<Problem>> {
    let cited_in_series: HashSet<&str> = resolved
        .series
        .iter()
        .flat_map(|briefing| briefing.counts.keys().map(String::as_str))
        .collect();
    let earlier = reviewed.as_deref();
    // In parallel, in the annotations' order: an archive's review finds tens of thousands.
    let each: Vec<Review> = resolved
        .annotations
        .par_iter()
        .map(|a| {
            let uncited = a.citations == 0
                && !a.cited_in_notes
                && !cited_in_series.contains(a.annotation.id.as_str());
            let kept = earlier
                .and_then(|earlier| earlier.by_annotation.get(&address(&a.annotation)))
                .filter(|kept| {
                    kept.uncited == uncited && Arc::ptr_eq(&kept.annotation, &a.annotation)
                });
            match kept {
                Some(kept) => (kept.problems.clone(), None),
                None => {
                    let problems = review_annotation(a, uncited);
                    let problems = problems.into_iter().map(Problem::new).collect();
                    (problems, Some(uncited))
                }
            }
        })
        .collect();
    if let Some(reviewed) = reviewed.as_mut() {
        reviewed.keep(&resolved.annotations, &each);
    }
    let mut problems: Vec<Arc<Problem>> = each.into_iter().flat_map(|(p, _)| p).collect();
    let mut annotated = vec![false; sources.len()];
    for passage in resolved.annotations.iter().flat_map(|a| a.passages.iter()) {
        annotated[passage.source] = true;
    }
    let mut diagnostics = Vec::new();
    for (source, annotated) in sources.iter().zip(annotated) {
        if !annotated {
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
    problems.extend(diagnostics.into_iter().map(Problem::new));
    problems
}

impl Reviewed {
    /// Keeps the reviews of `annotations` made anew; forgets those of annotations gone, once
    /// they outnumber the ones kept.
    fn keep(&mut self, annotations: &[Anchored], each: &[Review]) {
        for (a, (problems, made)) in annotations.iter().zip(each) {
            if let Some(uncited) = *made {
                let one = ReviewedOne {
                    annotation: Arc::clone(&a.annotation),
                    uncited,
                    problems: problems.clone(),
                };
                self.by_annotation.insert(address(&a.annotation), one);
            }
        }
        if self.by_annotation.len() > 2 * annotations.len() {
            let now: HashSet<usize> = annotations.iter().map(|a| address(&a.annotation)).collect();
            self.by_annotation.retain(|key, _| now.contains(key));
        }
    }
}

/// An annotation's review: its problems, and whether nothing cites it when the review was
/// made anew (`None`: kept).
type Review = (Vec<Arc<Problem>>, Option<bool>);

/// The address of an annotation, which identifies it while it is held.
fn address(annotation: &Arc<Annotation>) -> usize {
    Arc::as_ptr(annotation) as usize
}

/// The review of one annotation: nothing cites it (`uncited`), a note without its note, a
/// quote spliced across a paragraph break.
fn review_annotation(a: &Anchored, uncited: bool) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let annotation = &a.annotation;
    if uncited {
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
