//! Output into a pipe whose reader has gone: `brief suggest | head -n 1` must end quietly,
//! not panic with "failed printing to stdout: Broken pipe".

use std::io::Read;
use std::process::{Command, Stdio};

use crate::util::Site;

/// Runs `brief ARGS` with its stdout a pipe closed before the child writes a byte, so its first
/// write fails with EPIPE whatever the timing; returns the exit status and stderr.
fn run_into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("brief starts");
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr is text");
    let status = child.wait().expect("brief ends");
    (status.code(), stderr)
}

#[test]
fn a_closed_stdout_ends_every_command_quietly() {
    let site = Site::minimal();
    let root = site.root().to_str().expect("a UTF-8 temp path");
    for args in [
        &["suggest", "--root", root][..],
        &["schema"],
        &["explain", "E101"],
        &["check", "--root", root],
        &["check", "--format", "json", "--root", root],
        &["build", "--root", root],
        &[
            "new",
            "annotation",
            "--source",
            "a-source",
            "--quote",
            "$500 billion",
            "--root",
            root,
        ],
    ] {
        let (code, stderr) = run_into_closed_pipe(args);
        assert!(
            !stderr.contains("panicked"),
            "brief {args:?} panicked:\n{stderr}"
        );
        assert!(!stderr.contains("Broken pipe"), "brief {args:?}:\n{stderr}");
        assert_eq!(
            code,
            Some(0),
            "brief {args:?} exit status; stderr:\n{stderr}"
        );
    }
}
