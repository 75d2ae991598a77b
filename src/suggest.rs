//! `brief suggest`: the figures and quotations of the sources that no annotation covers yet,
//! as YAML ready to paste, and the claims a source repeats from another source's annotation.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use crate::annotate::anchor;
use crate::annotate::figure;
use crate::annotate::fold::fold;
use crate::annotate::problems::{self, SourceLines};
use crate::annotate::propose::{CLOSE_WORDING_BUDGET, Claims, propose, quote_of};
use crate::diagnostics::Diagnostics;
use crate::scaffold::{add_to_command, load, resolve_quietly};

/// `brief suggest`: the figures and quotations of the sources (or one) that no annotation
/// covers, as YAML with a comment giving each one's line.
pub fn suggest(root: &Path, only: Option<&str>) -> Result<String, Diagnostics> {
    let site = load(root)?;
    if let Some(slug) = only
        && !site.sources.iter().any(|s| s.slug == slug)
    {
        return Err([problems::unknown_source(slug, &site.sources)]
            .into_iter()
            .collect());
    }
    let resolved = resolve_quietly(&site);
    let mut taken: HashSet<String> = site.annotations.iter().map(|a| a.id.clone()).collect();
    let mut out = String::new();
    let mut claims = Claims::new(&resolved, &site.sources, CLOSE_WORDING_BUDGET);
    let mut noted = false;
    for (index, source) in site.sources.iter().enumerate() {
        if only.is_some_and(|slug| slug != source.slug) {
            continue;
        }
        let text = &source.body.text.text;
        let folded = fold(text);
        let lines = SourceLines::new(source);
        let known = claims.repeats(index, &folded);
        if claims.incomplete() && !noted {
            noted = true;
            out.push_str(&format!(
                "# The search for close wordings stopped at `{}`, the archive being large: from here on, only the same words count as a repeat. `brief suggest --source SLUG` searches one source in full.\n",
                source.slug
            ));
        }
        if !known.is_empty() {
            out.push_str(&format!(
                "# Known claims `{}` repeats: attach each with the command under it.\n",
                source.slug
            ));
        }
        for repeat in &known {
            let alike = if repeat.similarity >= 1.0 {
                "same words".to_string()
            } else {
                format!("{:.0}% alike", repeat.similarity * 100.0)
            };
            out.push_str(&format!(
                "# {}:{}: `{}` ({}, in {}), {alike}\n# {}\n",
                source.markdown.file.display(),
                lines.line(repeat.range.start),
                repeat.id,
                repeat.kind.as_str(),
                repeat.from,
                add_to_command(&repeat.id, &source.slug, text[repeat.range.clone()].trim())
            ));
        }
        let mut covered: Vec<Range<usize>> = resolved
            .annotations
            .iter()
            .flat_map(|a| a.passages.iter())
            .filter(|p| p.source == index)
            .map(|p| p.range.clone())
            .chain(known.iter().map(|r| r.range.clone()))
            .collect();
        let open = uncovered(candidates(text), &mut covered);
        let passages: Vec<(&str, usize)> = open
            .iter()
            .map(|r| (quote_of(text, r.clone()), r.start))
            .collect();
        let contexts = anchor::contexts_for(&folded, &passages);
        for (range, context) in open.into_iter().zip(contexts) {
            let proposal = propose(&source.slug, text, range.clone(), None, context, &mut taken);
            out.push_str(&format!(
                "# {}:{}\n{}",
                source.markdown.file.display(),
                lines.line(range.start),
                proposal.to_yaml()
            ));
        }
    }
    Ok(out)
}

/// The ranges that overlap none of `covered` (sorted here): a binary search each, where a
/// long source's thousands of candidates were each compared with every passage.
fn uncovered(ranges: Vec<Range<usize>>, covered: &mut [Range<usize>]) -> Vec<Range<usize>> {
    covered.sort_by_key(|c| c.start);
    // The furthest end among the first k covered ranges.
    let reach: Vec<usize> = covered
        .iter()
        .scan(0, |end, c| {
            *end = (*end).max(c.end);
            Some(*end)
        })
        .collect();
    ranges
        .into_iter()
        .filter(|range| {
            let before = covered.partition_point(|c| c.start < range.end);
            before == 0 || reach[before - 1] <= range.start
        })
        .collect()
}

