//! Scale: no page but the sources index grows with the archive, and each page carries only
//! the data it needs. Sizes are asserted (they are deterministic), never times.

use crate::archive;
use crate::util::{Site, select};

fn archive_site(n: usize) -> Site {
    let site = Site::empty();
    archive::write_brief_site(site.root(), n);
    site.build();
    site
}

fn size(site: &Site, path: &str) -> usize {
    std::fs::metadata(site.root().join("public").join(path))
        .unwrap_or_else(|e| panic!("public/{path}: {e}"))
        .len() as usize
}

#[test]
fn a_source_page_does_not_grow_with_the_archive() {
    let small = archive_site(40);
    let large = archive_site(200);
    for page in [
        "sources/s00001.html",
        "sources/s00021.html",
        "annotations.html",
    ] {
        let (a, b) = (size(&small, page), size(&large, page));
        if page == "annotations.html" {
            assert!(b > 4 * a, "the annotations page lists every annotation");
            continue;
        }
        // The header lists at most 8 cited sources: 2 in the small archive, 8 in the large.
        assert!(b < a + 1_500, "{page}: {a} bytes at N=40, {b} at N=200");
    }
    let page = large.page("sources/s00001.html");
    let header = select(&page, ".site-nav a[href^='../sources/s']");
    assert_eq!(
        header.len(),
        8,
        "the header lists 8 of the 10 cited sources"
    );
    assert_eq!(
        select(&page, ".site-nav a[href='../sources/index.html']").len(),
        1,
        "and links to all sources"
    );
}

#[test]
fn the_sources_index_lists_every_source_with_what_cites_it() {
    let site = archive_site(60);
    let page = site.page("sources/index.html");
    let rows = select(&page, "tbody tr");
    assert_eq!(rows.len(), 60);
    let cited: Vec<String> = rows
        .iter()
        .filter(|row| {
            row.select(&scraper::Selector::parse("td:last-child a").expect("selector"))
                .next()
                .is_some()
        })
        .map(|row| row.text().collect::<String>())
        .collect();
    // The briefing cites sources 0, 20, 40, and the multi-target quote of 0, 20 and 40
    // also anchors in 1, 21 and 41; only cited passages count.
    assert_eq!(cited.len(), 3, "{cited:?}");
    assert!(cited[0].starts_with("Report 0:"), "{cited:?}");
    let source = site.page("sources/s00020.html");
    assert_eq!(
        select(&source, ".back a[href='../index.html']").len(),
        1,
        "a cited source links the briefing that cites it"
    );
}

#[test]
fn pages_carry_their_own_card_data_and_no_archive_wide_script() {
    let site = archive_site(60);
    let index = std::fs::read_to_string(site.root().join("public/index.html")).expect("index");
    let scripts: Vec<&str> = index
        .match_indices("<script")
        .map(|(i, _)| &index[i..i + 60])
        .collect();
    assert_eq!(
        scripts.len(),
        2,
        "brief.js and the inline card data: {scripts:?}"
    );
    let page = site.page("index.html");
    let cards = select(&page, "script#brief-cards[type='application/json']");
    let json: serde_json::Value =
        serde_json::from_str(&cards[0].text().collect::<String>()).expect("card JSON");
    let ids: Vec<&String> = json.as_object().expect("by id").keys().collect();
    assert_eq!(
        ids.len(),
        6,
        "the 6 annotations the briefing cites: {ids:?}"
    );
    assert!(json["s00020-f1"]["wordings"][0]["quote"] == "$120 billion");
    let source =
        std::fs::read_to_string(site.root().join("public/sources/s00005.html")).expect("page");
    assert!(!source.contains("brief-cards"), "no citation, no card data");
    let print = site.page("print.html");
    assert_eq!(
        select(&print, "article.print-source").len(),
        3,
        "print holds the cited sources"
    );
}

#[test]
fn a_query_loads_a_bounded_part_of_the_search_index() {
    let site = archive_site(200);
    let search = site.root().join("public/assets/search");
    let largest_chunk = std::fs::read_dir(&search)
        .expect("assets/search")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("chunk-"))
        .map(|e| e.metadata().expect("metadata").len())
        .max()
        .expect("chunks");
    assert!(
        largest_chunk < 48 * 1024,
        "chunks stay near 32 KB: {largest_chunk}"
    );
    let shards = std::fs::read_dir(&search)
        .expect("assets/search")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("s-"))
        .count();
    assert!(
        shards > 50,
        "the index is split by word prefix: {shards} shards"
    );
}

