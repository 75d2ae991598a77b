//! Themes: tera templates and static assets.
//!
//! The default theme is compiled into the binary, so a folder with only `content/` builds. A
//! theme on disk is laid over it file by file: `themes/default/` (an editor's copy of the
//! default), then `themes/NAME/` for `--theme NAME`. A template missing from a custom theme
//! thus falls back to the default's, and a broken one gets an error at its file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Tera};

use crate::config::{is_theme_name, not_a_theme_name};
use crate::diagnostics::{Diagnostic, Location};
use crate::walk;

/// The default theme's templates, as compiled in.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "briefing.html",
        include_str!("../../themes/default/templates/briefing.html"),
    ),
    (
        "timeline.html",
        include_str!("../../themes/default/templates/timeline.html"),
    ),
    (
        "source.html",
        include_str!("../../themes/default/templates/source.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "annotations.html",
        include_str!("../../themes/default/templates/annotations.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/templates/print.html"),
    ),
    (
        "sources.html",
        include_str!("../../themes/default/templates/sources.html"),
    ),
    (
        "layout.html",
        include_str!("../../themes/default/templates/layout.html"),
    ),
    (
        "partials/annotation.html",
        include_str!("../../themes/default/templates/partials/annotation.html"),
    ),
    (
        "partials/badge.html",
        include_str!("../../themes/default/templates/partials/badge.html"),
    ),
    (
        "partials/citation.html",
        include_str!("../../themes/default/templates/partials/citation.html"),
    ),
    (
        "partials/chart.html",
        include_str!("../../themes/default/templates/partials/chart.html"),
    ),
    (
        "partials/corroboration.html",
        include_str!("../../themes/default/templates/partials/corroboration.html"),
    ),
    (
        "partials/note.html",
        include_str!("../../themes/default/templates/partials/note.html"),
    ),
    (
        "partials/notes.html",
        include_str!("../../themes/default/templates/partials/notes.html"),
    ),
];

/// The default theme's static files, as compiled in.
const DEFAULT_ASSETS: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "highlight.css",
        include_bytes!("../../themes/default/static/highlight.css"),
    ),
    (
        "brief.js",
        include_bytes!("../../themes/default/static/brief.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
];

/// Where a template came from, for locating its errors.
#[derive(Debug, Clone)]
struct TemplateSource {
    file: PathBuf,
    text: String,
}

/// A loaded theme: compiled templates and the assets to copy under `assets/`.
#[derive(Debug)]
pub struct Theme {
    tera: Tera,
    sources: BTreeMap<String, TemplateSource>,
    /// Static files, by path relative to `assets/`.
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Loads theme `name` for the site at `root`: the built-in default, overlaid by
    /// `themes/default/` and `themes/NAME/` where they exist.
    pub fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, TemplateSource> = DEFAULT_TEMPLATES
            .iter()
            .map(|(template, text)| {
                let file = PathBuf::from("themes/default/templates").join(template);
                (
                    template.to_string(),
                    TemplateSource {
                        file,
                        text: text.to_string(),
                    },
                )
            })
            .collect();
        let mut assets: BTreeMap<String, Vec<u8>> = DEFAULT_ASSETS
            .iter()
            .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
            .collect();
        if !is_theme_name(name) {
            return Err(vec![not_a_theme_name(name)]);
        }
        let named = root.join("themes").join(name);
        if name != "default" && !named.is_dir() {
            return Err(vec![unknown_theme(root, name)]);
        }
        let mut problems = Vec::new();
        for layer in ["default", name] {
            let dir = Path::new("themes").join(layer);
            for (relative, bytes) in files_under(root, &dir.join("templates"), &mut problems) {
                let file = dir.join("templates").join(&relative);
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        sources.insert(relative, TemplateSource { file, text });
                    }
                    Err(_) => problems.push(
                        Diagnostic::error("E006", "this template is not UTF-8 text")
                            .at(Location::file_start(&file)),
                    ),
                }
            }
            assets.extend(files_under(root, &dir.join("static"), &mut problems));
        }
        // All at once: tera resolves `extends` across the batch, whatever the order.
        let mut tera = Tera::new();
        let batch = sources
            .iter()
            .map(|(name, source)| (name.as_str(), source.text.as_str()));
        if let Err(error) = tera.add_raw_templates(batch) {
            let first = sources.keys().next().map_or("", String::as_str);
            problems.push(template_error(&sources, first, &error));
        }
        if problems.is_empty() {
            Ok(Theme {
                tera,
                sources,
                assets,
            })
        } else {
            Err(problems)
        }
    }

    /// Renders `template`; an error names the template's file and line.
    pub fn render(&self, template: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(template, context)
            .map_err(|error| template_error(&self.sources, template, &error))
    }

    /// A problem with how `template` uses what brief gives it (E007), at its file.
    pub fn problem(&self, template: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error("E007", message)
            .at(Location::file_start(&file_of(&self.sources, template)))
    }
}

