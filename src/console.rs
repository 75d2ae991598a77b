//! Writing to stdout and stderr without panicking when the reader has gone.
//!
//! `print!` and `eprint!` panic on a write error, and a closed pipe (`brief suggest | head -n 1`)
//! is one: the reader has what it wanted. Like ripgrep (`crates/core/main.rs`), brief treats a
//! closed pipe as the end of the conversation rather than a crash; the callers decide what that
//! means for the exit status.

use std::io::{self, Write};

/// Writes `text` to stdout and flushes it; the error says why it could not, a closed pipe
/// included ([`io::ErrorKind::BrokenPipe`]).
pub fn out(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Writes `text` to stderr; if stderr itself is closed there is no one left to tell, so the
/// text is dropped.
pub fn err(text: &str) {
    let _ = io::stderr().lock().write_all(text.as_bytes());
}
