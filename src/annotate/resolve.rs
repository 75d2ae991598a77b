//! The resolve stage: annotations anchored in their sources, figures checked, citations
//! resolved. It reads the loaded site and returns [`Resolved`], which rendering only reads.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::citation::{self, Citable, Cited, Citing};
use super::figure::{self, value_text};
use super::model::{Annotation, Unloaded};
use super::placing::{Kept, anchor_all};
use crate::content::{Briefing, MarkdownFile, Source};
use crate::diagnostics::Diagnostic;
use crate::markdown;

/// One anchored passage of an annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// The index of the source in the site's sources.
    pub source: usize,
    /// The passage in the source's reader text.
    pub range: Range<usize>,
    /// The line of the source file it is on.
    pub line: usize,
    /// Its element id on the source page: `ann-<id>`, or `ann-<id>-<k>` for a further
    /// passage of the same annotation in the same source.
    pub dom_id: String,
    /// The passage as the source words it.
    pub exact: String,
    /// The number it states, for figures.
    pub stated: Option<figure::Quantity>,
}

/// An annotation with its passages.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchored {
    /// As written; shared with the loaded site (and, in `serve`, with the next rebuild's
    /// when the annotation is unchanged).
    pub annotation: Arc<Annotation>,
    /// Its display number, from 1, in order of first citation in the briefing.
    pub number: usize,
    /// One per target, in the order written; shared, as the annotation is.
    pub passages: Arc<[Passage]>,
    /// How many times the briefing cites it.
    pub citations: usize,
    /// Whether a note cites it.
    pub cited_in_notes: bool,
    /// How many distinct sources it is found in.
    pub reported_by: usize,
    /// How many of those are independent reports: sources joined by `based_on` count once.
    pub independent: usize,
    /// Its note (`annotation.note`), parsed, with its citations resolved.
    pub note: Option<Arc<Cited>>,
}

/// A series briefing with its citations resolved.
#[derive(Debug, Clone, Default)]
pub struct CitedBriefing {
    /// The body, its citations resolved.
    pub body: Cited,
    /// How many times it cites each annotation, by id.
    pub counts: BTreeMap<String, usize>,
}

/// Everything rendering needs from the annotation layer.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    /// The annotations, by display number.
    pub annotations: Vec<Anchored>,
    /// The briefing's body, its citations resolved.
    pub briefing: Cited,
    /// The series' briefings (`content/briefings/`), in the order of `Site::series`.
    pub series: Vec<CitedBriefing>,
}

/// Anchors `annotations` in `sources` and resolves the briefing's citations.
pub fn resolve(
    annotations: Vec<Arc<Annotation>>,
    unloaded: &Unloaded,
    sources: &[Source],
    briefing: &Briefing,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    resolve_keeping(annotations, unloaded, sources, briefing, None, diagnostics)
}

