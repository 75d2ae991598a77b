//! The editor's workflow outside the server: `new annotation`, `suggest`, `schema`,
//! `explain`, `check --format json`, and terminal manners.

use crate::util::{SOURCE, Site};

fn site() -> Site {
    Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file("content/sources/a-source.md", SOURCE)
}

/// Runs `brief new annotation --source a-source ARGS`.
fn add(site: &Site, args: &[&str]) -> crate::util::Run {
    site.brief(&[&["new", "annotation", "--source", "a-source"], args].concat())
}

#[test]
fn new_annotation_anchors_appends_and_keeps_comments() {
    let site = site().file(
        "content/annotations/a-source.yaml",
        "# curated by hand\nid: first\nkind: quote\nsource: a-source\nquote: someone\n",
    );
    let run = add(&site, &["--quote", "$500 billion"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = std::fs::read_to_string(site.root().join("content/annotations/a-source.yaml"))
        .expect("written");
    assert!(
        text.starts_with("# curated by hand\n- id: first\n"),
        "{text}"
    );
    assert!(text.contains("- id: 500-billion\n  kind: figure\n  value: 5e11\n  unit: USD\n  source: a-source\n  quote: \"$500 billion\"\n"), "{text}");
    assert_eq!(site.brief(&["check"]).code(), 0, "the file still builds");
}

#[test]
fn new_annotation_file_starts_with_the_schema_modeline() {
    let site = site();
    let run = add(
        &site,
        &["--quote", "quotes \"someone\"", "--id", "someone-quoted"],
    );
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = std::fs::read_to_string(site.root().join("content/annotations/a-source.yaml"))
        .expect("written");
    assert!(
        text.starts_with("# yaml-language-server: $schema=../../schema/annotations.schema.json\n"),
        "{text}"
    );
    assert!(site.root().join("schema/annotations.schema.json").is_file());
    assert!(
        text.contains("id: someone-quoted\n  kind: quote\n"),
        "{text}"
    );
}

#[test]
fn new_annotation_that_does_not_anchor_writes_nothing() {
    let site = site();
    let run = add(&site, &["--quote", "$500 bilion"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("error[E101]"), "{}", run.stderr());
    assert!(
        run.stderr().contains("words that differ"),
        "{}",
        run.stderr()
    );
    assert!(!site.root().join("content/annotations").exists());
    let unknown = site.brief(&["new", "annotation", "--source", "a-sorce", "--quote", "x"]);
    assert!(
        unknown.stderr().contains("did you mean `a-source`?"),
        "{}",
        unknown.stderr()
    );
}

#[test]
fn new_annotation_adds_the_context_of_the_chosen_match() {
    let site = site().file("content/sources/a-source.md", "---\ntitle: T\noutlet: O\ndate: unknown\n---\n\nIt was $5 billion. Then $5 billion more.\n");
    let ambiguous = add(&site, &["--quote", "$5 billion"]);
    assert_eq!(ambiguous.code(), 1);
    assert!(
        ambiguous.stderr().contains("--occurrence N"),
        "{}",
        ambiguous.stderr()
    );
    let run = add(&site, &["--quote", "$5 billion", "--occurrence", "2"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(
        run.stdout().contains("prefix: \"Then \""),
        "{}",
        run.stdout()
    );
    assert_eq!(site.brief(&["check"]).code(), 0);
}

#[test]
fn suggest_lists_what_no_annotation_covers() {
    let site = site().file("content/annotations/a.yaml", "id: covered\nkind: figure\nvalue: 500e9\nunit: USD\nsource: a-source\nquote: $500 billion\n");
    let run = site.brief(&["suggest"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(!run.stdout().contains("$500 billion"), "{}", run.stdout());
    let site = site.file("content/annotations/a.yaml", "");
    let run = site.brief(&["suggest", "--source", "a-source"]);
    assert!(
        run.stdout()
            .contains("# content/sources/a-source.md:8\n- id: 500-billion\n  kind: figure\n"),
        "{}",
        run.stdout()
    );
}

#[test]
fn schema_is_printed_and_matches_the_committed_copy() {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .arg("schema")
        .output()
        .expect("runs");
    let printed = String::from_utf8(run.stdout).expect("utf-8");
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/annotations.schema.json"),
    )
    .expect("committed");
    assert_eq!(printed, committed);
}

#[test]
fn explain_prints_the_documented_fix() {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["explain", "E102"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&run.stdout);
    assert!(
        text.starts_with("E102: quote occurs more than once"),
        "{text}"
    );
    assert!(text.contains("Fix:"), "{text}");
    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(["explain", "E999"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn check_json_has_the_documented_shape() {
    let site = site().file(
        "content/annotations/a.yaml",
        "id: a\nkind: quote\nsource: a-source\nquote: The secnd paragraph\n",
    );
    let run = site.brief(&["check", "--format", "json"]);
    assert_eq!(run.code(), 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON on stdout");
    assert_eq!(
        json,
        serde_json::json!({
            "version": 1,
            "errors": 1,
            "warnings": 0,
            "diagnostics": [{
                "severity": "error",
                "code": "E101",
                "message": "the quote is not in `a-source`",
                "file": "content/annotations/a.yaml",
                "line": 4,
                "column": 8,
                "end": { "line": 4, "column": 27 },
                "label": "no passage has these exact words",
                "help": "words that differ: \"secnd\" -> \"second\"",
                "notes": ["closest passage, 95% alike, at content/sources/a-source.md:10: \"The second paragraph\""],
                "related": []
            }]
        })
    );
}

#[test]
fn quiet_hides_warnings_and_the_summary_and_no_colour_off_a_terminal() {
    let site = site().file(
        "content/index.md",
        "---\ntitle: B\n---\n\nIt costs $80 billion.\n",
    );
    let normal = site.brief(&["check"]);
    assert!(normal.stderr().contains("warning[W201]"));
    assert!(
        !normal.stderr().contains('\u{1b}'),
        "no colour when not on a terminal"
    );
    let quiet = site.brief(&["check", "--quiet"]);
    assert_eq!(quiet.code(), 0);
    assert_eq!(quiet.stderr(), "");
    assert_eq!(quiet.stdout(), "");
    let verbose = site.brief(&["build", "--verbose"]);
    assert!(
        verbose.stderr().contains("index.html ("),
        "{}",
        verbose.stderr()
    );
}
