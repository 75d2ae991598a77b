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
        let headline = words(&select(&page, "article h1")[0].text().collect::<String>());
        let body = words(&select(&page, ".source-text")[0].text().collect::<String>());
        // A seed without a headline is titled by its opening sentence, which the body keeps.
        let shown = if body.starts_with(&headline) {
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
