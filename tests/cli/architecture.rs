//! The crate's layers point one way (see `docs/architecture.md`): a module may use the modules
//! of its own layer and of the layers below it, never those above. Read from the source text,
//! so a new `use` that runs the wrong way fails here, naming the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// Every Rust file of `src/`, sorted: its path relative to `src/` and its text.
fn source_files() -> Vec<(PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).expect("a source file");
            let relative = file.strip_prefix(&src).expect("under src/").to_path_buf();
            (relative, text)
        })
        .collect()
}

#[test]
fn layers_point_one_way() {
    let mut wrong = Vec::new();
    for (relative, text) in source_files() {
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
    let wrong: Vec<String> = source_files()
        .into_iter()
        .filter(|(relative, text)| {
            !(relative.starts_with("cli") || relative.starts_with("cli.rs"))
                && text.contains("clap::")
        })
        .map(|(relative, _)| relative.display().to_string())
        .collect();
    assert!(wrong.is_empty(), "clap outside src/cli*: {wrong:?}");
}

/// Longest a file of `src/` may be, in lines: past it, a file holds more than one job.
const MAX_FILE_LINES: usize = 600;

/// Longest a function's body may be, in lines, unless a comment starting `// Long:` just
/// above it (or above its doc comment) says why it reads better whole.
const MAX_FUNCTION_LINES: usize = 80;

/// The functions of a Rust file (formatted by rustfmt) whose bodies run over
/// `MAX_FUNCTION_LINES` without a `// Long:` reason: each as its name, line and length.
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut long = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let Some(name) = function_name(code) else {
            continue;
        };
        let indent = &line[..line.len() - code.len()];
        // The body opens on the signature's last line, which ends with `{`; a declaration
        // without a body ends with `;` first.
        let Some(open) = (at..lines.len())
            .find(|&i| lines[i].ends_with('{') || lines[i].ends_with(';'))
            .filter(|&i| lines[i].ends_with('{'))
        else {
            continue;
        };
        let Some(close) = (open..lines.len()).find(|&i| lines[i] == format!("{indent}}}")) else {
            continue;
        };
        let body = close - open - 1;
        let reasoned = lines[..at]
            .iter()
            .rev()
            .map(|line| line.trim_start())
            .take_while(|line| line.starts_with("//") || line.starts_with("#["))
            .any(|line| {
                line.strip_prefix("// Long:")
                    .is_some_and(|reason| !reason.trim().is_empty())
            });
        if body > MAX_FUNCTION_LINES && !reasoned {
            long.push((name, at + 1, body));
        }
    }
    long
}

/// The name of the function a line of code declares (`pub(crate) async fn name<T>(...`).
fn function_name(code: &str) -> Option<String> {
    let mut rest = code;
    if let Some(after) = rest.strip_prefix("pub") {
        rest = match after.strip_prefix('(') {
            Some(scope) => scope.split_once(") ")?.1,
            None => after.strip_prefix(' ')?,
        };
    }
    for qualifier in ["const ", "async ", "unsafe "] {
        rest = rest.strip_prefix(qualifier).unwrap_or(rest);
    }
    let name: String = rest
        .strip_prefix("fn ")?
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn files_and_functions_stay_short() {
    let mut wrong = Vec::new();
    for (relative, text) in source_files() {
        let relative = relative.display();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            wrong.push(format!(
                "src/{relative}: {lines} lines (at most {MAX_FILE_LINES}: split it by job)"
            ));
        }
        for (name, line, body) in long_functions(&text) {
            wrong.push(format!(
                "src/{relative}:{line}: fn {name} is {body} lines long (at most {MAX_FUNCTION_LINES}: split it where a name explains a part, or say why not in a `// Long:` comment above it)"
            ));
        }
    }
    assert!(wrong.is_empty(), "too long:\n{}", wrong.join("\n"));
}

#[test]
fn long_functions_are_found_unless_a_comment_says_why() {
    let body = "    step();\n".repeat(MAX_FUNCTION_LINES + 1);
    let short = "    step();\n".repeat(MAX_FUNCTION_LINES);
    let text = format!(
        "/// Doc.\npub(crate) fn long(\n    a: u8,\n) -> u8 {{\n{body}}}\n\n\
         fn short() {{\n{short}}}\n\n\
         // Long: one table, read top to bottom.\n/// Doc.\n#[inline]\nfn reasoned() {{\n{body}}}\n\n\
         trait T {{\n    fn declared(&self);\n    fn provided(&self) {{\n{body}    }}\n}}\n"
    );
    let found: Vec<(String, usize)> = long_functions(&text)
        .into_iter()
        .map(|(name, _, body)| (name, body))
        .collect();
    assert_eq!(
        found,
        [
            ("long".to_string(), MAX_FUNCTION_LINES + 1),
            ("provided".to_string(), MAX_FUNCTION_LINES + 1)
        ]
    );
}
