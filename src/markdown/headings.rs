//! Heading ids and slugs.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Gives every heading a stable id: its own `{#id}` when written, else a slug of its text,
/// made unique with `-1`, `-2`... in document order.
pub(super) fn name_headings(
    mut events: Vec<(Event<'static>, Range<usize>)>,
) -> Vec<(Event<'static>, Range<usize>)> {
    let mut taken: HashSet<String> = events
        .iter()
        .filter_map(|(event, _)| match event {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut suffixes: HashMap<String, usize> = HashMap::new();
    for index in 0..events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[index].0 else {
            continue;
        };
        let text: String = events[index + 1..]
            .iter()
            .take_while(|(event, _)| !matches!(event, Event::End(TagEnd::Heading(_))))
            .filter_map(|(event, _)| match event {
                Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        let base = slugify(&text);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        // Counting on from the last suffix given to this base keeps 30,000 equal headings
        // linear; the loop only steps over ids an editor wrote (`{#section-2}`).
        let next = suffixes.entry(base.clone()).or_insert(0);
        let mut candidate = base.clone();
        if *next > 0 || taken.contains(&candidate) {
            loop {
                *next += 1;
                candidate = format!("{base}-{next}");
                if !taken.contains(&candidate) {
                    break;
                }
            }
        }
        taken.insert(candidate.clone());
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[index].0 {
            *id = Some(CowStr::from(candidate));
        }
    }
    events
}

/// Lowercase ASCII words joined by dashes: readable, stable ids and slugs.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_' || c == '/')
            && !slug.ends_with('-')
            && !slug.is_empty()
        {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}
