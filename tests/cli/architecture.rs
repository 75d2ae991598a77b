//! The crate's layers point one way (see `docs/architecture.md`): a module may use the modules
//! of its own layer and of the layers below it, never those above. Read from the source text,
//! so a new `use` that runs the wrong way fails here, naming the file.

use std::collections::BTreeSet;
use std::path::Path;

/// From the bottom up. Every top-level module of `src/` must be in one.
const LAYERS: &[&[&str]] = &[
    &["diagnostics", "console", "markdown", "testing"],
    &["yaml", "walk"],
    &["config", "content"],
    &["annotate"],
    &["render", "timeline"],
    &["site", "series", "feed", "output"],
    &[
        "cli", "serve", "init", "scaffold", "suggest", "list", "import", "explain", "schema",
    ],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules a Rust file names through `crate::` (`crate::a::b`, `crate::{a, b}`).
fn crate_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if c.is_whitespace() => {}
                    _ if item_start => {
                        found.insert(ident(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn layers_point_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src/");
        let first = relative
            .components()
            .next()
            .expect("a component")
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs");
        if matches!(module, "lib" | "main") {
            continue;
        }
        let own = layer(module).unwrap_or_else(|| {
            panic!("src/{module} is in no layer: add it to LAYERS here and to docs/architecture.md")
        });
        let text = std::fs::read_to_string(file).expect("a source file");
        for used in crate_modules(&text) {
            let Some(theirs) = layer(&used) else {
                panic!(
                    "{} uses crate::{used}, which is in no layer",
                    relative.display()
                );
            };
            if theirs > own {
                wrong.push(format!(
                    "{} ({module}, layer {own}) uses crate::{used} (layer {theirs})",
                    relative.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "uses that run upwards:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn crate_paths_are_read_in_both_spellings() {
    let text = "use crate::a::b;\nuse crate::{c::{d, e}, f};\nlet x = crate::g::h();";
    let found: Vec<String> = crate_modules(text).into_iter().collect();
    assert_eq!(found, ["a", "c", "f", "g"]);
}

/// The command line's grammar stays in `cli`: the library's types (`Kind`, the requests of
/// `new` and `import`) know nothing of clap, so other front ends (the editor's tools, `serve`)
/// can use them.
#[test]
fn clap_is_only_in_the_command_line() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong: Vec<String> = files
        .iter()
        .filter(|file| {
            let relative = file.strip_prefix(&src).expect("under src/");
            !(relative.starts_with("cli") || relative.starts_with("cli.rs"))
        })
        .filter(|file| {
            std::fs::read_to_string(file)
                .expect("a source file")
                .contains("clap::")
        })
        .map(|file| file.display().to_string())
        .collect();
    wrong.sort();
    assert!(wrong.is_empty(), "clap outside src/cli*: {wrong:?}");
}
