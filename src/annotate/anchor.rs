//! Anchoring: finding exactly one place in a source's rendered text for each quote.
//!
//! Matching runs on folded text (see [`super::fold`]): white space, curly quotes, dashes and
//! ellipses do not matter, letters and case do. Each target ends in one of three states, and
//! only the first is accepted: a fuzzy match is never taken silently, it becomes the hint of
//! a "not found" error.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use super::fold::{Folded, fold_str};
use super::fuzzy;

/// How a quote matched a source.
#[derive(Debug, Clone, PartialEq)]
pub enum Anchoring {
    /// One match: the range in the source's reader text.
    Exact(Range<usize>),
    /// Several matches.
    Ambiguous(Ambiguity),
    /// No match; the closest passage, when anything is close.
    NotFound(Option<NearMiss>),
    /// The words are in the source, but never with the `prefix` or `suffix` given: their
    /// matches without it, so the error can show what surrounds them.
    OutOfContext(Ambiguity),
}

/// The matches of an ambiguous quote. A common phrase can match a long source millions of
/// times: only the first few are listed, and counting stops at [`COUNTED_MATCHES`], so an
/// ambiguous quote costs the same whatever the source holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Ambiguity {
    /// The first [`SHOWN_MATCHES`] matches, in text order.
    pub candidates: Vec<Candidate>,
    /// How many matches there are, or [`COUNTED_MATCHES`] when there are more.
    pub count: usize,
    /// Whether counting stopped at [`COUNTED_MATCHES`]: the quote matches more often still.
    pub more: bool,
}

/// How many matches of an ambiguous quote are listed: past a score, more words make a better
/// quote than a context that picks one.
pub const SHOWN_MATCHES: usize = 20;

/// How many matches of one quote are counted and compared to find each listed match's
/// context: past it, no context is proposed (each would be checked against every match).
pub const COUNTED_MATCHES: usize = 1_000;

/// How much closest-passage searching each source allows for its quotes that were found
/// nowhere, in bytes of folded text times 64-character blocks of quote: each search reads the
/// whole source, so thousands of failed quotes on a 50 MB source would take hours. Spent in
/// quote order, so the same quotes get a hint on every run; the rest are reported without one.
const NEAR_MISS_BUDGET: usize = 1 << 26;

/// One of several matches of an ambiguous quote.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The match, in the source's reader text.
    pub range: Range<usize>,
    /// The shortest `prefix:` or `suffix:` that makes this match the only one.
    pub disambiguation: Option<Context>,
}

/// A `prefix` or `suffix` to add to a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// Text just before the quote.
    Prefix(String),
    /// Text just after it.
    Suffix(String),
}

/// The closest passage to a quote that matched nowhere.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    /// The passage, in the source's reader text, widened to whole words.
    pub range: Range<usize>,
    /// 0 to 1: how alike the quote and the passage are.
    pub similarity: f64,
}

/// The longest context we propose: past this many words, the editor should pick another quote.
const MAX_CONTEXT_WORDS: usize = 8;

/// Anchors `quote` (with optional `prefix`/`suffix`) in a source's folded reader text.
pub fn anchor(
    source: &Folded,
    original: &str,
    quote: &str,
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> Anchoring {
    let wanted = Wanted::new(quote, prefix, suffix);
    let starts = occurrences(&source.text, &wanted.pattern)
        .take(COUNTED_MATCHES + 1)
        .collect();
    let mut budget = NEAR_MISS_BUDGET;
    settle(source, original, &wanted, starts, &mut budget)
}

/// A quote folded, with its folded context: its matches are the places where the pattern
/// `prefix + needle + suffix` starts, so a short quote that a context makes unique is found
/// however often its words alone occur.
struct Wanted {
    needle: String,
    prefix: String,
    suffix: String,
    /// The three, one after the other; empty when the quote is (nothing matches it).
    pattern: String,
}

impl Wanted {
    fn new(quote: &str, prefix: Option<&str>, suffix: Option<&str>) -> Wanted {
        let needle = fold_str(quote.trim());
        let prefix = prefix.map(fold_str).unwrap_or_default();
        let suffix = suffix.map(fold_str).unwrap_or_default();
        let pattern = if needle.is_empty() {
            String::new()
        } else {
            [prefix.as_str(), &needle, &suffix].concat()
        };
        Wanted {
            needle,
            prefix,
            suffix,
            pattern,
        }
    }
}

/// For each passage of a source, given as its quote and the byte of the original text where
/// it starts: the shortest context that singles out that match of the quote, when the quote has
/// other matches (up to [`COUNTED_MATCHES`]). What a new annotation of the passage needs,
/// whichever match it is; the source is searched once for every quote (`brief suggest` asked
/// for each figure of a 50 MB source in turn, and read it once per figure).
pub fn contexts_for(source: &Folded, passages: &[(&str, usize)]) -> Vec<Option<Context>> {
    let needles: Vec<String> = passages.iter().map(|(q, _)| fold_str(q.trim())).collect();
    let (starts, index) = find_all(&source.text, needles.iter().map(String::as_str));
    needles
        .iter()
        .zip(passages)
        .map(|(needle, &(_, start))| {
            let matches = &starts[*index.get(needle.as_str())?];
            if !(2..=COUNTED_MATCHES).contains(&matches.len()) {
                return None;
            }
            let at = matches
                .iter()
                .copied()
                .find(|&m| source.origin(m) == start)?;
            disambiguate(&source.text, needle, at, matches, "", "")
        })
        .collect()
}

/// A quote to anchor, with the context that picks one of its matches.
#[derive(Debug, Clone, Copy)]
pub struct Quote<'a> {
    /// The words as the reader sees them.
    pub quote: &'a str,
    /// Text just before them, if given.
    pub prefix: Option<&'a str>,
    /// Text just after them, if given.
    pub suffix: Option<&'a str>,
}

