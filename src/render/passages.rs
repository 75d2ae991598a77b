//! Marking passages in rendered Markdown, and placing asides after the block they end in.
//!
//! A passage is a range of the reader text; it may cross inline markup (emphasis, a link) and
//! overlap or nest in other passages. Each text event it touches is split at every passage
//! boundary and each piece is wrapped in one `<mark>` per passage covering it, so the HTML stays
//! well nested whatever the overlaps. The first piece carries the passage's id; after the last
//! comes its visible number; its aside (the note, the back-links) follows the enclosing block,
//! all the asides of one block in one group.
//!
//! A passage that ends inside another one has its number put off to the end of the outer
//! passage, so the outer highlight is never broken by a badge, and numbers follow reading
//! order: [`reading_order`] sorts passages the way their numbers appear down the page.

use std::collections::BTreeMap;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, TagEnd};

use crate::markdown::Markdown;

/// A passage to mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The range in the reader text.
    pub range: Range<usize>,
    /// The id of the first piece (`ann-<id>`).
    pub dom_id: String,
    /// The classes of every piece.
    pub class: String,
    /// The annotation id, as `data-ann`.
    pub annotation: String,
    /// What screen readers announce on the first piece (`aria-description`), since `<mark>`
    /// itself is not announced everywhere.
    pub description: String,
    /// HTML placed right after the passage (its number).
    pub after: String,
    /// HTML placed after the block the passage ends in (its note).
    pub aside: String,
    /// Its number on the page, in reading order.
    pub number: usize,
}

/// Where each passage's number goes: its end, or, when that end lies inside other passages,
/// the end of the run of overlapping passages around it, so no number breaks a highlight.
/// Sorting by start and merging runs is linear after the sort, however many passages a page has.
fn badge_positions(ranges: &[Range<usize>]) -> Vec<usize> {
    let mut by_start: Vec<usize> = (0..ranges.len()).collect();
    by_start.sort_by_key(|&i| ranges[i].start);
    let mut positions = vec![0; ranges.len()];
    let mut run: Vec<usize> = Vec::new();
    let mut run_end = 0;
    for &i in &by_start {
        // A passage starting where the run ends does not overlap it: a new run.
        if !run.is_empty() && ranges[i].start >= run_end {
            run.drain(..).for_each(|j| positions[j] = run_end);
        }
        run_end = if run.is_empty() {
            ranges[i].end
        } else {
            run_end.max(ranges[i].end)
        };
        run.push(i);
    }
    run.into_iter().for_each(|j| positions[j] = run_end);
    positions
}

/// The indices of `ranges` in the order their numbers appear down the page: by where the
/// number is placed, then outer passages before the ones they contain.
pub fn reading_order(ranges: &[Range<usize>]) -> Vec<usize> {
    let badges = badge_positions(ranges);
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    order.sort_by_key(|&i| (badges[i], ranges[i].start, std::cmp::Reverse(ranges[i].end)));
    order
}

/// The events of `markdown` with `marks` applied; `marks` come in [`reading_order`], and
/// `group` turns the asides of one block into the HTML that follows it.
pub fn apply(
    markdown: &Markdown,
    marks: &[Mark],
    group: &mut dyn FnMut(&[&Mark]) -> String,
) -> Vec<Event<'static>> {
    let mut out = Vec::with_capacity(markdown.events.len() + marks.len() * 4);
    let mut pieces = markdown.text.pieces.iter().peekable();
    let mut sweep = Sweep::new(marks);
    let ranges: Vec<Range<usize>> = marks.iter().map(|m| m.range.clone()).collect();
    // Each position's numbers, in the order of `marks`.
    let mut badges: BTreeMap<usize, Vec<&Mark>> = BTreeMap::new();
    for (mark, at) in marks.iter().zip(badge_positions(&ranges)) {
        badges.entry(at).or_default().push(mark);
    }
    let mut pending_asides: Vec<&Mark> = Vec::new();
    for (index, (event, _)) in markdown.events.iter().enumerate() {
        let piece = pieces.next_if(|piece| piece.event == index);
        match (piece, event) {
            (Some(piece), Event::Text(text) | Event::Code(text)) => {
                let is_code = matches!(event, Event::Code(_));
                let touching = sweep.touching(piece.text.clone());
                let piece = Piece {
                    text,
                    span: piece.text.clone(),
                    is_code,
                };
                split_piece(&piece, &touching, &badges, &mut out, &mut pending_asides);
            }
            (_, Event::End(tag)) if ends_block(*tag) => {
                out.push(event.clone());
                flush(&mut pending_asides, &mut out, group);
            }
            (_, Event::End(tag)) if ends_container(*tag) => {
                flush(&mut pending_asides, &mut out, group);
                out.push(event.clone());
            }
            _ => out.push(event.clone()),
        }
    }
    flush(&mut pending_asides, &mut out, group);
    out
}

fn flush(
    asides: &mut Vec<&Mark>,
    out: &mut Vec<Event<'static>>,
    group: &mut dyn FnMut(&[&Mark]) -> String,
) {
    if !asides.is_empty() {
        out.push(Event::Html(CowStr::from(group(asides))));
        asides.clear();
    }
}

