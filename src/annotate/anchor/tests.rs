use super::super::fold::fold;
use super::*;

const TEXT: &str = "Musk said \u{201c}They don\u{2019}t actually have the money\u{201d} to back up their pledge to invest $500 billion.\n\nSon said $500 billion would come \u{2014} at least.";

fn run(quote: &str, prefix: Option<&str>, suffix: Option<&str>) -> Anchoring {
    anchor(&fold(TEXT), TEXT, quote, prefix, suffix)
}

/// The one-pass search of all quotes answers as one search per quote does: exact,
/// ambiguous with the same candidates, not found with the same closest passage, repeats,
/// overlaps, empty quotes and contexts included.
#[test]
fn anchoring_all_quotes_at_once_equals_one_at_a_time() {
    const WORDS: [&str; 8] = [
        "aa",
        "ab",
        "ba",
        "b",
        "$5",
        "\u{2019}",
        "\u{e9}t\u{e9}",
        " ",
    ];
    fn next(state: &mut u64, n: usize) -> usize {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (*state >> 33) as usize % n
    }
    fn phrase(state: &mut u64, max: usize) -> String {
        (0..next(state, max))
            .map(|_| WORDS[next(state, WORDS.len())])
            .collect()
    }
    let mut state: u64 = 42;
    for _ in 0..200 {
        let text = phrase(&mut state, 60);
        // Up to 23 quotes: below and above `AUTOMATON_PATTERNS`, both ways of searching.
        let quotes: Vec<(String, Option<String>, Option<String>)> = (0..next(&mut state, 24))
            .map(|_| {
                let quote = phrase(&mut state, 4);
                let prefix = (next(&mut state, 3) == 0).then(|| phrase(&mut state, 2));
                let suffix = (next(&mut state, 3) == 0).then(|| phrase(&mut state, 2));
                (quote, prefix, suffix)
            })
            .collect();
        let folded = fold(&text);
        let batch: Vec<Quote<'_>> = quotes
            .iter()
            .map(|(quote, prefix, suffix)| Quote {
                quote,
                prefix: prefix.as_deref(),
                suffix: suffix.as_deref(),
            })
            .collect();
        let one_at_a_time: Vec<Anchoring> = batch
            .iter()
            .map(|q| anchor(&folded, &text, q.quote, q.prefix, q.suffix))
            .collect();
        assert_eq!(
            anchor_all(&folded, &text, &batch),
            one_at_a_time,
            "{text:?} {quotes:?}"
        );
    }
}

#[test]
fn exact_match_through_folding() {
    let Exact(range) = run("\"They don't actually have the money\"", None, None) else {
        panic!("expected an exact match");
    };
    assert_eq!(
        &TEXT[range],
        "\u{201c}They don\u{2019}t actually have the money\u{201d}"
    );
}

#[test]
fn folding_spans_dashes_and_line_breaks() {
    assert!(matches!(run("come - at least", None, None), Exact(_)));
    assert!(matches!(run("$500 billion. Son", None, None), Exact(_)));
}

#[test]
fn case_matters() {
    assert!(matches!(run("they don't", None, None), NotFound(_)));
}

#[test]
fn ambiguous_lists_every_match_with_a_way_out() {
    let Ambiguous(Ambiguity {
        candidates,
        count: 2,
        more: false,
    }) = run("$500 billion", None, None)
    else {
        panic!("expected two matches");
    };
    assert_eq!(candidates.len(), 2);
    assert_eq!(
        candidates[0].disambiguation,
        Some(Context::Suffix(".".to_string()))
    );
    assert_eq!(
        candidates[1].disambiguation,
        Some(Context::Prefix("said ".to_string()))
    );
}

/// `w0 said x. w1 said x. ...`: "said" once after each numbered word.
fn numbered(n: usize) -> String {
    (0..n).map(|k| format!("w{k} said x. ")).collect()
}

#[test]
fn an_ambiguous_quote_lists_its_first_matches_and_counts_them_all() {
    let text = numbered(30);
    let Ambiguous(ambiguity) = anchor(&fold(&text), &text, "said", None, None) else {
        panic!("expected ambiguity");
    };
    assert_eq!((ambiguity.count, ambiguity.more), (30, false));
    assert_eq!(ambiguity.candidates.len(), SHOWN_MATCHES);
    for (k, candidate) in ambiguity.candidates.iter().enumerate() {
        assert_eq!(
            candidate.disambiguation,
            Some(Context::Prefix(format!("w{k} ")))
        );
    }
}

