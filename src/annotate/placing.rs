//! Annotations placed in their sources: each target's quote found in its source's reader
//! text (searched by source, in parallel), its figure checked against the number the passage
//! states, and how many independent sources report it. `serve` keeps the results between
//! rebuilds ([`Kept`]), so a save searches only the annotations it changed.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use super::anchor::{self, Anchoring};
use super::citation::Citable;
use super::figure::{self, format_quantity, same_value, value_text};
use super::fold::fold;
use super::model::{Annotation, Kind, Target, Unloaded};
use super::problems::{SourceLines, ambiguous, not_found, out_of_context, unknown_source};
use super::resolve::{self, Anchored, Passage};
use crate::content::Source;
use crate::diagnostics::Diagnostic;

/// Anchoring results kept from one resolve for the next over the same sources, as `serve`
/// does between rebuilds: an annotation written as before, in the same sources, anchors as
/// before with the same problems, so only new and edited annotations are searched. An
/// annotation of a file that was not read again is the very value anchored last time
/// ([`Arc::ptr_eq`]); one of a file read again is compared with it.
///
/// It keeps the citables of the last resolve too, patched with the annotations that changed,
/// and each note that stands alone (cites nothing) resolved with its annotation.
#[derive(Debug, Default)]
pub struct Kept {
    by_id: HashMap<String, KeptOne>,
    /// Which resolve is running: an entry whose `seen` is older was not in it.
    generation: u64,
    /// The citables of the last resolve.
    citables: Option<BTreeMap<String, Citable>>,
    /// The ids whose result this resolve did not take from the last: new, edited or gone.
    changed: Vec<String>,
    /// The annotations this resolve anchored anew, by index in what [`anchor_all`] gave.
    fresh: Vec<usize>,
}

#[derive(Debug)]
struct KeptOne {
    placed: Placed,
    /// The last resolve that had the annotation.
    seen: AtomicU64,
}

/// What anchoring one annotation gives: the annotation placed, or as written when a target
/// did not anchor; and the problems found. The annotation is shared, not copied.
type Placed = (Result<Anchored, Arc<Annotation>>, Vec<Diagnostic>);

/// The annotation as it was written (its places included) when it was anchored.
fn written(placed: &Placed) -> &Arc<Annotation> {
    match &placed.0 {
        Ok(anchored) => &anchored.annotation,
        Err(annotation) => annotation,
    }
}

impl Kept {
    /// The kept result of `annotation`, when it was anchored written exactly so.
    /// Marks it seen by this resolve; called from several threads at once.
    fn reuse(&self, annotation: &Arc<Annotation>) -> Option<Placed> {
        let kept = self.by_id.get(annotation.id.as_str())?;
        let earlier = written(&kept.placed);
        if !(Arc::ptr_eq(earlier, annotation) || **earlier == **annotation) {
            return None;
        }
        kept.seen.store(self.generation, Ordering::Relaxed);
        Some(kept.placed.clone())
    }

    fn keep(&mut self, placed: &Placed) {
        let id = written(placed).id.clone();
        let seen = AtomicU64::new(self.generation);
        let placed = placed.clone();
        self.changed.push(id.clone());
        self.by_id.insert(id, KeptOne { placed, seen });
    }

    /// Forgets the annotations this resolve did not have.
    fn forget_unseen(&mut self) {
        let generation = self.generation;
        let changed = &mut self.changed;
        self.by_id.retain(|id, one| {
            let seen = *one.seen.get_mut() == generation;
            if !seen {
                changed.push(id.clone());
            }
            seen
        });
    }

    /// The citables of `anchored`, what [`anchor_all`] gave with this `Kept`: the last
    /// resolve's, less the annotations that changed, plus those anchored anew; all of them
    /// made again the first time.
    pub(super) fn citables(
        &mut self,
        anchored: &[Anchored],
        sources: &[Source],
    ) -> BTreeMap<String, Citable> {
        let changed = std::mem::take(&mut self.changed);
        let fresh = std::mem::take(&mut self.fresh);
        let Some(mut citables) = self.citables.take() else {
            return resolve::citables(anchored, sources);
        };
        for id in &changed {
            citables.remove(id);
        }
        citables.extend(
            fresh
                .into_iter()
                .map(|i| resolve::citable(&anchored[i], sources)),
        );
        citables
    }