/// One text event of the Markdown, with its span in the reader text.
struct Piece<'t> {
    text: &'t str,
    span: Range<usize>,
    is_code: bool,
}

/// Blocks after which an aside may follow as a sibling.
fn ends_block(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition
    )
}

/// Containers whose siblings cannot be an aside (`<li>` in a list, `<td>` in a row): the
/// aside goes inside them, before they close.
fn ends_container(tag: TagEnd) -> bool {
    matches!(tag, TagEnd::Item | TagEnd::TableCell)
}

/// The marks touching each piece of the reader text, found by one sweep over the marks
/// sorted by start, since pieces come in text order: linear in pieces plus marks, where
/// testing every mark against every piece was quadratic on a source with many passages.
struct Sweep<'m> {
    marks: &'m [Mark],
    by_start: Vec<usize>,
    next: usize,
    /// Marks that started before the current piece and may still reach into it.
    open: Vec<usize>,
}

impl<'m> Sweep<'m> {
    fn new(marks: &'m [Mark]) -> Sweep<'m> {
        let mut by_start: Vec<usize> = (0..marks.len()).collect();
        by_start.sort_by_key(|&i| marks[i].range.start);
        Sweep {
            marks,
            by_start,
            next: 0,
            open: Vec::new(),
        }
    }

    /// The marks touching `span`, in the order they were given; spans come in text order.
    fn touching(&mut self, span: Range<usize>) -> Vec<&'m Mark> {
        while let Some(&index) = self.by_start.get(self.next)
            && self.marks[index].range.start < span.end
        {
            self.open.push(index);
            self.next += 1;
        }
        let marks = self.marks;
        self.open.retain(|&i| marks[i].range.end > span.start);
        let mut touching: Vec<usize> = self
            .open
            .iter()
            .copied()
            .filter(|&i| marks[i].range.start < span.end)
            .collect();
        touching.sort_unstable();
        touching.into_iter().map(|i| &marks[i]).collect()
    }
}

/// Emits one text event's pieces, each wrapped in the marks touching it that cover it.
fn split_piece<'m>(
    piece: &Piece<'_>,
    touching: &[&'m Mark],
    badges: &BTreeMap<usize, Vec<&'m Mark>>,
    out: &mut Vec<Event<'static>>,
    asides: &mut Vec<&'m Mark>,
) {
    let Piece {
        text,
        ref span,
        is_code,
    } = *piece;
    let badged_here = |at: usize| {
        badges
            .get(&at)
            .filter(|_| span.start < at)
            .into_iter()
            .flatten()
            .copied()
    };
    if touching.is_empty() {
        out.push(text_event(text, is_code));
        return;
    }
    let mut cuts: Vec<usize> = vec![span.start, span.end];
    for mark in touching {
        cuts.extend(
            [mark.range.start, mark.range.end]
                .into_iter()
                .filter(|c| span.start < *c && *c < span.end),
        );
    }
    cuts.sort_unstable();
    cuts.dedup();
    for window in cuts.windows(2) {
        let (from, to) = (window[0], window[1]);
        let mut covering: Vec<&Mark> = touching
            .iter()
            .copied()
            .filter(|m| m.range.start <= from && to <= m.range.end)
            .collect();
        covering.sort_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then(b.range.end.cmp(&a.range.end))
        });
        for mark in &covering {
            // A trimmed quote starts on a character of some text event, so its first piece
            // is the one that starts where it does.
            let id = if mark.range.start == from {
                format!(
                    " id=\"{}\" aria-description=\"{}\"",
                    mark.dom_id, mark.description
                )
            } else {
                String::new()
            };
            out.push(Event::InlineHtml(CowStr::from(format!(
                "<mark class=\"{}\" data-ann=\"{}\"{id}>",
                mark.class, mark.annotation
            ))));
        }
        out.push(text_event(
            &text[from - span.start..to - span.start],
            is_code,
        ));
        for _ in &covering {
            out.push(Event::InlineHtml(CowStr::from("</mark>")));
        }
        for mark in badged_here(to) {
            out.push(Event::InlineHtml(CowStr::from(mark.after.clone())));
            asides.push(mark);
        }
    }
}

