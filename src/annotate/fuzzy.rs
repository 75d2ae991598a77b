//! The closest passage to a quote that failed to match, for the error message.
//!
//! Sources run to tens of kilobytes and quotes to hundreds of characters, so the naive
//! O(n·m) edit-distance table would be slow on every failed quote of a large site. Myers'
//! bit-vector algorithm (1999), in Hyyrö's block form for patterns longer than a machine word,
//! computes a whole column of that table in ⌈m/64⌉ word operations, so a search is
//! O(n·⌈m/64⌉). It works over chars, not bytes, because sources are Unicode and a typo in an
//! accented letter should cost one edit, not two.

use rustc_hash::FxHashMap;

/// The best approximate occurrence of a pattern in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Approx {
    /// Byte offset in the text where the occurrence starts (a char boundary).
    pub start: usize,
    /// Byte offset in the text where the occurrence ends (a char boundary).
    pub end: usize,
    /// Levenshtein distance, in chars, between the pattern and `text[start..end]`.
    pub distance: usize,
}

/// The top bit of a full block: the last pattern row that block covers.
const HIGH: u64 = 1 << 63;

/// A pattern compiled for Myers' algorithm.
struct Myers {
    /// Per pattern char, bit `i % 64` of word `i / 64` is set where pattern char `i` is it.
    /// A map, not a table indexed by char, because the alphabet is all of Unicode; hashed
    /// with FxHash, as it is looked up for every char of the text.
    peq: FxHashMap<char, Vec<u64>>,
    /// The masks of every char the pattern does not contain.
    none: Vec<u64>,
    /// The bit of the last block that holds pattern row `len`: rows above it are padding.
    last_bit: u64,
    /// The pattern's length in chars.
    len: usize,
}

impl Myers {
    fn new(pattern: impl Iterator<Item = char>) -> Self {
        let chars: Vec<char> = pattern.collect();
        let blocks = chars.len().div_ceil(64);
        let mut peq: FxHashMap<char, Vec<u64>> = FxHashMap::default();
        for (i, &c) in chars.iter().enumerate() {
            peq.entry(c).or_insert_with(|| vec![0; blocks])[i / 64] |= 1 << (i % 64);
        }
        Myers {
            peq,
            none: vec![0; blocks],
            last_bit: 1 << (chars.len().saturating_sub(1) % 64),
            len: chars.len(),
        }
    }

    /// Calls `visit(at, d)` for each text char, where `d` is the smallest edit distance between
    /// the pattern and a substring of the text ending with that char (the top row of the table
    /// is zero, so a match may start anywhere).
    fn scan<T>(&self, text: impl Iterator<Item = (T, char)>, mut visit: impl FnMut(T, usize)) {
        let last = self.none.len().saturating_sub(1);
        // Vertical deltas of the first column (row i holds i): all +1.
        let mut pv = vec![!0u64; self.none.len()];
        let mut mv = vec![0u64; self.none.len()];
        let mut score = self.len;
        for (at, c) in text {
            let eq = self.peq.get(&c).unwrap_or(&self.none);
            let mut hin = 0;
            for (b, ((pv, mv), &eq)) in pv.iter_mut().zip(&mut mv).zip(eq).enumerate() {
                let high = if b == last { self.last_bit } else { HIGH };
                hin = advance_block(pv, mv, eq, hin, high);
            }
            score = score.saturating_add_signed(hin);
            visit(at, score);
        }
    }
}