/// A source whose reader text holds `n` distinct sentences, `Person k said word k.`, on one
/// line when `one_line`, else a paragraph each.
fn many_sentences(n: usize, one_line: bool) -> String {
    let sentences: Vec<String> = (0..n)
        .map(|k| format!("Person{k} said word{k}x."))
        .collect();
    let body = sentences.join(if one_line { " " } else { "\n\n" });
    format!("---\ntitle: Many\noutlet: Wire\ndate: 2025-01-01\nlanguage: en\n---\n\n{body}\n")
}

/// Annotation files for quotes `Person k said word k` of source `many`, `per_file` entries a
/// file (files are limited to 1 MB).
fn many_annotations(site: Site, n: usize, per_file: usize) -> Site {
    (0..n).step_by(per_file).fold(site, |site, first| {
        let entries: String = (first..(first + per_file).min(n))
            .map(|k| {
                format!("- id: q{k}\n  kind: quote\n  source: many\n  quote: \"Person{k} said word{k}x\"\n")
            })
            .collect();
        site.file(&format!("content/annotations/many-{first}.yaml"), entries)
    })
}

/// Bad input (issue 9): 10,000 annotations on one source build, every passage marked.
#[test]
fn ten_thousand_annotations_on_one_source_build() {
    let site = many_annotations(
        Site::minimal().file("content/sources/many.md", many_sentences(10_000, false)),
        10_000,
        5_000,
    );
    let run = site.build();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let page = std::fs::read_to_string(site.root().join("public/sources/many.html")).expect("page");
    assert_eq!(
        page.matches("<mark class=\"ann ann-quote\"").count(),
        10_000
    );
}

/// Bad input (issue 9): a source that is one long line (here 1 MB, 40,000 sentences) builds,
/// its 500 annotations anchored along the line.
#[test]
fn a_source_of_one_long_line_builds() {
    let source = many_sentences(40_000, true);
    assert!(source.len() > 1_000_000);
    let site = many_annotations(
        Site::minimal().file("content/sources/many.md", source),
        500,
        500,
    );
    let run = site.build();
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let page = std::fs::read_to_string(site.root().join("public/sources/many.html")).expect("page");
    assert_eq!(page.matches("<mark class=\"ann ann-quote\"").count(), 500);
}

/// Bad input (issue 9): an annotation file of 100,000 entries is refused at its first line,
/// before it is parsed, and the previous site stays.
#[test]
fn an_annotation_file_of_a_hundred_thousand_entries_fails_located() {
    let site = Site::minimal();
    site.build();
    let before = site.snapshot();
    let site = many_annotations(site, 100_000, 100_000);
    let run = site.brief(&["build"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("E111"), "{}", run.stderr());
    assert!(
        run.stderr().contains("content/annotations/many-0.yaml:1:1"),
        "{}",
        run.stderr()
    );
    assert_eq!(site.snapshot(), before, "the previous site is untouched");
}

/// Bad input: quotes of a word every sentence of a long source holds. Each error lists the
/// first 20 matches, says how many more there are, and asks for more words; listing and
/// checking a context for every match of every such quote never ended.
#[test]
fn a_quote_in_every_sentence_fails_with_its_first_matches() {
    let entries: String = (0..200)
        .map(|k| format!("- id: said{k}\n  kind: quote\n  source: many\n  quote: \"said\"\n"))
        .collect();
    let site = Site::minimal()
        .file("content/sources/many.md", many_sentences(40_000, true))
        .file("content/annotations/said.yaml", entries);
    let run = site.brief(&["build"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert_eq!(
        stderr
            .matches("error[E102]: the quote occurs more than 1000 times in `many`")
            .count(),
        200,
        "{stderr}"
    );
    assert_eq!(stderr.matches("= note: match 20 at").count(), 200);
    assert_eq!(stderr.matches("= note: match 21 at").count(), 0);
    assert_eq!(
        stderr
            .matches("more than 980 more matches are not listed")
            .count(),
        200
    );
    assert!(
        stderr.contains("quote more of the sentence you mean"),
        "{stderr}"
    );
}