fn text_event(text: &str, is_code: bool) -> Event<'static> {
    let text = CowStr::from(text.to_string());
    if is_code {
        Event::Code(text)
    } else {
        Event::Text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::{self, MarkdownOptions};

    const OPTIONS: MarkdownOptions = MarkdownOptions {
        smart_punctuation: false,
        allow_html: false,
    };

    fn mark(text: &str, quote: &str, id: &str) -> Mark {
        let start = text.find(quote).expect("the quote is in the text");
        Mark {
            range: start..start + quote.len(),
            dom_id: format!("ann-{id}"),
            class: "ann".to_string(),
            annotation: id.to_string(),
            description: format!("annotated {id}"),
            after: format!("<sup>{id}</sup>"),
            aside: format!("<aside id=\"note-{id}\"></aside>"),
            number: 0,
        }
    }

    fn html(body: &str, quotes: &[(&str, &str)]) -> String {
        let parsed = markdown::parse(body, OPTIONS).expect("within the limits");
        let marks: Vec<Mark> = quotes
            .iter()
            .map(|(q, id)| mark(&parsed.text.text, q, id))
            .collect();
        let ranges: Vec<Range<usize>> = marks.iter().map(|m| m.range.clone()).collect();
        let ordered: Vec<Mark> = reading_order(&ranges)
            .into_iter()
            .map(|i| marks[i].clone())
            .collect();
        let mut group =
            |asides: &[&Mark]| asides.iter().map(|m| m.aside.as_str()).collect::<String>() + "\n";
        markdown::render(apply(&parsed, &ordered, &mut group).into_iter())
    }

    #[test]
    fn marks_a_passage_with_its_number_and_aside() {
        let out = html("One two three.\n\nNext.\n", &[("two", "a")]);
        assert_eq!(
            out,
            "<p>One <mark class=\"ann\" data-ann=\"a\" id=\"ann-a\" aria-description=\"annotated a\">two</mark><sup>a</sup> three.</p>\n<aside id=\"note-a\"></aside>\n<p>Next.</p>\n"
        );
    }

    #[test]
    fn a_passage_across_emphasis_is_split_and_stays_nested() {
        let out = html("One *two three* four.\n", &[("two three four", "a")]);
        assert_eq!(
            out,
            "<p>One <em><mark class=\"ann\" data-ann=\"a\" id=\"ann-a\" aria-description=\"annotated a\">two three</mark></em><mark class=\"ann\" data-ann=\"a\"> four</mark><sup>a</sup>.</p>\n<aside id=\"note-a\"></aside>\n"
        );
    }

    #[test]
    fn overlapping_and_nested_passages() {
        let out = html(
            "alpha beta gamma delta\n",
            &[("alpha beta", "a"), ("beta gamma", "b"), ("gamma", "c")],
        );
        assert!(out.contains("<mark class=\"ann\" data-ann=\"a\"><mark class=\"ann\" data-ann=\"b\" id=\"ann-b\" aria-description=\"annotated b\">beta</mark></mark>"), "{out}");
        assert!(out.contains("<mark class=\"ann\" data-ann=\"b\"><mark class=\"ann\" data-ann=\"c\" id=\"ann-c\" aria-description=\"annotated c\">gamma</mark></mark><sup>a</sup><sup>b</sup><sup>c</sup>"), "{out}");
        assert!(
            !out.contains("</sup><mark"),
            "no number inside a passage: {out}"
        );
        assert_eq!(out.matches("id=\"ann-").count(), 3);
        assert_eq!(out.matches("<mark").count(), out.matches("</mark>").count());
    }

    /// Regression: an inner passage's number landed in the middle of the outer passage,
    /// breaking its highlight; now both numbers follow the outer one, outer first.
    #[test]
    fn a_nested_passage_keeps_the_outer_highlight_whole() {
        let out = html(
            "one alpha beta gamma two\n",
            &[("beta", "inner"), ("alpha beta gamma", "outer")],
        );
        assert!(
            out.contains("gamma</mark><sup>outer</sup><sup>inner</sup> two"),
            "{out}"
        );
        assert_eq!(out.matches("<sup>").count(), 2);
        assert!(
            out.find("note-outer") < out.find("note-inner"),
            "notes in reading order: {out}"
        );
    }

    #[test]
    fn numbers_go_to_the_end_of_each_run_of_overlapping_passages() {
        assert_eq!(
            badge_positions(&[0..5, 5..8, 6..7, 2..3, 7..9, 20..21]),
            vec![5, 9, 9, 5, 9, 21],
            "a passage that starts where another ends is a new run"
        );
    }

    #[test]
    fn reading_order_follows_where_numbers_appear() {
        assert_eq!(
            reading_order(&[10..12, 0..4, 2..3, 20..30]),
            vec![1, 2, 0, 3]
        );
        assert_eq!(reading_order(&[4..6, 0..10]), vec![1, 0]);
    }

    /// Regression: an aside after `</li>` landed inside `<ul>`, which is invalid HTML.
    #[test]
    fn asides_in_tight_lists_stay_inside_the_item() {
        let out = html("- one two\n- three\n", &[("two", "a")]);
        assert!(
            out.contains("<sup>a</sup><aside id=\"note-a\"></aside>\n</li>"),
            "{out}"
        );
    }

    #[test]
    fn passages_at_the_first_and_last_words() {
        let out = html("First words and last\n", &[("First", "a"), ("last", "b")]);
        assert!(
            out.starts_with("<p><mark class=\"ann\" data-ann=\"a\" id=\"ann-a\" aria-description=\"annotated a\">First</mark>"),
            "{out}"
        );
        assert!(
            out.contains(
                "id=\"ann-b\" aria-description=\"annotated b\">last</mark><sup>b</sup></p>"
            ),
            "{out}"
        );
    }
}
