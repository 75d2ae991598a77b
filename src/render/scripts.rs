//! Data for the theme's scripts: each page carries only what it needs.
//!
//! `fetch()` and module scripts fail from `file://`, so data reaches scripts in two ways that
//! work offline. Card data for a page's citations is inline in that page, a
//! `<script type="application/json">` that is read, never run. The search index is split into
//! classic scripts under `assets/search/`, which `brief.js` adds to the page only when the
//! reader starts a search: a manifest, one shard per two-letter word prefix (the words and
//! the entries that contain them), and the entries themselves in chunks of about
//! [`CHUNK_BYTES`], so a query loads what its words and its first results need, whatever the
//! size of the archive.

use std::borrow::Cow;
use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::annotations::note_html;
use super::theme::Theme;
use super::wordings::wordings;
use crate::annotate::figure::value_text;
use crate::annotate::resolve::{Anchored, Resolved};
use crate::content::{Briefing, Source};
use crate::diagnostics::Diagnostic;

/// The card data of `annotations`, by id, as the inline JSON of a page `root` away from the
/// site root (`None` when empty): a note's links are the page's. Every `<` is escaped
/// (`\u003c`, the same string to `JSON.parse`): the JSON can then neither close its `<script>`
/// element nor, with `<!--<script>` in a speaker's name, keep it from closing at its end tag.
pub fn cards_json<'a>(
    annotations: impl IntoIterator<Item = &'a Anchored>,
    sources: &[Source],
    root: &str,
    theme: &Theme,
) -> Result<Option<String>, Diagnostic> {
    let mut by_id = Map::new();
    for anchored in annotations {
        let annotation = &anchored.annotation;
        let wordings: Vec<Value> = wordings(anchored, sources, "")
            .into_iter()
            .zip(anchored.passages.iter())
            .map(|(w, p)| json!({ "outlet": w.outlet, "title": w.title, "href": w.href, "quote": p.exact }))
            .collect();
        by_id.insert(
            annotation.id.clone(),
            json!({
                "kind": annotation.kind.as_str(),
                "number": anchored.number,
                "speaker": annotation.speaker,
                "value": annotation.value.map(|v| value_text(v, annotation.unit)),
                "note_html": note_html(anchored, root, theme)?,
                "wordings": wordings,
            }),
        );
    }
    Ok((!by_id.is_empty()).then(|| Value::Object(by_id).to_string().replace('<', "\\u003c")))
}

/// The annotation ids of the citation links in `html`, in page order, repeats included: the
/// elements `brief.js` gives cards to, `<a>` with the class `cite` and a `data-ann`, however
/// the theme's `partials/citation.html` writes them.
pub fn cited_ids(html: &str) -> impl Iterator<Item = &str> {
    memchr::memmem::find_iter(html.as_bytes(), "<a ").filter_map(|at| {
        let rest = &html[at + "<a ".len()..];
        let tag = &rest[..rest.find('>')?];
        let class = attribute(tag, "class")?;
        class
            .split_ascii_whitespace()
            .any(|c| c == "cite")
            .then_some(())?;
        attribute(tag, "data-ann")
    })
}

/// The double-quoted value of `name` in the inside of a start tag.
fn attribute<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let at = tag.match_indices(name).find_map(|(i, _)| {
        let before = tag[..i].chars().next_back();
        let rest = tag[i + name.len()..].strip_prefix("=\"")?;
        before.is_none_or(char::is_whitespace).then_some(rest)
    })?;
    at.split('"').next()
}

/// One searchable page or annotation.
#[derive(Debug, Serialize)]
struct Entry {
    title: String,
    href: String,
    kind: &'static str,
    text: String,
}

/// About how many bytes of entries one chunk file holds.
const CHUNK_BYTES: usize = 32 * 1024;

