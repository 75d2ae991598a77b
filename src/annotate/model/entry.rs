//! The check of one annotation entry: from the YAML as written (`AnnotationEntry`, every
//! value with its place in the file) to an `Annotation`, or every problem of the entry, each
//! at the line the editor must change.

use std::path::Path;

use serde_saphyr::Spanned;

use super::{Annotation, AnnotationEntry, Chunk, Kind, Target, invalid_id};
use crate::annotate::figure::Unit;
use crate::content::{EventDate, is_slug};
use crate::diagnostics::{Diagnostic, Location, closest_name};
use crate::yaml;

pub(super) fn check_entry(
    file: &Path,
    chunk: &Chunk<'_>,
    entry: AnnotationEntry,
) -> Result<Annotation, Vec<Diagnostic>> {
    let locate =
        |at: &serde_saphyr::Location| yaml::locate_value(file, chunk.text, chunk.first_line, at);
    let mut problems = Vec::new();
    let id_at = locate(&entry.id.referenced);
    if !is_slug(&entry.id.value) {
        problems.push(invalid_id(&entry.id.value).at(id_at.clone()));
    }
    let kind = entry.kind.value;
    let targets = targets(&entry, &locate, &id_at, &mut problems);
    let unit = entry
        .unit
        .as_ref()
        .and_then(|unit| parse_unit(unit, locate(&unit.referenced), &mut problems));
    if let Some(value) = entry.value.as_ref().filter(|v| !v.value.is_finite()) {
        problems.push(
            Diagnostic::error(
                "E010",
                format!("`value` must be a finite number, not {}", value.value),
            )
            .at(locate(&value.referenced))
            .label("not a number a quote can state")
            .help("write the number the quote states, like `value: 500e9` for \"$500 billion\""),
        );
    }
    if kind == Kind::Figure && entry.value.is_none() {
        problems.push(
            Diagnostic::error("E114", "this figure has no `value`")
                .at(id_at.clone())
                .label("a figure, without the number it states")
                .help("add `value:` with the number the quote states, like `value: 500e9` for \"$500 billion\""),
        );
    }
    let date = entry.date.as_ref().and_then(|date| {
        EventDate::parse(&date.value)
            .map_err(|message| {
                problems.push(
                    Diagnostic::error("E005", format!("invalid date: {message}"))
                        .at(locate(&date.referenced))
                        .label("not a real date")
                        .help("write the day, month or year of the event: 2025-01-21, 2025-01 or 2015"),
                );
            })
            .ok()
    });
    if problems.is_empty() {
        Ok(Annotation {
            date,
            date_text: entry.date_text,
            id: entry.id.value,
            kind,
            targets,
            value: entry.value.as_ref().map(|v| v.value),
            value_at: entry.value.as_ref().map(|v| locate(&v.referenced)),
            unit,
            speaker: entry.speaker,
            label: entry.label,
            chart: entry.chart,
            note: entry.note,
            across_paragraphs: entry.across_paragraphs,
            at: id_at,
        })
    } else {
        Err(problems)
    }
}

/// The entry's passages: its `targets:` list or the one-target shorthand (`source:` and
/// `quote:`). Both, neither, an empty list or an empty quote is a problem (E108 to E110).
fn targets(
    entry: &AnnotationEntry,
    locate: &impl Fn(&serde_saphyr::Location) -> Location,
    id_at: &Location,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Target> {
    let targets = match (&entry.targets, &entry.source, &entry.quote) {
        (Some(targets), None, None) => {
            if targets.value.is_empty() {
                problems.push(
                    Diagnostic::error("E110", "`targets` is empty")
                        .at(locate(&targets.referenced))
                        .help("give at least one `- source: ...` with its `quote: ...`"),
                );
            }
            targets
                .value
                .iter()
                .map(|t| Target {
                    source: t.source.value.clone(),
                    quote: t.quote.value.clone(),
                    prefix: t.prefix.clone(),
                    suffix: t.suffix.clone(),
                    source_at: locate(&t.source.referenced),
                    quote_at: locate(&t.quote.referenced),
                })
                .collect()
        }
        (Some(targets), _, _) => {
            problems.push(
                Diagnostic::error("E109", "this annotation has both `targets:` and a top-level `source:`/`quote:`")
                    .at(locate(&targets.referenced))
                    .label("a list of targets, besides `source:`/`quote:`")
                    .help("use either `source:` + `quote:` for one passage, or `targets:` for several, not both"),
            );
            Vec::new()
        }
        (None, Some(source), Some(quote)) => vec![Target {
            source: source.value.clone(),
            quote: quote.value.clone(),
            prefix: entry.prefix.clone(),
            suffix: entry.suffix.clone(),
            source_at: locate(&source.referenced),
            quote_at: locate(&quote.referenced),
        }],
        (None, _, _) => {
            let missing = if entry.source.is_none() {
                "source"
            } else {
                "quote"
            };
            problems.push(
                Diagnostic::error("E110", format!("this annotation has no `{missing}`"))
                    .at(id_at.clone())
                    .label("in this annotation")
                    .help("give `source:` (a slug of content/sources/) and `quote:` (the exact words), or a `targets:` list"),
            );
            Vec::new()
        }
    };
    for target in &targets {
        if target.quote.trim().is_empty() {
            problems.push(
                Diagnostic::error("E108", "the quote is empty")
                    .at(target.quote_at.clone())
                    .label("no words to find")
                    .help("copy the exact words of the passage from the source page"),
            );
        }
    }
    targets
}

/// The entry's `unit:`, or E113 (with the closest known unit) when brief does not know it.
fn parse_unit(
    unit: &Spanned<String>,
    at: Location,
    problems: &mut Vec<Diagnostic>,
) -> Option<Unit> {
    if let Some(parsed) = Unit::parse(&unit.value) {
        return Some(parsed);
    }
    let units = Unit::CANONICAL
        .iter()
        .map(|u| u.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let diagnostic = Diagnostic::error("E113", format!("unknown unit `{}`", unit.value))
        .at(at)
        .label("not a unit brief knows");
    problems.push(
        match closest_name(&unit.value, Unit::NAMES.iter().copied()) {
            Some(name) => diagnostic.help(format!("did you mean `{name}`? units: {units}")),
            None => diagnostic.help(format!("units: {units}")),
        },
    );
    None
}