    /// Keeps this resolve's citables for the next.
    pub(super) fn keep_citables(&mut self, citables: BTreeMap<String, Citable>) {
        self.citables = Some(citables);
    }

    /// Keeps the resolved notes of `anchored` with their annotations: notes that stand alone
    /// (see [`resolve::stands_alone`]) and resolved without a problem.
    pub(super) fn keep_notes<'a>(&mut self, anchored: impl Iterator<Item = &'a Anchored>) {
        for a in anchored {
            if let Some(KeptOne {
                placed: (Ok(kept), _),
                ..
            }) = self.by_id.get_mut(a.annotation.id.as_str())
                && Arc::ptr_eq(&kept.annotation, &a.annotation)
            {
                kept.note.clone_from(&a.note);
            }
        }
    }
}

/// Every annotation placed in its sources, in the order written; the ids of those that did
/// not anchor (their problems are in `diagnostics`), with those of entries that did not load.
/// Annotations `kept` holds as written are not searched again. The ids must be unique.
pub(super) fn anchor_all(
    annotations: Vec<Arc<Annotation>>,
    unloaded: &Unloaded,
    sources: &[Source],
    mut kept: Option<&mut Kept>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Anchored>, HashSet<String>) {
    if let Some(kept) = kept.as_mut() {
        kept.generation += 1;
        kept.changed.clear();
        kept.fresh.clear();
    }
    // Each annotation's result when kept, else `None` and the annotation is searched.
    // In parallel: taking 50,000 kept results is bound by memory, not by the hash lookups.
    let placed: Vec<Option<Placed>> = match kept.as_deref() {
        Some(kept) => annotations.par_iter().map(|a| kept.reuse(a)).collect(),
        None => vec![None; annotations.len()],
    };
    let searched: Vec<Arc<Annotation>> = annotations
        .into_iter()
        .zip(&placed)
        .filter(|(_, hit)| hit.is_none())
        .map(|(annotation, _)| annotation)
        .collect();
    let mut fresh = search(searched, unloaded, sources, diagnostics).into_iter();
    let mut anchored: Vec<Anchored> = Vec::with_capacity(placed.len());
    let mut unanchored: HashSet<String> = unloaded.ids.clone();
    for one in placed {
        let one = match one {
            Some(one) => one,
            None => {
                let Some(one) = fresh.next() else { continue };
                if let Some(kept) = kept.as_mut() {
                    kept.keep(&one);
                    if one.0.is_ok() {
                        kept.fresh.push(anchored.len());
                    }
                }
                one
            }
        };
        let (result, problems) = one;
        diagnostics.extend(problems);
        match result {
            Ok(a) => anchored.push(a),
            Err(annotation) => {
                unanchored.insert(annotation.id.clone());
            }
        }
    }
    if let Some(kept) = kept {
        kept.forget_unseen();
    }
    (anchored, unanchored)
}