/// Makes the search index's files and hands each to `put` (its path under `assets/`, its
/// text) as soon as it is made: never the whole index at once, which at 10,000 sources was
/// the largest thing a build held. Entries are made, written and split into words a batch
/// at a time, in parallel; the shards and the manifest follow.
pub fn search_files(
    briefings: &[(String, &Briefing)],
    sources: &[Source],
    resolved: &Resolved,
    put: &(dyn Fn(String, String) + Sync),
) {
    let entries = Entries {
        briefings,
        sources,
        resolved,
    };
    let mut chunks = Chunks::default();
    let mut postings: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for first in (0..entries.len()).step_by(ENTRY_BATCH) {
        let batch: Vec<Entry> = (first..entries.len().min(first + ENTRY_BATCH))
            .into_par_iter()
            .map(|index| entries.get(index))
            .collect();
        let made: Vec<(String, EntryWords<'_>)> = batch
            .par_iter()
            .map(|entry| {
                let json = serde_json::to_string(entry).expect("an entry of strings serialises");
                (json, entry_words(entry))
            })
            .collect();
        for (offset, (json, words)) in made.into_iter().enumerate() {
            chunks.push(first + offset, &json, put);
            add_postings(&mut postings, first + offset, words);
        }
    }
    let starts = chunks.finish(put);
    let mut words: Vec<(String, Vec<u32>)> = postings.into_iter().collect();
    words.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    // Sorted words sharing their first two characters are neighbours: a shard is a run.
    let shards: Vec<&[(String, Vec<u32>)]> = words
        .chunk_by(|a, b| shard_key(&a.0) == shard_key(&b.0))
        .collect();
    let names: Vec<String> = shards
        .iter()
        .map(|run| shard_file(&shard_key(&run[0].0)))
        .collect();
    put(
        "search/manifest.js".to_string(),
        store(
            "manifest",
            &json!({ "shards": names, "chunks": starts }).to_string(),
        ),
    );
    shards.par_iter().zip(&names).for_each(|(run, name)| {
        put(format!("search/{name}.js"), store(name, &shard_json(run)));
    });
}

/// How many entries are made at once: a batch holds their texts and their words.
const ENTRY_BATCH: usize = 256;

/// The chunk files of the entries, made as the entries' JSON texts come in order.
#[derive(Default)]
struct Chunks {
    /// The chunk being filled: its entries' JSON texts joined after an opening `[`.
    chunk: String,
    /// The first entry of each chunk.
    starts: Vec<usize>,
}

impl Chunks {
    /// Adds entry `index`. A chunk closes before the entry that would take it past
    /// [`CHUNK_BYTES`] (as written, JSON escapes included), so only an entry larger than that
    /// on its own makes a larger chunk.
    fn push(&mut self, index: usize, json: &str, put: &(dyn Fn(String, String) + Sync)) {
        if !self.chunk.is_empty() && self.chunk.len() + json.len() + 1 > CHUNK_BYTES {
            self.close(put);
        }
        if self.chunk.is_empty() {
            self.starts.push(index);
        }
        self.chunk
            .push(if self.chunk.is_empty() { '[' } else { ',' });
        self.chunk.push_str(json);
    }

    /// Hands the last chunk to `put`: the first entry of each chunk.
    fn finish(mut self, put: &(dyn Fn(String, String) + Sync)) -> Vec<usize> {
        if !self.chunk.is_empty() {
            self.close(put);
        }
        self.starts
    }

    fn close(&mut self, put: &(dyn Fn(String, String) + Sync)) {
        let name = format!("chunk-{}", self.starts.len() - 1);
        self.chunk.push(']');
        put(format!("search/{name}.js"), store(&name, &self.chunk));
        self.chunk.clear();
    }
}

/// Adds the words of entry `index` to the postings: each word, the entries holding it, as
/// `2 * entry + 1` when it is in the title; ascending, as entries come in order.
fn add_postings(postings: &mut FxHashMap<String, Vec<u32>>, index: usize, words: EntryWords<'_>) {
    // Half the memory of `usize` codes, the larger part of the index while it is made; an
    // archive of a billion entries could not be loaded in the first place.
    let in_text = u32::try_from(2 * index + 1).expect("fewer than 2^31 search entries") - 1;
    for (word, in_title) in words {
        let code = in_text + u32::from(in_title);
        match postings.get_mut(word.as_ref()) {
            Some(codes) => codes.push(code),
            None => {
                postings.insert(word.into_owned(), vec![code]);
            }
        }
    }
}

/// One shard's JSON: each word with its postings delta-encoded, which keeps the numbers short.
fn shard_json(run: &[(String, Vec<u32>)]) -> String {
    let mut json = String::from("{");
    for (word, codes) in run {
        if json.len() > 1 {
            json.push(',');
        }
        json.push_str(&serde_json::to_string(word).expect("a word serialises"));
        json.push_str(":[");
        let mut previous = 0;
        for (k, &code) in codes.iter().enumerate() {
            if k > 0 {
                json.push(',');
            }
            let _ = write!(json, "{}", code - previous);
            previous = code;
        }
        json.push(']');
    }
    json.push('}');
    json
}

/// Words of an entry, each marked when the title holds it, in no particular order: postings
/// are made in entry order whatever the order of an entry's words.
type EntryWords<'a> = FxHashMap<Cow<'a, str>, bool>;

/// The distinct words of an entry, each once, marked when the title holds it: a set rather
/// than a sort of every word (3 % fewer instructions for a whole build).
fn entry_words(entry: &Entry) -> EntryWords<'_> {
    let mut words: EntryWords<'_> = search_words(&entry.title)
        .map(|word| (word, true))
        .collect();
    for word in search_words(&entry.text) {
        words.entry(word).or_insert(false);
    }
    words
}

