//! Timelines: the dated annotations a briefing cites, in date order.
//!
//! An annotation may carry `date:` (a day, a month or a year: `2025-01-21`, `2025-01`,
//! `2015`) and `date_text:` (the source's own words for it). Rendering hands the theme a list
//! of events, each with its date as precise as written, the words, and a link to its passage;
//! the theme draws it (the default as an ordered list on a vertical rule, which screen readers
//! read as a list). Nothing is merged: when sources date one event differently, the
//! annotation of each source is its own event with its outlet. Annotations that share a
//! `label` name one event; when their dates differ, each event lists the others' dates as
//! disputed, so the contradiction is said, not left for the reader to spot.

use std::collections::HashMap;

use serde::Serialize;

use crate::annotate::resolve::Resolved;
use crate::content::{EventDate, Source};

/// One event of a timeline, as templates receive it.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// `2015`, `2025-01` or `2025-01-21`: for `<time datetime>`.
    pub datetime: String,
    /// As a reader reads it.
    pub date: String,
    /// `year`, `month` or `day`: a partial date is shown as such.
    pub precision: &'static str,
    /// The source's own words for the date, if the annotation gives them.
    pub date_text: Option<String>,
    /// What happened: the first line of the annotation's note, or its quote.
    pub label: String,
    /// The passage's words.
    pub quote: String,
    /// The annotation's id.
    pub id: String,
    /// The passage, relative to the site root (prefix it with `root`).
    pub href: String,
    /// The outlet of the passage's source.
    pub outlet: String,
    /// Other dates given for the same event (annotations with the same `label`), if any
    /// differs from this one's.
    pub disputed: Vec<Dispute>,
}

/// Another source's date for the same event.
#[derive(Debug, Clone, Serialize)]
pub struct Dispute {
    /// As a reader reads it.
    pub date: String,
    /// For `<time datetime>`.
    pub datetime: String,
    /// Who gives that date.
    pub outlet: String,
    /// Its passage, relative to the site root.
    pub href: String,
}

/// The dated annotations among those `cited` (by id), in date order, then in display order.
pub fn events(resolved: &Resolved, sources: &[Source], cited: impl Fn(&str) -> bool) -> Vec<Event> {
    let mut dated: Vec<Dated> = resolved
        .annotations
        .iter()
        .filter(|a| cited(&a.annotation.id))
        .filter_map(|a| {
            let date = a.annotation.date?;
            let passage = a.passages.first()?;
            let source = &sources[passage.source];
            let event = Event {
                datetime: date.to_string(),
                date: date.display(),
                precision: date.precision(),
                date_text: a.annotation.date_text.clone(),
                label: crate::render::annotations::label(a),
                quote: passage.exact.clone(),
                id: a.annotation.id.clone(),
                href: format!("sources/{}.html#{}", source.slug, passage.dom_id),
                outlet: source.meta.outlet.clone(),
                disputed: Vec::new(),
            };
            let same_event = a.annotation.label.as_deref().map(event_key);
            Some((date, a.number, same_event, event))
        })
        .collect();
    dated.sort_by_key(|a| (a.0, a.1));
    mark_disputes(&mut dated);
    dated.into_iter().map(|(.., event)| event).collect()
}

type Dated = (EventDate, usize, Option<String>, Event);

/// Labels name the same event whatever their case and spacing.
fn event_key(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Gives each event the dates that other events of the same label state and that cannot be
/// true with its own.
fn mark_disputes(dated: &mut [Dated]) {
    let mut by_event: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, (_, _, key, _)) in dated.iter().enumerate() {
        if let Some(key) = key {
            by_event.entry(key.clone()).or_default().push(index);
        }
    }
    for indices in by_event.values() {
        for &i in indices {
            let disputed: Vec<Dispute> = indices
                .iter()
                .filter(|&&j| !dated[j].0.agrees(dated[i].0))
                .map(|&j| {
                    let other = &dated[j].3;
                    Dispute {
                        date: other.date.clone(),
                        datetime: other.datetime.clone(),
                        outlet: other.outlet.clone(),
                        href: other.href.clone(),
                    }
                })
                .collect();
            dated[i].3.disputed = disputed;
        }
    }
}
