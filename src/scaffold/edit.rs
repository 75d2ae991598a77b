//! Edits of an annotation file's text that keep every other line as the editor wrote it
//! (comments, quoting, order): one more target for an annotation, a single annotation turned
//! into a list, the schema modeline of a new file.

use std::path::Path;

use crate::annotate::model;
use crate::annotate::propose::Proposal;
use crate::schema;

/// The indentation of a line, in spaces.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `text` with `proposal` added to the targets of the annotation whose id is on line
/// `id_line` (from 1): appended to its `targets:` list, or, for the one-target shorthand, a
/// `targets:` list made of its `source`/`quote`/`prefix`/`suffix` lines (comments kept) and
/// the new one. `None` when the layout is not one this edit understands.
pub(super) fn with_target(text: &str, id_line: usize, proposal: &Proposal) -> Option<String> {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.last().is_some_and(|l| !l.ends_with('\n')) {
        lines.last_mut()?.push('\n');
    }
    let id_index = id_line.checked_sub(1)?;
    let keys = lines.get(id_index)?.find("id:")?;
    let entry = EntryLines::around(&lines, id_index, keys);
    if let Some(targets) = entry.find(|key| key == "targets") {
        let last = entry.key_end(targets, true);
        let item = lines[targets + 1..last]
            .iter()
            .find(|l| l.trim_start().starts_with("- "))
            .map_or(keys + 2, |l| indent(l));
        lines.insert(last, proposal.target_yaml(&" ".repeat(item)));
        return Some(lines.concat());
    }
    let shorthand: Vec<(usize, usize)> = (entry.start..entry.end)
        .filter(|&i| {
            matches!(
                entry.key_at(i).as_deref(),
                Some("source" | "quote" | "prefix" | "suffix")
            )
        })
        .map(|i| (i, entry.key_end(i, false)))
        .collect();
    shorthand_as_targets(&mut lines, &shorthand, keys, proposal)?;
    Some(lines.concat())
}

/// The lines of one annotation of a file, `lines[start..end]`, whose keys are at column `keys`.
struct EntryLines<'a> {
    lines: &'a [String],
    keys: usize,
    start: usize,
    end: usize,
}

impl<'a> EntryLines<'a> {
    /// The annotation holding line `id_index`: from its `- ` line (or the file's start) to the
    /// first line indented less.
    fn around(lines: &'a [String], id_index: usize, keys: usize) -> Self {
        let mut start = id_index;
        while start > 0 && !is_item_start(&lines[start], keys) {
            let previous = &lines[start - 1];
            if model::is_significant(previous)
                && indent(previous) < keys
                && !is_item_start(previous, keys)
            {
                break;
            }
            start -= 1;
        }
        let mut end = id_index + 1;
        while end < lines.len()
            && !(model::is_significant(&lines[end]) && indent(&lines[end]) < keys)
        {
            end += 1;
        }
        EntryLines {
            lines,
            keys,
            start,
            end,
        }
    }