/// From this many distinct quotes on one source, [`anchor_all`] searches with an automaton.
const AUTOMATON_PATTERNS: usize = 8;

/// Anchors every quote of one source, each as [`anchor`] would: one pass of an Aho–Corasick
/// automaton over the folded text finds every occurrence of every quote, where a search per
/// quote reads the text once per quote (10,000 quotes on one source read it 10,000 times).
pub fn anchor_all(source: &Folded, original: &str, quotes: &[Quote<'_>]) -> Vec<Anchoring> {
    let wanted: Vec<Wanted> = quotes
        .iter()
        .map(|q| Wanted::new(q.quote, q.prefix, q.suffix))
        .collect();
    let (starts, pattern_of) = find_all(&source.text, wanted.iter().map(|w| w.pattern.as_str()));
    let mut budget = NEAR_MISS_BUDGET;
    wanted
        .iter()
        .map(|w| {
            let found = pattern_of
                .get(w.pattern.as_str())
                .map(|&k| starts[k].clone())
                .unwrap_or_default();
            settle(source, original, w, found, &mut budget)
        })
        .collect()
}

/// Every start of each distinct non-empty pattern in `text` (overlapping ones, in text order,
/// up to one past [`COUNTED_MATCHES`]), and each pattern's index in the result.
fn find_all<'p>(
    text: &str,
    patterns: impl Iterator<Item = &'p str>,
) -> (Vec<Vec<usize>>, HashMap<&'p str, usize>) {
    let mut distinct: Vec<&str> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for pattern in patterns.filter(|p| !p.is_empty()) {
        index.entry(pattern).or_insert_with(|| {
            distinct.push(pattern);
            distinct.len() - 1
        });
    }
    let mut starts: Vec<Vec<usize>> = vec![Vec::new(); distinct.len()];
    // A source holds a few quotes: building a DFA for them cost more than the search saves,
    // and for the usual handful, building even an NFA costs more than one search per quote.
    let automaton = (distinct.len() >= AUTOMATON_PATTERNS)
        .then(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&distinct)
                .ok()
        })
        .flatten();
    match automaton {
        // Overlapping matches, as `occurrences` finds them; in text order for each pattern.
        Some(automaton) => {
            for found in automaton.find_overlapping_iter(text) {
                let starts = &mut starts[found.pattern().as_usize()];
                if starts.len() <= COUNTED_MATCHES {
                    starts.push(found.start());
                }
            }
        }
        // A few patterns, or past the automaton's size limits: one search per pattern, the
        // same result.
        None => {
            for (pattern, found) in distinct.iter().zip(&mut starts) {
                found.extend(occurrences(text, pattern).take(COUNTED_MATCHES + 1));
            }
        }
    }
    (starts, index)
}

