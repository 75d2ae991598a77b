//! Building sites: pages, links, themes, determinism, the safe writer.

use crate::util::{Site, select, text_of};

#[test]
fn minimal_site_builds_every_page() {
    let site = Site::minimal();
    let run = site.build();
    assert!(
        run.stdout().starts_with("built 6 pages"),
        "{}",
        run.stdout()
    );
    let index = site.page("index.html");
    assert_eq!(text_of(&index, "h1"), "A briefing");
    let links: Vec<_> = select(&index, "article a")
        .iter()
        .map(|a| a.attr("href").unwrap_or("").to_string())
        .collect();
    assert!(
        links.contains(&"sources/a-source.html".to_string()),
        "{links:?}"
    );
    let source = site.page("sources/a-source.html");
    assert_eq!(text_of(&source, "h1"), "A source");
    assert!(site.root().join("public/sources/index.html").is_file());
    assert!(site.root().join("public/.nojekyll").is_file());
    assert!(site.root().join("public/assets/style.css").is_file());
}

#[test]
fn every_internal_link_is_relative_and_names_a_file() {
    let site = Site::minimal();
    site.build();
    for page in ["index.html", "sources/a-source.html", "404.html"] {
        let html = site.page(page);
        let dir = std::path::Path::new(page)
            .parent()
            .expect("pages have a folder");
        for element in select(&html, "[href], [src]") {
            let target = element
                .attr("href")
                .or(element.attr("src"))
                .expect("selected for it");
            if target.starts_with("https://")
                || target.starts_with('#')
                || target.starts_with("data:")
            {
                continue;
            }
            assert!(!target.starts_with('/'), "{page}: absolute link {target}");
            let path = target.split('#').next().expect("split has a first part");
            let file = site.root().join("public").join(dir).join(path);
            assert!(file.is_file(), "{page}: {target} does not name a file");
        }
    }
}

#[test]
fn not_found_page_is_self_contained() {
    let site = Site::minimal();
    site.build();
    let page = site.page("404.html");
    assert!(
        select(&page, "link[rel=stylesheet]").is_empty(),
        "404.html must not load CSS files"
    );
    assert_eq!(select(&page, "style").len(), 1);
}

#[test]
fn two_builds_are_byte_identical() {
    let site = Site::minimal();
    site.build();
    let first = site.snapshot();
    site.build();
    assert_eq!(first, site.snapshot());
}

#[test]
fn a_folder_with_only_content_builds_with_the_built_in_theme() {
    let site = Site::minimal();
    assert!(!site.root().join("themes").exists());
    site.build();
    assert!(
        site.page("index.html")
            .root_element()
            .html()
            .contains("assets/style.css")
    );
}

