//! Proposing annotations: what `brief new annotation` appends and `brief suggest` lists.
//!
//! A proposal is made from a passage already found in a source, so it always anchors: the
//! quote is the source's own words, with the shortest `prefix` or `suffix` that singles it out
//! when the words occur more than once, an id made from the words, and for a figure the value
//! and unit the figure parser reads.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::anchor::{self, Context};
use super::figure::{self, Unit};
use super::fold::{Folded, fold_str};
use super::model::Kind;
use super::resolve::Resolved;
use crate::content::Source;
use crate::markdown::slugify;
use crate::yaml;

/// An annotation ready to be written to a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// A fresh id.
    pub id: String,
    /// Figure or quote.
    pub kind: Kind,
    /// The source's slug.
    pub source: String,
    /// The source's words.
    pub quote: String,
    /// Context that makes the quote unique, when it occurs more than once.
    pub context: Option<Context>,
    /// For figures: what the words state.
    pub value: Option<(f64, Unit)>,
    /// For quotes: who said it.
    pub speaker: Option<String>,
    /// For figures: a short label.
    pub label: Option<String>,
    /// The editor's note, Markdown.
    pub note: Option<String>,
}

/// An existing annotation whose words, quoted from other sources, a source repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct Repeat {
    /// The annotation's id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// The slug of the source whose passage matched.
    pub from: String,
    /// Where the words are in the repeating source's reader text.
    pub range: Range<usize>,
    /// 1.0 for the same words after folding, less for a close wording.
    pub similarity: f64,
}

/// How alike a wording must be to count as the same claim.
const REPEAT_SIMILARITY: f64 = 0.8;

/// A close (not exact) wording must have this many words: short phrases are alike by chance.
const REPEAT_MIN_WORDS: usize = 4;

/// Every annotation's passages, to find the claims a source repeats: their words folded once
/// and searched for all at once in each source (a search per passage and source made
/// `brief suggest` on 1,000 sources take three minutes), and the closest wording of the others
/// searched while a budget lasts, shared by every source asked about.
pub struct Claims<'a> {
    resolved: &'a Resolved,
    sources: &'a [Source],
    /// The distinct folded words of the passages.
    needles: Vec<String>,
    /// For each annotation, for each passage: its needle in `needles`.
    needle_of: Vec<Vec<usize>>,
    /// The automaton's patterns: the needles that are not empty, by index in `needles`.
    patterns: Vec<usize>,
    automaton: Option<AhoCorasick>,
    budget: usize,
    /// Whether a search for a close wording was refused for want of budget.
    incomplete: bool,
}

/// What [`Claims`] may spend on close wordings for one command: about 10 s of searching. An
/// archive's thousands of sources, each compared with every passage of the others, would
/// take hours.
pub const CLOSE_WORDING_BUDGET: usize = 1 << 30;

