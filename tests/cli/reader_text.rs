//! What the reader sees is what is checked: offsets between a source's Markdown and its
//! reader text never panic, figures in citations are read as rendered, and citations written
//! so that they are not links are errors.

use crate::util::Site;

/// A source whose quotes sit in code spans holding non-ASCII characters, one of them over two
/// lines of a blockquote: its reader text and its Markdown differ in length everywhere.
const CODE_SOURCE: &str = "---\ntitle: A source\noutlet: O\ndate: 2025-01-22\n---\n\nIntro `the caf\u{e9}\u{2019}s \u{201c}owner\u{201d} said $3 million` ends.\n\n> A quote with `code\n> spanning \u{201c}lines\u{201d} \u{e9}t\u{e9}` here.\n";

fn code_site(annotations: &str) -> Site {
    Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file("content/sources/a.md", CODE_SOURCE)
        .file("content/annotations/a.yaml", annotations)
}

const IN_CODE: &str = "id: owner\nkind: quote\nsource: a\nquote: owner\u{201d} said\n";
const OVER_TWO_LINES: &str =
    "id: lines\nkind: quote\nsource: a\nquote: lines\u{201d} \u{e9}t\u{e9}\n";

/// Regression: a quote inside a code span with a curly quote panicked `build` ("byte index
/// is not a char boundary").
#[test]
fn build_survives_a_quote_in_a_code_span_with_non_ascii() {
    let site = code_site(IN_CODE);
    site.build();
    let page = site.page("sources/a.html");
    let marked = crate::util::text_of(&page, "mark#ann-owner");
    assert_eq!(marked, "owner\u{201d} said");
}

/// Regression: the same quote panicked `check`, and `check --format json` printed a panic.
#[test]
fn check_and_its_json_survive_a_quote_in_a_code_span() {
    let site = code_site(&format!("- {}", IN_CODE.replace('\n', "\n  ")));
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let run = site.brief(&["check", "--format", "json"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    serde_json::from_str::<serde_json::Value>(&run.stdout()).expect("check prints JSON");
}

/// Regression: a quote over two lines of a code span inside a blockquote (the `> ` between)
/// panicked, and its line must be the line it ends on in the Markdown, not a neighbour.
#[test]
fn a_code_span_over_two_blockquote_lines_maps_to_its_line() {
    let site = code_site(&OVER_TWO_LINES.replace("quote: lines", "quote: linez"));
    let run = site.brief(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(
        run.stdout().contains("content/sources/a.md:10"),
        "{}",
        run.stdout()
    );
    code_site(OVER_TWO_LINES).build();
}

/// Regression: E101's closest-passage hint panicked when the closest passage was in a code
/// span with non-ASCII characters.
#[test]
fn not_found_hint_points_into_a_code_span() {
    let site =
        code_site("id: owner\nkind: quote\nsource: a\nquote: owner\u{201d} sad $3 million\n");
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("E101"), "{}", run.stderr());
    assert!(
        run.stderr().contains("closest passage") && run.stderr().contains("a.md:7"),
        "{}",
        run.stderr()
    );
}

/// Regression: `suggest` panicked on a figure in a code span, even with no annotations.
#[test]
fn suggest_survives_figures_in_code_spans() {
    let site = code_site("");
    let run = site.brief(&["suggest"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout().contains("# content/sources/a.md:7\n"),
        "{}",
        run.stdout()
    );
}

/// Regression: `new annotation` panicked, or wrote an annotation that made every later
/// build panic.
#[test]
fn new_annotation_in_a_code_span_leaves_a_site_that_builds() {
    let site = code_site("");
    let run = site.brief(&[
        "new",
        "annotation",
        "--source",
        "a",
        "--quote",
        "\u{201c}owner\u{201d} said",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    site.build();
}

const FIGURE: &str =
    "id: total\nkind: figure\nvalue: 500e9\nunit: USD\nsource: a-source\nquote: $500 billion\n";

/// Regression: `[a total of $7\nbillion](@total)` passed `check --deny-warnings`, publishing a
/// wrong figure, while the same text on one line failed with E202.
#[test]
fn a_wrong_figure_wrapped_over_two_lines_fails_the_check() {
    for body in [
        "A [total of $7\nbillion](@total).",
        "A [total of *$7*\u{a0}billion](@total).",
        "A [total of &#36;7&nbsp;bil&shy;lion](@total).",
    ] {
        let site = Site::minimal()
            .file(
                "content/index.md",
                format!("---\ntitle: B\n---\n\n{body}\n"),
            )
            .file("content/annotations/a.yaml", FIGURE);
        let run = site.brief(&["check", "--deny-warnings"]);
        assert_eq!(run.code(), 1, "{body:?} passed:\n{}", run.stderr());
        assert!(run.stderr().contains("E202"), "{}", run.stderr());
    }
}

/// Regression: `javascript:` and `data:text/html` links in notes and sources stayed live.
#[test]
fn addresses_that_run_code_are_not_published() {
    let source = crate::util::SOURCE.to_string()
        + "\nSee [here](javascript:alert(1)) and ![x](data:text/html,hi) <vbscript:msgbox>.\n";
    let site = Site::minimal()
        .file("content/sources/a-source.md", source)
        .file(
            "content/index.md",
            "---\ntitle: B\n---\n\nSee [$500 billion](@total).\n",
        )
        .file(
            "content/annotations/a.yaml",
            format!("{FIGURE}note: \"[click](javascript:alert(2)) [ok](https://example.com)\"\n"),
        );
    site.build();
    for (path, bytes) in site.snapshot() {
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        for bad in [
            "href=\"javascript",
            "src=\"data:text",
            "href=\"vbscript",
            "href=\\\"javascript",
        ] {
            assert!(!text.contains(bad), "{} has {bad}", path.display());
        }
    }
    let page = site.page("sources/a-source.html");
    assert!(crate::util::text_of(&page, "main").contains("See here and"));
    // The briefing's card data carries the note, with its safe link.
    let data = crate::util::text_of(&site.page("index.html"), "#brief-cards");
    assert!(data.contains("https://example.com"), "{data}");
}
