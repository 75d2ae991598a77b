//! The fixture-site builder shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// A site in a temp folder, with the files a test gives it.
pub struct Site {
    dir: tempfile::TempDir,
}

/// A minimal valid source article.
pub const SOURCE: &str = "---\ntitle: A source\noutlet: The Outlet\ndate: 2025-01-22\nlanguage: en\n---\n\nThe first paragraph says $500 billion.\n\nThe second paragraph quotes \"someone\".\n";

/// A minimal valid briefing.
pub const BRIEFING: &str =
    "---\ntitle: A briefing\n---\n\nSee [the source](sources/a-source.md).\n";

impl Site {
    /// An empty site.
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().expect("a temp folder"),
        }
    }

    /// A site with one briefing and one source.
    pub fn minimal() -> Site {
        Site::empty()
            .file("content/index.md", BRIEFING)
            .file("content/sources/a-source.md", SOURCE)
    }

    /// The site with `path` holding `text`.
    pub fn file(self, path: &str, text: impl AsRef<[u8]>) -> Site {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("a file has a folder")).expect("mkdir");
        std::fs::write(full, text).expect("write a fixture file");
        self
    }

    /// The site's folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `brief ARGS --root <site>` (the root flag only where the command takes one).
    pub fn brief(&self, args: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_brief"));
        command
            .args(args)
            .arg("--root")
            .arg(self.root())
            .env("NO_COLOR", "1");
        Run(command.output().expect("brief runs"))
    }

    /// Builds into `public/` and expects success.
    pub fn build(&self) -> Run {
        let run = self.brief(&["build"]);
        assert_eq!(run.code(), 0, "build failed:\n{}", run.stderr());
        run
    }

    /// A produced page, parsed.
    pub fn page(&self, path: &str) -> Html {
        let text = std::fs::read_to_string(self.root().join("public").join(path))
            .unwrap_or_else(|e| panic!("public/{path} exists: {e}"));
        Html::parse_document(&text)
    }

    /// Every file under `public/` with its bytes, sorted, to compare whole outputs.
    pub fn snapshot(&self) -> Vec<(PathBuf, Vec<u8>)> {
        let public = self.root().join("public");
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(&public)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path()
                        .strip_prefix(&public)
                        .expect("under public")
                        .to_path_buf(),
                    std::fs::read(e.path()).expect("readable"),
                )
            })
            .collect();
        files.sort();
        files
    }
}

/// The result of running the binary.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().expect("brief exited normally")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
}

/// The elements matching a CSS selector.
pub fn select<'a>(html: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(selector).expect("a valid selector");
    html.select(&selector).collect()
}

/// The text of the only element matching `selector`.
pub fn text_of(html: &Html, selector: &str) -> String {
    let found = select(html, selector);
    assert_eq!(found.len(), 1, "exactly one `{selector}`");
    found[0].text().collect()
}
