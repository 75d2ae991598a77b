//! The command line: clap parses it (the grammar is in `cli/args.rs`), each subcommand calls
//! the library, and diagnostics are rendered here, once, at the edge. Exit status: 0 success, 1 the content has errors, 2 a
//! usage error (clap's own).

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::RecvTimeoutError;
use std::time::{Duration, Instant};

use clap::Parser;

use crate::console;
use crate::diagnostics::Diagnostics;
use crate::scaffold::{self, NewAnnotation};
use crate::site::{self, BuildOptions};
use crate::{list, suggest};

mod args;

use args::{Cli, Command, Format, New, Verbosity};

/// Runs the command line; the process's exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            theme,
            base_url,
        } => {
            let verbosity = site.verbosity();
            let options = BuildOptions {
                root: site.root,
                output,
                theme,
                base_url,
                deny_warnings: site.deny_warnings,
            };
            run_build(&options, true, verbosity)
        }
        Command::Check { site, format } => {
            let verbosity = site.verbosity();
            let options = BuildOptions {
                root: site.root,
                deny_warnings: site.deny_warnings,
                ..BuildOptions::default()
            };
            match format {
                Format::Human => run_build(&options, false, verbosity),
                Format::Json => check_json(&options),
            }
        }
        Command::New {
            what: New::Annotation(request),
        } => run_new_annotation(&request.into()),
        Command::Suggest { source, root } => match suggest::suggest(&root, source.as_deref()) {
            Ok(yaml) => print_out(&yaml, ExitCode::SUCCESS),
            Err(problems) => report(&problems),
        },
        Command::List { format, root } => run_list(&root, format),
        Command::Init { dir, bare, force } => run_init(&dir, bare, force),
        Command::Schema => print_out(&crate::schema::annotations_schema(), ExitCode::SUCCESS),
        Command::Explain { code } => run_explain(&code),
        #[cfg(feature = "serve")]
        Command::Serve {
            site,
            port,
            bind,
            poll,
            exit_after,
        } => run_serve(&crate::serve::ServeOptions {
            quiet: site.verbosity() == Verbosity::Quiet,
            root: site.root,
            port,
            bind,
            poll,
            deny_warnings: site.deny_warnings,
            styled: styled(),
            stop_after: exit_after.map(std::time::Duration::from_secs),
        }),
        Command::Import {
            files,
            root,
            force,
            overrides,
        } => run_import(&root, &files, force, &overrides.into()),
    }
}

fn run_new_annotation(request: &NewAnnotation) -> ExitCode {
    match scaffold::new_annotation(request) {
        Ok(written) => {
            let what = match &request.add_to {
                Some(id) => format!("added a target to `{id}` in"),
                None => "added to".to_string(),
            };
            print_out(
                &format!("{what} {}:\n{}\n", written.file.display(), written.yaml),
                ExitCode::SUCCESS,
            )
        }
        Err(problems) => report(&problems),
    }
}

fn run_list(root: &Path, format: Format) -> ExitCode {
    match list::list(root) {
        Ok(listed) => {
            let text = match format {
                Format::Human => list::list_table(&listed),
                Format::Json => {
                    format!("{:#}\n", serde_json::to_value(&listed).unwrap_or_default())
                }
            };
            print_out(&text, ExitCode::SUCCESS)
        }
        Err(problems) => report(&problems),
    }
}

fn run_init(dir: &Path, bare: bool, force: bool) -> ExitCode {
    match crate::init::init(dir, bare, force) {
        Ok(files) => {
            let created: String = files
                .iter()
                .map(|file| format!("created {}\n", dir.join(file).display()))
                .collect();
            print_out(
                &(created + &crate::init::next_steps(dir)),
                ExitCode::SUCCESS,
            )
        }
        Err(error) => {
            let help = match error {
                crate::init::InitError::NotEmpty(_) => {
                    "help: pick an empty or new folder, or pass `--force` to write the new site's files there (other files stay)\n"
                }
                _ => "",
            };
            console::err(&format!("error: {error}\n{help}"));
            ExitCode::FAILURE
        }
    }
}

/// An unknown code is a usage error (status 2), like a mistyped flag.
fn run_explain(code: &str) -> ExitCode {
    match crate::explain::explain(code) {
        Some(text) => print_out(&text, ExitCode::SUCCESS),
        None => {
            console::err(&format!(
                "error: `{code}` is not a brief error code\nknown codes: {}\n",
                crate::explain::codes().join(", ")
            ));
            ExitCode::from(2)
        }
    }
}

fn run_import(
    root: &Path,
    files: &[PathBuf],
    force: bool,
    overrides: &crate::import::Overrides,
) -> ExitCode {
    match crate::import::import(root, files, force, overrides) {
        Ok(files) => {
            let lines: String = files
                .iter()
                .map(|file| format!("imported {}\n", file.display()))
                .collect();
            print_out(&lines, ExitCode::SUCCESS)
        }
        Err(problems) => report(&problems.into_iter().collect()),
    }
}

