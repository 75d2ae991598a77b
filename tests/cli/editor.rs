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

/// Two sources that word one claim alike, `b` based on nothing, and annotation `no-money`
/// on `a` only, cited by the briefing.
fn two_sources() -> Site {
    Site::empty()
        .file(
            "content/index.md",
            "---\ntitle: B\n---\n\nMusk: [](@no-money).\n",
        )
        .file(
            "content/sources/a.md",
            "---\ntitle: A\noutlet: A News\ndate: 2025-01-22\n---\n\nMusk wrote \"They don't actually have the money\" on X.\n",
        )
        .file(
            "content/sources/b.md",
            "---\ntitle: B\noutlet: B Daily\ndate: 2025-01-23\n---\n\nOn X, Musk said: \u{201c}They don\u{2019}t actually have the money.\u{201d}\n",
        )
}

#[test]
fn add_to_turns_the_shorthand_into_targets_keeping_comments() {
    let site = two_sources().file(
        "content/annotations/quotes.yaml",
        "# Musk's words\n- id: no-money # the claim\n  kind: quote\n  speaker: Elon Musk\n  source: a # first seen here\n  quote: \"They don't actually have the money\"\n\n- id: other\n  kind: quote\n  source: a\n  quote: on X\n",
    );
    let run = site.brief(&[
        "new",
        "annotation",
        "--add-to",
        "no-money",
        "--source",
        "b",
        "--quote",
        "They don't actually have the money",
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let text = std::fs::read_to_string(site.root().join("content/annotations/quotes.yaml"))
        .expect("written");
    assert_eq!(
        text,
        "# Musk's words\n- id: no-money # the claim\n  kind: quote\n  speaker: Elon Musk\n  targets:\n    - source: a # first seen here\n      quote: \"They don't actually have the money\"\n    - source: b\n      quote: \"They don’t actually have the money\"\n\n- id: other\n  kind: quote\n  source: a\n  quote: on X\n"
    );
    let again = site.brief(&[
        "new",
        "annotation",
        "--add-to",
        "other",
        "--source",
        "b",
        "--quote",
        "On X",
    ]);
    assert_eq!(again.code(), 0, "{}", again.stderr());
    let text = std::fs::read_to_string(site.root().join("content/annotations/quotes.yaml"))
        .expect("written");
    assert!(
        text.ends_with("- id: other\n  kind: quote\n  targets:\n    - source: a\n      quote: on X\n    - source: b\n      quote: \"On X\"\n"),
        "{text}"
    );
    let unknown = site.brief(&[
        "new",
        "annotation",
        "--add-to",
        "no-mony",
        "--source",
        "b",
        "--quote",
        "On X",
    ]);
    assert!(
        unknown.stderr().contains("did you mean `no-money`?"),
        "{}",
        unknown.stderr()
    );
}

#[test]
fn new_annotation_sees_the_claim_of_another_source_and_proposes_add_to() {
    let site = two_sources().file(
        "content/annotations/quotes.yaml",
        "- id: no-money\n  kind: quote\n  source: a\n  quote: \"They don't actually have the money\"\n",
    );
    let run = site.brief(&[
        "new",
        "annotation",
        "--source",
        "b",
        "--quote",
        "They don't actually have the money",
    ]);
    assert_eq!(run.code(), 1);
    crate::snapshots::assert_snapshot("E107-repeated-claim", &run.stderr());
    let suggested = site.brief(&["suggest", "--source", "b"]);
    let first = suggested
        .stdout()
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        first.contains("`no-money` (quote, in a), same words"),
        "{}",
        suggested.stdout()
    );
    assert!(
        suggested.stdout().contains("# brief new annotation --add-to no-money --source b --quote 'They don’t actually have the money'"),
        "{}",
        suggested.stdout()
    );
    let separate = site.brief(&[
        "new",
        "annotation",
        "--source",
        "b",
        "--quote",
        "They don't actually have the money",
        "--separate",
    ]);
    assert_eq!(separate.code(), 0, "{}", separate.stderr());
}

#[test]
fn new_annotation_writes_a_finished_entry_after_a_blank_line() {
    let site = site();
    let first = add(
        &site,
        &[
            "--quote",
            "$500 billion",
            "--label",
            "The pledge",
            "--note",
            "Over *four* years.",
        ],
    );
    assert_eq!(first.code(), 0, "{}", first.stderr());
    let second = add(
        &site,
        &[
            "--quote",
            "quotes \"someone\"",
            "--speaker",
            "Someone",
            "--id",
            "someone",
        ],
    );
    assert_eq!(second.code(), 0, "{}", second.stderr());
    let text = std::fs::read_to_string(site.root().join("content/annotations/a-source.yaml"))
        .expect("written");
    assert!(
        text.contains("  quote: \"$500 billion\"\n  label: \"The pledge\"\n  note: \"Over *four* years.\"\n\n- id: someone\n  kind: quote\n  source: a-source\n  quote: \"quotes \\\"someone\\\"\"\n  speaker: \"Someone\"\n"),
        "{text}"
    );
    let wrong = add(
        &site,
        &[
            "--quote",
            "first paragraph says $500 billion",
            "--value",
            "5e9",
            "--unit",
            "USD",
        ],
    );
    assert_eq!(wrong.code(), 1, "the value is re-checked against the words");
    assert!(wrong.stderr().contains("error[E103]"), "{}", wrong.stderr());
    let unit = add(
        &site,
        &["--quote", "The first paragraph", "--unit", "dolars"],
    );
    assert!(unit.stderr().contains("error[E113]"), "{}", unit.stderr());
    // Rust reads `NaN` and `inf` as numbers; annotation files do not: a usage error, before
    // anything is written (it was an E001 pointing at a line that was never written).
    for not_finite in ["NaN", "inf", "-inf"] {
        let flag = format!("--value={not_finite}");
        let run = add(
            &site,
            &["--quote", "first paragraph says $500 billion", &flag],
        );
        assert_eq!(run.code(), 2, "{}", run.stderr());
        assert!(
            run.stderr().contains("is not a finite number"),
            "{}",
            run.stderr()
        );
    }
    assert_eq!(site.brief(&["check"]).code(), 0);
}

/// Regression: concurrent runs shared one staging file and read the file before others wrote
/// it, so annotations reported as added were lost.
#[test]
fn concurrent_new_annotations_are_all_kept() {
    let words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
    let body: String = words
        .iter()
        .map(|w| format!("The word {w} is here.\n\n"))
        .collect();
    let site = Site::empty()
        .file("content/index.md", "---\ntitle: B\n---\n\nBody.\n")
        .file(
            "content/sources/a.md",
            format!("---\ntitle: A\noutlet: O\ndate: unknown\n---\n\n{body}"),
        );
    let children: Vec<std::process::Child> = words
        .iter()
        .map(|w| {
            std::process::Command::new(env!("CARGO_BIN_EXE_brief"))
                .args([
                    "new",
                    "annotation",
                    "--source",
                    "a",
                    "--kind",
                    "note",
                    "--quote",
                ])
                .arg(format!("word {w}"))
                .arg("--root")
                .arg(site.root())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("brief starts")
        })
        .collect();
    let mut reported = Vec::new();
    for child in children {
        let output = child.wait_with_output().expect("brief ends");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let id = stdout
            .lines()
            .find_map(|l| l.strip_prefix("- id: "))
            .expect("the id is printed")
            .to_string();
        reported.push(id);
    }
    let text =
        std::fs::read_to_string(site.root().join("content/annotations/a.yaml")).expect("written");
    for id in &reported {
        assert!(
            text.contains(&format!("- id: {id}\n")),
            "{id} lost:\n{text}"
        );
    }
    assert_eq!(reported.len(), words.len());
    let leftovers: Vec<_> = std::fs::read_dir(site.root().join("content/annotations"))
        .expect("folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("brief-new"))
        .collect();
    assert!(leftovers.is_empty(), "no staging file is left behind");
}

#[test]
fn list_prints_a_table_and_json() {
    let site = two_sources().file(
        "content/annotations/quotes.yaml",
        "- id: no-money\n  kind: quote\n  targets:\n    - source: a\n      quote: \"They don't actually have the money\"\n    - source: b\n      quote: \"They don't actually have the money\"\n- id: pledge\n  kind: note\n  note: N.\n  source: a\n  quote: on X\n",
    );
    let table = site.brief(&["list"]);
    assert_eq!(table.code(), 0, "{}", table.stderr());
    assert_eq!(
        table.stdout(),
        "ID        KIND   SOURCES  CITED  VALUE\nno-money  quote  a, b     1\npledge    note   a        0\n"
    );
    let json = site.brief(&["list", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout()).expect("JSON");
    assert_eq!(value[0]["id"], "no-money");
    assert_eq!(value[0]["sources"], serde_json::json!(["a", "b"]));
    assert_eq!(value[0]["cited"], 1);
    assert_eq!(value[1]["at"], "content/annotations/quotes.yaml:8");
}

/// The editor's second day, through the binary: a saved page imported, the claims it repeats
/// found by `suggest` and attached with `--add-to`, independence counted through `based_on`,
/// and a clean `check --deny-warnings`.
#[test]
fn second_day_workflow() {
    let site = two_sources()
        .file(
            "content/sources/b.md",
            "---\ntitle: B\noutlet: B Daily\ndate: 2025-01-23\nbased_on: [a]\n---\n\nOn X, Musk said: \u{201c}They don\u{2019}t actually have the money.\u{201d}\n",
        )
        .file(
            "content/annotations/quotes.yaml",
            "- id: no-money\n  kind: quote\n  speaker: Elon Musk\n  targets:\n    - source: a\n      quote: \"They don't actually have the money\"\n    - source: b\n      quote: \"They don't actually have the money\"\n",
        )
        .file("saved/newser.html", crate::import::newser_page());
    let page = site.root().join("saved/newser.html");
    let import = site.brief(&["import", page.to_str().expect("utf-8")]);
    assert_eq!(import.code(), 0, "{}", import.stderr());
    let slug = "musk-mocks-stargate-funding";
    let suggested = site.brief(&["suggest", "--source", slug]);
    assert_eq!(suggested.code(), 0, "{}", suggested.stderr());
    let commands: Vec<String> = suggested
        .stdout()
        .lines()
        .filter_map(|l| l.strip_prefix("# brief new annotation "))
        .map(str::to_string)
        .collect();
    assert_eq!(commands.len(), 1, "{}", suggested.stdout());
    assert!(
        suggested
            .stdout()
            .lines()
            .nth(1)
            .unwrap_or_default()
            .contains("`no-money`"),
        "the known claims come first:\n{}",
        suggested.stdout()
    );
    for command in &commands {
        let (flags, quote) = command.split_once(" --quote '").expect("a quoted quote");
        let quote = quote
            .strip_suffix('\'')
            .expect("closed")
            .replace("'\\''", "'");
        let mut args = vec!["new", "annotation"];
        args.extend(flags.split(' '));
        args.extend(["--quote", quote.as_str()]);
        let run = site.brief(&args);
        assert_eq!(run.code(), 0, "{command}: {}", run.stderr());
    }
    site.build();
    let annotations = site.page("annotations.html");
    assert_eq!(
        crate::util::text_of(&annotations, "#no-money .reports"),
        "reported by 3 sources, 2 independent"
    );
    let briefing = site.page("index.html");
    assert!(
        crate::util::text_of(&briefing, ".corroboration-kicker")
            .contains("reported by 3 sources, 2 independent"),
    );
    let jsonld =
        std::fs::read_to_string(site.root().join("public/annotations.jsonld")).expect("exported");
    assert!(
        jsonld.contains("\"value\": \"reported by 3 sources, 2 independent\""),
        "{jsonld}"
    );
    let check = site.brief(&["check", "--deny-warnings"]);
    assert_eq!(check.code(), 0, "{}", check.stderr());
}

#[test]
fn based_on_an_unknown_source_is_a_located_error() {
    let site = two_sources().file(
        "content/sources/b.md",
        "---\ntitle: B\noutlet: B Daily\ndate: 2025-01-23\nbased_on: [a, c]\n---\n\nText.\n",
    );
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("error[E106]: there is no source `c`\n --> content/sources/b.md:5:15\n"),
        "{}",
        run.stderr()
    );
}
