//! Snapshots of the diagnostics' exact text, one file per mistake an editor can make, in
//! `tests/cli/snapshots/`, compared by insta. A change in wording, location or hint shows as a
//! diff here; `INSTA_UPDATE=always cargo test --test cli` rewrites the files after a deliberate
//! change (or `cargo insta review`, to accept them one by one).

use crate::util::Site;

const SOURCE: &str = "---\ntitle: A source\noutlet: The Outlet\ndate: 2025-01-22\n---\n\nMusk said SoftBank \"has well under $10B secured.\"\n\nSon pledged $500 billion. Later, $500 billion again.\n";

/// Each case: a name, an annotation file, and the briefing's body.
const CASES: &[(&str, &str, &str)] = &[
    (
        "E003-unknown-key",
        "id: a\nkind: quote\nsource: a\nqoute: Son pledged\n",
        "",
    ),
    (
        "E010-unknown-kind",
        "id: a\nkind: qoute\nsource: a\nquote: Son pledged\n",
        "",
    ),
    (
        "E101-not-found",
        "id: a\nkind: quote\nsource: a\nquote: \"has well under $10B securd.\"\n",
        "",
    ),
    (
        "E102-ambiguous",
        "id: a\nkind: figure\nvalue: 500e9\nunit: USD\nsource: a\nquote: $500 billion\n",
        "",
    ),
    (
        "E103-figure-mismatch",
        "id: a\nkind: figure\nvalue: 50e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "",
    ),
    (
        "E104-duplicate-id",
        "- id: a\n  kind: note\n  source: a\n  quote: Son pledged\n- id: a\n  kind: note\n  source: a\n  quote: Later\n",
        "",
    ),
    (
        "E105-invalid-id",
        "id: Son Pledge\nkind: note\nsource: a\nquote: Son pledged\n",
        "",
    ),
    (
        "E106-unknown-source",
        "id: a\nkind: note\nsource: b\nquote: Son pledged\n",
        "",
    ),
    (
        "E108-empty-quote",
        "id: a\nkind: note\nsource: a\nquote: \"\"\n",
        "",
    ),
    (
        "E109-shorthand-and-targets",
        "id: a\nkind: note\nsource: a\nquote: Son\ntargets:\n  - source: a\n    quote: Son\n",
        "",
    ),
    ("E110-no-target", "id: a\nkind: note\nsource: a\n", ""),
    (
        "E113-unknown-unit",
        "id: a\nkind: figure\nvalue: 10e9\nunit: dolars\nsource: a\nquote: well under $10B\n",
        "",
    ),
    (
        "E114-figure-without-value",
        "id: a\nkind: figure\nsource: a\nquote: well under $10B\n",
        "",
    ),
    (
        "E201-unknown-citation",
        "id: softbank-funds\nkind: figure\nvalue: 10e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "See [this](@softbank-fund).",
    ),
    (
        "E202-citation-number",
        "id: softbank-funds\nkind: figure\nvalue: 10e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "Musk: [under $20B](@softbank-funds).",
    ),
    (
        "E203-citation-not-a-link",
        "id: softbank-funds\nkind: figure\nvalue: 10e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "Musk: [under $10B](@ softbank-funds).",
    ),
    (
        "E204-image-citation",
        "id: softbank-funds\nkind: figure\nvalue: 10e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "Musk: ![under $10B](@softbank-funds).",
    ),
    (
        "E001-tab-indentation",
        "id: a\nkind: quote\n\tsource: a\nquote: Son pledged\n",
        "",
    ),
    (
        "E001-indented-too-far",
        "id: a\nkind: quote\nsource: a\n   quote: Son pledged\n",
        "",
    ),
    (
        "E004-indented-too-little",
        "id: a\nkind: note\ntargets:\n- source: a\nquote: Son pledged\n",
        "",
    ),
    (
        "E004-missing-source",
        "- id: a\n  kind: note\n  targets:\n    - quote: Son pledged\n",
        "",
    ),
    (
        "E001-curly-quotes-around-a-colon",
        "id: a\nkind: quote\nsource: a\nquote: “Musk said: SoftBank”\n",
        "",
    ),
    (
        "E101-curly-quotes",
        "id: a\nkind: quote\nsource: a\nquote: “Son pledged”\n",
        "",
    ),
    (
        "E001-tag",
        "id: !!binary YQ==\nkind: note\nsource: a\nquote: Son pledged\n",
        "",
    ),
    (
        "E010-infinite-value",
        "id: a\nkind: figure\nvalue: .inf\nunit: USD\nsource: a\nquote: well under $10B\n",
        "",
    ),
    (
        "W202-uncited-annotation",
        "id: son-pledged\nkind: quote\nsource: a\nquote: Son pledged\n",
        "",
    ),
    (
        "W203-note-without-note",
        "id: son\nkind: note\nsource: a\nquote: Son pledged\n",
        "See [](@son).",
    ),
    (
        "W204-quote-across-paragraphs",
        "id: spliced\nkind: quote\nsource: a\nquote: \"secured.\\\" Son pledged\"\n",
        "See [](@spliced).",
    ),
    (
        "W201-uncited-figure",
        "id: softbank-funds\nkind: figure\nvalue: 10e9\nunit: USD\nsource: a\nquote: well under $10B\n",
        "It costs $80 billion.",
    ),
];

