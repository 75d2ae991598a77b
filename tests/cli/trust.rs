//! Trust in the file system: the output swap, the output guard, symlinks, unreadable files,
//! hostile names. Each test is named after what it protects.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::Site;

fn brief_at(root: &Path, args: &[&str]) -> crate::util::Run {
    let output = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .arg("--root")
        .arg(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("brief runs");
    crate::util::Run(output)
}

/// Names in `dir` left by the writer: staging or retired folders.
fn litter(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("list")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".brief-new-") || n.contains(".brief-old-"))
        .collect()
}

/// Regression: a `--root` reached through a symlink into a brief output folder passed the
/// guard (it compared path text) and the swap deleted the site's `content/`.
#[test]
fn root_reached_through_a_symlink_inside_the_output_keeps_the_content() {
    let holder = Site::empty()
        .file("out/.brief-output", "")
        .file("out/site/content/index.md", crate::util::BRIEFING)
        .file("out/site/content/sources/a-source.md", crate::util::SOURCE);
    symlink(holder.root().join("out/site"), holder.root().join("link")).expect("symlink");
    let out = holder.root().join("out");
    let run = brief_at(
        &holder.root().join("link"),
        &["build", "--output", out.to_str().expect("utf-8")],
    );
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("E008"), "{}", run.stderr());
    assert!(out.join("site/content/index.md").is_file(), "content kept");
}

#[test]
fn output_inside_content_or_equal_to_the_root_is_refused() {
    let site = Site::minimal();
    for output in ["content/public", "content", ".", "content/.."] {
        let run = site.brief(&[
            "build",
            "--output",
            &site.root().join(output).to_string_lossy(),
        ]);
        assert_eq!(run.code(), 1, "{output}: {}", run.stderr());
        assert!(run.stderr().contains("E008"), "{output}: {}", run.stderr());
    }
    assert!(site.root().join("content/index.md").is_file());
    assert!(!site.root().join("content/public").exists());
}

/// Regression: an `--output` that was a symlink was replaced by a real folder.
#[test]
fn output_that_is_a_symlink_is_refused_and_kept() {
    let site = Site::minimal();
    std::fs::create_dir(site.root().join("real")).expect("mkdir");
    symlink(site.root().join("real"), site.root().join("public")).expect("symlink");
    let run = site.brief(&["build"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    assert!(run.stderr().contains("symbolic link"), "{}", run.stderr());
    let kept = std::fs::symlink_metadata(site.root().join("public")).expect("still there");
    assert!(kept.file_type().is_symlink());
}

/// Regression: about 1–3% of plain sequential rebuilds failed with "Directory not empty"
/// and left a `.public.brief-old-PID` folder.
#[test]
fn sequential_rebuilds_all_succeed_and_leave_no_litter() {
    let site = Site::minimal();
    let first = {
        site.build();
        site.snapshot()
    };
    for _ in 0..40 {
        site.build();
    }
    assert_eq!(site.snapshot(), first);
    assert_eq!(litter(site.root()), Vec::<String>::new());
}

/// Two builds at once into one folder end with one complete site; a build that finds the
/// folder busy says so and writes nothing.
#[test]
fn concurrent_builds_end_with_one_complete_site() {
    let site = Site::minimal();
    site.build();
    let expected = site.snapshot();
    for _ in 0..15 {
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_brief"))
                .args(["build", "--root"])
                .arg(site.root())
                .env("NO_COLOR", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("brief starts")
        };
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let output = child.wait_with_output().expect("brief ends");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success() || stderr.contains("another brief is writing"),
                "{stderr}"
            );
        }
        assert_eq!(site.snapshot(), expected);
        assert_eq!(litter(site.root()), Vec::<String>::new());
    }
}

