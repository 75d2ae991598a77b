//! The annotation layer, end to end: the real briefing's citations and passages link both
//! ways, and every mistake an editor can make in an annotation file is caught and located.

use std::path::Path;

use crate::util::{Site, select};

const SOURCE: &str = "---\ntitle: A source\noutlet: The Outlet\ndate: 2025-01-22\n---\n\nMusk said SoftBank \"has well under $10B secured.\" He added *that they don't* actually have the money.\n\nSon pledged $500 billion. Later, $500 billion again.\n";
const OTHER: &str = "---\ntitle: Other\noutlet: Other Outlet\ndate: unknown\nurl: https://example.com/story\n---\n\nFunds are far less than $10 billion, Musk said.\n";

fn site(annotations: &str, briefing: &str) -> Site {
    Site::empty()
        .file(
            "content/index.md",
            format!("---\ntitle: B\n---\n\n{briefing}\n"),
        )
        .file("content/sources/a.md", SOURCE)
        .file("content/sources/other.md", OTHER)
        .file("content/annotations/a.yaml", annotations)
}

const GOOD: &str = "- id: softbank-funds\n  kind: figure\n  value: 10e9\n  unit: USD\n  note: Musk's claim. <script>alert(1)</script>\n  targets:\n    - source: a\n      quote: \"has well under $10B secured.\"\n    - source: other\n      quote: far less than $10 billion\n- id: no-money\n  kind: quote\n  speaker: Elon Musk\n  source: a\n  quote: that they don't actually have\n";

/// Runs `brief check` and returns stderr, expecting failure.
fn check_fails(site: &Site) -> String {
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1, "expected failure:\n{}", run.stderr());
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    run.stderr()
}

#[test]
fn citations_and_passages_link_both_ways() {
    let site = site(
        GOOD,
        "Musk: [well under $10B](@softbank-funds), and [](@no-money).",
    );
    site.build();
    let index = site.page("index.html");
    let cite = select(&index, "a#cite-softbank-funds-1");
    assert_eq!(cite.len(), 1);
    assert_eq!(
        cite[0].attr("href"),
        Some("sources/a.html#ann-softbank-funds")
    );
    let filled = select(&index, "a#cite-no-money-1");
    assert_eq!(
        filled[0].text().collect::<String>(),
        "that they don't actually have"
    );
    let source = site.page("sources/a.html");
    let passage = select(&source, "mark#ann-softbank-funds");
    assert_eq!(
        passage[0].text().collect::<String>(),
        "has well under $10B secured."
    );
    let back = select(
        &source,
        "#note-ann-softbank-funds a[href='../index.html#cite-softbank-funds-1']",
    );
    assert_eq!(back.len(), 1, "the passage links back to its citation");
    // Across emphasis: the passage is split into pieces, the first carrying the id.
    let pieces = select(&source, "mark[data-ann=no-money]");
    assert_eq!(pieces.len(), 2);
    assert_eq!(
        pieces
            .iter()
            .map(|p| p.text().collect::<String>())
            .collect::<String>(),
        "that they don't actually have"
    );
    // Notes never run HTML.
    assert!(select(&source, "aside script").is_empty());
    assert!(
        select(&source, "aside")
            .iter()
            .any(|a| a.text().collect::<String>().contains("<script>"))
    );
    // A text fragment to the original, where the source has a url: beside each wording on
    // annotations.html, not repeated under every note.
    let all = site.page("annotations.html");
    let fragment = select(
        &all,
        "a.wording-original[href^='https://example.com/story#:~:text=']",
    );
    assert_eq!(
        fragment[0].attr("href"),
        Some("https://example.com/story#:~:text=far%20less%20than%20%2410%20billion")
    );
}