impl<'a> Claims<'a> {
    /// The passages of `resolved`; `budget` bounds the closest-wording searches of every
    /// source asked about, as [`anchor::near_miss`] counts.
    pub fn new(resolved: &'a Resolved, sources: &'a [Source], budget: usize) -> Claims<'a> {
        let mut needles: Vec<String> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let needle_of = resolved
            .annotations
            .iter()
            .map(|a| {
                a.passages
                    .iter()
                    .map(|p| {
                        let needle = fold_str(p.exact.trim());
                        *index.entry(needle.clone()).or_insert_with(|| {
                            needles.push(needle);
                            needles.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let patterns: Vec<usize> = (0..needles.len())
            .filter(|&k| !needles[k].is_empty())
            .collect();
        let automaton = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(patterns.iter().map(|&k| &needles[k]))
            .ok();
        Claims {
            resolved,
            sources,
            needles,
            needle_of,
            patterns,
            automaton,
            budget,
            incomplete: false,
        }
    }

    /// Whether the budget for close wordings ran out: from then on, sources were compared for
    /// the same words only.
    pub fn incomplete(&self) -> bool {
        self.incomplete
    }

    /// The annotations not yet in source `index` whose passage in another source it repeats,
    /// exactly after folding or closely, in reading order.
    pub fn repeats(&mut self, index: usize, folded: &Folded) -> Vec<Repeat> {
        let text = &self.sources[index].body.text.text;
        let first = self.first_matches(folded);
        let mut found = Vec::new();
        for (a, needles) in self.resolved.annotations.iter().zip(&self.needle_of) {
            if a.passages.iter().any(|p| p.source == index) {
                continue;
            }
            let mut best: Option<Repeat> = None;
            for (p, &k) in a.passages.iter().zip(needles) {
                let needle = &self.needles[k];
                let (range, similarity) = match first[k] {
                    Some(start) => (
                        folded.origin(start)..folded.origin(start + needle.len()),
                        1.0,
                    ),
                    None if p.exact.split_whitespace().count() >= REPEAT_MIN_WORDS => {
                        let before = self.budget;
                        match anchor::near_miss(folded, text, needle, &mut self.budget) {
                            Some(near) if near.similarity >= REPEAT_SIMILARITY => {
                                (near.range, near.similarity)
                            }
                            _ => {
                                // A search that ran takes its cost; a refused one nothing.
                                self.incomplete |= self.budget == before;
                                continue;
                            }
                        }
                    }
                    None => continue,
                };
                if best.as_ref().is_none_or(|b| similarity >= b.similarity) {
                    best = Some(Repeat {
                        id: a.annotation.id.clone(),
                        kind: a.annotation.kind,
                        from: self.sources[p.source].slug.clone(),
                        range,
                        similarity,
                    });
                }
            }
            found.extend(best);
        }
        found.sort_by_key(|r| (r.range.start, r.range.end));
        found
    }

    /// Where each needle first occurs in the folded text, by index in `needles`.
    fn first_matches(&self, folded: &Folded) -> Vec<Option<usize>> {
        let mut first = vec![None; self.needles.len()];
        if let Some(automaton) = &self.automaton {
            for found in automaton.find_overlapping_iter(&folded.text) {
                first[self.patterns[found.pattern().as_usize()]].get_or_insert(found.start());
            }
        }
        first
    }
}

/// Words too common to name an annotation by.
const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "and", "in", "on", "that", "is", "it", "for", "with", "as",
    "has", "have", "be",
];

/// The words a proposal for `range` of a source's reader text quotes.
pub fn quote_of(text: &str, range: Range<usize>) -> &str {
    text[range].trim()
}

/// The context a proposal for `range` of a source's reader text needs: [`anchor::contexts_for`]
/// for one passage.
pub fn context_of(folded: &Folded, text: &str, range: Range<usize>) -> Option<Context> {
    let start = range.start;
    anchor::contexts_for(folded, &[(quote_of(text, range), start)])
        .pop()
        .flatten()
}

/// Proposes an annotation for `range` of a source's reader text, with `context`, the one
/// [`anchor::contexts_for`] gives its quote; `taken` holds ids in use and receives the new one.
pub fn propose(
    slug: &str,
    text: &str,
    range: Range<usize>,
    kind: Option<Kind>,
    context: Option<Context>,
    taken: &mut HashSet<String>,
) -> Proposal {
    let quote = quote_of(text, range).to_string();
    let stated = figure::first_figure(&quote);
    let kind = kind.unwrap_or(if stated.is_some() {
        Kind::Figure
    } else {
        Kind::Quote
    });
    let value = match kind {
        Kind::Figure => stated.map(|q| (q.value, q.unit)),
        _ => None,
    };
    let id = fresh_id(&quote, taken);
    Proposal {
        id,
        kind,
        source: slug.to_string(),
        quote,
        context,
        value,
        speaker: None,
        label: None,
        note: None,
    }
}

/// An id from the quote's first meaningful words, unique among `taken`.
fn fresh_id(quote: &str, taken: &mut HashSet<String>) -> String {
    let words: Vec<String> = quote
        .split_whitespace()
        .map(slugify)
        .filter(|w| !w.is_empty() && !STOP_WORDS.contains(&w.as_str()))
        .take(4)
        .collect();
    let base = if words.is_empty() {
        "annotation".to_string()
    } else {
        words.join("-")
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

impl Proposal {
    /// The proposal as a YAML list item, ready to paste into an annotation file.
    pub fn to_yaml(&self) -> String {
        let mut yaml = format!("- id: {}\n  kind: {}\n", self.id, self.kind.as_str());
        if let Some((value, unit)) = self.value {
            yaml.push_str(&format!(
                "  value: {}\n  unit: {}\n",
                yaml::number(value),
                unit.as_str()
            ));
        }
        yaml.push_str(&self.passage_yaml("  "));
        for (key, value) in [
            ("speaker", &self.speaker),
            ("label", &self.label),
            ("note", &self.note),
        ] {
            if let Some(value) = value {
                yaml.push_str(&format!("  {key}: {}\n", yaml::quoted(value)));
            }
        }
        yaml
    }

    /// The proposal's passage as one more item of a `targets:` list, each line starting with
    /// `indent`.
    pub fn target_yaml(&self, indent: &str) -> String {
        let item = self.passage_yaml(&format!("{indent}  "));
        format!("{indent}- {}", &item[indent.len() + 2..])
    }

    /// `source`, `quote` and the context that singles the quote out, one key a line.
    fn passage_yaml(&self, indent: &str) -> String {
        let mut yaml = format!(
            "{indent}source: {}\n{indent}quote: {}\n",
            self.source,
            yaml::quoted(&self.quote)
        );
        match &self.context {
            Some(Context::Prefix(prefix)) => {
                yaml.push_str(&format!("{indent}prefix: {}\n", yaml::quoted(prefix)))
            }
            Some(Context::Suffix(suffix)) => {
                yaml.push_str(&format!("{indent}suffix: {}\n", yaml::quoted(suffix)))
            }
            None => {}
        }
        yaml
    }
}

#[cfg(test)]
mod tests {
    use super::super::fold::fold;
    use super::*;

    const TEXT: &str = "Son pledged $500 billion. Later, $500 billion again, said \"the most inspiring entrepreneur\".";

    #[test]
    fn figure_gets_value_unit_and_the_context_that_singles_it_out() {
        let start = TEXT.rfind("$500 billion").expect("in text");
        let mut taken = HashSet::new();
        let range = start..start + 12;
        let context = context_of(&fold(TEXT), TEXT, range.clone());
        let proposal = propose("a", TEXT, range, None, context, &mut taken);
        assert_eq!(
            proposal.to_yaml(),
            "- id: 500-billion\n  kind: figure\n  value: 5e11\n  unit: USD\n  source: a\n  quote: \"$500 billion\"\n  prefix: \"Later, \"\n"
        );
    }

    #[test]
    fn ids_are_made_unique() {
        let mut taken: HashSet<String> = ["most-inspiring-entrepreneur".to_string()].into();
        let start = TEXT.find("the most").expect("in text");
        let range = start..start + 32;
        let context = context_of(&fold(TEXT), TEXT, range.clone());
        let proposal = propose("a", TEXT, range, None, context, &mut taken);
        assert_eq!(proposal.id, "most-inspiring-entrepreneur-2");
        assert_eq!(proposal.kind, Kind::Quote);
    }

    #[test]
    fn numbers_round_trip_through_yaml() {
        assert_eq!(yaml::number(500e9), "5e11");
        assert_eq!(yaml::number(10e9), "1e10");
        assert_eq!(yaml::number(100_000.0), "100000");
        assert_eq!(yaml::number(1.5e6), "1.5e6");
    }
}