/// A build stopped at any moment, by Ctrl-C (SIGINT) or worse (SIGKILL), leaves the previous
/// site whole; the next build clears what it left. The delays spread the signal over the
/// build, from before it reads anything to after it swapped the folders.
#[test]
fn interrupted_build_leaves_the_previous_site_intact() {
    let site = Site::minimal();
    site.build();
    let expected = site.snapshot();
    for signal in ["INT", "KILL"] {
        for delay in [0, 1, 2, 5, 10, 20, 40, 80, 160] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
                .args(["build", "--root"])
                .arg(site.root())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("brief starts");
            std::thread::sleep(std::time::Duration::from_millis(delay));
            let _ = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child.id().to_string())
                .stderr(Stdio::null())
                .status();
            let _ = child.wait();
            assert_eq!(site.snapshot(), expected, "SIG{signal} after {delay} ms");
        }
    }
    std::fs::create_dir(site.root().join(".public.brief-new-1-0-0")).expect("old litter");
    site.build();
    assert_eq!(litter(site.root()), Vec::<String>::new());
}

const SOURCE: &str = "---\ntitle: A source\noutlet: The Outlet\ndate: 2025-01-22\n---\n\nMusk said SoftBank \"has well under $10B secured.\"\n\nSon pledged $500 billion. Later, $500 billion again.\n";

fn annotated(annotations: &[(&str, &str)], briefing: &str) -> Site {
    let mut site = Site::empty()
        .file(
            "content/index.md",
            format!("---\ntitle: B\n---\n\n{briefing}\n"),
        )
        .file("content/sources/a.md", SOURCE);
    for (path, text) in annotations {
        site = site.file(path, text);
    }
    site
}

fn errors(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.starts_with("error[")).collect()
}

/// Regression: one typo'd key in one entry dropped the whole file, and every citation of its
/// entries became a false E201.
#[test]
fn one_bad_entry_is_one_error_and_the_others_load() {
    let site = annotated(
        &[(
            "content/annotations/quotes.yaml",
            "- id: musk\n  kind: quote\n  source: a\n  quote: has well under $10B secured.\n\n- id: son\n  kind: quote\n  source: a\n  qoute: Son pledged\n\n- id: later\n  kind: note\n  source: a\n\tquote: Later\n\n- id: again\n  kind: note\n  source: a\n  quote: again\n",
        )],
        "[Musk](@musk), [Son](@son), [later](@later), [again](@again).",
    );
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    let stderr = run.stderr();
    let found = errors(&stderr);
    assert_eq!(found.len(), 2, "{stderr}");
    assert!(found[0].starts_with("error[E003]"), "{stderr}");
    assert!(found[1].contains("tab"), "{stderr}");
    assert!(!stderr.contains("E201"), "{stderr}");
    assert!(stderr.contains("quotes.yaml:9:3"), "{stderr}");
    assert!(stderr.contains("quotes.yaml:14:1"), "{stderr}");
}

/// Regression: a file YAML cannot read made E201 guess "did you mean" from the ids left.
#[test]
fn a_file_that_does_not_parse_gives_no_false_did_you_mean() {
    let site = annotated(
        &[
            (
                "content/annotations/a.yaml",
                "id: softbank-fund\nkind: note\nsource: a\nquote: Son pledged\n",
            ),
            ("content/annotations/b.yaml", "[kind: note\nsource: a\n"),
        ],
        "[Son](@softbank-fund), [Musk](@softbank-funds).",
    );
    let run = site.brief(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1);
    assert!(!stderr.contains("did you mean"), "{stderr}");
    assert!(
        stderr.contains("`content/annotations/b.yaml` did not load whole"),
        "{stderr}"
    );
}

/// A UTF-8 byte-order mark is accepted in every content file, and lines and columns are
/// counted as the editor sees them.
#[test]
fn byte_order_mark_is_accepted_everywhere_with_places_right() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "\u{feff}id: a\nkind: qoute\nsource: a\nquote: Son pledged\n",
        )],
        "",
    )
    .file("content/sources/b.md", format!("\u{feff}{SOURCE}"))
    .file("content/site.yaml", "\u{feff}title: T\n");
    let run = site.brief(&["check"]);
    let stderr = run.stderr();
    assert_eq!(errors(&stderr).len(), 1, "{stderr}");
    assert!(
        stderr.contains("content/annotations/a.yaml:2:7"),
        "{stderr}"
    );
}

/// Regression: the 1 MB limit was checked after reading the whole file (400 MB peaked at 2 GB).
#[test]
fn huge_annotation_file_is_refused_without_reading_it() {
    let site = annotated(&[], "");
    let path = site.root().join("content/annotations/huge.yaml");
    std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(400 * 1024 * 1024)
        .expect("a sparse 400 MB file");
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("E111"), "{}", run.stderr());
}

