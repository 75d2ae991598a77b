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

/// A build killed at any moment (Ctrl-C, or worse) leaves the previous site whole; the next
/// build clears what it left.
#[test]
fn killed_build_leaves_the_previous_site_intact() {
    let site = Site::minimal();
    site.build();
    let expected = site.snapshot();
    for _ in 0..15 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
            .args(["build", "--root"])
            .arg(site.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("brief starts");
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(site.snapshot(), expected);
    }
    std::fs::create_dir(site.root().join(".public.brief-new-1-0-0")).expect("old litter");
    site.build();
    assert_eq!(litter(site.root()), Vec::<String>::new());
}
