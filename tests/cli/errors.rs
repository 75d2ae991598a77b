//! Bad input: each gets a located error, exit status 1, no panic, and the previous `public/`
//! untouched. The diagnostics' exact text is pinned, the way users will read it.

use crate::util::{BRIEFING, Site};

/// Builds `site` once cleanly, breaks it with `path` = `text`, builds again, and returns the
/// diagnostics (without the timing line), after checking the failure left `public/` intact.
fn break_with(path: &str, text: impl AsRef<[u8]>) -> String {
    let site = Site::minimal();
    site.build();
    let before = site.snapshot();
    let site = site.file(path, text);
    let run = site.brief(&["build"]);
    assert_eq!(run.code(), 1, "expected failure:\n{}", run.stderr());
    assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
    assert_eq!(before, site.snapshot(), "a failed build changed public/");
    let stderr = run.stderr();
    let (diagnostics, last) = stderr.trim_end().rsplit_once('\n').unwrap_or(("", &stderr));
    assert!(last.starts_with("failed: "), "{last}");
    format!("{diagnostics}\n")
}

fn source_with_front(front: &str) -> String {
    format!("---\n{front}---\n\nBody.\n")
}

#[test]
fn unknown_front_matter_key_suggests_the_right_one() {
    let out = break_with(
        "content/sources/a-source.md",
        source_with_front("titel: A source\noutlet: O\ndate: 2025-01-22\n"),
    );
    assert_eq!(
        out,
        "\
error[E003]: unknown key `titel`
 --> content/sources/a-source.md:2:1
  |
2 | titel: A source
  | ^^^^^ not a key brief knows
  |
  = help: did you mean `title`?
"
    );
}

#[test]
fn missing_title() {
    let out = break_with(
        "content/sources/a-source.md",
        source_with_front("outlet: O\ndate: 2025-01-22\n"),
    );
    assert!(
        out.starts_with("error[E004]: `title:` is missing\n --> content/sources/a-source.md:3:1"),
        "{out}"
    );
    assert!(out.contains("help: add `title: ...`"), "{out}");
}

#[test]
fn impossible_date() {
    let out = break_with(
        "content/sources/a-source.md",
        source_with_front("title: T\noutlet: O\ndate: 2025-13-40\n"),
    );
    assert_eq!(
        out,
        "\
error[E005]: invalid date: `2025-13-40` has month 13; months run from 01 to 12
 --> content/sources/a-source.md:4:7
  |
4 | date: 2025-13-40
  |       ^^^^^^^^^^ not a real date
  |
  = help: write the date as YYYY-MM-DD, like 2025-01-22 (or `unknown` for a source that does not say)
"
    );
}

#[test]
fn yaml_that_does_not_parse() {
    let out = break_with(
        "content/sources/a-source.md",
        source_with_front("title: [unclosed\noutlet: O\ndate: unknown\n"),
    );
    assert!(out.starts_with("error[E001]: invalid YAML"), "{out}");
    assert!(out.contains(" --> content/sources/a-source.md:"), "{out}");
}

#[test]
fn front_matter_never_closed() {
    let out = break_with("content/sources/a-source.md", "---\ntitle: T\n\nBody.\n");
    assert_eq!(
        out,
        "\
error[E002]: the front matter is never closed
 --> content/sources/a-source.md:1:1
  |
1 | ---
  | ^^^ opened here
  |
  = help: add a line `---` after the last front matter key
"
    );
}

#[test]
fn source_that_is_not_utf8() {
    let mut bytes = b"---\ntitle: T\noutlet: O\ndate: unknown\n---\n\nCaf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b" au lait.\n");
    let out = break_with("content/sources/a-source.md", bytes);
    assert!(
        out.starts_with(
            "error[E006]: this file is not UTF-8 text\n --> content/sources/a-source.md:7:4"
        ),
        "{out}"
    );
}

#[test]
fn template_with_an_undefined_variable() {
    let out = break_with(
        "themes/default/templates/source.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ source.titel }}</p>\n{% endblock main %}\n",
    );
    // The minimal site's source is unannotated, so a W205 may come first.
    assert!(out.contains("error[E007]: template error:"), "{out}");
    assert!(
        out.contains(" --> themes/default/templates/source.html:3:"),
        "{out}"
    );
}

#[test]
fn template_that_does_not_parse() {
    let out = break_with(
        "themes/default/templates/index.html",
        "<p>{{ briefing.title </p>\n",
    );
    assert!(
        out.contains(" --> themes/default/templates/index.html:1:"),
        "{out}"
    );
}

#[test]
fn all_problems_are_reported_at_once_sorted() {
    let site = Site::minimal()
        .file(
            "content/sources/b.md",
            source_with_front("title: B\noutlet: O\ndate: 2025-02-30\n"),
        )
        .file(
            "content/sources/a-source.md",
            source_with_front("title: A\noutlt: O\ndate: 2025-01-01\n"),
        );
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    let err = run.stderr();
    let a = err
        .find("content/sources/a-source.md:3:1")
        .expect("the typo is reported");
    let b = err
        .find("content/sources/b.md:4:7")
        .expect("the date is reported");
    assert!(a < b, "{err}");
}

#[test]
fn output_folder_not_made_by_brief_is_refused_and_kept() {
    let site = Site::minimal().file("precious/thesis.txt", "years of work");
    let out = site.root().join("precious");
    let run = site.brief(&["build", "--output", out.to_str().expect("utf-8")]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("was not made by brief"),
        "{}",
        run.stderr()
    );
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).expect("kept"),
        "years of work"
    );
    assert!(!out.join("index.html").exists());
}

#[test]
fn missing_briefing_says_what_to_create() {
    let site = Site::empty().file("content/sources/a.md", crate::util::SOURCE);
    let run = site.brief(&["build"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("content/index.md"),
        "{}",
        run.stderr()
    );
    let _ = BRIEFING;
}

#[test]
fn usage_error_exits_2() {
    let site = Site::minimal();
    assert_eq!(site.brief(&["build", "--no-such-flag"]).code(), 2);
}

#[test]
fn base_url_must_be_a_web_address() {
    let site = Site::minimal();
    let run = site.brief(&["build", "--base-url", "user.github.io/repo"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("error[E013]: the base URL `user.github.io/repo` is not an http(s) address"),
        "{}",
        run.stderr()
    );
}
