//! Splitting a Markdown file into its YAML front matter and its body.
//!
//! The front matter is the YAML between a first line `---` and the next line `---`. We keep
//! where each part starts, so a YAML error or a quote found in the body can be reported at its
//! line in the file, not in the fragment.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Location};

/// A Markdown file cut into its two parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// The YAML text between the fences.
    pub front: &'a str,
    /// The line of the file on which the YAML starts (1-based).
    pub front_line: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// The byte offset of the body in the file.
    pub body_offset: usize,
}

/// Cuts `text`, the contents of `file`, at its front matter fences.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Document<'a>, Diagnostic> {
    let Some(after_open) = strip_fence(text) else {
        return Err(Diagnostic::error("E002", "this file has no front matter")
            .at(Location::from_range(file, text, 0..0))
            .label("expected `---` on the first line")
            .help("start the file with `---`, the YAML keys (`title: ...`), and another `---`"));
    };
    let front_start = text.len() - after_open.len();
    let mut offset = front_start;
    for line in after_open.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Ok(Document {
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error("E002", "the front matter is never closed")
            .at(Location::from_range(file, text, 0..3))
            .label("opened here")
            .help("add a line `---` after the last front matter key"),
    )
}

fn strip_fence(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\ntitle: a\n---\nbody\n";
        let document = split(Path::new("a.md"), text).expect("well formed");
        assert_eq!(document.front, "title: a\n");
        assert_eq!(document.body, "body\n");
        assert_eq!(&text[document.body_offset..], "body\n");
    }

    #[test]
    fn unclosed_front_matter_points_at_the_opening_fence() {
        let error = split(Path::new("a.md"), "---\ntitle: a\nbody\n").expect_err("unclosed");
        assert_eq!(error.code, "E002");
        assert_eq!(error.location.map(|l| l.line), Some(1));
    }

    #[test]
    fn missing_front_matter_is_an_error() {
        assert!(split(Path::new("a.md"), "# just markdown\n").is_err());
    }
}
