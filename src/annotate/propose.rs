//! Proposing annotations: what `brief new annotation` appends and `brief suggest` lists.
//!
//! A proposal is made from a passage already found in a source, so it always anchors: the
//! quote is the source's own words, with the shortest `prefix` or `suffix` that singles it out
//! when the words occur more than once, an id made from the words, and for a figure the value
//! and unit the figure parser reads.

use std::collections::HashSet;
use std::ops::Range;

use super::anchor::{self, Anchoring, Context, anchor};
use super::figure::{self, Unit};
use super::fold::Folded;
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

/// The annotations not yet in source `index` whose passage in another source it repeats,
/// exactly after folding or closely, in reading order.
pub fn repeats(
    resolved: &Resolved,
    sources: &[Source],
    index: usize,
    folded: &Folded,
) -> Vec<Repeat> {
    let text = &sources[index].body.text.text;
    let mut found: Vec<Repeat> = resolved
        .annotations
        .iter()
        .filter(|a| a.passages.iter().all(|p| p.source != index))
        .filter_map(|a| {
            a.passages
                .iter()
                .filter_map(|p| {
                    let (range, similarity) = match anchor(folded, text, &p.exact, None, None) {
                        Anchoring::Exact(range) => (range, 1.0),
                        Anchoring::Ambiguous(ambiguity) => {
                            (ambiguity.candidates.first()?.range.clone(), 1.0)
                        }
                        Anchoring::NotFound(Some(near))
                            if near.similarity >= REPEAT_SIMILARITY
                                && p.exact.split_whitespace().count() >= REPEAT_MIN_WORDS =>
                        {
                            (near.range, near.similarity)
                        }
                        Anchoring::NotFound(_) | Anchoring::OutOfContext(_) => return None,
                    };
                    Some(Repeat {
                        id: a.annotation.id.clone(),
                        kind: a.annotation.kind,
                        from: sources[p.source].slug.clone(),
                        range,
                        similarity,
                    })
                })
                .max_by(|x, y| x.similarity.total_cmp(&y.similarity))
        })
        .collect();
    found.sort_by_key(|r| (r.range.start, r.range.end));
    found
}

/// Words too common to name an annotation by.
const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "of", "to", "and", "in", "on", "that", "is", "it", "for", "with", "as",
    "has", "have", "be",
];

/// Proposes an annotation for `range` of a source's reader text; `taken` holds ids in use
/// and receives the new one.
pub fn propose(
    slug: &str,
    text: &str,
    folded: &Folded,
    range: Range<usize>,
    kind: Option<Kind>,
    taken: &mut HashSet<String>,
) -> Proposal {
    let quote = text[range.clone()].trim().to_string();
    let stated = figure::first_figure(&quote);
    let kind = kind.unwrap_or(if stated.is_some() {
        Kind::Figure
    } else {
        Kind::Quote
    });
    let context = anchor::context_for(folded, &quote, range.start);
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
        let proposal = propose("a", TEXT, &fold(TEXT), start..start + 12, None, &mut taken);
        assert_eq!(
            proposal.to_yaml(),
            "- id: 500-billion\n  kind: figure\n  value: 5e11\n  unit: USD\n  source: a\n  quote: \"$500 billion\"\n  prefix: \"Later, \"\n"
        );
    }

    #[test]
    fn ids_are_made_unique() {
        let mut taken: HashSet<String> = ["most-inspiring-entrepreneur".to_string()].into();
        let start = TEXT.find("the most").expect("in text");
        let proposal = propose("a", TEXT, &fold(TEXT), start..start + 32, None, &mut taken);
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
