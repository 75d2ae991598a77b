//! Typographic folding, so that a quote typed with straight quotes and hyphens matches an
//! article rendered with curly quotes, dashes, no-break spaces and soft hyphens.
//!
//! Matching happens in folded text, but errors and highlights must point into the original,
//! so [`fold`] keeps a byte map back to it. The rules are deliberately few and case-sensitive:
//! anything that changes meaning (case, digits, letters with diacritics) is left alone.

/// Text after folding, with a map back to the original, so a match in folded text can be
/// reported and highlighted in the original.
#[derive(Debug, Clone, PartialEq)]
pub struct Folded {
    /// The folded text, in which quotes are searched.
    pub text: String,
    /// The map back to the original, kept only where it leaves one-to-one: `(folded, original)`
    /// byte offsets, ascending, the first at folded byte 0. Between two of them, folded bytes
    /// map to consecutive original bytes. Most text folds unchanged except at white-space runs,
    /// so the map stays a small fraction of the text (a byte-for-byte map was 8 bytes a byte,
    /// most of the memory of a large archive).
    breaks: Vec<(usize, usize)>,
}

impl Folded {
    /// The byte offset in the original of folded byte `i`; `text.len()` maps to the original's
    /// length. So a folded range `a..b` maps to `origin(a)..origin(b)`.
    pub fn origin(&self, i: usize) -> usize {
        let k = self.breaks.partition_point(|&(folded, _)| folded <= i);
        let (folded, original) = self.breaks[k.saturating_sub(1)];
        original + (i - folded)
    }

    /// Records that folded byte `folded` comes from original byte `original`.
    fn map(&mut self, folded: usize, original: usize) {
        match self.breaks.last() {
            Some(&(f, o)) if o + (folded - f) == original => {}
            _ => self.breaks.push((folded, original)),
        }
    }
}

/// What a non-space character folds to; `None` keeps it as it is.
fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => "\"",
        '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' => "...",
        // Invisible: soft hyphen, zero-width space, zero-width no-break space (BOM).
        '\u{00AD}' | '\u{200B}' | '\u{FEFF}' => "",
        _ => return None,
    })
}

/// Folds `original`, mapping every folded byte to the start of the original character (or
/// white-space run) it came from; a range's end therefore lands on the start of the next
/// original character, which covers the whole of a multibyte or expanded character.
pub fn fold(original: &str) -> Folded {
    let mut folded = Folded {
        text: String::with_capacity(original.len()),
        breaks: Vec::new(),
    };
    // Invisible characters do not end a run of white space, so "a \u{AD} b" folds to "a b".
    let mut in_space = false;
    let mut i = 0;
    while let Some(c) = original[i..].chars().next() {
        // Most of a text is runs of visible ASCII, which fold to themselves: each run is
        // copied whole and mapped once (its bytes follow on in both texts).
        let run = original.as_bytes()[i..]
            .iter()
            .take_while(|b| b.is_ascii_graphic())
            .count();
        if run > 0 {
            folded.map(folded.text.len(), i);
            folded.text.push_str(&original[i..i + run]);
            in_space = false;
            i += run;
            continue;
        }
        let at = i;
        i += c.len_utf8();
        if c.is_whitespace() {
            if !in_space {
                folded.map(folded.text.len(), at);
                folded.text.push(' ');
                in_space = true;
            }
            continue;
        }
        let start = folded.text.len();
        match replacement(c) {
            Some("") => continue,
            Some(s) => folded.text.push_str(s),
            None => folded.text.push(c),
        }
        for byte in start..folded.text.len() {
            folded.map(byte, at);
        }
        in_space = false;
    }
    folded.map(folded.text.len(), original.len());
    folded
}

