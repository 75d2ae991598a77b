//! `brief init`, a series of briefings in `content/briefings/`, the Atom feed, and timelines.

use std::process::Command;

use crate::util::{Run, Site, select, text_of};

/// Runs `brief ARGS` with no `--root` (for `init`).
fn brief(args: &[&str]) -> Run {
    Run(Command::new(env!("CARGO_BIN_EXE_brief"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("brief runs"))
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean_at_once() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let site = dir.path().join("news");
    let run = brief(&["init", site.to_str().expect("utf-8 path")]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for file in [
        "content/index.md",
        "content/site.yaml",
        "content/sources/example-gazette.md",
        "content/annotations/example.yaml",
        ".gitignore",
        ".github/workflows/pages.yml",
    ] {
        assert!(site.join(file).is_file(), "init writes {file}");
    }
    let stdout = run.stdout();
    let next: Vec<&str> = stdout
        .lines()
        .skip_while(|l| *l != "next:")
        .skip(1)
        .map(str::trim)
        .collect();
    assert_eq!(next.len(), 3, "three next commands: {}", run.stdout());
    assert!(next[0].starts_with("cd "), "{next:?}");
    let root = site.to_str().expect("utf-8 path");
    let check = brief(&["check", "--deny-warnings", "--root", root]);
    assert_eq!(check.code(), 0, "{}", check.stderr());
    assert!(
        check.stdout().contains("1 annotation, 0 warnings"),
        "{}",
        check.stdout()
    );
    let build = brief(&["build", "--deny-warnings", "--root", root]);
    assert_eq!(build.code(), 0, "{}", build.stderr());
    let index = std::fs::read_to_string(site.join("public/index.html")).expect("built");
    let page = scraper::Html::parse_document(&index);
    let cites = select(&page, "a.cite");
    assert_eq!(cites.len(), 1, "the example cites one annotation");
    assert_eq!(
        cites[0].value().attr("href"),
        Some("sources/example-gazette.html#ann-bridge-cost")
    );
    assert_eq!(
        std::fs::read_to_string(site.join(".gitignore")).expect("written"),
        "public/\n.public.brief-lock\n.brief-new.lock\n"
    );
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_unless_forced() {
    let site = Site::empty().file("notes.txt", "mine");
    let root = site.root().to_str().expect("utf-8 path");
    let run = brief(&["init", root]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("is not empty"), "{}", run.stderr());
    assert!(run.stderr().contains("--force"), "{}", run.stderr());
    assert!(!site.root().join("content").exists(), "nothing written");
    let forced = brief(&["init", "--force", root]);
    assert_eq!(forced.code(), 0, "{}", forced.stderr());
    assert_eq!(
        std::fs::read_to_string(site.root().join("notes.txt")).expect("kept"),
        "mine"
    );
}

#[test]
fn init_bare_leaves_out_the_example_and_still_checks_clean() {
    let dir = tempfile::tempdir().expect("a temp folder");
    let root = dir.path().to_str().expect("utf-8 path");
    assert_eq!(brief(&["init", "--bare", root]).code(), 0);
    assert!(
        !dir.path()
            .join("content/sources/example-gazette.md")
            .exists()
    );
    assert!(!dir.path().join("content/annotations/example.yaml").exists());
    let check = brief(&["check", "--deny-warnings", "--root", root]);
    assert_eq!(check.code(), 0, "{}", check.stderr());
}

const SOURCE_A: &str = "---\ntitle: Source A\noutlet: Daily A\ndate: 2025-01-22\n---\n\nThe port will cost $500 billion over four years, the mayor said.\n";
const SOURCE_B: &str = "---\ntitle: Source B\noutlet: Weekly B\ndate: 2025-01-23\n---\n\n\"We are good for it,\" the mayor told reporters.\n";
const ANNOTATIONS: &str = "- id: cost\n  kind: figure\n  value: 500e9\n  unit: USD\n  source: a\n  quote: $500 billion\n- id: good\n  kind: quote\n  speaker: The mayor\n  source: b\n  quote: We are good for it\n";

/// Three briefings on two shared sources; the files' names are not in date order.
fn series_site() -> Site {
    Site::empty()
        .file("content/index.md", "---\ntitle: The desk\n---\n\nOur daily briefings on the port.\n")
        .file("content/sources/a.md", SOURCE_A)
        .file("content/sources/b.md", SOURCE_B)
        .file("content/annotations/a.yaml", ANNOTATIONS)
        .file(
            "content/briefings/cost.md",
            "---\ntitle: First day\ndate: 2025-01-22\nauthor: Ann Reporter\ndescription: What it costs.\n---\n\nIt costs [$500 billion](@cost).\n",
        )
        .file(
            "content/briefings/answer.md",
            "---\ntitle: Third day\ndate: 2025-01-24\n---\n\nBoth: [](@good), and [$500 billion](@cost).\n",
        )
        .file(
            "content/briefings/mayor.md",
            "---\ntitle: Second day & more\ndate: 2025-01-23\n---\n\nThe mayor: [](@good).\n",
        )
}

#[test]
fn three_briefings_get_pages_a_home_list_newest_first_and_cited_in_lists() {
    let site = series_site().file(
        "content/site.yaml",
        "title: Port desk\nbase_url: https://news.example.org/port/\n",
    );
    site.build();
    for slug in ["cost", "answer", "mayor"] {
        let page = site.page(&format!("briefings/{slug}.html"));
        let cites = select(&page, "a.cite");
        assert!(!cites.is_empty(), "{slug} has its citations");
        for cite in cites {
            let href = cite.value().attr("href").expect("href");
            assert!(href.starts_with("../sources/"), "{slug}: {href}");
        }
    }
    assert_eq!(
        text_of(&site.page("briefings/cost.html"), "h1"),
        "First day"
    );
    let home = site.page("index.html");
    let listed: Vec<String> = select(&home, ".series-list li a")
        .iter()
        .map(|a| a.value().attr("href").expect("href").to_string())
        .collect();
    assert_eq!(
        listed,
        [
            "briefings/answer.html",
            "briefings/mayor.html",
            "briefings/cost.html"
        ],
        "newest first"
    );
    assert!(
        text_of(&home, ".briefing h1").contains("The desk"),
        "index.md above the list"
    );
    let cited_in = |source: &str| -> Vec<String> {
        select(
            &site.page(&format!("sources/{source}.html")),
            ".cited-in li a",
        )
        .iter()
        .map(|a| a.value().attr("href").expect("href").to_string())
        .collect()
    };
    assert_eq!(
        cited_in("a"),
        ["../briefings/answer.html", "../briefings/cost.html"]
    );
    assert_eq!(
        cited_in("b"),
        ["../briefings/answer.html", "../briefings/mayor.html"]
    );
    let annotations = site.page("annotations.html");
    let good: Vec<String> = select(&annotations, "#good .ann-meta a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    assert_eq!(good, ["briefings/answer.html", "briefings/mayor.html"]);
    let search: String = std::fs::read_dir(site.root().join("public/assets/search"))
        .expect("assets/search")
        .map(|entry| std::fs::read_to_string(entry.expect("a search file").path()).expect("read"))
        .collect();
    for slug in ["cost", "answer", "mayor"] {
        assert!(
            search.contains(&format!("\"briefings/{slug}.html\"")),
            "search covers {slug}"
        );
    }
}

#[test]
fn the_feed_has_the_required_atom_elements_and_only_absolute_links() {
    let site = series_site().file(
        "content/site.yaml",
        "title: Port desk\nbase_url: https://news.example.org/port/\n",
    );
    site.build();
    let xml = std::fs::read_to_string(site.root().join("public/feed.xml")).expect("feed.xml");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let atom = "http://www.w3.org/2005/Atom";
    let feed = document.root_element();
    assert_eq!(feed.tag_name().namespace(), Some(atom));
    assert_eq!(feed.tag_name().name(), "feed");
    fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
        node.children().find(|c| {
            c.tag_name().name() == name
                && c.tag_name().namespace() == Some("http://www.w3.org/2005/Atom")
        })
    }
    fn text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
        child(node, name)
            .and_then(|c| c.text())
            .unwrap_or_else(|| panic!("<{name}> in <{}>", node.tag_name().name()))
            .to_string()
    }
    // RFC 4287, 4.1.1: a feed has id, title, updated, an author (or every entry has one),
    // and should have a link rel="self".
    assert_eq!(text(feed, "id"), "https://news.example.org/port/feed.xml");
    assert_eq!(text(feed, "title"), "Port desk");
    assert_eq!(text(feed, "updated"), "2025-01-24T00:00:00Z");
    assert!(
        child(feed, "author")
            .and_then(|a| child(a, "name"))
            .is_some()
    );
    let links: Vec<roxmltree::Node<'_, '_>> = document
        .descendants()
        .filter(|n| n.tag_name().name() == "link")
        .collect();
    assert!(links.iter().any(|l| l.parent() == Some(feed)
        && l.attribute("rel") == Some("self")
        && l.attribute("href") == Some("https://news.example.org/port/feed.xml")));
    for link in &links {
        let href = link.attribute("href").expect("a link has href");
        assert!(
            href.starts_with("https://news.example.org/port/"),
            "absolute: {href}"
        );
    }
    // RFC 4287, 4.1.2: each entry has id, title, updated and a link rel="alternate".
    let entries: Vec<roxmltree::Node<'_, '_>> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    let titles: Vec<String> = entries.iter().map(|e| text(*e, "title")).collect();
    assert_eq!(titles, ["Third day", "Second day & more", "First day"]);
    for entry in &entries {
        assert!(text(*entry, "id").starts_with("https://news.example.org/port/briefings/"));
        assert!(text(*entry, "updated").ends_with("T00:00:00Z"));
        let alternate = child(*entry, "link").expect("an entry link");
        assert_eq!(alternate.attribute("rel"), Some("alternate"));
        let content = child(*entry, "content").expect("the full text");
        assert_eq!(content.attribute("type"), Some("html"));
        let base = content
            .attribute(("http://www.w3.org/XML/1998/namespace", "base"))
            .expect("xml:base for the body's relative links");
        assert_eq!(base, text(*entry, "id"));
        assert!(
            content.text().unwrap_or("").contains("class=\"cite"),
            "citations kept"
        );
    }
    let first = entries[2];
    assert_eq!(text(first, "summary"), "What it costs.");
    assert_eq!(
        child(first, "author")
            .and_then(|a| child(a, "name"))
            .and_then(|n| n.text()),
        Some("Ann Reporter")
    );
    let home = site.page("index.html");
    assert_eq!(
        select(&home, "link[rel=alternate][type='application/atom+xml']")[0]
            .value()
            .attr("href"),
        Some("feed.xml")
    );
}

#[test]
fn a_series_without_base_url_builds_without_feed_and_warns_why() {
    let site = series_site();
    let run = site.build();
    assert!(run.stderr().contains("warning[W301]"), "{}", run.stderr());
    assert!(!site.root().join("public/feed.xml").exists());
    assert_eq!(site.brief(&["check", "--deny-warnings"]).code(), 1);
}

#[test]
fn a_site_with_only_index_md_has_no_series_feed_or_warning() {
    let site = Site::minimal();
    let run = site.build();
    assert!(!run.stderr().contains("W301"), "{}", run.stderr());
    let before = site.snapshot();
    assert!(
        before
            .iter()
            .all(|(path, _)| !path.starts_with("briefings") && path.as_os_str() != "feed.xml")
    );
    // An empty content/briefings/ changes nothing, byte for byte.
    std::fs::create_dir_all(site.root().join("content/briefings")).expect("mkdir");
    site.build();
    assert_eq!(site.snapshot(), before);
}

#[test]
fn a_series_briefing_without_date_is_a_located_error() {
    let site = Site::minimal().file(
        "content/briefings/undated.md",
        "---\ntitle: No date\n---\n\nText.\n",
    );
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr()
            .contains("error[E004]: a briefing of the series needs a `date`"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("content/briefings/undated.md:1:1"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_default_briefing_shows_its_timeline_each_event_linked_to_its_passage() {
    let out = tempfile::tempdir().expect("a temp folder");
    let public = out.path().join("public");
    let run = brief(&[
        "build",
        "--root",
        env!("CARGO_MANIFEST_DIR"),
        "--output",
        public.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let read = |path: &str| {
        scraper::Html::parse_document(
            &std::fs::read_to_string(public.join(path)).expect("a built page"),
        )
    };
    let home = read("index.html");
    let events = select(&home, ".timeline li");
    let dates: Vec<&str> = events
        .iter()
        .map(|li| {
            select_in(li, "time")
                .value()
                .attr("datetime")
                .expect("datetime")
        })
        .collect();
    assert_eq!(dates, ["2015", "2017", "2025-01-17", "2025-01-21"]);
    assert!(
        events[0]
            .text()
            .collect::<String>()
            .contains("only the year"),
        "a partial date is shown as such"
    );
    for li in &events {
        let href = select_in(li, "a").value().attr("href").expect("href");
        let (page, id) = href.split_once('#').expect("a passage link");
        assert!(page.starts_with("sources/"), "{href}");
        assert_eq!(
            select(&read(page), &format!("mark#{id}")).len(),
            1,
            "{href} reaches its passage"
        );
    }
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> scraper::ElementRef<'a> {
    element
        .select(&scraper::Selector::parse(css).expect("a selector"))
        .next()
        .unwrap_or_else(|| panic!("{css} inside {}", element.html()))
}

/// Two sources, `cost` on one and `good` on the other, both cited; `cost` and `good` are lines
/// added to their annotations.
fn timeline_site(cost: &str, good: &str) -> Site {
    Site::empty()
        .file(
            "content/index.md",
            "---\ntitle: B\n---\n\n[](@good), then [$500 billion](@cost).\n",
        )
        .file("content/sources/a.md", SOURCE_A)
        .file("content/sources/b.md", SOURCE_B)
        .file(
            "content/annotations/a.yaml",
            ANNOTATIONS.replace(
                "  quote: $500 billion\n",
                &format!("  quote: $500 billion\n{cost}"),
            ) + good,
        )
}

#[test]
fn a_timeline_is_in_date_order_and_an_impossible_date_is_located() {
    let site = timeline_site(
        "  date: 2025-01\n",
        "  date: 2025-01-21\n  date_text: Tuesday\n",
    );
    site.build();
    let home = site.page("index.html");
    let events: Vec<String> = select(&home, ".timeline li")
        .iter()
        .map(|li| li.text().collect())
        .collect();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        events[0].starts_with("January 2025 (only the month is known)"),
        "{events:?}"
    );
    assert!(
        events[1].starts_with("21 January 2025 “Tuesday”"),
        "{events:?}"
    );
    let bad = site.file(
        "content/annotations/a.yaml",
        ANNOTATIONS.to_string() + "  date: 2025-02-30\n",
    );
    let run = bad.brief(&["check"]);
    assert_eq!(run.code(), 1);
    assert!(run.stderr().contains("error[E005]"), "{}", run.stderr());
    assert!(
        run.stderr().contains("content/annotations/a.yaml:12:9"),
        "{}",
        run.stderr()
    );
}

#[test]
fn w301_matches_its_snapshot() {
    crate::snapshots::assert_check_snapshot("W301-feed-without-base-url", &series_site());
}

/// A series needs no `content/index.md`: the home page is the list under the site's title.
#[test]
fn a_series_without_index_md_has_a_home_page_that_lists_it() {
    let site = series_site().file(
        "content/site.yaml",
        "title: \"Port desk: daily\"\nbase_url: https://news.example.org/port/\n",
    );
    std::fs::remove_file(site.root().join("content/index.md")).expect("index.md removed");
    let run = site.brief(&["build", "--deny-warnings"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let home = site.page("index.html");
    assert_eq!(text_of(&home, "title"), "Port desk: daily");
    assert_eq!(select(&home, ".series-list li a").len(), 3);
    assert_eq!(
        select(&home, ".briefing > p").len(),
        0,
        "no text of its own"
    );
    let no_series = Site::empty().file("content/sources/a.md", SOURCE_A);
    let run = no_series.brief(&["build"]);
    assert_eq!(run.code(), 1);
    assert!(
        run.stderr().contains("content/briefings/"),
        "the help names both ways: {}",
        run.stderr()
    );
}

/// Two sources dating one event (one label) on different days: the timeline says they differ,
/// on each event, with the other's date and passage. Dates that can both be true do not.
#[test]
fn a_date_two_sources_disagree_on_is_shown_as_disputed() {
    let dated = |cost: &str, good: &str| {
        timeline_site(
            &format!("  date: {cost}\n  label: The vote\n"),
            &format!("  date: {good}\n  label: the  Vote\n"),
        )
    };
    let site = dated("2025-01-17", "2025-01-18");
    site.build();
    let home = site.page("index.html");
    let disputes: Vec<String> = select(&home, ".timeline li .timeline-dispute")
        .iter()
        .map(|span| span.text().collect())
        .collect();
    assert_eq!(
        disputes,
        [
            "Sources differ on this date: Weekly B gives 18 January 2025.",
            "Sources differ on this date: Daily A gives 17 January 2025."
        ]
    );
    let links: Vec<&str> = select(&home, ".timeline-dispute a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        links,
        ["sources/b.html#ann-good", "sources/a.html#ann-cost"]
    );
    let agreeing = dated("2025", "2025-01-18");
    agreeing.build();
    assert!(select(&agreeing.page("index.html"), ".timeline-dispute").is_empty());
}

/// Each series briefing has a print page: its own text and only the sources it cites, each with
/// its marked passages, linked from the briefing's "Print" link; the sitemap leaves it out.
#[test]
fn each_series_briefing_prints_with_the_sources_it_cites() {
    let site = series_site().file(
        "content/site.yaml",
        "title: Port desk\nbase_url: https://news.example.org/port/\n",
    );
    site.build();
    let briefing = site.page("briefings/mayor.html");
    let print_links: Vec<&str> = select(&briefing, ".nav-print a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(print_links, ["../briefings/mayor.print.html"]);
    let print = site.page("briefings/mayor.print.html");
    assert_eq!(text_of(&print, "h1"), "Second day & more");
    let printed: Vec<&str> = select(&print, ".print-source")
        .iter()
        .filter_map(|a| a.value().attr("id"))
        .collect();
    assert_eq!(printed, ["source-b"], "only the source this briefing cites");
    for cite in select(&print, "a.cite") {
        let href = cite.value().attr("href").expect("href");
        assert!(href.starts_with("../sources/b.html#"), "{href}");
    }
    assert!(
        !select(&print, "#b--ann-good").is_empty(),
        "the passage, marked"
    );
    let both = site.page("briefings/answer.print.html");
    assert_eq!(select(&both, ".print-source").len(), 2);
    let sitemap = std::fs::read_to_string(site.root().join("public/sitemap.xml")).expect("sitemap");
    assert!(!sitemap.contains("print.html"), "{sitemap}");
    assert_eq!(
        select(&site.page("index.html"), ".nav-print a")[0]
            .value()
            .attr("href"),
        Some("print.html")
    );
}