/// Regression: one walker dropped read errors, so an unreadable annotations folder silently
/// lost its annotations.
#[test]
fn unreadable_annotations_folder_is_a_located_error() {
    use std::os::unix::fs::PermissionsExt;
    let site = annotated(
        &[(
            "content/annotations/locked/a.yaml",
            "id: a\nkind: note\nsource: a\nquote: Son pledged\n",
        )],
        "",
    );
    let locked = site.root().join("content/annotations/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let readable = std::fs::read_dir(&locked).is_ok();
    let run = site.brief(&["check"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    if readable {
        return; // running as root: permissions do not apply
    }
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("error[E009]: cannot read `content/annotations/locked`"),
        "{}",
        run.stderr()
    );
}

/// A symlink under `content/` that points outside the site is refused, not followed.
#[test]
fn symlink_out_of_the_site_is_refused() {
    let outside = tempfile::tempdir().expect("temp");
    std::fs::write(outside.path().join("secret.md"), SOURCE).expect("write");
    let site = annotated(&[], "");
    symlink(
        outside.path().join("secret.md"),
        site.root().join("content/sources/secret.md"),
    )
    .expect("symlink");
    let run = site.brief(&["build"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains(
            "error[E020]: `content/sources/secret.md` is a link to a place outside the site"
        ),
        "{}",
        run.stderr()
    );
    assert!(!site.root().join("public/sources/secret.html").exists());
}

/// A symlink loop is reported, not walked forever; a link inside the site is followed.
#[test]
fn symlink_loop_is_reported() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "id: a\nkind: note\nsource: a\nquote: Son pledged\n",
        )],
        "[Son](@a).",
    );
    symlink(
        site.root().join("content/annotations"),
        site.root().join("content/annotations/loop"),
    )
    .expect("symlink");
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("loops back"), "{}", run.stderr());
    assert!(!run.stderr().contains("E201"), "{}", run.stderr());
}

/// Regression: a 251-character source name passed `check` and failed `build` with an
/// unlocated error about `--output`.
#[test]
fn source_name_too_long_for_its_page_is_caught_by_check() {
    let name = format!("content/sources/{}.md", "a".repeat(251));
    let site = annotated(&[], "").file(&name, SOURCE);
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("error[E012]"), "{}", run.stderr());
    assert!(
        run.stderr().contains(&format!("--> {name}")),
        "{}",
        run.stderr()
    );
}

/// Regression: `--theme ../../x` published a folder outside the site.
#[test]
fn theme_given_as_a_path_is_refused() {
    let site = Site::minimal().file("elsewhere/static/x.css", "x");
    let run = site.brief(&["build", "--theme", "../elsewhere"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("error[E011]"), "{}", run.stderr());
}

#[test]
fn counts_read_right_in_the_singular() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "id: a\nkind: note\nsource: a\nquote: Son pledged\n",
        )],
        "[Son](@a), [x](@b).",
    );
    let run = site.brief(&["build"]);
    assert!(
        run.stderr()
            .contains("1 annotation, 0 warnings, 1 error in"),
        "{}",
        run.stderr()
    );
}

/// Regression: a figure annotation's `unit` was never compared with what its quote states, so
/// `$500 billion` annotated as 500 billion jobs passed, and the key-figures table said so. The
/// mistake is the annotation's: one E103, and its citation is not a second error.
#[test]
fn a_figure_in_another_unit_is_one_error() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "- id: pledge\n  kind: figure\n  source: a\n  quote: pledged $500 billion\n  value: 500e9\n  unit: jobs\n",
        )],
        "The pledge: [$500 billion](@pledge).",
    );
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert_eq!(
        errors(&run.stderr()),
        ["error[E103]: the quote states $500 billion, but `unit` is jobs"],
        "{}",
        run.stderr()
    );
    let fixed = site.file(
        "content/annotations/a.yaml",
        "- id: pledge\n  kind: figure\n  source: a\n  quote: pledged $500 billion\n  value: 500e9\n  unit: USD\n",
    );
    assert_eq!(fixed.brief(&["check", "--deny-warnings"]).code(), 0);
    let in_euros = fixed.file(
        "content/index.md",
        "---\ntitle: B\n---\n\nThe pledge: [€500 billion](@pledge).\n",
    );
    let run = in_euros.brief(&["check"]);
    assert_eq!(
        errors(&run.stderr()),
        ["error[E202]: the citation says a figure in euros, but `pledge` has value $500 billion"],
        "{}",
        run.stderr()
    );
}