/// Figures, and quotations between double quotes, in reading order.
fn candidates(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = figure::find_figures(text)
        .into_iter()
        .map(|f| f.range)
        .collect();
    found.extend(quotations(text));
    found.sort_by_key(|r| (r.start, r.end));
    found
}

/// The text inside each pair of straight or curly double quotes, when it is more than two
/// words (shorter ones are scare quotes: "backer", "Stargate").
fn quotations(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut open: Option<usize> = None;
    for (at, c) in text.char_indices() {
        match (c, open) {
            ('"' | '\u{201c}', None) => open = Some(at + c.len_utf8()),
            ('"' | '\u{201d}', Some(start)) => {
                let inner = text[start..at].trim_end_matches([',', '.', ' ']);
                if inner.split_whitespace().count() > 2 && !inner.contains('\n') {
                    found.push(start..start + inner.len());
                }
                open = None;
            }
            ('\n', Some(_)) if text[at..].starts_with("\n\n") => open = None,
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_skip_scare_quotes() {
        let text = "a \"backer\" said \"the most inspiring entrepreneur of our time,\" and more";
        let found: Vec<&str> = quotations(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["the most inspiring entrepreneur of our time"]);
    }

    /// A source repeating one annotation's words exactly and another's closely: both found
    /// with the budget, the exact one only without it, and the search says it stopped.
    #[test]
    fn close_wordings_are_searched_within_the_budget() {
        let dir = tempfile::tempdir().expect("a temp folder");
        let write = |path: &str, text: &str| {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        };
        let source =
            |words: &str| format!("---\ntitle: T\noutlet: O\ndate: 2025-01-01\n---\n\n{words}\n");
        write("content/index.md", "---\ntitle: B\n---\n\nText.\n");
        write(
            "content/sources/a.md",
            &source("Son pledged $500 billion to the new venture."),
        );
        write(
            "content/sources/b.md",
            &source("Son pledged $500 billion to the new ventures."),
        );
        write(
            "content/annotations/a.yaml",
            "- id: pledge\n  kind: quote\n  source: a\n  quote: Son pledged $500 billion\n- id: venture\n  kind: quote\n  source: a\n  quote: billion to the new venture.\n",
        );
        let options = crate::site::BuildOptions {
            root: dir.path().to_path_buf(),
            ..Default::default()
        };
        let site = crate::site::load(&options, &mut Default::default()).expect("loads");
        let resolved = resolve_quietly(&site);
        let b = site.sources.iter().position(|s| s.slug == "b").expect("b");
        let folded = fold(&site.sources[b].body.text.text);
        let found = |budget| {
            let mut claims = Claims::new(&resolved, &site.sources, budget);
            let repeats = claims.repeats(b, &folded);
            let ids: Vec<String> = repeats.into_iter().map(|r| r.id).collect();
            (ids, claims.incomplete())
        };
        assert_eq!(
            found(CLOSE_WORDING_BUDGET),
            (vec!["pledge".to_string(), "venture".to_string()], false)
        );
        assert_eq!(found(0), (vec!["pledge".to_string()], true));
    }

    /// The same answer as comparing each candidate with every covered range, whatever their
    /// order, lengths and nesting.
    #[test]
    fn uncovered_ranges_are_those_no_passage_overlaps() {
        let mut state = crate::testing::XorShift(7);
        for _ in 0..300 {
            let range = |state: &mut crate::testing::XorShift| {
                let start = state.below(60);
                start..start + state.below(12)
            };
            let candidates: Vec<Range<usize>> =
                (0..state.below(10)).map(|_| range(&mut state)).collect();
            let mut covered: Vec<Range<usize>> =
                (0..state.below(8)).map(|_| range(&mut state)).collect();
            let expected: Vec<Range<usize>> = candidates
                .iter()
                .filter(|r| !covered.iter().any(|c| c.start < r.end && r.start < c.end))
                .cloned()
                .collect();
            assert_eq!(uncovered(candidates, &mut covered), expected);
        }
    }
}
