//! The figure reader: every number found in a text, read back and written out again.
#![no_main]

use brief::annotate::figure;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for found in figure::find_figures(text) {
        assert!(text.is_char_boundary(found.range.start) && text.is_char_boundary(found.range.end));
        let _ = figure::format_quantity(found.quantity.value, found.quantity.unit);
    }
    if let Some(quantity) = figure::first_figure(text) {
        let _ = figure::same_value(quantity.value, quantity.value);
    }
});