/// Regression: a number in a unit brief does not check was read as a plain count, which goes
/// with any unit, and a fraction of a scale as the scale: "5 billion euros" passed as
/// $5 billion, "half a billion dollars" as a billion, "50 basis points" as 50 percent.
#[test]
fn a_figure_in_an_unchecked_unit_or_a_fraction_never_passes() {
    let entry = |id: &str, quote: &str, value: &str, unit: &str| {
        format!(
            "- id: {id}\n  kind: figure\n  source: a\n  quote: {quote}\n  value: {value}\n  unit: {unit}\n"
        )
    };
    let source = "---\ntitle: A\noutlet: O\ndate: 2025-01-22\n---\n\nThe fund holds 5 billion euros. It spent half a billion dollars. Rates rose 50 basis points.\n";
    let wrong = [
        entry("fund", "5 billion euros", "5e9", "USD"),
        entry("spent", "half a billion dollars", "1e9", "USD"),
        entry("rates", "50 basis points", "50", "percent"),
    ];
    let site = annotated(
        &[("content/annotations/a.yaml", &wrong.concat())],
        "[](@fund), [](@spent), [](@rates).",
    )
    .file("content/sources/a.md", source);
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert_eq!(
        errors(&run.stderr()),
        [
            "error[E103]: the quote states 5 billion euros, but `unit` is USD",
            "error[E103]: the quote states $500 million, but `value` is $1 billion",
            "error[E103]: the quote states 50 basis points, but `unit` is percent",
        ],
        "{}",
        run.stderr()
    );
    let right = [
        entry("fund", "5 billion euros", "5e9", "count"),
        entry("spent", "half a billion dollars", "0.5e9", "USD"),
        entry("rates", "50 basis points", "50", "count"),
    ];
    let fixed = site.file("content/annotations/a.yaml", right.concat());
    let run = fixed.brief(&["check", "--deny-warnings"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
}

/// Regression: a `prefix` copied wrong made E101 say the quote was not in the source, with the
/// quote itself as its closest passage, "100% alike", and a hint about spelling.
#[test]
fn a_wrong_prefix_is_told_from_a_missing_quote() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "- id: pledge\n  kind: quote\n  source: a\n  quote: $500 billion\n  prefix: \"paragraph say \"\n",
        )],
        "[](@pledge)",
    );
    let run = site.brief(&["check"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1);
    assert_eq!(
        errors(&stderr),
        ["error[E101]: the quote is in `a`, but not with its `prefix`"],
        "{stderr}"
    );
    assert!(
        stderr.contains("= note: match 1 at content/sources/a.md:9: \"...r $10B secured.\" Son pledged [$500 billion]. Later, $500 billion again....\"; to pick it, add `suffix: \".\"`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("to pick it, add `prefix: \"Later, \"`"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("replace the `prefix` with the one the note of the match you mean proposes"),
        "{stderr}"
    );
    assert!(!stderr.contains("alike"), "{stderr}");
}

/// Regression: a source named `index.md` wrote its page over the sources index,
/// `sources/index.html`, and the build said nothing.
#[test]
fn a_source_named_index_is_refused() {
    let site = Site::minimal();
    site.build();
    let before = site.snapshot();
    let site = site.file("content/sources/index.md", SOURCE);
    let run = site.brief(&["build"]);
    let stderr = run.stderr();
    assert_eq!(run.code(), 1, "{stderr}");
    assert_eq!(
        errors(&stderr),
        [
            "error[E012]: `index` is not a usable source name: its page would replace the sources index, `sources/index.html`"
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/sources/index.md:1:1"),
        "{stderr}"
    );
    assert_eq!(site.snapshot(), before, "the previous site is untouched");
}

/// Regression: the second passage of `pledge` in one source had the id `ann-pledge-2`, the
/// first passage of an annotation `pledge-2`: two elements with one id, and the permalink
/// `#ann-pledge-2` led to the wrong passage.
#[test]
fn passage_ids_are_unique_whatever_the_annotation_ids() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "- id: pledge\n  kind: quote\n  targets:\n    - source: a\n      quote: Musk said\n    - source: a\n      quote: Son pledged\n- id: pledge-2\n  kind: quote\n  source: a\n  quote: Later,\n",
        )],
        "[](@pledge) [](@pledge-2)",
    );
    site.build();
    let page = site.page("sources/a.html");
    let mut ids: Vec<&str> = crate::util::select(&page, "[id]")
        .iter()
        .filter_map(|e| e.attr("id"))
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "duplicate ids: {ids:?}");
    let second = crate::util::select(&page, "mark#ann-pledge-2");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].text().collect::<String>(), "Later,");
}