#[test]
fn several_sources_show_side_by_side_with_differences_marked() {
    let site = site(GOOD, "Musk: [well under $10B](@softbank-funds).");
    site.build();
    let page = site.page("annotations.html");
    let wordings = select(&page, "#softbank-funds .wordings tbody tr");
    assert_eq!(wordings.len(), 2);
    assert_eq!(
        select(&page, "#softbank-funds tr.wording-reference mark.differs").len(),
        0,
        "the reference wording is the one the others are compared with"
    );
    assert!(!select(&page, "#softbank-funds .wordings mark.differs").is_empty());
    let about: String = select(&page, "#softbank-funds .annotation-about")[0]
        .text()
        .collect();
    assert!(about.contains("reported by 2 sources"), "{about}");
    assert!(
        !page.html().contains("content/annotations"),
        "no internal file paths for readers"
    );
    let index = site.page("index.html");
    assert_eq!(select(&index, "aside.corroboration li").len(), 2);
    let boxed = &select(&index, "aside.corroboration")[0];
    let head: String = select(&index, "aside.corroboration .corroboration-head")[0]
        .text()
        .collect();
    let id = boxed.attr("id").and_then(|id| id.strip_prefix("compare-"));
    let title: String = select(&page, &format!("#{} h2", id.expect("compare-<id>")))[0]
        .text()
        .collect();
    assert!(
        !head.is_empty() && title.ends_with(&head),
        "the box says which claim it is about, as annotations.html names it: {head} / {title}"
    );
    let row = select(&index, ".key-figures tr#figure-softbank-funds td");
    assert_eq!(row[1].text().collect::<String>(), "$10 billion");
}

/// Every wording is compared with the same reference: two identical wordings are marked
/// identically, and one identical to the reference says so and marks nothing.
#[test]
fn identical_wordings_are_marked_identically() {
    const THIRD: &str = "---\ntitle: Third\noutlet: Third Outlet\ndate: unknown\n---\n\nHe says funds are far less than $10 billion.\n";
    const FOURTH: &str = "---\ntitle: Fourth\noutlet: Fourth Outlet\ndate: unknown\n---\n\nMusk: SoftBank has well under $10B secured. That is all.\n";
    let annotations = GOOD.replace(
        "      quote: far less than $10 billion\n",
        "      quote: far less than $10 billion\n    - source: third\n      quote: far less than $10 billion\n    - source: fourth\n      quote: has well under $10B secured.\n",
    );
    let site = site(&annotations, "Musk: [well under $10B](@softbank-funds).")
        .file("content/sources/third.md", THIRD)
        .file("content/sources/fourth.md", FOURTH);
    site.build();
    let page = site.page("annotations.html");
    let rows = select(&page, "#softbank-funds .wordings tbody tr");
    assert_eq!(rows.len(), 4);
    let wording = |row: usize| {
        select(&page, "#softbank-funds .wordings tbody tr td q")[row]
            .inner_html()
            .to_string()
    };
    assert!(
        wording(1).contains("<mark class=\"differs\">"),
        "{}",
        wording(1)
    );
    assert_eq!(
        wording(1),
        wording(2),
        "identical wordings, identical marks"
    );
    assert!(!wording(3).contains("<mark"), "{}", wording(3));
    let first: String = rows[0].text().collect();
    assert!(first.contains("reference"), "{first}");
    let same: Vec<String> = rows
        .iter()
        .map(|row| row.text().collect::<String>())
        .filter(|text| text.contains("same words"))
        .collect();
    assert_eq!(
        same.len(),
        1,
        "only the fourth is word for word the reference: {same:?}"
    );
    assert!(same[0].contains("Fourth Outlet"), "{same:?}");
}

#[test]
fn one_letter_typo_shows_the_closest_passage() {
    let err = check_fails(&site(
        &GOOD.replace(
            "has well under $10B secured.",
            "has well under $10B securd.",
        ),
        "",
    ));
    assert!(
        err.contains("error[E101]: the quote is not in `a`"),
        "{err}"
    );
    assert!(
        err.contains(" --> content/annotations/a.yaml:8:14"),
        "{err}"
    );
    assert!(err.contains("= note: closest passage, 96% alike, at content/sources/a.md:7: \"has well under $10B secured.\""), "{err}");
    assert!(
        err.contains("words that differ: \"securd.\" -> \"secured.\""),
        "{err}"
    );
}

#[test]
fn quote_occurring_twice_lists_each_match_with_a_prefix_or_suffix() {
    let err = check_fails(&site(
        "id: x\nkind: figure\nvalue: 500e9\nunit: USD\nsource: a\nquote: $500 billion\n",
        "",
    ));
    assert!(
        err.contains("error[E102]: the quote occurs 2 times in `a`"),
        "{err}"
    );
    assert!(err.contains("match 1 at content/sources/a.md:9"), "{err}");
    assert!(err.contains("add `suffix: \".\"`"), "{err}");
    assert!(err.contains("add `prefix: \"Later, \"`"), "{err}");
    assert!(err.contains("match 2 at content/sources/a.md:9"), "{err}");
    let fixed = site(
        "id: x\nkind: figure\nvalue: 500e9\nunit: USD\nsource: a\nquote: $500 billion\nprefix: \"pledged \"\n",
        "",
    );
    assert_eq!(fixed.brief(&["check"]).code(), 0);
}

