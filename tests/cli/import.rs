//! `brief import`: faithful to the seeds, word for word.

use std::path::Path;

use crate::util::{Site, select};

fn seeds() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut seeds: Vec<_> = std::fs::read_dir(dir)
        .expect("seeds/ exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    seeds.sort();
    seeds
}

/// The words of a text, in order: what a reader must find on the page.
fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn importing_each_seed_is_faithful_word_for_word() {
    for seed in seeds() {
        let site = Site::empty().file("content/index.md", "---\ntitle: B\n---\n\nBody.\n");
        let run = site.brief(&["import", seed.to_str().expect("utf-8 path")]);
        assert_eq!(run.code(), 0, "{}", run.stderr());
        site.build();
        let written = std::fs::read_dir(site.root().join("content/sources"))
            .expect("imported")
            .flatten()
            .next()
            .expect("one file");
        let slug = written
            .path()
            .file_stem()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{slug}"
        );
        let page = site.page(&format!("sources/{slug}.html"));
        let headline = select(&page, "article h1")[0].text().collect::<String>();
        let body = words(&select(&page, ".source-text")[0].text().collect::<String>());
        // A seed without a headline is titled by its opening words (cut with "…"), which the
        // body keeps whole.
        let cut = headline.strip_suffix('…');
        let headline = words(cut.unwrap_or(&headline));
        let shown = if body.starts_with(&headline[..headline.len().saturating_sub(1)])
            && (cut.is_some() || body.starts_with(&headline))
        {
            body
        } else {
            [headline, body].concat()
        };
        let seed_text = std::fs::read_to_string(&seed).expect("seed is UTF-8");
        let seed_text = seed_text.trim_start();
        let seed_text = seed_text
            .strip_prefix("date ")
            .map_or(seed_text, |rest| &rest[10..]);
        assert_eq!(shown, words(seed_text), "{}", seed.display());
        let html = select(&page, ".source-text")[0].html();
        for accident in ["<ol", "<ul", "<em", "<strong", "<h2", "<code"] {
            assert!(
                !html.contains(accident),
                "{}: {accident} in {html}",
                seed.display()
            );
        }
    }
}

#[test]
fn markdown_lookalikes_stay_text() {
    let seed_dir = tempfile::tempdir().expect("temp");
    let seed = seed_dir.path().join("tricky.txt");
    std::fs::write(&seed, "Tricky headline\n1. Not a list\n# Not a heading\n*not emphasis* and _this_ <b>not bold</b> [not](link)\n- not an item\n").expect("write");
    let site = Site::empty().file("content/index.md", "---\ntitle: B\n---\n\nBody.\n");
    assert_eq!(
        site.brief(&["import", seed.to_str().expect("utf-8")])
            .code(),
        0
    );
    site.build();
    let page = site.page("sources/tricky-headline.html");
    assert!(select(&page, ".source-text :is(ol, ul, h1, h2, em, b, a)").is_empty());
    assert_eq!(select(&page, ".source-text p").len(), 4);
}

#[test]
fn import_refuses_to_overwrite_unless_forced() {
    let seed = &seeds()[0];
    let site = Site::empty();
    let seed = seed.to_str().expect("utf-8");
    assert_eq!(site.brief(&["import", seed]).code(), 0);
    let file = std::fs::read_dir(site.root().join("content/sources"))
        .expect("dir")
        .flatten()
        .next()
        .expect("file")
        .path();
    std::fs::write(&file, "curated").expect("edit");
    let refused = site.brief(&["import", seed]);
    assert_eq!(refused.code(), 1);
    assert!(refused.stderr().contains("--force"), "{}", refused.stderr());
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "curated");
    assert_eq!(site.brief(&["import", seed, "--force"]).code(), 0);
    assert_ne!(std::fs::read_to_string(&file).expect("replaced"), "curated");
}

/// A news page as a browser's "Save page as" writes it: navigation, metadata, the article,
/// a footer. Written here, not copied from any site.
fn saved_page(paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Musk Mocks Stargate Funding | Newser</title>\n<meta property=\"og:title\" content=\"Musk Mocks Stargate Funding\">\n<meta property=\"og:site_name\" content=\"Newser\">\n<meta property=\"og:url\" content=\"https://www.example.com/story/musk-mocks-stargate.html\">\n<script type=\"application/ld+json\">{{\"@context\":\"https://schema.org\",\"@type\":\"NewsArticle\",\"headline\":\"Musk Mocks Stargate Funding\",\"datePublished\":\"2025-01-23T10:00:00Z\",\"author\":{{\"@type\":\"Person\",\"name\":\"Jane Writer\"}},\"publisher\":{{\"@type\":\"Organization\",\"name\":\"Newser\"}}}}</script>\n</head><body>\n<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a> <a href=\"/tech\">Tech</a></nav>\n<article>\n<h1>Musk Mocks Stargate Funding</h1>\n<time datetime=\"2025-01-23\">Jan 23, 2025</time>\n{body}</article>\n<footer><p>Copyright 2025. All rights reserved. Subscribe to our newsletter.</p></footer>\n</body></html>\n"
    )
}