/// What search covers, each made as an [`Entry`] when its batch comes: the briefings (each
/// with its page), the sources and the annotations, as plain text, in that order.
struct Entries<'a> {
    briefings: &'a [(String, &'a Briefing)],
    sources: &'a [Source],
    resolved: &'a Resolved,
}

impl Entries<'_> {
    fn len(&self) -> usize {
        self.briefings.len() + self.sources.len() + self.resolved.annotations.len()
    }

    /// Entry `index`, in the order above.
    fn get(&self, index: usize) -> Entry {
        let squash = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some((href, briefing)) = self.briefings.get(index) {
            return Entry {
                title: briefing.meta.title.clone(),
                href: href.clone(),
                kind: "briefing",
                text: squash(&briefing.body.text.text),
            };
        }
        let index = index - self.briefings.len();
        if let Some(source) = self.sources.get(index) {
            return Entry {
                title: source.meta.title.clone(),
                href: format!("sources/{}.html", source.slug),
                kind: "source",
                text: squash(&source.body.text.text),
            };
        }
        let anchored = &self.resolved.annotations[index - self.sources.len()];
        let annotation = &anchored.annotation;
        let quotes: Vec<&str> = anchored.passages.iter().map(|p| p.exact.as_str()).collect();
        let text = [
            annotation.speaker.as_deref().unwrap_or(""),
            &quotes.join(" / "),
            annotation.note.as_deref().unwrap_or(""),
        ]
        .join(" ");
        Entry {
            title: format!(
                "{} {}: {}",
                annotation.kind.as_str(),
                anchored.number,
                quotes.first().copied().unwrap_or("")
            ),
            href: format!("annotations.html#{}", annotation.id),
            kind: "annotation",
            text: squash(&text),
        }
    }
}

/// The words of `text` as search matches them: lower-case runs of letters and digits, two
/// characters or more (`brief.js` splits a query the same way).
fn search_words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(|w| {
            if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                Cow::Borrowed(w)
            } else {
                Cow::Owned(w.to_lowercase())
            }
        })
}

/// A word's shard: its first two characters.
fn shard_key(word: &str) -> String {
    word.chars().take(2).collect()
}

/// A shard's file name: `s-` and the key when it is ASCII letters and digits, else `u-` and the
/// key's characters in hexadecimal, so any language gives a portable file name.
fn shard_file(key: &str) -> String {
    if key.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!("s-{key}")
    } else {
        let hex: Vec<String> = key.chars().map(|c| format!("{:x}", c as u32)).collect();
        format!("u-{}", hex.join("-"))
    }
}

/// A classic script that stores the JSON text `value` under `name` for `brief.js`, which
/// added it.
fn store(name: &str, value: &str) -> String {
    format!(
        "(window.BRIEF_SEARCH = window.BRIEF_SEARCH || {{}})[{}] = {value};\n",
        json!(name),
    )
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::{cited_ids, search_words, shard_file, shard_key};

    #[test]
    fn cited_ids_are_read_from_citation_links() {
        let html = "<mark class=\"ann\" data-ann=\"m\">x</mark><a class=\"cite cite-figure\" href=\"s.html#a\" id=\"cite-a-1\" data-ann=\"a\">$1</a> <a class=\"cite cite-quote\" href=\"s.html\" data-ann=\"b-2\">q</a> <a href=\"x.html\" data-ann=\"not-a-citation\">x</a> <a data-ann=\"c\" class=\"mine cite\">c</a>";
        assert_eq!(cited_ids(html).collect::<Vec<_>>(), ["a", "b-2", "c"]);
    }

    #[test]
    fn shard_files_are_portable_names() {
        assert_eq!(shard_file("na"), "s-na");
        assert_eq!(shard_file("$5"), "u-24-35");
        assert_eq!(shard_key("über"), "üb");
        assert_eq!(shard_file(&shard_key("über")), "u-fc-62");
    }

    #[test]
    fn words_are_lower_case_and_two_characters_or_more() {
        let words: Vec<Cow<'_, str>> = search_words("Nadella's $80 billion, a U.S. plan").collect();
        assert_eq!(words, ["nadella", "80", "billion", "plan"]);
    }
}