    /// The key that line `at` opens, when it is one of the annotation's own (not deeper).
    fn key_at(&self, at: usize) -> Option<String> {
        let line = &self.lines[at];
        let rest = line.get(self.keys..)?;
        let own = indent(line) == self.keys || is_item_start(line, self.keys);
        let name = rest.split(':').next()?;
        (own && rest.contains(':') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
            .then(|| name.to_string())
    }

    /// The first line of the annotation that opens a key `wanted` accepts.
    fn find(&self, wanted: impl Fn(&str) -> bool) -> Option<usize> {
        (self.start..self.end).find(|&i| self.key_at(i).is_some_and(|key| wanted(&key)))
    }

    /// Where the lines of the key on line `from` end: its own and the deeper ones after it
    /// (for a `list`, also the `- ` items at the key's column).
    fn key_end(&self, from: usize, list: bool) -> usize {
        let mut last = from + 1;
        for at in from + 1..self.end {
            let line = &self.lines[at];
            if model::is_significant(line) {
                let deeper = indent(line) > self.keys
                    || (list && indent(line) == self.keys && line.trim_start().starts_with("- "));
                if !deeper {
                    break;
                }
                last = at + 1;
            }
        }
        last
    }
}

/// Replaces the one-target shorthand's keys (`shorthand`: each key's lines, in order) with a
/// `targets:` list of that target and `proposal`'s. `None` when there is no shorthand.
fn shorthand_as_targets(
    lines: &mut Vec<String>,
    shorthand: &[(usize, usize)],
    keys: usize,
    proposal: &Proposal,
) -> Option<()> {
    let &(first, _) = shorthand.first()?;
    let pad = " ".repeat(keys);
    let mut moved = String::new();
    for (n, &(from, to)) in shorthand.iter().enumerate() {
        for (k, line) in lines[from..to].iter().enumerate() {
            if k == 0 {
                let marker = if n == 0 { "  - " } else { "    " };
                moved.push_str(&format!("{pad}{marker}{}", &line[keys..]));
            } else {
                moved.push_str(&format!("    {line}"));
            }
        }
    }
    moved.push_str(&proposal.target_yaml(&format!("{pad}  ")));
    let head = if is_item_start(&lines[first], keys) {
        format!("{}targets:\n", &lines[first][..keys])
    } else {
        format!("{pad}targets:\n")
    };
    for &(from, to) in shorthand.iter().rev() {
        lines.drain(from..to);
    }
    lines.insert(first, head + &moved);
    Some(())
}

/// Whether `line` opens a list item whose keys start at column `keys`: `- key: ...`.
fn is_item_start(line: &str, keys: usize) -> bool {
    keys >= 2 && indent(line) == keys - 2 && line.trim_start().starts_with("- ")
}

pub(super) fn is_only_comments(text: &str) -> bool {
    !text.lines().any(model::is_significant)
}

/// The comment that points YAML language servers at the schema, relative to the file.
pub(super) fn modeline(file: &Path) -> String {
    let depth = file.components().count().saturating_sub(1);
    format!(
        "# yaml-language-server: $schema={}{}\n",
        "../".repeat(depth),
        schema::COMMITTED_PATH
    )
}

/// A file holding one annotation (a mapping) becomes a one-item list, comments kept, so
/// another item can follow.
pub(super) fn as_list(text: &str) -> String {
    if model::is_list(text) {
        return text.to_string();
    }
    let mut started = false;
    text.lines()
        .map(|line| {
            if !started && model::is_significant(line) {
                started = true;
                format!("- {line}")
            } else if started && !line.is_empty() {
                format!("  {line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::annotate::fold::fold;
    use crate::annotate::propose::{context_of, propose};

    #[test]
    fn a_single_annotation_becomes_a_list_with_its_comments() {
        let text = "# mine\nid: a\nkind: note\nnote: |\n  two\n  lines\n";
        assert_eq!(
            as_list(text),
            "# mine\n- id: a\n  kind: note\n  note: |\n    two\n    lines\n"
        );
        assert_eq!(as_list("- id: a\n"), "- id: a\n");
    }

    fn proposal(source: &str, quote: &str) -> Proposal {
        let mut taken = HashSet::new();
        let context = context_of(&fold(quote), quote, 0..quote.len());
        let mut proposal = propose(source, quote, 0..quote.len(), None, context, &mut taken);
        proposal.id = "unused".to_string();
        proposal
    }

    #[test]
    fn a_target_is_added_to_a_single_annotation_file_and_to_a_list() {
        let single =
            "# top\nid: a\nkind: quote\nsource: s # here\nquote: |\n  two\n  lines\nspeaker: X\n";
        assert_eq!(
            with_target(single, 2, &proposal("t", "said so")).as_deref(),
            Some(
                "# top\nid: a\nkind: quote\ntargets:\n  - source: s # here\n    quote: |\n      two\n      lines\n  - source: t\n    quote: \"said so\"\nspeaker: X\n"
            )
        );
        let list = "- id: a\n  kind: note\n  targets:\n  - source: s\n    quote: x\n- id: b\n  kind: note\n  source: s\n  quote: y";
        assert_eq!(
            with_target(list, 1, &proposal("t", "z")).as_deref(),
            Some(
                "- id: a\n  kind: note\n  targets:\n  - source: s\n    quote: x\n  - source: t\n    quote: \"z\"\n- id: b\n  kind: note\n  source: s\n  quote: y\n"
            )
        );
        let first_key = "- source: s\n  id: c\n  kind: note\n  quote: y\n";
        assert_eq!(
            with_target(first_key, 2, &proposal("t", "z")).as_deref(),
            Some(
                "- targets:\n    - source: s\n      quote: y\n    - source: t\n      quote: \"z\"\n  id: c\n  kind: note\n"
            )
        );
    }

    #[test]
    fn modeline_is_relative_to_the_file() {
        assert_eq!(
            modeline(Path::new("content/annotations/a.yaml")),
            "# yaml-language-server: $schema=../../schema/annotations.schema.json\n"
        );
        assert_eq!(
            modeline(Path::new("content/annotations/x/a.yaml")),
            "# yaml-language-server: $schema=../../../schema/annotations.schema.json\n"
        );
    }
}