/// A path where the slug goes gets the slug to write; an unknown slug in an archive gets a
/// hint of one line, not the list of its thousands of slugs.
#[test]
fn an_unknown_source_gets_a_hint_of_one_line() {
    let quote = |source: &str| {
        format!("- id: pledge\n  kind: quote\n  source: {source}\n  quote: Son pledged\n")
    };
    let site = annotated(
        &[("content/annotations/a.yaml", &quote("content/sources/a.md"))],
        "[](@pledge)",
    );
    let run = site.brief(&["check"]);
    assert!(
        run.stderr().contains(
            "help: write `a`: a source's slug is its file's name in content/sources/, without `.md`"
        ),
        "{}",
        run.stderr()
    );
    let archive = (0..20).fold(site, |site, k| {
        site.file(&format!("content/sources/s{k:02}.md"), SOURCE)
    });
    let archive = archive.file("content/annotations/a.yaml", quote("nowhere"));
    let stderr = archive.brief(&["check"]).stderr();
    let help: Vec<&str> = stderr.lines().filter(|l| l.contains("help:")).collect();
    assert_eq!(
        help,
        [
            "  = help: the slug is a file's name in content/sources/ without `.md`; there are 21 sources"
        ],
        "{stderr}"
    );
}

/// Regression: each unknown id was compared with every annotation's id for its "did you
/// mean": 2,000 unknown citations in an archive of 50,000 annotations took 12 s. The first
/// hundred problems of a text get a guess, the rest the list's address.
#[test]
fn unknown_ids_past_a_hundred_get_no_guess() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "- id: pledge\n  kind: quote\n  source: a\n  quote: Son pledged\n",
        )],
        &"[x](@pledg) ".repeat(105),
    );
    let stderr = site.brief(&["check"]).stderr();
    assert_eq!(errors(&stderr).len(), 105, "{stderr}");
    assert_eq!(stderr.matches("did you mean `@pledge`?").count(), 100);
    assert_eq!(
        stderr
            .matches("help: the built site's annotations.html lists every annotation with its id")
            .count(),
        5
    );
}

/// Regression: one mistake in a source's front matter also made every annotation on it an
/// E106 "there is no source" (and a source `based_on` it another): one error, and the rest
/// waits for it.
#[test]
fn a_source_that_does_not_load_is_one_error() {
    let site = annotated(
        &[(
            "content/annotations/a.yaml",
            "- id: pledge\n  kind: figure\n  source: a\n  quote: pledged $500 billion\n  value: 500e9\n  unit: USD\n- id: musk\n  kind: quote\n  source: a\n  quote: has well under $10B secured\n",
        )],
        "The pledge: [$500 billion](@pledge); Musk: [](@musk).",
    )
    .file(
        "content/sources/a.md",
        SOURCE.replace("outlet: The Outlet", "outlett: The Outlet"),
    )
    .file(
        "content/sources/b.md",
        "---\ntitle: B\noutlet: B\ndate: 2025-01-23\nbased_on: [a]\n---\n\nA rewrite.\n",
    );
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert_eq!(
        errors(&run.stderr()),
        ["error[E003]: unknown key `outlett`"],
        "{}",
        run.stderr()
    );
}