#[test]
fn figure_quote_stating_another_number() {
    let err = check_fails(&site(
        "id: x\nkind: figure\nvalue: 50e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "",
    ));
    assert!(
        err.contains("error[E103]: the quote states $10 billion, but `value` is $50 billion"),
        "{err}"
    );
    assert!(err.contains("help: set `value: 1e10`"), "{err}");
}

#[test]
fn citation_text_stating_another_number() {
    let err = check_fails(&site(GOOD, "Musk: [well under $20B](@softbank-funds)."));
    assert!(
        err.contains(
            "error[E202]: the citation says $20 billion, but `softbank-funds` has value $10 billion"
        ),
        "{err}"
    );
    assert!(err.contains(" --> content/index.md:5:7"), "{err}");
}

#[test]
fn unknown_citation_names_the_closest_ids() {
    let err = check_fails(&site(GOOD, "See [this](@softbank-fund)."));
    assert!(
        err.contains("error[E201]: no annotation has the id `softbank-fund`"),
        "{err}"
    );
    assert!(err.contains("did you mean `@softbank-funds`?"), "{err}");
}

#[test]
fn uncited_figure_warns_and_fails_under_deny_warnings() {
    let site = site(GOOD, "It costs $80 billion.");
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 0);
    assert!(
        run.stderr()
            .contains("warning[W201]: the figure \"$80 billion\" cites no source"),
        "{}",
        run.stderr()
    );
    assert_eq!(site.brief(&["check", "--deny-warnings"]).code(), 1);
}

#[test]
fn shape_mistakes_are_each_located() {
    let cases: &[(&str, &str)] = &[
        (
            "- id: a\n  kind: note\n  source: a\n  quote: Son pledged\n- id: a\n  kind: note\n  source: a\n  quote: Later\n",
            "error[E104]: two annotations have the id `a`",
        ),
        (
            "id: Bad Id\nkind: note\nsource: a\nquote: Son pledged\n",
            "error[E105]: `Bad Id` is not a valid annotation id",
        ),
        (
            "id: a\nkind: note\nsource: b\nquote: Son pledged\n",
            "error[E106]: there is no source `b`",
        ),
        (
            "id: a\nkind: qoute\nsource: a\nquote: Son pledged\n",
            "error[E010]: unknown value `qoute`",
        ),
        (
            "id: a\nkind: note\nsource: a\nquote: \"\"\n",
            "error[E108]: the quote is empty",
        ),
        (
            "id: a\nkind: note\nsource: a\nquote: Son\ntargets:\n  - source: a\n    quote: Son\n",
            "error[E109]",
        ),
        (
            "id: a\nkind: note\nsource: a\nqoute: Son\n",
            "did you mean `quote`?",
        ),
    ];
    for (yaml, expected) in cases {
        let err = check_fails(&site(yaml, ""));
        assert!(err.contains(expected), "{yaml}\n{err}");
        assert!(err.contains(" --> content/annotations/a.yaml:"), "{err}");
    }
}

#[test]
fn huge_and_deeply_nested_files_are_refused_without_a_crash() {
    let huge = format!("# {}\n", "x".repeat(5 * 1024 * 1024));
    assert!(check_fails(&site(&huge, "")).contains("error[E111]"));
    let deep = format!(
        "id: a\nkind: note\nsource: a\nquote: {}{}\n",
        "[".repeat(1000),
        "]".repeat(1000)
    );
    assert!(check_fails(&site(&deep, "")).contains(" --> content/annotations/a.yaml:"));
}

