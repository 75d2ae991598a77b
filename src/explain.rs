//! `brief explain CODE`: what a diagnostic code means and how to fix it.
//!
//! The explanations are the sections of `docs/errors.md`, compiled in, so the page users read
//! on the web and the text the command prints are one and the same.

const ERRORS_PAGE: &str = include_str!("../docs/errors.md");

/// The section of docs/errors.md for `code` (case-insensitive), without its heading marks.
pub fn explain(code: &str) -> Option<String> {
    let wanted = code.trim().to_ascii_uppercase();
    sections()
        .find(|(heading, _)| heading.split(':').next() == Some(wanted.as_str()))
        .map(|(heading, body)| format!("{heading}\n\n{}\n", body.trim()))
}

/// Every documented code, in page order.
pub fn codes() -> Vec<&'static str> {
    sections()
        .filter_map(|(heading, _)| heading.split(':').next())
        .filter(|code| is_code(code))
        .collect()
}

fn is_code(text: &str) -> bool {
    text.len() == 4
        && (text.starts_with('E') || text.starts_with('W'))
        && text[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The `## ` sections of the page: heading and body.
fn sections() -> impl Iterator<Item = (&'static str, &'static str)> {
    ERRORS_PAGE
        .split("\n## ")
        .skip(1)
        .map(|section| section.split_once('\n').unwrap_or((section, "")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_code_with_its_fix() {
        let text = explain("e101").expect("E101 is documented");
        assert!(text.starts_with("E101: quote not found\n"), "{text}");
        assert!(text.contains("Fix:"), "{text}");
        assert_eq!(explain("no-such-code"), None);
    }

    /// Every code the source emits is documented, and every documented code is emitted.
    #[test]
    fn every_code_in_use_is_documented() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut used: Vec<String> = Vec::new();
        for entry in walkdir::WalkDir::new(&src)
            .into_iter()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        {
            let text = std::fs::read_to_string(entry.path()).expect("source files are readable");
            for (at, _) in text.match_indices('"') {
                if let Some(piece) = text.get(at + 1..at + 5)
                    && is_code(piece)
                    && text.get(at + 5..at + 6) == Some("\"")
                {
                    used.push(piece.to_string());
                }
            }
        }
        used.sort();
        used.dedup();
        let documented: Vec<String> = codes().iter().map(|c| c.to_string()).collect();
        for code in &used {
            assert!(
                documented.contains(code),
                "{code} is used but not documented in docs/errors.md"
            );
        }
        for code in &documented {
            assert!(used.contains(code), "{code} is documented but never used");
        }
    }
}