/// The paragraphs of the saved page used below.
pub const PAGE_PARAGRAPHS: &[&str] = &[
    "President Trump was joined by top tech executives at the White House to announce Stargate, a venture to build AI infrastructure across the United States.",
    "Elon Musk was not impressed. \"They don't actually have the money,\" he wrote on X, adding that SoftBank has well under $10B secured.",
    "Sam Altman answered that Musk was \"wrong, as you surely know.\" Satya Nadella, asked about it on CNBC, was calm about his own spending plans.",
    "The   project,  backed by <em>OpenAI</em>, SoftBank and Oracle, is meant to put data centers and power plants in Texas &amp; beyond.",
];

/// A saved page for the tests of other files.
pub fn newser_page() -> String {
    saved_page(PAGE_PARAGRAPHS)
}

#[test]
fn a_saved_page_keeps_every_paragraph_and_reads_the_metadata() {
    let site = Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file("newser.html", newser_page());
    let run = site.brief(&[
        "import",
        site.root().join("newser.html").to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        run.stdout(),
        "imported content/sources/musk-mocks-stargate-funding.md\n"
    );
    let text = std::fs::read_to_string(
        site.root()
            .join("content/sources/musk-mocks-stargate-funding.md"),
    )
    .expect("imported");
    assert!(
        text.starts_with("---\ntitle: \"Musk Mocks Stargate Funding\"\noutlet: \"Newser\"\ndate: 2025-01-23\nurl: \"https://www.example.com/story/musk-mocks-stargate.html\"\nlanguage: \"en\"\n"),
        "{text}"
    );
    assert!(text.contains("  author: \"Jane Writer\"\n"), "{text}");
    assert!(
        !text.contains("Subscribe") && !text.contains("Home"),
        "navigation and footer are dropped:\n{text}"
    );
    site.build();
    let page = site.page("sources/musk-mocks-stargate-funding.html");
    let shown: Vec<String> = select(&page, "main p")
        .into_iter()
        .map(|p| {
            p.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    for paragraph in PAGE_PARAGRAPHS {
        let expected = scraper::Html::parse_fragment(paragraph)
            .root_element()
            .text()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            shown.contains(&expected),
            "paragraph kept whole, not merged nor rewritten: {expected}\nshown: {shown:#?}"
        );
    }
}

#[test]
fn import_options_override_what_the_file_says() {
    let site = Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file("item.html", newser_page());
    let run = site.brief(&[
        "import",
        site.root().join("item.html").to_str().expect("utf-8"),
        "--slug",
        "newser-stargate",
        "--title",
        "Musk mocks funding",
        "--outlet",
        "Newser.com",
        "--url",
        "https://example.org/a",
        "--date",
        "2025-01-24",
        "--language",
        "de",
        "--translated-from",
        "en",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = std::fs::read_to_string(site.root().join("content/sources/newser-stargate.md"))
        .expect("imported");
    assert!(
        text.starts_with("---\ntitle: \"Musk mocks funding\"\noutlet: \"Newser.com\"\ndate: 2025-01-24\nurl: \"https://example.org/a\"\nlanguage: \"de\"\ntranslated_from: \"en\"\nseed: \"item.html\"\n"),
        "{text}"
    );
    let bad = site.brief(&[
        "import",
        site.root().join("item.html").to_str().expect("utf-8"),
        "--slug",
        "x",
        "--date",
        "2025-02-30",
    ]);
    assert_eq!(bad.code(), 1);
    assert!(bad.stderr().contains("error[E005]"), "{}", bad.stderr());
}

#[test]
fn plain_text_gets_a_short_slug_and_title_and_an_unknown_outlet_warns() {
    let sentence = "President Trump was joined by top execs from OpenAI, SoftBank and Oracle on Tuesday to unveil a joint venture that will pour billions into data centers. More words.";
    let site = Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file("newser.txt", format!("{sentence}\n\nSecond paragraph.\n"));
    let run = site.brief(&[
        "import",
        site.root().join("newser.txt").to_str().expect("utf-8"),
    ]);
    assert_eq!(
        run.stdout(),
        "imported content/sources/newser.md\n",
        "{}",
        run.stderr()
    );
    let text =
        std::fs::read_to_string(site.root().join("content/sources/newser.md")).expect("imported");
    let title = text.lines().nth(1).expect("a title line");
    assert!(title.chars().count() < 100, "{title}");
    let check = site.brief(&["check"]);
    assert!(
        check
            .stderr()
            .contains("warning[W206]: the outlet of `newser` is unknown"),
        "{}",
        check.stderr()
    );
}

#[test]
fn markdown_is_kept_as_written() {
    let site = Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file(
            "note.md",
            "# A headline here\n\nSome *emphasis* stays.\n\n- one\n- two\n",
        );
    let run = site.brief(&[
        "import",
        site.root().join("note.md").to_str().expect("utf-8"),
    ]);
    assert_eq!(
        run.stdout(),
        "imported content/sources/headline-here.md\n",
        "{}",
        run.stderr()
    );
    site.build();
    let page = site.page("sources/headline-here.html");
    assert_eq!(select(&page, "main em").len(), 1);
    assert_eq!(select(&page, "main li").len(), 2);
}

#[test]
fn a_page_without_an_article_is_a_located_error() {
    let site = Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file(
            "empty.html",
            "<!DOCTYPE html><html><head><title>x</title></head><body></body></html>",
        );
    let run = site.brief(&[
        "import",
        site.root().join("empty.html").to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code(), 1);
    let stderr = run
        .stderr()
        .replace(&site.root().display().to_string(), "ROOT");
    crate::snapshots::assert_snapshot("E016-no-article", &stderr);
    assert!(!site.root().join("content/sources").exists());
}
