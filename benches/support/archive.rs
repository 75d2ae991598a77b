//! A deterministic synthetic archive, for the scale benchmark and the scale tests.
//!
//! N news-like sources of 600–900 words (headings, quotes, `$500 billion`-style figures,
//! fenced code in one source of 20), 5 annotations a source (3 quotes, 2 figures; every 10th
//! annotation has a second target in the next source), and a briefing that cites the
//! annotations of one source in 20. The same prose is written as a brief site and, for the
//! benchmark, as a Hugo site and a Zola site with minimal equivalent templates (title, date,
//! body, a list page). The same N always gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: a tiny, well-mixed generator; enough for reproducible prose.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word index skewed towards the common words, as in prose (roughly Zipf).
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u * u) * n as f64) as usize
    }
}

const SYLLABLES: &[&str] = &[
    "ba", "ker", "lo", "min", "sta", "ven", "tri", "col", "dar", "pe", "ru", "sen", "ta", "gor",
    "li", "mo", "nex", "par", "qui", "ro", "sal", "tem", "ul", "vor", "wen", "xa", "yel", "zan",
    "cor", "del", "fin", "gal", "hor", "is", "jun", "kal", "lem", "nor", "os", "pri",
];

const NAMES: &[&str] = &[
    "Ada Byrne",
    "Ben Okafor",
    "Chloe Marsh",
    "Dev Patel",
    "Elena Ruiz",
    "Farid Haddad",
    "Grace Lin",
    "Hugo Berg",
    "Ines Costa",
    "Jon Stavros",
];

/// The vocabulary of the filler prose: a few thousand made-up words, deterministic.
fn vocabulary() -> Vec<String> {
    let mut words = Vec::new();
    for a in SYLLABLES {
        words.push((*a).to_string());
        for b in SYLLABLES {
            words.push(format!("{a}{b}"));
        }
    }
    words
}

/// The sizes of archive a benchmark's arguments name (`-- 1000 10000`); 1,000 and 10,000
/// when none does.
pub fn sizes_from_args() -> Vec<usize> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    }
}

/// The slug of source `i`.
pub fn slug(i: usize) -> String {
    format!("s{i:05}")
}

/// One source article of the archive: its front matter fields and its Markdown body.
struct Article {
    title: String,
    outlet: String,
    date: String,
    body: String,
}

