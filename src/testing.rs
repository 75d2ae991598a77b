//! Helpers shared by the unit tests.

/// A deterministic generator, so failures reproduce.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn string(&mut self, alphabet: &[char], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }

    /// Prose-like text of about `bytes` bytes, from a small vocabulary.
    pub fn prose(&mut self, bytes: usize) -> String {
        const WORDS: [&str; 16] = [
            "the",
            "money",
            "SoftBank",
            "has",
            "under",
            "billion",
            "said",
            "market",
            "investors",
            "a",
            "of",
            "quarter",
            "funding",
            "round",
            "analysts",
            "expect",
        ];
        let mut s = String::new();
        while s.len() < bytes {
            s.push_str(WORDS[self.below(WORDS.len())]);
            s.push(if self.below(12) == 0 { '.' } else { ' ' });
        }
        s
    }
}

impl XorShift {
    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