#[test]
fn the_real_briefing_is_clean_and_links_everywhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().expect("temp");
    let public = out.path().join("public");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["build", "--deny-warnings", "--root"])
        .arg(root)
        .arg("--output")
        .arg(&public)
        .output()
        .expect("brief runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let read = |page: &str| {
        scraper::Html::parse_document(&std::fs::read_to_string(public.join(page)).expect("page"))
    };
    let index = read("index.html");
    let cites = select(&index, "a.cite");
    assert!(cites.len() >= 24, "{} citations", cites.len());
    for cite in cites {
        let href = cite.attr("href").expect("citations link");
        let (page, fragment) = href.split_once('#').expect("to a passage");
        let target = read(page);
        assert_eq!(
            select(&target, &format!("[id='{fragment}']")).len(),
            1,
            "{href}"
        );
        let back = format!(
            "../index.html#{}",
            cite.attr("id").expect("citations have ids")
        );
        assert!(
            !select(&target, &format!("a[href='{back}']")).is_empty(),
            "{href} links back to {back}"
        );
    }
    crate::w3c::assert_site_export_valid(&public);
    let chart_bars = select(&index, "figure.chart svg a[href^='sources/'] rect");
    assert!(
        chart_bars.len() >= 2,
        "the key-figures chart draws the dollar amounts"
    );
    let annotations = read("annotations.html");
    let musk = select(&annotations, "#musk-no-money .wordings tbody tr");
    let words: Vec<String> = musk.iter().map(|li| li.text().collect()).collect();
    assert!(
        words[0].contains("They don't actually have the money"),
        "{words:?}"
    );
    assert!(words[1].contains("actually have no money"), "{words:?}");
}

/// Regression: quote citations carried no quotation marks; they get `<q>`, but never when the
/// editor already wrote the marks.
#[test]
fn quote_citations_read_as_quotations_without_doubled_marks() {
    let site = site(
        GOOD,
        "Musk said [](@no-money). He said \u{201c}[that they don't actually have](@no-money)\u{201d}.",
    );
    site.build();
    let index = site.page("index.html");
    let cites = select(&index, "a.cite-quote");
    assert_eq!(cites.len(), 2);
    assert_eq!(
        select(&index, "a.cite-quote > q").len(),
        1,
        "{}",
        index.html()
    );
    let first: String = select(&index, "a.cite-quote > q")[0].text().collect();
    assert_eq!(first, "that they don't actually have");
}

/// Regression: the card data of a source page held notes whose citation links were written
/// for the site root, so a card's link from `sources/a.html` led to `sources/sources/...`.
#[test]
fn a_card_note_links_from_the_page_it_is_on() {
    let annotations = "- id: pledge\n  kind: figure\n  value: 500e9\n  unit: USD\n  note: As [Musk doubts](@no-money).\n  source: a\n  quote: Son pledged $500 billion.\n- id: no-money\n  kind: quote\n  note: Against [the pledge](@pledge).\n  source: a\n  quote: that they don't actually have\n";
    let site = site(
        annotations,
        "Son: [$500 billion](@pledge); Musk: [](@no-money).",
    );
    site.build();
    let card_hrefs = |page: &str| -> Vec<String> {
        let html = site.page(page);
        let cards = crate::util::text_of(&html, "#brief-cards");
        let json: serde_json::Value = serde_json::from_str(&cards).expect("card JSON");
        let note = json["no-money"]["note_html"]
            .as_str()
            .expect("a note")
            .to_string();
        let fragment = scraper::Html::parse_fragment(&note);
        select(&fragment, "a.cite")
            .iter()
            .filter_map(|a| a.attr("href").map(str::to_string))
            .collect()
    };
    assert_eq!(card_hrefs("index.html"), ["sources/a.html#ann-pledge"]);
    assert_eq!(
        card_hrefs("sources/a.html"),
        ["../sources/a.html#ann-pledge"]
    );
}

/// Regression: the card data escaped only `</`, so a speaker named `<!--<script>` put the
/// page's card script in the state where its end tag does not close it: the rest of the page
/// was read as script and the card data no longer parsed.
#[test]
fn card_data_cannot_keep_its_script_open() {
    let speaker = "<!--<script>";
    let annotations = format!(
        "- id: pledge\n  kind: quote\n  speaker: \"{speaker}\"\n  source: a\n  quote: Son pledged $500 billion.\n"
    );
    let site = site(&annotations, "Son: [](@pledge).");
    site.build();
    let html = site.page("index.html");
    let cards = crate::util::text_of(&html, "#brief-cards");
    let json: serde_json::Value = serde_json::from_str(&cards).expect("card JSON");
    assert_eq!(json["pledge"]["speaker"], speaker);
    assert!(!cards.contains('<'), "{cards}");
}