fn sentence(random: &mut Random, words: &[String], length: usize) -> String {
    let mut out = String::new();
    for k in 0..length {
        let word = &words[random.skewed(words.len())];
        if k == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push('.');
    out
}

fn paragraph(random: &mut Random, words: &[String], sentences: usize) -> String {
    (0..sentences)
        .map(|_| {
            let length = 8 + random.below(12);
            sentence(random, words, length)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The anchored sentences of source `i`: what its annotations quote.
fn quote_one(i: usize) -> String {
    format!("Project {i} will change how the grid is planned")
}

fn quote_two(i: usize) -> String {
    format!("the ledger {i} shows every contract")
}

fn quote_three(i: usize) -> String {
    format!("capacity {i} is on track")
}

fn billions(i: usize) -> usize {
    100 + i
}

fn jobs(i: usize) -> usize {
    1_000 + 7 * i
}

fn with_commas(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn article(i: usize, n: usize, words: &[String]) -> Article {
    let mut random = Random(i as u64 * 7919 + 17);
    let speaker = NAMES[i % NAMES.len()];
    let previous = (i + n - 1) % n;
    let mut body = String::new();
    let mut paragraphs = vec![
        format!(
            "{} \"{}, and we intend to prove it,\" said {speaker}.",
            paragraph(&mut random, words, 3),
            quote_one(i)
        ),
        format!(
            "{} Officials said the plan would cost ${} billion over five years. {}",
            paragraph(&mut random, words, 2),
            billions(i),
            paragraph(&mut random, words, 2)
        ),
        format!(
            "{} According to the filing, the ledger {i} shows every contract signed since March.",
            paragraph(&mut random, words, 3)
        ),
        format!(
            "{} The operator expects {} jobs at the first site. {}",
            paragraph(&mut random, words, 2),
            with_commas(jobs(i)),
            paragraph(&mut random, words, 1)
        ),
        format!(
            "{} In a statement, the consortium said {} and that the audit continues. The wire \
             also noted that capacity {previous} is on track.",
            paragraph(&mut random, words, 2),
            quote_three(i)
        ),
    ];
    while paragraphs.len() < 9 + random.below(4) {
        let sentences = 3 + random.below(3);
        paragraphs.push(paragraph(&mut random, words, sentences));
    }
    for (k, text) in paragraphs.iter().enumerate() {
        if k % 3 == 0 {
            let _ = writeln!(body, "## {}\n", sentence(&mut random, words, 4));
        }
        if k == 2 {
            let _ = writeln!(body, "> {}\n", sentence(&mut random, words, 12));
        }
        let _ = writeln!(body, "{text}\n");
    }
    if i.is_multiple_of(20) {
        let _ = writeln!(
            body,
            "```rust\nfn capacity(site: u32) -> u32 {{\n    site * {}\n}}\n```\n",
            i + 3
        );
    }
    Article {
        title: format!("Report {i}: {}", sentence(&mut random, words, 5)),
        outlet: format!("Outlet {}", i % 37),
        date: format!("2025-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
        body,
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
    std::fs::write(path, text).expect("write a generated file");
}

fn yaml(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

/// The annotation file of source `i`: 3 quotes and 2 figures; annotation `5i` (every 10th
/// annotation when `i` is even) also targets the next source, which repeats its words.
fn annotations(i: usize, n: usize) -> String {
    let s = slug(i);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "- id: {s}-q1\n  kind: quote\n  speaker: {}\n  source: {s}\n  quote: {}\n  note: What the project's lead said.\n",
        NAMES[i % NAMES.len()],
        yaml(&quote_one(i))
    );
    let _ = writeln!(
        out,
        "- id: {s}-q2\n  kind: quote\n  source: {s}\n  quote: {}\n",
        yaml(&quote_two(i))
    );
    if i.is_multiple_of(2) && n > 1 {
        let _ = writeln!(
            out,
            "- id: {s}-q3\n  kind: quote\n  note: The wire repeats it.\n  targets:\n    - source: {s}\n      quote: {q}\n    - source: {next}\n      quote: {q}\n",
            next = slug((i + 1) % n),
            q = yaml(&quote_three(i))
        );
    } else {
        let _ = writeln!(
            out,
            "- id: {s}-q3\n  kind: quote\n  source: {s}\n  quote: {}\n",
            yaml(&quote_three(i))
        );
    }
    let _ = writeln!(
        out,
        "- id: {s}-f1\n  kind: figure\n  value: {}e9\n  unit: USD\n  note: Plan {i}.\n  source: {s}\n  quote: \"${} billion\"\n",
        billions(i),
        billions(i)
    );
    let _ = writeln!(
        out,
        "- id: {s}-f2\n  kind: figure\n  value: {}\n  unit: jobs\n  source: {s}\n  quote: \"{} jobs\"",
        jobs(i),
        with_commas(jobs(i))
    );
    out
}

/// The briefing: cites a figure and a quote of one source in 20.
fn briefing(n: usize) -> String {
    let mut out = String::from(
        "---\ntitle: The archive, briefed\ndescription: A synthetic briefing over a large archive.\ndate: 2025-06-01\n---\n\n## What the archive says\n\n",
    );
    for i in (0..n).step_by(20) {
        let s = slug(i);
        let _ = writeln!(
            out,
            "Report {i} puts the plan at [${} billion](@{s}-f1); its lead says [](@{s}-q1).\n",
            billions(i)
        );
    }
    out
}

/// Writes a brief site of `n` sources under `root`.
pub fn write_brief_site(root: &Path, n: usize) {
    let words = vocabulary();
    write(&root.join("content/index.md"), &briefing(n));
    write(
        &root.join("content/site.yaml"),
        "title: Scale archive\nlanguage: en\n",
    );
    for i in 0..n {
        let a = article(i, n, &words);
        write(
            &root.join(format!("content/sources/{}.md", slug(i))),
            &format!(
                "---\ntitle: {}\noutlet: {}\ndate: {}\nlanguage: en\n---\n\n{}",
                yaml(&a.title),
                a.outlet,
                a.date,
                a.body
            ),
        );
        write(
            &root.join(format!("content/annotations/{}.yaml", slug(i))),
            &annotations(i, n),
        );
    }
}

/// Writes the same prose as a Hugo site: one page per source, a list page, a home page.
pub fn write_hugo_site(root: &Path, n: usize) {
    let words = vocabulary();
    write(
        &root.join("config.toml"),
        "baseURL = \"https://example.org/\"\ntitle = \"Scale archive\"\nuglyURLs = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n",
    );
    write(
        &root.join("layouts/_default/baseof.html"),
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head>\n<body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    );
    write(
        &root.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format \"2006-01-02\" }}</time></p>{{ .Content }}</article>{{ end }}\n",
    );
    write(
        &root.join("layouts/_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ end }}\n",
    );
    write(
        &root.join("layouts/index.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n",
    );
    write(
        &root.join("content/_index.md"),
        "---\ntitle: The archive, briefed\n---\n\nThe briefing.\n",
    );
    write(
        &root.join("content/sources/_index.md"),
        "---\ntitle: Sources\n---\n",
    );
    for i in 0..n {
        let a = article(i, n, &words);
        write(
            &root.join(format!("content/sources/{}.md", slug(i))),
            &format!(
                "---\ntitle: {}\ndate: {}\n---\n\n{}",
                yaml(&a.title),
                a.date,
                a.body
            ),
        );
    }
}

/// Writes the same prose as a Zola site: one page per source, a section page, a home page.
pub fn write_zola_site(root: &Path, n: usize, giallo: bool) {
    let words = vocabulary();
    // Zola 0.22 replaced syntect with Giallo, and its configuration with a section that
    // must name a theme; each version refuses the other's keys.
    let highlighting = if giallo {
        "[markdown.highlighting]\ntheme = \"github-light\"\nstyle = \"class\"\n"
    } else {
        "[markdown]\nhighlight_code = true\n"
    };
    write(
        &root.join("config.toml"),
        &format!(
            "base_url = \"https://example.org\"\ntitle = \"Scale archive\"\ncompile_sass = false\nbuild_search_index = false\ngenerate_feeds = false\n\n{highlighting}"
        ),
    );
    write(
        &root.join("templates/base.html"),
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{% block title %}{% endblock %}</title></head>\n<body>{% block main %}{% endblock %}</body></html>\n",
    );
    write(
        &root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block title %}{{ page.title }}{% endblock %}{% block main %}<article><h1>{{ page.title }}</h1><p><time>{{ page.date }}</time></p>{{ page.content | safe }}</article>{% endblock %}\n",
    );
    write(
        &root.join("templates/section.html"),
        "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock %}{% block main %}<h1>{{ section.title }}</h1><ul>{% for p in section.pages %}<li><a href=\"{{ p.permalink }}\">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}</ul>{% endblock %}\n",
    );
    write(
        &root.join("templates/index.html"),
        "{% extends \"base.html\" %}{% block title %}{{ section.title }}{% endblock %}{% block main %}<h1>{{ section.title }}</h1>{{ section.content | safe }}{% endblock %}\n",
    );
    write(
        &root.join("content/_index.md"),
        "+++\ntitle = \"The archive, briefed\"\n+++\n\nThe briefing.\n",
    );
    write(
        &root.join("content/sources/_index.md"),
        "+++\ntitle = \"Sources\"\nsort_by = \"date\"\n+++\n",
    );
    for i in 0..n {
        let a = article(i, n, &words);
        write(
            &root.join(format!("content/sources/{}.md", slug(i))),
            &format!(
                "+++\ntitle = {}\ndate = {}\n+++\n\n{}",
                yaml(&a.title),
                a.date,
                a.body
            ),
        );
    }
}
