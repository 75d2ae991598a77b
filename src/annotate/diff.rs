//! Word-level differences between two texts, for people rather than patches.
//!
//! A near-miss quote is easier to fix when the error names the words it gets wrong than when
//! it shows two long passages side by side, and two sources reporting the same fact are easier
//! to compare word by word. Words are what people edit, so the unit is the word (split on
//! white space, punctuation kept attached), and the alignment is a longest common subsequence.

use std::ops::Range;

use WordChange::{Added, Removed, Same};

/// One word of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordChange<'a> {
    /// A word in both texts.
    Same(&'a str),
    /// A word in `a` only.
    Removed(&'a str),
    /// A word in `b` only.
    Added(&'a str),
}

/// A word-level diff of two texts (split on white space, punctuation kept attached to words),
/// by longest common subsequence: used to show which words a near-miss quote gets wrong, and
/// how two sources word the same fact differently.
///
/// In each changed region the removed words come before the added ones, so a region reads as
/// "this, replaced by that". The common leading and trailing words are stripped before the
/// O(n·m) table is built, so a quote with one wrong word costs almost nothing; a middle too
/// long for the table (over [`MAX_TABLE`] cells) is shown as one region, all of it replaced.
pub fn diff_words<'a>(a: &'a str, b: &'a str) -> Vec<WordChange<'a>> {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out = Vec::with_capacity(a.len().max(b.len()));
    out.extend(a[..prefix].iter().copied().map(Same));
    if (ma.len() + 1).saturating_mul(mb.len() + 1) > MAX_TABLE {
        out.extend(ma.iter().copied().map(Removed));
        out.extend(mb.iter().copied().map(Added));
    } else {
        align(ma, mb, &mut out);
    }
    out.extend(a[a.len() - suffix..].iter().copied().map(Same));
    out
}

/// The largest table [`diff_words`] builds: 16 MB, two differing middles of 2,000 words each.
/// Two passages that differ at both ends of a long stretch (two whole 50,000-word articles
/// quoted) would need tens of gigabytes, and no reader compares such stretches word by word.
const MAX_TABLE: usize = 4_000_000;

/// Appends the word-level alignment of `ma` and `mb`, by longest common subsequence.
fn align<'a>(ma: &[&'a str], mb: &[&'a str], out: &mut Vec<WordChange<'a>>) {
    // lcs[i * w + j] = length of a longest common subsequence of ma[i..] and mb[j..].
    let w = mb.len() + 1;
    let mut lcs = vec![0u32; (ma.len() + 1) * w];
    for (i, x) in ma.iter().enumerate().rev() {
        for (j, y) in mb.iter().enumerate().rev() {
            lcs[i * w + j] = if x == y {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }

    // Added words wait for the end of their region, so the region's removals come first.
    let mut added = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < ma.len() || j < mb.len() {
        if i < ma.len() && j < mb.len() && ma[i] == mb[j] {
            out.append(&mut added);
            out.push(Same(ma[i]));
            i += 1;
            j += 1;
        } else if j == mb.len() || (i < ma.len() && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            out.push(Removed(ma[i]));
            i += 1;
        } else {
            added.push(Added(mb[j]));
            j += 1;
        }
    }
    out.append(&mut added);
}

/// Changed regions separated by at most this many unchanged words are described as one, so
/// that a reworded phrase reads as a phrase rather than as scattered single words.
const JOIN_GAP: usize = 2;

/// How many changed regions an error message describes before it elides the rest.
const MAX_PAIRS: usize = 3;

/// A one-line summary for an error message: e.g. `"securd" -> "secured"` style, joining
/// consecutive removed/added runs: `"They don't actually have" -> "actually have no"`; at most
/// 3 pairs, then ", ...". Empty string if the texts have the same words.
///
/// Changed regions at most two unchanged words apart are joined into one pair that includes
/// the unchanged words on both sides, which also gives a pure insertion or deletion some
/// context when it sits near another change; alone, it shows as `"really" -> ""`.
pub fn describe_changes(changes: &[WordChange<'_>]) -> String {
    let mut regions: Vec<Range<usize>> = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        if matches!(change, Same(_)) {
            continue;
        }
        // Everything between the last region and this change is unchanged.
        match regions.last_mut() {
            Some(region) if i - region.end <= JOIN_GAP => region.end = i + 1,
            _ => regions.push(i..i + 1),
        }
    }
    let side = |region: &Range<usize>, removed: bool| {
        changes[region.clone()]
            .iter()
            .filter_map(|change| match *change {
                Same(word) => Some(word),
                Removed(word) if removed => Some(word),
                Added(word) if !removed => Some(word),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut pairs: Vec<String> = regions
        .iter()
        .take(MAX_PAIRS)
        .map(|region| format!("\"{}\" -> \"{}\"", side(region, true), side(region, false)))
        .collect();
    if regions.len() > MAX_PAIRS {
        pairs.push("...".to_string());
    }
    pairs.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_are_all_same() {
        let d = diff_words("the money  is\tthere", "the money is there");
        assert_eq!(
            d,
            vec![Same("the"), Same("money"), Same("is"), Same("there")]
        );
        assert_eq!(describe_changes(&d), "");
        assert_eq!(diff_words("", ""), vec![]);
        assert_eq!(describe_changes(&[]), "");
    }

    #[test]
    fn one_word_changed() {
        let d = diff_words(
            "SoftBank has well under $10B securd",
            "SoftBank has well under $10B secured",
        );
        assert_eq!(d[..5].iter().filter(|c| matches!(c, Same(_))).count(), 5);
        assert_eq!(d[5..], [Removed("securd"), Added("secured")]);
        assert_eq!(describe_changes(&d), "\"securd\" -> \"secured\"");
    }

    /// Two long passages that differ near both ends: the stretch between is one replaced
    /// region (its table would be 25 million cells), still a true diff of the two.
    #[test]
    fn a_long_stretch_between_two_changes_is_one_region() {
        let words: Vec<String> = (0..5_000).map(|k| format!("w{k}")).collect();
        let (mut a, mut b) = (words.clone(), words);
        (a[1], b[1]) = ("alpha".into(), "beta".into());
        (a[4_998], b[4_998]) = ("gamma".into(), "delta".into());
        let (a, b) = (a.join(" "), b.join(" "));
        let d = diff_words(&a, &b);
        assert_eq!(d[0], Same("w0"));
        assert_eq!(
            d[1..4_999],
            a.split(' ').collect::<Vec<_>>()[1..4_999]
                .iter()
                .map(|w| Removed(w))
                .collect::<Vec<_>>()
        );
        assert_eq!(d.last(), Some(&Same("w4999")));
        let side = |keep: fn(&WordChange<'_>) -> bool| {
            d.iter()
                .filter(|c| keep(c))
                .map(|c| match c {
                    Same(w) | Removed(w) | Added(w) => *w,
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(side(|c| !matches!(c, Added(_))), a);
        assert_eq!(side(|c| !matches!(c, Removed(_))), b);
    }

    #[test]
    fn punctuation_stays_with_its_word() {
        let d = diff_words("the money.", "the money");
        assert_eq!(d, vec![Same("the"), Removed("money."), Added("money")]);
    }

    #[test]
    fn insertion() {
        let d = diff_words("has the money", "has all the money");
        assert_eq!(
            d,
            vec![Same("has"), Added("all"), Same("the"), Same("money")]
        );
        assert_eq!(describe_changes(&d), "\"\" -> \"all\"");
        assert_eq!(
            diff_words("", "new words"),
            vec![Added("new"), Added("words")]
        );
    }

    #[test]
    fn deletion() {
        let d = diff_words("they really have it", "they have it");
        assert_eq!(
            d,
            vec![Same("they"), Removed("really"), Same("have"), Same("it")]
        );
        assert_eq!(describe_changes(&d), "\"really\" -> \"\"");
        assert_eq!(
            diff_words("old words", ""),
            vec![Removed("old"), Removed("words")]
        );
    }

    #[test]
    fn reworded_phrase() {
        let d = diff_words(
            "They don't actually have the money",
            "actually have no money",
        );
        assert_eq!(
            d,
            vec![
                Removed("They"),
                Removed("don't"),
                Same("actually"),
                Same("have"),
                Removed("the"),
                Added("no"),
                Same("money"),
            ]
        );
        assert_eq!(
            describe_changes(&d),
            "\"They don't actually have the\" -> \"actually have no\""
        );
        let d = diff_words("They don't actually have", "actually have no");
        assert_eq!(
            describe_changes(&d),
            "\"They don't actually have\" -> \"actually have no\""
        );
    }

    #[test]
    fn removals_come_before_additions_in_a_region() {
        let d = diff_words("a b c d", "a x y d");
        assert_eq!(
            d,
            vec![
                Same("a"),
                Removed("b"),
                Removed("c"),
                Added("x"),
                Added("y"),
                Same("d")
            ]
        );
        assert_eq!(describe_changes(&d), "\"b c\" -> \"x y\"");
    }

    #[test]
    fn at_most_three_pairs() {
        let d = diff_words(
            "one a b c two d e f three g h i four",
            "1 a b c 2 d e f 3 g h i 4",
        );
        assert_eq!(
            describe_changes(&d),
            "\"one\" -> \"1\", \"two\" -> \"2\", \"three\" -> \"3\", ..."
        );
        let d = diff_words("one a b c two d e f three", "1 a b c 2 d e f 3");
        assert_eq!(
            describe_changes(&d),
            "\"one\" -> \"1\", \"two\" -> \"2\", \"three\" -> \"3\""
        );
    }

    #[test]
    fn diff_is_a_longest_common_subsequence() {
        // Both texts can be rebuilt from the diff, and the Same words are as many as possible.
        let (a, b) = ("a b c a b b a", "c b a b a c");
        let d = diff_words(a, b);
        let side = |keep_removed: bool| {
            d.iter()
                .filter_map(|c| match *c {
                    Same(w) => Some(w),
                    Removed(w) if keep_removed => Some(w),
                    Added(w) if !keep_removed => Some(w),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(side(true), a);
        assert_eq!(side(false), b);
        assert_eq!(d.iter().filter(|c| matches!(c, Same(_))).count(), 4);
    }
}