/// A quote in every sentence of a long source: counting stops, and no context is proposed
/// (it could not be checked against the matches not counted).
#[test]
fn counting_the_matches_of_a_common_quote_stops() {
    let text = numbered(3 * COUNTED_MATCHES);
    let Ambiguous(ambiguity) = anchor(&fold(&text), &text, "said", None, None) else {
        panic!("expected ambiguity");
    };
    assert_eq!((ambiguity.count, ambiguity.more), (COUNTED_MATCHES, true));
    assert_eq!(ambiguity.candidates.len(), SHOWN_MATCHES);
    assert!(
        ambiguity
            .candidates
            .iter()
            .all(|c| c.disambiguation.is_none())
    );
}

/// A context singles out one match of a common quote, however many matches its words alone
/// have and wherever the one is.
#[test]
fn a_context_picks_a_match_past_the_counted_ones() {
    let text = numbered(3 * COUNTED_MATCHES);
    let Exact(range) = anchor(&fold(&text), &text, "said", Some("w2500 "), None) else {
        panic!("the prefix singles it out");
    };
    assert!(text[..range.start].ends_with("w2500 "));
    assert_eq!(&text[range], "said");
}

/// Quotes found nowhere get their closest passage while the source's budget lasts, in
/// quote order; the rest none, so a flood of them on a long source stays quick.
#[test]
fn closest_passages_are_searched_within_a_budget() {
    let folded = fold(TEXT);
    let mut budget = 2 * folded.text.len();
    let near = |budget: &mut usize| near_miss(&folded, TEXT, "actualy have", budget);
    assert!(near(&mut budget).is_some());
    assert!(near(&mut budget).is_some());
    assert_eq!(budget, 0);
    assert!(near(&mut budget).is_none());
}

/// A `prefix` copied wrong: the quote is there, the context is not; the matches of the
/// words alone come back, not a "not found" with the quote itself as its closest passage.
#[test]
fn a_context_that_is_not_there_is_told_from_a_missing_quote() {
    let OutOfContext(alone) = run("$500 billion", Some("to invests "), None) else {
        panic!("expected the quote without its context");
    };
    assert_eq!(
        (alone.count, alone.more, alone.candidates.len()),
        (2, false, 2)
    );
    assert!(matches!(
        run("$600 billion", Some("invest "), None),
        NotFound(_)
    ));
}

/// The context of any match, not only of the listed ones.
#[test]
fn a_context_is_found_for_a_match_past_the_listed_ones() {
    let text = numbered(2 * SHOWN_MATCHES);
    let start = text.find("w30 said").expect("there") + "w30 ".len();
    let son = TEXT.find("Son").expect("there");
    assert_eq!(
        contexts_for(&fold(&text), &[("said", start), ("w1 said", 0)]),
        [Some(Context::Prefix("w30 ".to_string())), None]
    );
    assert_eq!(contexts_for(&fold(TEXT), &[("Son said", son)]), [None]);
}

#[test]
fn prefix_and_suffix_pick_one() {
    let Exact(range) = run("$500 billion", Some("invest "), None) else {
        panic!("the prefix singles it out");
    };
    assert!(TEXT[..range.start].ends_with("invest "));
    assert!(matches!(
        run("$500 billion", None, Some(" would")),
        Exact(_)
    ));
}

#[test]
fn typo_finds_the_closest_passage() {
    let NotFound(Some(near)) = run("They don't actualy have the money", None, None) else {
        panic!("expected a near miss");
    };
    assert!(
        TEXT[near.range.clone()].contains("actually have the money"),
        "{}",
        &TEXT[near.range]
    );
    assert!(near.similarity > 0.9);
}

#[test]
fn words_helpers() {
    assert_eq!(last_words("to invest ", 1), "invest ");
    assert_eq!(last_words("to invest ", 2), "to invest ");
    assert_eq!(first_words(" would come at", 2), " would come");
}