/// [`resolve`], taking from `kept` the anchoring of every annotation written as it was when
/// `kept` recorded it, and recording this one's there. `kept` must come from a resolve over
/// the same `sources`.
pub fn resolve_keeping(
    annotations: Vec<Arc<Annotation>>,
    unloaded: &Unloaded,
    sources: &[Source],
    briefing: &Briefing,
    kept: Option<&mut Kept>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Resolved {
    let annotations = drop_duplicates(annotations, diagnostics);
    let mut kept = kept;
    let (mut anchored, unanchored) = anchor_all(
        annotations,
        unloaded,
        sources,
        kept.as_deref_mut(),
        diagnostics,
    );
    let citables = match kept.as_deref_mut() {
        Some(kept) => kept.citables(&anchored, sources),
        None => citables(&anchored, sources),
    };
    let citing = Citing {
        file: &briefing.markdown,
        briefing: true,
        unanchored: &unanchored,
    };
    let resolution = citation::resolve(briefing.body.events.clone(), &citables, &citing);
    diagnostics.extend(
        resolution
            .diagnostics
            .into_iter()
            .map(|d| without_guesses(d, unloaded)),
    );
    number_by_first_citation(&mut anchored, &resolution.order, &resolution.counts);
    let standalone = resolve_notes(
        &mut anchored,
        &citables,
        (&unanchored, unloaded),
        diagnostics,
    );
    if let Some(kept) = kept {
        kept.keep_notes(standalone.into_iter().map(|index| &anchored[index]));
        kept.keep_citables(citables);
    }
    Resolved {
        annotations: anchored,
        briefing: resolution.cited,
        series: Vec::new(),
    }
}

/// Resolves the citations of every note not resolved yet (one taken from [`Kept`] is), in
/// parallel (an archive has tens of thousands of notes; the problems keep the annotations'
/// order), and marks the annotations a note cites. Gives the indices of the notes it
/// resolved that stand alone: they cite nothing and had no problem, so they resolve the same
/// whatever the other annotations are.
fn resolve_notes(
    anchored: &mut [Anchored],
    citables: &BTreeMap<String, Citable>,
    missing: (&HashSet<String>, &Unloaded),
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let notes: Vec<Option<ResolvedNote>> = anchored
        .par_iter()
        .map(|a| {
            let note = a.annotation.note.as_deref().filter(|_| a.note.is_none())?;
            let (mut found, mut cited) = (Vec::new(), HashSet::new());
            let resolved = resolve_note(
                note,
                &a.annotation,
                citables,
                missing,
                &mut cited,
                &mut found,
            );
            Some((resolved, found, cited))
        })
        .collect();
    let mut standalone = Vec::new();
    let mut cited_in_notes = HashSet::new();
    for (index, (a, note)) in anchored.iter_mut().zip(notes).enumerate() {
        let Some((note, found, cited)) = note else {
            continue;
        };
        if found.is_empty() && stands_alone(&a.annotation) {
            standalone.push(index);
        }
        a.note = Some(Arc::new(note));
        diagnostics.extend(found);
        cited_in_notes.extend(cited);
    }
    if !cited_in_notes.is_empty() {
        for a in anchored {
            a.cited_in_notes = cited_in_notes.contains(&a.annotation.id);
        }
    }
    standalone
}

/// A note resolved: the text, its problems, and the ids it cites.
type ResolvedNote = (Cited, Vec<Diagnostic>, HashSet<String>);

/// Whether the annotation's note cites nothing, whatever its Markdown: a citation's
/// destination starts with `@`.
pub(super) fn stands_alone(annotation: &Annotation) -> bool {
    annotation
        .note
        .as_deref()
        .is_some_and(|note| !note.contains('@'))
}

/// Notes are Markdown like the briefing but, like sources, never carry raw HTML. Their
/// citations link to other passages; a problem in one is reported at the annotation.
fn resolve_note(
    note: &str,
    annotation: &Annotation,
    citables: &BTreeMap<String, Citable>,
    (unanchored, unloaded): (&HashSet<String>, &Unloaded),
    cited: &mut HashSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Cited {
    let options = markdown::MarkdownOptions {
        smart_punctuation: true,
        allow_html: false,
    };
    let Ok(parsed) = markdown::parse(note, options) else {
        diagnostics.push(
            crate::content::too_many_elements(annotation.at.clone())
                .note(format!("in the note of `{}`", annotation.id)),
        );
        return Cited::default();
    };
    let file = MarkdownFile {
        file: annotation.at.file.clone(),
        text: note.to_string(),
        body_offset: 0,
    };
    let citing = Citing {
        file: &file,
        briefing: false,
        unanchored,
    };
    let resolution = citation::resolve(parsed.events, citables, &citing);
    cited.extend(resolution.counts.keys().cloned());
    diagnostics.extend(resolution.diagnostics.into_iter().map(|d| {
        let mut d =
            without_guesses(d, unloaded).note(format!("in the note of `{}`", annotation.id));
        d.location = Some(annotation.at.clone());
        d
    }));
    resolution.cited
}

/// An unknown citation, when an annotation file lost entries: the id may well be among them,
/// so a "did you mean" built from the ids that loaded would mislead.
fn without_guesses(diagnostic: Diagnostic, unloaded: &Unloaded) -> Diagnostic {
    if diagnostic.code != "E201" || unloaded.files.is_empty() {
        return diagnostic;
    }
    let files: Vec<String> = unloaded
        .files
        .iter()
        .map(|f| format!("`{}`", f.display()))
        .collect();
    let mut diagnostic = diagnostic.note(format!(
        "{} did not load whole (see its error); the id may be written there",
        files.join(", ")
    ));
    diagnostic.help =
        Some("fix the annotation file's error first; this citation may then resolve".to_string());
    diagnostic
}

/// The annotations cite-able from Markdown, by id; made in parallel.
pub fn citables(anchored: &[Anchored], sources: &[Source]) -> BTreeMap<String, Citable> {
    let citables: Vec<(String, Citable)> =
        anchored.par_iter().map(|a| citable(a, sources)).collect();
    citables.into_iter().collect()
}

/// What a citation of `a` needs, under its id.
pub(super) fn citable(a: &Anchored, sources: &[Source]) -> (String, Citable) {
    let first = &a.passages[0];
    let citable = Citable {
        kind: a.annotation.kind,
        href: format!(
            "sources/{}.html#{}",
            sources[first.source].slug, first.dom_id
        ),
        quote: a.annotation.targets[0].quote.trim().to_string(),
        value: a.annotation.value,
        unit: a.annotation.unit,
        stated: first.stated.clone(),
        value_text: a.annotation.value.map(|v| value_text(v, a.annotation.unit)),
    };
    (a.annotation.id.clone(), citable)
}

impl Anchored {
    /// "reported by 3 sources, 2 independent" (sources joined by `based_on` are one report),
    /// when more than one source carries it.
    pub fn reports(&self) -> Option<String> {
        (self.reported_by > 1).then(|| {
            format!(
                "reported by {} sources, {} independent",
                self.reported_by, self.independent
            )
        })
    }
}

/// Two annotations with one id: the one read first (files in alphabetical order, entries in
/// file order) is kept and cited; the error shows both places and says so.
fn drop_duplicates(
    annotations: Vec<Arc<Annotation>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Arc<Annotation>> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(annotations.len());
    let mut ignored = HashSet::new();
    for (index, annotation) in annotations.iter().enumerate() {
        let kept = match first.entry(annotation.id.as_str()) {
            Entry::Occupied(kept) => &annotations[*kept.get()],
            Entry::Vacant(vacant) => {
                vacant.insert(index);
                continue;
            }
        };
        diagnostics.push(
            Diagnostic::error("E104", format!("two annotations have the id `{}`", annotation.id))
                .at(annotation.at.clone())
                .label("this one is ignored")
                .also(kept.at.clone(), format!("this one is kept: citations of `@{}` link to it", annotation.id))
                .note("the annotation read first is kept: files in alphabetical order, entries in the order written")
                .help("ids are unique across the site: rename one of them (and the citations meant for it)"),
        );
        ignored.insert(index);
    }
    if ignored.is_empty() {
        return annotations;
    }
    annotations
        .into_iter()
        .enumerate()
        .filter(|(index, _)| !ignored.contains(index))
        .map(|(_, annotation)| annotation)
        .collect()
}

/// Numbers annotations in the order the briefing first cites them; uncited ones follow in
/// the order they were written.
fn number_by_first_citation(
    anchored: &mut [Anchored],
    order: &[String],
    counts: &BTreeMap<String, usize>,
) {
    let rank: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    // A stable sort, each key looked up once: uncited annotations keep the order they were
    // written in, after the cited ones.
    anchored.sort_by_cached_key(|a| {
        rank.get(a.annotation.id.as_str())
            .copied()
            .unwrap_or(usize::MAX)
    });
    let cited = anchored.partition_point(|a| rank.contains_key(a.annotation.id.as_str()));
    for (index, a) in anchored.iter_mut().enumerate() {
        a.number = index + 1;
        a.citations = if index < cited {
            counts.get(&a.annotation.id).copied().unwrap_or(0)
        } else {
            0
        };
    }
}