/// `fold(s).text`, for when no map is needed (quotes from annotation files).
pub fn fold_str(s: &str) -> String {
    fold(s).text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The original text under a folded range, through the map.
    fn back<'a>(original: &'a str, f: &Folded, a: usize, b: usize) -> &'a str {
        &original[f.origin(a)..f.origin(b)]
    }

    /// The map of every folded byte, end included.
    fn origins(f: &Folded) -> Vec<usize> {
        (0..=f.text.len()).map(|i| f.origin(i)).collect()
    }

    /// The obvious map, one entry a folded byte, to check the sparse one against.
    fn dense_origins(original: &str) -> Vec<usize> {
        let mut text = String::new();
        let mut origin = Vec::new();
        let mut in_space = false;
        for (i, c) in original.char_indices() {
            if c.is_whitespace() {
                if !in_space {
                    text.push(' ');
                    origin.push(i);
                    in_space = true;
                }
                continue;
            }
            match replacement(c) {
                Some("") => continue,
                Some(s) => text.push_str(s),
                None => text.push(c),
            }
            origin.resize(text.len(), i);
            in_space = false;
        }
        origin.push(original.len());
        origin
    }

    #[test]
    fn the_sparse_map_equals_the_dense_one() {
        // Seeded generator over pieces that fold in every way.
        const PIECES: [&str; 16] = [
            "a",
            "Z",
            "$5.0,",
            "\u{7}",
            " ",
            "  ",
            "\n\n",
            "\u{E9}",
            "\u{2014}",
            "\u{2026}",
            "\u{AD}",
            "\u{201C}",
            "\u{3000}",
            "\u{FEFF}",
            "x \u{200B} y",
            "\u{1F600}",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..500 {
            let mut s = String::new();
            for _ in 0..(state % 40) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                s.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            let f = fold(&s);
            assert_eq!(origins(&f), dense_origins(&s), "{s:?}");
            state = state.wrapping_add(1);
        }
    }

    #[test]
    fn white_space_runs_become_one_space() {
        assert_eq!(fold_str("a \t\n b"), "a b");
        assert_eq!(fold_str("a\u{00A0}b\u{2009}c\u{202F}d\r\ne"), "a b c d e");
        assert_eq!(fold_str("  lead and trail \n"), " lead and trail ");
        assert_eq!(fold_str("\u{3000}ideographic"), " ideographic");
    }

    #[test]
    fn quotes_become_straight() {
        assert_eq!(
            fold_str("\u{2018}a\u{2019} \u{201A}b\u{201B} 5\u{2032}"),
            "'a' 'b' 5'"
        );
        assert_eq!(
            fold_str("\u{201C}a\u{201D} \u{201E}b\u{201F} 5\u{2033}"),
            "\"a\" \"b\" 5\""
        );
        assert_eq!(fold_str("don\u{2019}t"), "don't");
    }

    #[test]
    fn dashes_become_hyphens() {
        assert_eq!(
            fold_str("1\u{2012}2 3\u{2013}4 a\u{2014}b \u{2015}c \u{2212}5"),
            "1-2 3-4 a-b -c -5"
        );
    }

    #[test]
    fn ellipsis_expands() {
        assert_eq!(fold_str("wait\u{2026}"), "wait...");
    }

    #[test]
    fn invisible_characters_vanish() {
        assert_eq!(fold_str("com\u{00AD}pany"), "company");
        assert_eq!(fold_str("\u{FEFF}zero\u{200B}width"), "zerowidth");
        assert_eq!(fold_str("a \u{200B} b"), "a b");
    }

    #[test]
    fn everything_else_is_kept() {
        let s = "Caf\u{E9} ABC abc 123 - ' \" ... \u{00AB}\u{00BB} \u{2010}";
        assert_eq!(fold_str(s), s);
        assert_eq!(fold_str(""), "");
    }

    #[test]
    fn map_of_plain_ascii_is_identity() {
        let f = fold("abc");
        assert_eq!(origins(&f), vec![0, 1, 2, 3]);
    }

    #[test]
    fn map_covers_multibyte_characters() {
        // "é" (2 bytes) stays; "—" (3 bytes) becomes one byte; "…" (3 bytes) becomes three.
        let s = "\u{E9}\u{2014}x\u{2026}y";
        let f = fold(s);
        assert_eq!(f.text, "\u{E9}-x...y");
        assert_eq!(origins(&f), vec![0, 0, 2, 5, 6, 6, 6, 9, 10]);
        assert_eq!(back(s, &f, 0, 2), "\u{E9}");
        assert_eq!(back(s, &f, 2, 3), "\u{2014}");
        // A range over the whole "..." covers the whole "…", and one ending after it too.
        assert_eq!(back(s, &f, 4, 7), "\u{2026}");
        assert_eq!(back(s, &f, 3, 8), "x\u{2026}y");
    }

    #[test]
    fn map_covers_white_space_runs_and_removed_characters() {
        let s = "a \u{00A0}\n b\u{00AD}c";
        let f = fold(s);
        assert_eq!(f.text, "a bc");
        assert_eq!(back(s, &f, 1, 2), " \u{00A0}\n ");
        assert_eq!(back(s, &f, 0, 3), "a \u{00A0}\n b\u{00AD}");
        assert_eq!(back(s, &f, 3, 4), "c");
        assert_eq!(f.origin(f.text.len()), s.len());
    }

    #[test]
    fn ranges_round_trip() {
        let s = "\u{201C}They don\u{2019}t\u{00A0}actually have the money\u{2026}\u{201D} \
                 \u{2014} a  spokes\u{00AD}person,\n\tsaid 3\u{2212}2";
        let f = fold(s);
        // Every range between character boundaries of the folded text maps back to original
        // text that folds to the same thing, give or take the ends of a white-space run.
        let bounds: Vec<usize> = f
            .text
            .char_indices()
            .map(|(i, _)| i)
            .chain([f.text.len()])
            // Not inside the "..." of an ellipsis, which has no counterpart in the original.
            .filter(|&i| i == 0 || f.origin(i) != f.origin(i - 1))
            .collect();
        for &a in &bounds {
            for &b in bounds.iter().filter(|&&b| b >= a) {
                let folded = &f.text[a..b];
                let got = fold_str(back(s, &f, a, b));
                assert_eq!(got, folded, "range {a}..{b}");
            }
        }
        let quote = "don't actually have the money...\" - a spokesperson";
        let at = f.text.find(quote).unwrap_or(usize::MAX);
        assert_eq!(
            back(s, &f, at, at + quote.len()),
            "don\u{2019}t\u{00A0}actually have the money\u{2026}\u{201D} \u{2014} a  spokes\u{00AD}person"
        );
    }
}