/// One block of one column of Myers' algorithm, from the vertical deltas of the previous
/// column (`pv`/`mv`: +1/-1) and the horizontal delta entering at the block's top row (`hin`).
/// Returns the horizontal delta leaving at the row of `high`. Bits only carry and shift
/// upwards, so garbage in the padding rows above the pattern's last row never reaches it.
fn advance_block(pv: &mut u64, mv: &mut u64, eq: u64, hin: isize, high: u64) -> isize {
    let hin_neg = u64::from(hin < 0);
    let hin_pos = u64::from(hin > 0);
    let xv = eq | *mv;
    let eq = eq | hin_neg;
    let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
    let ph = *mv | !(xh | *pv);
    let mh = *pv & xh;
    let hout = if ph & high != 0 {
        1
    } else if mh & high != 0 {
        -1
    } else {
        0
    };
    let ph = (ph << 1) | hin_pos;
    let mh = (mh << 1) | hin_neg;
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

/// The substring of `text` with the smallest edit distance to `pattern` (Myers' 1999
/// bit-vector algorithm over chars, with the block-based extension so patterns longer than 64
/// chars work; ties -> the earliest end). None if pattern is empty or text empty.
///
/// The end comes from one forward scan. The start comes from a second scan of the reversed
/// pattern backwards from that end, over at most `m + distance` chars (no longer substring can
/// be that close); of the starts that reach the distance, the one whose length is nearest the
/// pattern's wins, so a substitution is shown rather than a deletion plus a stray char.
///
/// Because ties go to the earliest end, the end may fall inside a word: a pattern ending in
/// "securd" matches a text's "secured" as "secur" (one deletion, like "secured" with one
/// insertion, but earlier).
pub fn closest(text: &str, pattern: &str) -> Option<Approx> {
    if pattern.is_empty() || text.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    let ends = text.char_indices().map(|(i, c)| (i + c.len_utf8(), c));
    Myers::new(pattern.chars()).scan(ends, |end, d| {
        if best.is_none_or(|(_, k)| d < k) {
            best = Some((end, d));
        }
    });
    let (end, distance) = best?;

    let reversed = Myers::new(pattern.chars().rev());
    let m = reversed.len;
    let mut first: Option<((usize, usize), usize)> = None;
    let mut len = 0usize;
    let starts = text[..end].char_indices().rev().take(m + distance);
    reversed.scan(starts, |start, d| {
        len += 1;
        let key = (d, len.abs_diff(m));
        if first.is_none_or(|(k, _)| key < k) {
            first = Some((key, start));
        }
    });
    let (_, start) = first?;
    Some(Approx {
        start,
        end,
        distance,
    })
}

/// Similarity in 0.0..=1.0: 1 - distance / max(pattern chars, match chars).
///
/// Normalising by the longer of the two keeps a short pattern that matches a fragment of a long
/// passage, or the reverse, from looking similar.
pub fn similarity(a: &Approx, pattern: &str, text: &str) -> f64 {
    let matched = text.get(a.start..a.end).map_or(0, |s| s.chars().count());
    let longest = pattern.chars().count().max(matched);
    if longest == 0 {
        return 1.0;
    }
    (1.0 - a.distance as f64 / longest as f64).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;

    /// Plain Levenshtein distance, over chars.
    fn levenshtein(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut diag = row[0];
            row[0] = i + 1;
            for (j, &cb) in b.iter().enumerate() {
                let next = (diag + usize::from(ca != cb))
                    .min(row[j] + 1)
                    .min(row[j + 1] + 1);
                diag = row[j + 1];
                row[j + 1] = next;
            }
        }
        row[b.len()]
    }

    /// The O(n·m) table with a zero top row: (smallest distance, earliest byte end).
    fn naive(text: &str, pattern: &str) -> (usize, usize) {
        let p: Vec<char> = pattern.chars().collect();
        let mut col: Vec<usize> = (0..=p.len()).collect();
        let mut best = (usize::MAX, 0);
        for (i, c) in text.char_indices() {
            let mut diag = col[0];
            for (r, &pc) in p.iter().enumerate() {
                let next = (diag + usize::from(pc != c))
                    .min(col[r] + 1)
                    .min(col[r + 1] + 1);
                diag = col[r + 1];
                col[r + 1] = next;
            }
            if col[p.len()] < best.0 {
                best = (col[p.len()], i + c.len_utf8());
            }
        }
        best
    }

    fn check(text: &str, pattern: &str) -> Approx {
        let a = closest(text, pattern).expect("a match in non-empty text");
        assert_eq!(
            (a.distance, a.end),
            naive(text, pattern),
            "{pattern:?} in {text:?}"
        );
        assert_eq!(levenshtein(pattern, &text[a.start..a.end]), a.distance);
        a
    }

    #[test]
    fn empty_pattern_or_text_has_no_match() {
        assert_eq!(closest("text", ""), None);
        assert_eq!(closest("", "pattern"), None);
    }

    #[test]
    fn exact_match_has_distance_zero() {
        let text = "the quick brown fox jumps over the lazy dog";
        let a = check(text, "brown fox");
        assert_eq!(
            a,
            Approx {
                start: 10,
                end: 19,
                distance: 0
            }
        );
        assert_eq!(similarity(&a, "brown fox", text), 1.0);
    }

    #[test]
    fn one_letter_typo_is_found_in_a_long_text() {
        let mut rng = XorShift(7);
        let sentence = "SoftBank has well under $10B secured for the round.";
        let text = format!("{} {sentence} {}", rng.prose(8000), rng.prose(8000));
        let pattern = "SoftBank has well under $10B securd";
        let a = check(&text, pattern);
        assert_eq!(a.distance, 1);
        let at = text.find(sentence).unwrap_or(usize::MAX);
        assert_eq!(a.start, at);
        // The earliest end of distance 1: "secur", one deletion away.
        assert_eq!(&text[a.start..a.end], "SoftBank has well under $10B secur");
        assert!(similarity(&a, pattern, &text) > 0.97);
    }

    #[test]
    fn substitution_is_preferred_to_deletion_at_the_start() {
        let a = check("xxxxxxx wbc yyyyyy", "abc");
        assert_eq!(a.distance, 1);
        assert_eq!(a.start, 8);
    }

    #[test]
    fn pattern_longer_than_a_word_in_20k_of_text() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let text = rng.prose(20_000);
        let at = text.len() / 3; // The prose is ASCII: any offset is a char boundary.
        let original = &text[at..at + 150];
        // Three edits, well apart and away from the ends: a substitution, a deletion, an
        // insertion, with characters the text does not contain.
        let mut pattern: Vec<char> = original.chars().collect();
        pattern[30] = '#';
        pattern.remove(75);
        pattern.insert(120, '@');
        let pattern: String = pattern.into_iter().collect();
        let a = check(&text, &pattern);
        assert_eq!(
            a,
            Approx {
                start: at,
                end: at + 150,
                distance: 3
            }
        );
        assert!((similarity(&a, &pattern, &text) - (1.0 - 3.0 / 150.0)).abs() < 1e-9);
    }

    #[test]
    fn unicode_costs_one_edit_per_char() {
        let text = "Le caf\u{E9} co\u{FB}te 3\u{A0}\u{20AC} \u{2014} tr\u{E8}s cher";
        let a = check(text, "cafe coute");
        assert_eq!(a.distance, 2);
        assert_eq!(&text[a.start..a.end], "caf\u{E9} co\u{FB}te");
        let a = check(text, "3\u{A0}\u{20AC} - tr\u{E8}s");
        assert_eq!(a.distance, 1);
        assert_eq!(&text[a.start..a.end], "3\u{A0}\u{20AC} \u{2014} tr\u{E8}s");
    }

    #[test]
    fn nothing_in_common_is_one_char_at_most_every_edit() {
        let a = check("xyz", "abcd");
        assert_eq!(
            a,
            Approx {
                start: 0,
                end: 1,
                distance: 4
            }
        );
        assert_eq!(similarity(&a, "abcd", "xyz"), 0.0);
    }

    #[test]
    fn agrees_with_the_naive_table_on_random_inputs() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        let alphabet = ['a', 'b', 'c', '\u{E9}', ' '];
        for _ in 0..500 {
            let text_len = 1 + rng.below(200);
            // Lengths across the 64- and 128-char block boundaries.
            let pattern_len = 1 + rng.below(140);
            let text = rng.string(&alphabet, text_len);
            let pattern = if rng.below(2) == 0 && pattern_len < text_len {
                // A mutated piece of the text, so that close matches are common.
                let chars: Vec<char> = text.chars().collect();
                let from = rng.below(text_len - pattern_len);
                let mut p: Vec<char> = chars[from..from + pattern_len].to_vec();
                for _ in 0..rng.below(4) {
                    let i = rng.below(p.len());
                    p[i] = alphabet[rng.below(alphabet.len())];
                }
                p.into_iter().collect()
            } else {
                rng.string(&alphabet, pattern_len)
            };
            let a = check(&text, &pattern);
            let s = similarity(&a, &pattern, &text);
            assert!((0.0..=1.0).contains(&s));
        }
    }

    /// Timing, not correctness: `rustc -O --test` and run with `--ignored --nocapture`.
    #[test]
    #[ignore]
    fn time_200_char_pattern_in_1_mb() {
        let mut rng = XorShift(99);
        let text = rng.prose(1 << 20);
        let mut pattern: String = text[500_000..500_200].to_string();
        pattern.replace_range(100..101, "#");
        let started = std::time::Instant::now();
        let a = closest(&text, &pattern);
        println!(
            "closest, 200 chars in 1 MB: {:?} -> {a:?}",
            started.elapsed()
        );
    }
}
