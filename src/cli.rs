//! The command line: clap parses it, each subcommand calls the library, and diagnostics are
//! rendered here, once, at the edge. Exit status: 0 success, 1 the content has errors, 2 a
//! usage error (clap's own).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::diagnostics::Diagnostics;
use crate::site::{self, BuildOptions};

/// A static site generator for annotated briefings.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The theme, a folder under themes/ (overrides site.yaml).
        #[arg(long)]
        theme: Option<String>,
        /// The site's public address, for sitemap and canonical links only.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check everything a build checks, writing nothing.
    Check {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Import seed texts as source articles in content/sources/.
    Import {
        /// The seed text files.
        #[arg(required = true)]
        seeds: Vec<PathBuf>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Overwrite existing source files.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, clap::Args)]
struct SiteArgs {
    /// The site's folder, holding content/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
}

/// Runs the command line; the process's exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            theme,
            base_url,
        } => run_build(
            &BuildOptions {
                root: site.root,
                output,
                theme,
                base_url,
                deny_warnings: site.deny_warnings,
            },
            true,
        ),
        Command::Check { site } => run_build(
            &BuildOptions {
                root: site.root,
                deny_warnings: site.deny_warnings,
                ..BuildOptions::default()
            },
            false,
        ),
        Command::Import { seeds, root, force } => match crate::import::import(&root, &seeds, force)
        {
            Ok(files) => {
                for file in files {
                    println!("imported {}", file.display());
                }
                ExitCode::SUCCESS
            }
            Err(problems) => report(&problems.into_iter().collect()),
        },
    }
}

fn run_build(options: &BuildOptions, write: bool) -> ExitCode {
    let outcome = site::build(options, write);
    if !outcome.diagnostics.is_empty() {
        eprint!("{}", outcome.diagnostics.render(styled()));
    }
    let verb = if write { "built" } else { "checked" };
    if outcome.failed {
        eprintln!("failed: {}", outcome.summary());
        ExitCode::FAILURE
    } else {
        println!("{verb} {}", outcome.summary());
        ExitCode::SUCCESS
    }
}

fn report(diagnostics: &Diagnostics) -> ExitCode {
    eprint!("{}", diagnostics.render(styled()));
    ExitCode::FAILURE
}

/// Colour only on a terminal, and never under `NO_COLOR`.
fn styled() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
