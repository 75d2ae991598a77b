//! The command line's grammar: commands, flags and their help, as clap derives them. The
//! library's request types (`NewAnnotation`, `Kind`, import's `Overrides`) know nothing of
//! clap; the argument types here convert into them.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand};

use crate::annotate::model::Kind;
use crate::import::Overrides;
use crate::scaffold::NewAnnotation;

/// A static site generator for annotated briefings.
#[derive(Debug, Parser)]
#[command(name = "brief", version, about)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
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
        /// How to report problems: for people, or JSON for editors' tools.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Scaffold content: `brief new annotation --source SLUG --quote TEXT`.
    New {
        #[command(subcommand)]
        what: New,
    },
    /// List the figures and quotations of the sources that no annotation covers, as YAML.
    Suggest {
        /// Only this source.
        #[arg(long)]
        source: Option<String>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// List every annotation: id, kind, sources, times cited, value.
    List {
        /// A table for people, or JSON for tools.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Start a new briefing site: content with a worked example, a .gitignore and a Pages workflow.
    Init {
        /// The folder to create or fill.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Leave out the example source, annotation and citation.
        #[arg(long)]
        bare: bool,
        /// Write into a folder that is not empty (overwrites only the files init writes).
        #[arg(long)]
        force: bool,
    },
    /// Print the JSON Schema of annotation files (and front matter, under $defs).
    Schema,
    /// Explain an error code (E101, W201...) and how to fix it.
    Explain {
        /// The code, as printed in brackets: `error[E101]`.
        code: String,
    },
    /// Build, serve on loopback, and rebuild and reload open pages on every change.
    #[cfg(feature = "serve")]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// The port to listen on (0: any free port, printed on start).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; anything but loopback exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Poll for changes, for file systems that send no change events.
        #[arg(long)]
        poll: bool,
        /// Stop after this many seconds (for tests and scripts).
        #[arg(long, hide = true, value_name = "SECS")]
        exit_after: Option<u64>,
    },
    /// Import articles as sources in content/sources/: seed texts, plain text or Markdown,
    /// or a saved article page (.html).
    Import {
        /// The files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The site's folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Overwrite existing source files.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        overrides: OverridesArgs,
    },
}

/// What `brief new` makes.
#[derive(Debug, Subcommand)]
pub(super) enum New {
    /// Anchor a quote now and append the annotation to content/annotations/<source>.yaml.
    Annotation(NewAnnotationArgs),
}

/// How `check` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct SiteArgs {
    /// The site's folder, holding content/.
    #[arg(long, default_value = ".")]
    pub(super) root: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    pub(super) deny_warnings: bool,
    /// Print only errors.
    #[arg(long, short, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what each run did, file by file.
    #[arg(long, short)]
    verbose: bool,
}

/// How much a run prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl SiteArgs {
    pub(super) fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