/// Searches the sources for `annotations`' targets and places them, in parallel; results in
/// the written order.
fn search(
    annotations: Vec<Arc<Annotation>>,
    unloaded: &Unloaded,
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Placed> {
    let reports = report_groups(sources, unloaded, diagnostics);
    if annotations.is_empty() {
        return Vec::new();
    }
    let by_slug: HashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    let lines: Vec<SourceLines<'_>> = sources.iter().map(SourceLines::new).collect();
    let anchorings = anchor_by_source(&annotations, sources, &by_slug);
    let anchoring = AnchorContext {
        sources,
        lines: &lines,
        reports: &reports,
    };
    annotations
        .into_par_iter()
        .zip(anchorings)
        .map(|(annotation, anchorings)| {
            let mut found = Vec::new();
            let result = anchoring.anchor(annotation, anchorings, &mut found);
            (result, found)
        })
        .collect()
}

/// How each target of each annotation anchored, with its source's index (`None`: no source
/// has its slug). Targets are
/// gathered by source, and each source, in parallel, is folded once and searched once for all
/// its quotes; its folded text is dropped when its quotes are placed.
fn anchor_by_source(
    annotations: &[Arc<Annotation>],
    sources: &[Source],
    by_slug: &HashMap<&str, usize>,
) -> Vec<Vec<Option<(usize, Anchoring)>>> {
    let mut wanted: Vec<Vec<(usize, usize)>> = vec![Vec::new(); sources.len()];
    for (i, annotation) in annotations.iter().enumerate() {
        for (j, target) in annotation.targets.iter().enumerate() {
            if let Some(&index) = by_slug.get(target.source.as_str()) {
                wanted[index].push((i, j));
            }
        }
    }
    let found: Vec<Vec<Anchoring>> = wanted
        .par_iter()
        .zip(sources)
        .map(|(targets, source)| {
            if targets.is_empty() {
                return Vec::new();
            }
            let quotes: Vec<anchor::Quote<'_>> = targets
                .iter()
                .map(|&(i, j)| {
                    let target = &annotations[i].targets[j];
                    anchor::Quote {
                        quote: &target.quote,
                        prefix: target.prefix.as_deref(),
                        suffix: target.suffix.as_deref(),
                    }
                })
                .collect();
            let text = &source.body.text.text;
            anchor::anchor_all(&fold(text), text, &quotes)
        })
        .collect();
    let mut anchorings: Vec<Vec<Option<(usize, Anchoring)>>> = annotations
        .iter()
        .map(|a| vec![None; a.targets.len()])
        .collect();
    for (index, (targets, found)) in wanted.iter().zip(found).enumerate() {
        for (&(i, j), anchoring) in targets.iter().zip(found) {
            anchorings[i][j] = Some((index, anchoring));
        }
    }
    anchorings
}

/// What placing an anchored annotation reads: the sources and what is computed once for each.
struct AnchorContext<'a> {
    sources: &'a [Source],
    /// Each source's lines, for the line of a passage.
    lines: &'a [SourceLines<'a>],
    /// Each source's report group, from `based_on`.
    reports: &'a [usize],
}

impl AnchorContext<'_> {
    /// Places every target of `annotation` from its anchoring (`anchorings`, in target
    /// order); the annotation as written when one did not anchor (the problems go to
    /// `diagnostics`).
    fn anchor(
        &self,
        annotation: Arc<Annotation>,
        anchorings: Vec<Option<(usize, Anchoring)>>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<Anchored, Arc<Annotation>> {
        let sources = self.sources;
        let mut passages = Vec::new();
        let mut seen_in: HashMap<usize, usize> = HashMap::new();
        for (target, anchoring) in annotation.targets.iter().zip(anchorings) {
            let Some((index, anchoring)) = anchoring else {
                diagnostics
                    .push(unknown_source(&target.source, sources).at(target.source_at.clone()));
                continue;
            };
            let source = &sources[index];
            let text = &source.body.text.text;
            let lines = &self.lines[index];
            let Some(range) = anchor_target(target, lines, anchoring, diagnostics) else {
                continue;
            };
            let exact = text[range.clone()].to_string();
            let stated = figure::first_figure(&exact);
            if annotation.kind == Kind::Figure {
                check_figure(&annotation, target, stated.as_ref(), diagnostics);
            }
            let k = seen_in.entry(index).or_insert(0);
            *k += 1;
            // `_` joins the count: ids are letters, digits and dashes, so the second passage
            // of `town` (`ann-town_2`) is never the first of `town-2` (`ann-town-2`).
            let dom_id = if *k == 1 {
                format!("ann-{}", annotation.id)
            } else {
                format!("ann-{}_{k}", annotation.id)
            };
            passages.push(Passage {
                source: index,
                line: self.lines[index].line(range.start),
                range,
                dom_id,
                exact,
                stated,
            });
        }
        if passages.len() == annotation.targets.len() {
            let (reported_by, independent) = count_reports(&passages, self.reports);
            Ok(Anchored {
                annotation,
                number: 0,
                passages: passages.into(),
                citations: 0,
                cited_in_notes: false,
                reported_by,
                independent,
                note: None,
            })
        } else {
            Err(annotation)
        }
    }
}