/// Every file under `root/dir`, by its `/`-separated path relative to `dir`, sorted.
fn files_under(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for file in walk::files_under(root, dir, usize::MAX, |_| true, problems) {
        let relative = file.strip_prefix(dir).unwrap_or(&file);
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        match std::fs::read(root.join(&file)) {
            Ok(bytes) => files.push((name, bytes)),
            Err(error) => problems.push(
                Diagnostic::error("E009", format!("cannot read this file: {error}"))
                    .at(Location::file_start(&file)),
            ),
        }
    }
    files
}

fn unknown_theme(root: &Path, name: &str) -> Diagnostic {
    let available: Vec<String> = std::fs::read_dir(root.join("themes"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = vec!["default".to_string()];
    names.extend(available.into_iter().filter(|n| n != "default"));
    names.sort();
    Diagnostic::error("E011", format!("there is no theme `{name}`")).help(format!(
        "themes live in `themes/NAME/`; available: {}",
        names.join(", ")
    ))
}

/// Converts a tera error into a diagnostic at the template's file, line and column.
fn template_error(
    sources: &BTreeMap<String, TemplateSource>,
    template: &str,
    error: &tera::Error,
) -> Diagnostic {
    let located = match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let name = if report.filename().is_empty() {
                template
            } else {
                report.filename()
            };
            sources.get(name).map(|source| {
                let span = report.span();
                let location = Location::from_line_column(
                    &source.file,
                    &source.text,
                    span.start_line,
                    span.start_col + 1,
                );
                (report.message().to_string(), location)
            })
        }
        _ => None,
    };
    let (message, location) = located.unwrap_or_else(|| {
        let file = file_of(sources, template);
        (error.kind().to_string(), Location::file_start(&file))
    });
    Diagnostic::error("E007", format!("template error: {message}"))
        .at(location)
        .help("docs/themes.md lists every variable a template receives")
}

/// The file `template` was read from: the theme's own, or the built-in default's path.
fn file_of(sources: &BTreeMap<String, TemplateSource>, template: &str) -> PathBuf {
    sources
        .get(template)
        .map_or_else(|| PathBuf::from(template), |s| s.file.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_in_assets_match_the_theme_folder() {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let on_disk = |sub: &str| -> Vec<String> {
            let mut problems = Vec::new();
            let mut names: Vec<String> = files_under(&folder, Path::new(sub), &mut problems)
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            assert!(problems.is_empty(), "the default theme folder is readable");
            names.sort();
            names
        };
        let mut templates: Vec<String> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, _)| n.to_string())
            .collect();
        let mut assets: Vec<String> = DEFAULT_ASSETS.iter().map(|(n, _)| n.to_string()).collect();
        templates.sort();
        assets.sort();
        assert_eq!(
            templates,
            on_disk("templates"),
            "DEFAULT_TEMPLATES misses a file"
        );
        assert_eq!(assets, on_disk("static"), "DEFAULT_ASSETS misses a file");
    }

    /// `highlight.css` is a theme file, not a test snapshot: when syntect's themes change, the
    /// test leaves the new stylesheet in the temporary folder and says where to copy it.
    #[test]
    fn highlight_css_matches_syntect_themes() {
        let expected = crate::markdown::highlight::stylesheet();
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/highlight.css");
        let committed = std::fs::read_to_string(&path).expect("highlight.css exists");
        if committed != expected {
            let generated = std::env::temp_dir().join("brief-highlight.css");
            std::fs::write(&generated, &expected).expect("the temporary folder is writable");
            panic!(
                "themes/default/static/highlight.css is out of date: run `cp {} themes/default/static/highlight.css`",
                generated.display()
            );
        }
    }
}