/// The state of a quote from every start of its pattern in the folded text (counted up to
/// one past [`COUNTED_MATCHES`]); a closest passage, when it matched nowhere, is searched
/// for if `budget` allows.
fn settle(
    source: &Folded,
    original: &str,
    wanted: &Wanted,
    starts: Vec<usize>,
    budget: &mut usize,
) -> Anchoring {
    let Wanted {
        needle,
        prefix,
        suffix,
        ..
    } = wanted;
    let hay = source.text.as_str();
    let matches: Vec<usize> = starts.into_iter().map(|s| s + prefix.len()).collect();
    let list = |matches: &[usize], prefix: &str, suffix: &str| {
        let more = matches.len() > COUNTED_MATCHES;
        let counted = &matches[..matches.len().min(COUNTED_MATCHES)];
        Ambiguity {
            candidates: counted
                .iter()
                .take(SHOWN_MATCHES)
                .map(|&start| Candidate {
                    range: source.origin(start)..source.origin(start + needle.len()),
                    disambiguation: (!more && counted.len() > 1)
                        .then(|| disambiguate(hay, needle, start, counted, prefix, suffix))
                        .flatten(),
                })
                .collect(),
            count: counted.len(),
            more,
        }
    };
    match matches.as_slice() {
        [] if !(prefix.is_empty() && suffix.is_empty()) => {
            let alone: Vec<usize> = occurrences(hay, needle).take(COUNTED_MATCHES + 1).collect();
            if alone.is_empty() {
                NotFound(near_miss(source, original, needle, budget))
            } else {
                // The context given is wrong: the one proposed for each match replaces it.
                OutOfContext(list(&alone, "", ""))
            }
        }
        [] => NotFound(near_miss(source, original, needle, budget)),
        [one] => Exact(source.origin(*one)..source.origin(*one + needle.len())),
        many => Ambiguous(list(many, prefix, suffix)),
    }
}

use Anchoring::{Ambiguous, Exact, NotFound, OutOfContext};

/// Every start of `needle` in `hay`, overlapping ones included.
fn occurrences<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let finder = memchr::memmem::Finder::new(needle);
    let mut from = 0;
    std::iter::from_fn(move || {
        if needle.is_empty() {
            return None;
        }
        let found = finder.find(hay.get(from..)?.as_bytes())? + from;
        from = found + hay[found..].chars().next().map_or(1, char::len_utf8);
        Some(found)
    })
}

/// The shortest run of whole words before or after the match at `start` that no other match
/// shares, extending what the editor already wrote.
fn disambiguate(
    hay: &str,
    needle: &str,
    start: usize,
    all: &[usize],
    prefix: &str,
    suffix: &str,
) -> Option<Context> {
    let end = start + needle.len();
    let others: Vec<usize> = all.iter().copied().filter(|&s| s != start).collect();
    for words in 1..=MAX_CONTEXT_WORDS {
        let before = last_words(&hay[..start - prefix.len()], words) + prefix;
        let after = suffix.to_string() + &first_words(&hay[end + suffix.len()..], words);
        let prefix_unique =
            !before.trim().is_empty() && others.iter().all(|&o| !hay[..o].ends_with(&before));
        let suffix_unique = !after.trim().is_empty()
            && others
                .iter()
                .all(|&o| !hay[o + needle.len()..].starts_with(&after));
        match (prefix_unique, suffix_unique) {
            (true, true) if after.len() < before.len() => return Some(Context::Suffix(after)),
            (true, _) => return Some(Context::Prefix(before)),
            (false, true) => return Some(Context::Suffix(after)),
            (false, false) => {}
        }
    }
    None
}

/// The last `n` words of `text` (folded: single spaces), with the space that follows them.
fn last_words(text: &str, n: usize) -> String {
    let trimmed = text.trim_end();
    let mut start = trimmed.len();
    let mut seen = 0;
    for (index, c) in trimmed.char_indices().rev() {
        if c == ' ' {
            seen += 1;
            if seen == n {
                break;
            }
        }
        start = index;
    }
    text[start..].to_string()
}

/// The first `n` words of `text`, with the space before them.
fn first_words(text: &str, n: usize) -> String {
    let mut seen = 0;
    let mut in_word = false;
    for (index, c) in text.char_indices() {
        if c == ' ' {
            if in_word {
                seen += 1;
                if seen == n {
                    return text[..index].to_string();
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    text.to_string()
}

/// The closest passage to `needle` (folded) in a source, if `budget` (bytes of text read times
/// 64-character blocks of needle) allows the search; the search's cost is taken from it.
pub fn near_miss(
    source: &Folded,
    original: &str,
    needle: &str,
    budget: &mut usize,
) -> Option<NearMiss> {
    let cost = source.text.len().max(1) * needle.len().div_ceil(64).max(1);
    *budget = budget.checked_sub(cost)?;
    let approx = fuzzy::closest(&source.text, needle)?;
    let similarity = fuzzy::similarity(&approx, needle, &source.text);
    let range = source.origin(approx.start)..source.origin(approx.end);
    Some(NearMiss {
        range: widen_to_words(original, range),
        similarity,
    })
}

/// Grows a range to whole words (letters and digits, not the punctuation around them), so a
/// near miss reads as the passage, not a fragment of it.
fn widen_to_words(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(range.start, |(i, _)| i);
    let end = text[range.end..]
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(range.end, |(i, c)| range.end + i + c.len_utf8());
    start..end
}

#[cfg(test)]
mod tests;