/// `brief new annotation`'s flags.
#[derive(Debug, clap::Args)]
pub(super) struct NewAnnotationArgs {
    /// The source's slug (its file name in content/sources/ without .md).
    #[arg(long)]
    source: String,
    /// The exact words of the passage.
    #[arg(long)]
    quote: String,
    /// figure, quote or note [default: figure when the words state a number, else quote].
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// The id [default: made from the words].
    #[arg(long)]
    id: Option<String>,
    /// Add the words as one more target of this existing annotation, in its own file.
    #[arg(long, value_name = "ID", conflicts_with_all = ["id", "kind", "file", "speaker", "label", "note", "value", "unit", "separate"])]
    add_to: Option<String>,
    /// Quotes: who said it.
    #[arg(long)]
    speaker: Option<String>,
    /// Figures: a short label for tables and the chart.
    #[arg(long)]
    label: Option<String>,
    /// The editor's note (Markdown).
    #[arg(long)]
    note: Option<String>,
    /// Figures: the number the words state [default: read from the words].
    #[arg(long, allow_negative_numbers = true, value_parser = finite_number)]
    value: Option<f64>,
    /// Figures: what the number counts (USD, jobs, percent...) [default: read from the words].
    #[arg(long)]
    unit: Option<String>,
    /// Annotate the words on their own even when they repeat a known claim of another source.
    #[arg(long)]
    separate: bool,
    /// The annotation file, under content/annotations/ [default: content/annotations/<source>.yaml].
    #[arg(long)]
    file: Option<PathBuf>,
    /// Which match to take when the words occur more than once (from 1).
    #[arg(long)]
    occurrence: Option<usize>,
    /// The site's folder.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

impl From<NewAnnotationArgs> for NewAnnotation {
    fn from(args: NewAnnotationArgs) -> Self {
        NewAnnotation {
            source: args.source,
            quote: args.quote,
            kind: args.kind.map(|kind| kind.0),
            id: args.id,
            add_to: args.add_to,
            speaker: args.speaker,
            label: args.label,
            note: args.note,
            value: args.value,
            unit: args.unit,
            separate: args.separate,
            file: args.file,
            occurrence: args.occurrence,
            root: args.root,
        }
    }
}

/// `--kind`: every annotation kind, with its description from the schema as help, so the
/// text is written once, in the doc comments of `Kind`'s variants.
#[derive(Debug, Clone, Copy)]
struct KindArg(Kind);

impl clap::ValueEnum for KindArg {
    fn value_variants<'a>() -> &'a [Self] {
        &[
            KindArg(Kind::Figure),
            KindArg(Kind::Quote),
            KindArg(Kind::Note),
        ]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let schema = schemars::schema_for!(Kind);
        let description = schema
            .get("oneOf")
            .and_then(|variants| variants.as_array())
            .into_iter()
            .flatten()
            .find(|variant| variant["const"] == self.0.as_str())
            .and_then(|variant| variant["description"].as_str())
            .unwrap_or_default();
        // As clap does with the doc comments it turns into help: no closing full stop.
        let description = description
            .strip_suffix('.')
            .unwrap_or(description)
            .to_string();
        Some(PossibleValue::new(self.0.as_str()).help(description))
    }
}

/// `--value`: a number annotation files accept (not `NaN` or `inf`, which Rust would read).
fn finite_number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .ok_or_else(|| {
            format!("`{text}` is not a finite number; write the figure's value, like 500e9 or 2.5")
        })
}

/// `brief import`'s flags that override what the file says.
#[derive(Debug, clap::Args)]
pub(super) struct OverridesArgs {
    /// The source's slug, its file name [default: from the headline, or the file name].
    #[arg(long)]
    slug: Option<String>,
    /// The title [default: the headline].
    #[arg(long)]
    title: Option<String>,
    /// The publication [default: from the page, else `unknown`].
    #[arg(long)]
    outlet: Option<String>,
    /// The original article's address.
    #[arg(long)]
    url: Option<String>,
    /// The publication date, YYYY-MM-DD [default: from the file, else `unknown`].
    #[arg(long)]
    date: Option<String>,
    /// The text's language (BCP 47) [default: from the page, else en].
    #[arg(long)]
    language: Option<String>,
    /// The language it was translated from.
    #[arg(long)]
    translated_from: Option<String>,
}

impl From<OverridesArgs> for Overrides {
    fn from(args: OverridesArgs) -> Self {
        Overrides {
            slug: args.slug,
            title: args.title,
            outlet: args.outlet,
            url: args.url,
            date: args.date,
            language: args.language,
            translated_from: args.translated_from,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use super::*;

    /// `--kind` offers every kind the schema knows, each with its description.
    #[test]
    fn kind_values_are_the_schemas_kinds() {
        let schema = schemars::schema_for!(Kind);
        let kinds: Vec<&str> = schema.as_value()["oneOf"]
            .as_array()
            .expect("Kind is a oneOf")
            .iter()
            .filter_map(|variant| variant["const"].as_str())
            .collect();
        let values: Vec<String> = KindArg::value_variants()
            .iter()
            .filter_map(|kind| kind.to_possible_value())
            .map(|value| {
                assert!(
                    value
                        .get_help()
                        .is_some_and(|help| !help.to_string().is_empty())
                );
                value.get_name().to_string()
            })
            .collect();
        assert_eq!(values, kinds);
    }
}
