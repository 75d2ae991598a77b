//! Site settings: `content/site.yaml`, optional, merged with the command line.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostics::{Diagnostic, Location};
use crate::yaml;

/// The settings a site is built with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in every page's header; the briefing's title when absent.
    pub title: Option<String>,
    /// Only for absolute URLs (sitemap, canonical links); internal links never use it.
    pub base_url: Option<String>,
    /// The theme folder under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The BCP 47 language of the site's own text.
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_theme() -> String {
    "default".to_string()
}

fn default_language() -> String {
    "en".to_string()
}

impl Default for SiteConfig {
    fn default() -> SiteConfig {
        SiteConfig {
            title: None,
            base_url: None,
            theme: default_theme(),
            language: default_language(),
        }
    }
}

impl SiteConfig {
    /// Parses `site.yaml`; `file` is relative to the root. An empty file means the defaults.
    pub fn parse(file: &Path, text: &str) -> Result<SiteConfig, Diagnostic> {
        if text.trim().is_empty() {
            return Ok(SiteConfig::default());
        }
        let config: SiteConfig = yaml::parse(file, text, 1)?;
        if !is_theme_name(&config.theme) {
            let at = text
                .find("theme:")
                .map(|key| {
                    let value = key + "theme:".len();
                    value + text[value..].len() - text[value..].trim_start().len()
                })
                .unwrap_or(0);
            let end = text[at..].find(['\n', '\r']).map_or(text.len(), |n| at + n);
            return Err(not_a_theme_name(&config.theme).at(Location::from_range(
                file,
                text,
                at..end,
            )));
        }
        Ok(config)
    }
}

/// A theme is named by a plain folder name under `themes/`: no path can lead outside it.
pub fn is_theme_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The error for a theme that is not a plain name; the caller places it.
pub fn not_a_theme_name(name: &str) -> Diagnostic {
    Diagnostic::error("E011", format!("`{name}` is not a theme name"))
        .label("a theme is named, not given as a path")
        .help("put the theme in `themes/NAME/` inside the site and give just NAME (letters, digits, `-`, `_`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_what_is_absent() {
        let config = SiteConfig::parse(Path::new("site.yaml"), "title: T\n").expect("valid");
        assert_eq!(config.theme, "default");
        assert_eq!(config.language, "en");
        assert_eq!(config.title.as_deref(), Some("T"));
    }

    /// Regression: `theme: /abs/dir` or `../../x` published a folder outside the site.
    #[test]
    fn theme_given_as_a_path_is_a_located_error() {
        for theme in ["/etc", "../../x", "a/b", "."] {
            let text = format!("title: T\ntheme: {theme}\n");
            let error = SiteConfig::parse(Path::new("site.yaml"), &text).expect_err(theme);
            assert_eq!(error.code, "E011");
            let location = error.location.expect("located");
            assert_eq!((location.line, location.column), (2, 8), "{theme}");
        }
    }

    #[test]
    fn typo_is_an_error() {
        let error = SiteConfig::parse(Path::new("site.yaml"), "tittle: T\n").expect_err("typo");
        assert_eq!(error.help.as_deref(), Some("did you mean `title`?"));
    }
}
