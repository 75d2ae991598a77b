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

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use crate::annotate::resolve::Resolved;
use crate::content::{Date, Source};

/// A date as precise as the source gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventDate {
    /// A year only.
    Year(u16),
    /// A month of a year.
    Month(u16, u8),
    /// A day.
    Day(Date),
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl EventDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<EventDate, String> {
        let invalid = || format!("`{text}` is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY");
        let year = |y: &str| {
            (y.len() == 4)
                .then(|| y.parse::<u16>().ok())
                .flatten()
                .ok_or_else(invalid)
        };
        match text.split('-').collect::<Vec<_>>().as_slice() {
            [y] => Ok(EventDate::Year(year(y)?)),
            [y, m] => {
                let month = (m.len() == 2)
                    .then(|| m.parse::<u8>().ok())
                    .flatten()
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(invalid)?;
                Ok(EventDate::Month(year(y)?, month))
            }
            [_, _, _] => Date::parse(text).map(EventDate::Day),
            _ => Err(invalid()),
        }
    }

    /// The first day it may mean, for sorting: a year sorts before its months and days.
    fn start(self) -> (u16, u8, u8) {
        match self {
            EventDate::Year(y) => (y, 0, 0),
            EventDate::Month(y, m) => (y, m, 0),
            EventDate::Day(d) => (d.year, d.month, d.day),
        }
    }

    /// Whether two dates can both be true: equal, or one lies within the other (2025 and
    /// 21 January 2025 agree; 17 and 21 January do not).
    fn agrees(self, other: EventDate) -> bool {
        let (a, b) = (self.start(), other.start());
        match (self, other) {
            (EventDate::Year(_), _) | (_, EventDate::Year(_)) => a.0 == b.0,
            (EventDate::Month(..), _) | (_, EventDate::Month(..)) => (a.0, a.1) == (b.0, b.1),
            _ => a == b,
        }
    }

    /// How precise it is: `year`, `month` or `day`.
    pub fn precision(self) -> &'static str {
        match self {
            EventDate::Year(_) => "year",
            EventDate::Month(..) => "month",
            EventDate::Day(_) => "day",
        }
    }

    /// As a reader reads it: `2015`, `January 2025`, `21 January 2025`.
    pub fn display(self) -> String {
        match self {
            EventDate::Year(y) => y.to_string(),
            EventDate::Month(y, m) => format!("{} {y}", MONTHS[usize::from(m) - 1]),
            EventDate::Day(d) => {
                format!("{} {} {}", d.day, MONTHS[usize::from(d.month) - 1], d.year)
            }
        }
    }
}

impl fmt::Display for EventDate {
    /// The machine form, for `<time datetime>`: `2015`, `2025-01`, `2025-01-21`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventDate::Year(y) => write!(f, "{y:04}"),
            EventDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            EventDate::Day(d) => write!(f, "{d}"),
        }
    }
}

impl PartialOrd for EventDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EventDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start().cmp(&other.start())
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_sort_and_read_as_written() {
        let year = EventDate::parse("2015").expect("a year");
        let month = EventDate::parse("2025-01").expect("a month");
        let day = EventDate::parse("2025-01-21").expect("a day");
        assert!(year < month && month < day);
        assert_eq!(
            [year.display(), month.display(), day.display()],
            ["2015", "January 2025", "21 January 2025"]
        );
        assert_eq!(month.to_string(), "2025-01");
        assert!(EventDate::parse("2025-13").is_err());
        assert!(EventDate::parse("25").is_err());
        assert!(EventDate::parse("2025-02-30").is_err());
        let same_year = EventDate::parse("2025").expect("a year");
        assert!(same_year.agrees(day) && day.agrees(month) && day.agrees(day));
        let other_day = EventDate::parse("2025-01-17").expect("a day");
        assert!(!day.agrees(other_day) && other_day.agrees(month));
        assert!(!year.agrees(day));
    }
}