/// Sources for the warnings about sources themselves: each case a name and the source file,
/// which no annotation points at.
const SOURCE_CASES: &[(&str, &str)] = &[
    ("W205-unannotated-source", SOURCE),
    (
        "W206-unknown-outlet",
        "---\ntitle: A source\noutlet: unknown\ndate: 2025-01-22\n---\n\nSon pledged $500 billion.\n",
    ),
];

/// Asserts that `diagnostics` is the text of the snapshot `name` (`tests/cli/snapshots/NAME.snap`).
pub fn assert_snapshot(name: &str, diagnostics: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, diagnostics));
}

/// A failing `check --deny-warnings`'s diagnostics, without the summary line.
fn failing_check(name: &str, site: &Site) -> String {
    let run = site.brief(&["check", "--deny-warnings"]);
    assert_eq!(run.code(), 1, "{name} must fail:\n{}", run.stderr());
    let stderr = run.stderr();
    stderr
        .trim_end()
        .rsplit_once('\n')
        .map_or("", |(d, _)| d)
        .to_string()
        + "\n"
}

#[test]
fn every_annotation_diagnostic_matches_its_snapshot() {
    for (name, annotations, briefing) in CASES {
        let site = Site::empty()
            .file(
                "content/index.md",
                format!("---\ntitle: B\n---\n\n{briefing}\n"),
            )
            .file("content/sources/a.md", SOURCE)
            .file("content/annotations/a.yaml", annotations);
        assert_snapshot(name, &failing_check(name, &site));
    }
    for (name, source) in SOURCE_CASES {
        let site = Site::empty()
            .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
            .file("content/sources/a.md", source);
        assert_snapshot(name, &failing_check(name, &site));
    }
}

/// Regression: 2 MB of empty table cells took more than 1 GB; too many elements is E030.
#[test]
fn markdown_with_too_many_elements_matches_its_snapshot() {
    let cells = "|\n".repeat(600_000);
    let site = Site::empty()
        .file(
            "content/index.md",
            format!("---\ntitle: B\n---\n\n| a |\n|---|\n{cells}"),
        )
        .file("content/sources/a.md", SOURCE);
    assert_check_snapshot("E030-too-many-elements", &site);
}

/// Runs `check --deny-warnings` on `site`, which must fail, and asserts that its diagnostics
/// are the snapshot `name`.
pub fn assert_check_snapshot(name: &str, site: &Site) {
    assert_snapshot(name, &failing_check(name, site));
}
