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

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::annotations::wordings;
use crate::annotate::resolve::{Anchored, Resolved, value_text};
use crate::content::{Briefing, Source};

/// The card data of `annotations`, by id, as the inline JSON of a page (`None` when empty).
/// `</` is escaped so the JSON cannot close its `<script>` element.
pub fn cards_json<'a>(
    annotations: impl IntoIterator<Item = &'a Anchored>,
    sources: &[Source],
) -> Option<String> {
    let mut by_id = Map::new();
    for anchored in annotations {
        let annotation = &anchored.annotation;
        let wordings: Vec<Value> = wordings(anchored, sources, "")
            .into_iter()
            .zip(&anchored.passages)
            .map(|(w, p)| json!({ "outlet": w.outlet, "title": w.title, "href": w.href, "quote": p.exact }))
            .collect();
        by_id.insert(
            annotation.id.clone(),
            json!({
                "kind": annotation.kind.as_str(),
                "number": anchored.number,
                "speaker": annotation.speaker,
                "value": annotation.value.map(|v| value_text(v, annotation)),
                "note_html": anchored.note_html.as_ref().map(|[root, _]| root),
                "wordings": wordings,
            }),
        );
    }
    (!by_id.is_empty()).then(|| Value::Object(by_id).to_string().replace("</", "<\\/"))
}

/// The annotation ids of the citation links in `html`, as `annotate::citation` writes them
/// (`<a class="cite cite-KIND" href=... data-ann="ID">`), in page order, repeats included.
pub fn cited_ids(html: &str) -> impl Iterator<Item = &str> {
    html.split("<a class=\"cite ").skip(1).filter_map(|link| {
        let tag = &link[..link.find('>')?];
        let id = &tag[tag.find(" data-ann=\"")? + " data-ann=\"".len()..];
        id.split('"').next()
    })
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

/// The search index's files, by path under `assets/`.
pub fn search_files(
    briefings: &[(String, &Briefing)],
    sources: &[Source],
    resolved: &Resolved,
) -> Vec<(String, String)> {
    let entries = entries(briefings, sources, resolved);
    let mut files = Vec::new();
    // Chunks of consecutive entries; the manifest keeps the first entry of each. A chunk closes
    // before the entry that would take it past `CHUNK_BYTES` (as written, JSON escapes
    // included), so only an entry larger than that on its own makes a larger chunk.
    let mut chunks: Vec<Vec<&Entry>> = Vec::new();
    let mut chunk: Vec<&Entry> = Vec::new();
    let mut bytes = 0;
    for entry in &entries {
        let size = json!(entry).to_string().len() + 1;
        if !chunk.is_empty() && bytes + size > CHUNK_BYTES {
            chunks.push(std::mem::take(&mut chunk));
            bytes = 0;
        }
        bytes += size;
        chunk.push(entry);
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    let mut starts = Vec::new();
    let mut start = 0;
    for (k, chunk) in chunks.iter().enumerate() {
        starts.push(start);
        start += chunk.len();
        let name = format!("chunk-{k}");
        files.push((format!("search/{name}.js"), store(&name, &json!(chunk))));
    }
    // Postings: each word, the entries holding it, as `2 * entry + 1` when it is in the title;
    // ascending and delta-encoded, which keeps the numbers short.
    let mut words: BTreeMap<String, BTreeMap<usize, bool>> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        for (text, in_title) in [(&entry.text, false), (&entry.title, true)] {
            for word in search_words(text) {
                let seen = words.entry(word).or_default().entry(index).or_insert(false);
                *seen |= in_title;
            }
        }
    }
    let mut shards: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (word, postings) in words {
        let mut previous = 0;
        let encoded: Vec<usize> = postings
            .into_iter()
            .map(|(index, in_title)| {
                let code = 2 * index + usize::from(in_title);
                let delta = code - previous;
                previous = code;
                delta
            })
            .collect();
        shards
            .entry(shard_key(&word))
            .or_default()
            .insert(word, json!(encoded));
    }
    let keys: BTreeSet<&String> = shards.keys().collect();
    files.push((
        "search/manifest.js".to_string(),
        store(
            "manifest",
            &json!({ "shards": keys.iter().map(|k| shard_file(k)).collect::<Vec<_>>(), "chunks": starts }),
        ),
    ));
    for (key, words) in &shards {
        let name = shard_file(key);
        files.push((
            format!("search/{name}.js"),
            store(&name, &Value::Object(words.clone())),
        ));
    }
    files
}

/// The briefings (each with its page), the sources and the annotations, as plain text, in that
/// order.
fn entries(
    briefings: &[(String, &Briefing)],
    sources: &[Source],
    resolved: &Resolved,
) -> Vec<Entry> {
    let squash = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut entries: Vec<Entry> = briefings
        .iter()
        .map(|(href, briefing)| Entry {
            title: briefing.meta.title.clone(),
            href: href.clone(),
            kind: "briefing",
            text: squash(&briefing.body.text.text),
        })
        .collect();
    entries.extend(sources.iter().map(|source| Entry {
        title: source.meta.title.clone(),
        href: format!("sources/{}.html", source.slug),
        kind: "source",
        text: squash(&source.body.text.text),
    }));
    entries.extend(resolved.annotations.iter().map(|anchored| {
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
    }));
    entries
}

/// The words of `text` as search matches them: lower-case runs of letters and digits, two
/// characters or more (`brief.js` splits a query the same way).
fn search_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(str::to_lowercase)
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

/// A classic script that stores `value` under `name` for `brief.js`, which added it.
fn store(name: &str, value: &impl Serialize) -> String {
    format!(
        "(window.BRIEF_SEARCH = window.BRIEF_SEARCH || {{}})[{}] = {};\n",
        json!(name),
        json!(value)
    )
}

#[cfg(test)]
mod tests {
    use super::{cited_ids, search_words, shard_file, shard_key};

    #[test]
    fn cited_ids_are_read_from_citation_links() {
        let html = "<mark class=\"ann\" data-ann=\"m\">x</mark><a class=\"cite cite-figure\" href=\"s.html#a\" id=\"cite-a-1\" data-ann=\"a\">$1</a> <a class=\"cite cite-quote\" href=\"s.html\" data-ann=\"b-2\">q</a>";
        assert_eq!(cited_ids(html).collect::<Vec<_>>(), ["a", "b-2"]);
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
        let words: Vec<String> = search_words("Nadella's $80 billion, a U.S. plan").collect();
        assert_eq!(words, ["nadella", "80", "billion", "plan"]);
    }
}