/// For each source, the first source of its report: sources joined by `based_on`, directly
/// or through others, share one. An unknown slug in `based_on` is an error at its place.
fn report_groups(
    sources: &[Source],
    unloaded: &Unloaded,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let by_slug: HashMap<&str, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.slug.as_str(), i))
        .collect();
    let mut parent: Vec<usize> = (0..sources.len()).collect();
    fn root_of(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for (index, source) in sources.iter().enumerate() {
        for (slug, at) in source.meta.based_on.iter().zip(&source.meta.based_on_at) {
            match by_slug.get(slug.as_str()) {
                Some(&other) => {
                    let (a, b) = (root_of(&mut parent, index), root_of(&mut parent, other));
                    parent[a.max(b)] = a.min(b);
                }
                // A source that exists but did not load has its own error.
                None if unloaded.sources.contains(slug) => {}
                None => diagnostics.push(
                    unknown_source(slug, sources)
                        .at(at.clone())
                        .note("`based_on` lists the slugs of the sources this one draws on"),
                ),
            }
        }
    }
    (0..sources.len())
        .map(|i| root_of(&mut parent, i))
        .collect()
}

/// How many sources the passages are in, and how many independent reports those make.
fn count_reports(passages: &[Passage], reports: &[usize]) -> (usize, usize) {
    let sources: BTreeSet<usize> = passages.iter().map(|p| p.source).collect();
    let independent: BTreeSet<usize> = sources.iter().map(|&s| reports[s]).collect();
    (sources.len(), independent.len())
}

fn anchor_target(
    target: &Target,
    lines: &SourceLines<'_>,
    anchoring: Anchoring,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Range<usize>> {
    match anchoring {
        Anchoring::Exact(range) => Some(range),
        Anchoring::Ambiguous(ambiguity) => {
            diagnostics.push(ambiguous(lines, &ambiguity).at(target.quote_at.clone()));
            None
        }
        Anchoring::OutOfContext(alone) => {
            let context = match (&target.prefix, &target.suffix) {
                (Some(_), Some(_)) => "`prefix` and `suffix`",
                (Some(_), None) => "`prefix`",
                _ => "`suffix`",
            };
            diagnostics.push(out_of_context(lines, context, &alone).at(target.quote_at.clone()));
            None
        }
        Anchoring::NotFound(near) => {
            diagnostics
                .push(not_found(&target.quote, lines, near.as_ref()).at(target.quote_at.clone()));
            None
        }
    }
}

fn check_figure(
    annotation: &Annotation,
    target: &Target,
    stated: Option<&figure::Quantity>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(value) = annotation.value else {
        return;
    };
    match stated {
        Some(stated) if !figure::units_agree(stated.unit, annotation.unit) => diagnostics.push(
            Diagnostic::error("E103", format!("the quote states {}, but `unit` is {}", format_quantity(stated.value, stated.unit), annotation.unit.map_or("", |u| u.as_str())))
                .at(target.quote_at.clone())
                .label("this figure's unit")
                .help(format!("set `unit: {}` if the quote is right, or quote the passage that states the figure in {}", stated.unit.as_str(), annotation.unit.map_or("", |u| u.as_str()))),
        ),
        Some(stated) if same_value(stated.value, value) => {}
        Some(stated) => diagnostics.push(
            Diagnostic::error("E103", format!("the quote states {}, but `value` is {}", format_quantity(stated.value, stated.unit), value_text(value, annotation.unit)))
                .at(target.quote_at.clone())
                .label("this number")
                .note(match &annotation.value_at {
                    Some(at) => format!("`value` is set at {}:{}", at.file.display(), at.line),
                    None => "`value` is missing".to_string(),
                })
                .help(format!("set `value: {}` if the quote is right, or quote the passage that states {}", crate::yaml::number(stated.value), value_text(value, annotation.unit))),
        ),
        None => diagnostics.push(
            Diagnostic::error("E103", "a figure's quote must state its number")
                .at(target.quote_at.clone())
                .label("no number in these words")
                .help("quote the words that state the number, like \"$500 billion\" or \"100,000 new jobs\""),
        ),
    }
}