#[test]
fn custom_theme_overrides_one_template_and_keeps_the_rest() {
    let site = Site::minimal().file(
        "themes/plain/templates/source.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"custom\">{{ source.title }}</p>{% endblock main %}",
    );
    let run = site.brief(&["build", "--theme", "plain"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert_eq!(
        text_of(&site.page("sources/a-source.html"), ".custom"),
        "A source"
    );
    assert_eq!(text_of(&site.page("index.html"), "h1"), "A briefing");
}

/// A theme changes one piece and keeps the rest: its `layout.html` replaces the footer of every
/// page, its `partials/note.html` every note, its `partials/badge.html` every number.
/// The minimal site with one figure annotated in its source and cited in its briefing.
fn annotated_minimal() -> Site {
    Site::minimal()
        .file(
            "content/index.md",
            "---\ntitle: A briefing\n---\n\nIt says [$500 billion](@total).\n",
        )
        .file(
            "content/annotations/figures.yaml",
            "id: total\nkind: figure\nvalue: 500e9\nunit: USD\nsource: a-source\nquote: \"$500 billion\"\n",
        )
}

#[test]
fn a_theme_replaces_one_block_and_one_partial() {
    let site = annotated_minimal()
        .file(
            "themes/plain/templates/layout.html",
            "{% extends \"base.html\" %}{% block footer %}<footer id=\"ours\">Our newsroom</footer>{% endblock footer %}",
        )
        .file(
            "themes/plain/templates/partials/note.html",
            "<aside class=\"ann-note\" id=\"note-{{ note.dom_id }}\"><p class=\"our-note\">{{ note.number }}. {{ note.kind_label }}, {{ note.value }}</p></aside>",
        )
        .file(
            "themes/plain/templates/partials/badge.html",
            "<sup class=\"our-badge\"><a href=\"#note-{{ note.dom_id }}\">{{ note.number }}</a></sup>",
        );
    let run = site.brief(&["build", "--theme", "plain"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    for page in ["index.html", "sources/a-source.html", "annotations.html"] {
        let html = site.page(page);
        assert_eq!(text_of(&html, "#ours"), "Our newsroom", "{page}");
        assert_eq!(select(&html, ".site-footer").len(), 0, "{page}");
        assert_eq!(
            select(&html, ".site-header").len(),
            1,
            "{page} keeps the default header"
        );
    }
    let source = site.page("sources/a-source.html");
    assert_eq!(text_of(&source, ".our-note"), "1. Figure, $500 billion");
    assert_eq!(text_of(&source, "sup.our-badge"), "1");
    assert_eq!(
        select(&source, "details.notes").len(),
        1,
        "the default group around it"
    );
}

/// A partial that fails is located at its own file, and the previous site stays: one drawn
/// inside a page (a note) and one whose page is written as it renders (an entry of
/// `annotations.html`, which fails after the page's first half was written).
#[test]
fn a_failing_partial_is_located_and_keeps_the_previous_site() {
    for (partial, variable) in [("note.html", "note"), ("annotation.html", "a")] {
        let site = annotated_minimal();
        site.build();
        let before = site.snapshot();
        let site = site.file(
            &format!("themes/default/templates/partials/{partial}"),
            format!("<aside>\n{{{{ {variable}.nombre }}}}</aside>\n"),
        );
        let run = site.brief(&["build"]);
        assert_eq!(run.code(), 1, "{}", run.stderr());
        assert!(!run.stderr().contains("panicked"), "{}", run.stderr());
        assert!(run.stderr().contains("error[E007]"), "{}", run.stderr());
        assert!(
            run.stderr().contains(&format!(
                " --> themes/default/templates/partials/{partial}:2:"
            )),
            "{}",
            run.stderr()
        );
        assert_eq!(before, site.snapshot(), "a failed build changed public/");
        // Pages are written into a staging folder as they render: the failed build deletes it.
        let staged: Vec<String> = std::fs::read_dir(site.root())
            .expect("list the site's folder")
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains(".brief-new-"))
            .collect();
        assert_eq!(staged, Vec::<String>::new(), "staged pages left behind");
    }
}

/// `annotations.html` is written around the list, each annotation through the theme's own
/// `partials/annotation.html`, so the page is never held whole.
#[test]
fn the_annotations_page_renders_each_annotation_through_its_partial() {
    let site = annotated_minimal()
        .file(
            "themes/default/templates/annotations.html",
            "<main><h1 id=\"head\">All</h1>{{ annotation_list | safe }}<p id=\"tail\">end</p></main>\n",
        )
        .file(
            "themes/default/templates/partials/annotation.html",
            "<p class=\"mine\" id=\"{{ a.id }}\">{{ a.number }}: {{ a.kind }}</p>",
        );
    site.build();
    let page = site.page("annotations.html");
    assert_eq!(text_of(&page, "#head"), "All");
    let entries: Vec<String> = select(&page, "main > p.mine")
        .iter()
        .map(|entry| entry.text().collect())
        .collect();
    assert_eq!(entries, ["1: figure"]);
    assert_eq!(text_of(&page, "main > p.mine + p#tail"), "end");
}

/// A theme's `annotations.html` from before the list was a partial (a loop over
/// `annotations`), or one that forgets the list, gets a located error that says what to write.
#[test]
fn an_annotations_page_without_its_list_is_located_with_a_hint() {
    let site = annotated_minimal();
    site.build();
    let before = site.snapshot();
    let site = site.file(
        "themes/default/templates/annotations.html",
        "<main><h1>All</h1></main>\n",
    );
    let run = site.brief(&["build"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let err = run.stderr();
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("error[E007]: this template must place `annotation_list` exactly once"),
        "{err}"
    );
    assert!(
        err.contains(" --> themes/default/templates/annotations.html:1:1"),
        "{err}"
    );
    assert!(err.contains("{{ annotation_list | safe }}"), "{err}");
    assert_eq!(before, site.snapshot(), "a failed build changed public/");
}

#[test]
fn theme_named_in_site_yaml_is_used() {
    let site = Site::minimal()
        .file("content/site.yaml", "theme: plain\n")
        .file(
            "themes/plain/templates/index.html",
            "<p id=\"mine\">{{ briefing.title }}</p>",
        );
    site.build();
    assert_eq!(text_of(&site.page("index.html"), "#mine"), "A briefing");
}

#[test]
fn raw_html_in_a_source_is_shown_not_run() {
    let site = Site::minimal().file(
        "content/sources/a-source.md",
        "---\ntitle: T\noutlet: O\ndate: unknown\n---\n\n<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)>.\n",
    );
    site.build();
    let page = site.page("sources/a-source.html");
    assert!(select(&page, ".source-text script").is_empty());
    assert!(select(&page, ".source-text img").is_empty());
    assert!(text_of(&page, ".source-text").contains("<script>alert(1)</script>"));
}

#[test]
fn base_url_adds_canonical_links_and_nothing_absolute_without_it() {
    let site = Site::minimal();
    site.build();
    assert!(select(&site.page("index.html"), "link[rel=canonical]").is_empty());
    assert!(!site.root().join("public/sitemap.xml").exists());
    let run = site.brief(&["build", "--base-url", "https://user.github.io/repo/"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    let page = site.page("sources/a-source.html");
    let canonical = select(&page, "link[rel=canonical]");
    assert_eq!(
        canonical[0].attr("href"),
        Some("https://user.github.io/repo/sources/a-source.html")
    );
}

#[test]
fn fenced_code_is_highlighted_with_classes() {
    let site = Site::minimal().file(
        "content/index.md",
        "---\ntitle: T\n---\n\n```rust\nfn main() {}\n```\n",
    );
    site.build();
    let page = site.page("index.html");
    assert!(!select(&page, "pre.highlight code.language-rust span[class^=hl-]").is_empty());
}

#[test]
fn check_writes_nothing() {
    let site = Site::minimal();
    let run = site.brief(&["check"]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(run.stdout().starts_with("checked"), "{}", run.stdout());
    assert!(!site.root().join("public").exists());
}

#[test]
fn output_flag_writes_elsewhere() {
    let site = Site::minimal();
    let out = site.root().join("elsewhere/site");
    let run = site.brief(&["build", "--output", out.to_str().expect("utf-8 temp path")]);
    assert_eq!(run.code(), 0, "{}", run.stderr());
    assert!(out.join("index.html").is_file());
}

#[test]
fn search_index_ships_as_classic_script_shards() {
    let site = Site::minimal();
    site.build();
    let search = site.root().join("public/assets/search");
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(search.join(format!("{name}.js"))).expect(name);
        let json = text
            .strip_prefix(&format!(
                "(window.BRIEF_SEARCH = window.BRIEF_SEARCH || {{}})[\"{name}\"] = "
            ))
            .and_then(|t| t.strip_suffix(";\n"))
            .expect("one assignment");
        serde_json::from_str(json).expect("valid JSON data")
    };
    let manifest = read("manifest");
    assert!(
        manifest["shards"]
            .as_array()
            .expect("shards")
            .contains(&serde_json::json!("s-pa")),
        "the words starting with `pa` have a shard: {manifest}"
    );
    assert!(
        read("s-pa")["paragraph"].is_array(),
        "`paragraph` is indexed"
    );
    assert!(
        read("chunk-0")
            .to_string()
            .contains("The first paragraph says $500 billion."),
        "entries carry their text for snippets"
    );
}

#[test]
fn print_page_holds_the_briefing_and_every_source() {
    let site = Site::minimal();
    site.build();
    let page = site.page("print.html");
    assert!(text_of(&page, "article.briefing").contains("See the source"));
    assert!(text_of(&page, "#source-a-source").contains("The first paragraph says $500 billion."));
}