/// Serve errors are about the machine (a port, a watcher), not the content: no diagnostics,
/// one line and exit status 1.
#[cfg(feature = "serve")]
fn run_serve(options: &crate::serve::ServeOptions) -> ExitCode {
    match crate::serve::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            console::err(&format!("error: {error}\n"));
            ExitCode::FAILURE
        }
    }
}

fn run_build(options: &BuildOptions, write: bool, verbosity: Verbosity) -> ExitCode {
    let show_progress = verbosity != Verbosity::Quiet && std::io::stderr().is_terminal();
    let outcome = with_progress(show_progress, console::err, || {
        if write {
            site::build_into_output(options)
        } else {
            site::check(options)
        }
    });
    console::err(
        &outcome
            .diagnostics
            .report(verbosity == Verbosity::Quiet, styled()),
    );
    if verbosity == Verbosity::Verbose {
        let written: String = outcome
            .written
            .iter()
            .map(|(path, size)| format!("  {path} ({size} bytes)\n"))
            .collect();
        console::err(&written);
    }
    let verb = if write { "built" } else { "checked" };
    if outcome.failed {
        console::err(&format!("failed: {}\n", outcome.summary()));
        ExitCode::FAILURE
    } else if verbosity != Verbosity::Quiet {
        print_out(
            &format!("{verb} {}\n", outcome.summary()),
            ExitCode::SUCCESS,
        )
    } else {
        ExitCode::SUCCESS
    }
}

/// How long a build runs before a progress line appears: quick builds print nothing extra.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// Runs `work`; when `show` and it takes longer than [`PROGRESS_AFTER`], keeps a line on the
/// terminal (through `out`) with the elapsed time, erased when the work is done.
fn with_progress<T>(
    show: bool,
    mut out: impl FnMut(&str) + Send + 'static,
    work: impl FnOnce() -> T,
) -> T {
    if !show {
        return work();
    }
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let started = Instant::now();
    let ticker = std::thread::spawn(move || {
        let mut shown = false;
        while let Err(RecvTimeoutError::Timeout) = finished.recv_timeout(Duration::from_millis(100))
        {
            if started.elapsed() >= PROGRESS_AFTER {
                out(&format!("\r{}", progress_line(started.elapsed())));
                shown = true;
            }
        }
        if shown {
            out("\r\x1b[2K");
        }
    });
    let result = work();
    let _ = done.send(());
    let _ = ticker.join();
    result
}

fn progress_line(elapsed: Duration) -> String {
    const FRAMES: [char; 4] = ['|', '/', '-', '\\'];
    let frame = FRAMES[(elapsed.as_millis() / 100) as usize % FRAMES.len()];
    format!("{frame} building... {:.1} s", elapsed.as_secs_f64())
}

fn check_json(options: &BuildOptions) -> ExitCode {
    let outcome = site::check(options);
    let status = if outcome.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    };
    print_out(&format!("{:#}\n", outcome.diagnostics.to_json()), status)
}

fn report(diagnostics: &Diagnostics) -> ExitCode {
    console::err(&diagnostics.render(styled()));
    ExitCode::FAILURE
}

/// Writes a command's output to stdout and ends with `status`: a closed pipe means the reader
/// has what it wanted, so the command keeps the status it had earned; any other write error is
/// one line on stderr and a failure.
fn print_out(text: &str, status: ExitCode) -> ExitCode {
    match console::out(text) {
        Ok(()) => status,
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => status,
        Err(error) => {
            console::err(&format!("error: cannot write the output: {error}\n"));
            ExitCode::FAILURE
        }
    }
}

/// Colour only on a terminal, and never under `NO_COLOR`.
fn styled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_line_shows_the_elapsed_time() {
        assert_eq!(
            progress_line(Duration::from_millis(1234)),
            "| building... 1.2 s"
        );
    }

    /// What `with_progress` writes, and the work's result.
    fn progress_of<T>(show: bool, work: impl FnOnce() -> T) -> (T, String) {
        let written = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = std::sync::Arc::clone(&written);
        let result = with_progress(
            show,
            move |text| sink.lock().expect("not poisoned").push_str(text),
            work,
        );
        let text = written.lock().expect("not poisoned").clone();
        (result, text)
    }

    #[test]
    fn quick_or_unshown_work_writes_nothing() {
        assert_eq!(progress_of(false, || 41 + 1), (42, String::new()));
        assert_eq!(progress_of(true, || "quick"), ("quick", String::new()));
        let slow_unshown = progress_of(false, || std::thread::sleep(PROGRESS_AFTER * 2));
        assert_eq!(slow_unshown.1, "");
    }

    #[test]
    fn slow_work_shows_a_line_and_erases_it() {
        let ((), written) = progress_of(true, || {
            std::thread::sleep(PROGRESS_AFTER + Duration::from_millis(300));
        });
        // One or more frames ("\r- building... 1.0 s"), each rewriting the line.
        assert!(written.starts_with('\r'), "{written:?}");
        assert!(written.contains(" building... 1."), "{written:?}");
        assert!(written.ends_with("\r\x1b[2K"), "{written:?}");
    }
}
