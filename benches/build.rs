//! Build benchmarks: prints numbers, asserts nothing. Run with `cargo bench --bench build`.
//!
//! - the real briefing: each stage (load, resolve, render) and a whole `build` with write;
//! - a synthetic large site: one 1 MB source with 1,000 annotations, to see how anchoring scales;
//! - the not-found path: the closest passage of a 200-character quote in that 1 MB source;
//! - peak memory (VmHWM) of the process at the end.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use brief::diagnostics::Diagnostics;
use brief::output::SiteFiles;
use brief::site::{self, BuildOptions};

const RUNS: usize = 20;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                std::hint::black_box(f());
                started.elapsed()
            })
            .collect(),
    )
}

fn report(name: &str, duration: Duration) {
    println!("{name:<48} {:>10.2} ms", duration.as_secs_f64() * 1000.0);
}

fn stages(root: &Path, label: &str) {
    let options = BuildOptions {
        root: root.to_path_buf(),
        ..BuildOptions::default()
    };
    let load = time(RUNS, || site::load(&options, &mut Diagnostics::default()));
    let site = site::load(&options, &mut Diagnostics::default()).expect("the site loads");
    let resolve = time(RUNS, || site::resolve(&site, &mut Diagnostics::default()));
    let resolved = site::resolve(&site, &mut Diagnostics::default());
    let render = time(RUNS, || {
        let files = Mutex::new(SiteFiles::new());
        site::render(root, &site, &resolved, &files, &mut Diagnostics::default());
        files
    });
    let out = tempfile_dir().join(label);
    let build_options = BuildOptions {
        output: Some(out.clone()),
        ..options.clone()
    };
    let build = time(RUNS, || site::build_into_output(&build_options));
    report(
        &format!("{label}: load ({} sources)", site.sources.len()),
        load,
    );
    report(
        &format!(
            "{label}: resolve ({} annotations)",
            resolved.annotations.len()
        ),
        resolve,
    );
    report(&format!("{label}: render"), render);
    report(&format!("{label}: whole build, written"), build);
    let _ = std::fs::remove_dir_all(out);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("brief-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A site with one source of about 1 MB (the LongPort text, numbered so every sentence is
/// unique) and an annotation on one sentence of every paragraph.
fn large_site() -> PathBuf {
    let root = tempfile_dir().join("large");
    let seed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/000_fea2ff7d34325039.txt"),
    )
    .expect("seed");
    let paragraphs: Vec<&str> = seed.lines().skip(1).collect();
    let mut body = String::new();
    let mut annotations = String::new();
    let mut n = 0;
    while body.len() < 1_000_000 {
        for paragraph in &paragraphs {
            n += 1;
            body.push_str(&format!(
                "Item {n}. {}\n\n",
                paragraph.replace(['*', '_', '[', ']', '<', '>', '#', '`'], " ")
            ));
            if n <= 1000 {
                annotations.push_str(&format!(
                    "- id: item-{n}\n  kind: note\n  source: big\n  quote: \"Item {n}. \"\n"
                ));
            }
        }
    }
    let write = |path: &str, text: &str| {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, text).expect("write");
    };
    write(
        "content/index.md",
        "---\ntitle: Large\n---\n\nA large site.\n",
    );
    write(
        "content/sources/big.md",
        &format!("---\ntitle: Big\noutlet: O\ndate: unknown\n---\n\n{body}"),
    );
    write("content/annotations/big.yaml", &annotations);
    root
}

fn fuzzy(root: &Path) {
    let text = std::fs::read_to_string(root.join("content/sources/big.md")).expect("big source");
    let pattern: String = "Masayoshi Son stated that Stargate would immediately invest $100 billion, aiming to increase investments in AI projects to at least $500 billion, including data centers and physical campusses".chars().take(200).collect();
    let folded = brief::annotate::fold::fold(&text);
    let duration = time(5, || {
        brief::annotate::fuzzy::closest(&folded.text, &pattern)
    });
    report(
        &format!("closest passage, 200 chars in {} KB", text.len() / 1024),
        duration,
    );
}

fn peak_memory_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

fn main() {
    println!(
        "brief build benchmarks (median of {RUNS} runs; {} threads)",
        rayon::current_num_threads()
    );
    stages(Path::new(env!("CARGO_MANIFEST_DIR")), "real briefing");
    let large = large_site();
    stages(&large, "1 MB source");
    fuzzy(&large);
    if let Some(kb) = peak_memory_kb() {
        println!(
            "{:<48} {:>10.1} MB",
            "peak memory (VmHWM)",
            kb as f64 / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(large.parent().expect("temp dir"));
}
