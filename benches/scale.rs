//! The scale benchmark: brief against Hugo and Zola on the same synthetic archive.
//!
//! `cargo bench --bench scale -- 1000 10000` generates the archive for each N (default: 1,000
//! and 10,000) under `/dev/shm`, as a brief site, a Hugo site and a Zola site; checks that each
//! tool produces every page; then runs the tools in turn, alternating, a warm-up then
//! [`RUNS`] runs each, output to memory, and prints median wall time, CPU time, peak RSS, pages
//! per second and the ratios brief/peer. `brief check` is timed too. A peer not on PATH is
//! skipped with a note. Timing and memory come from `/usr/bin/time` (GNU time).
//!
//! `cargo bench --bench scale -- --generate 1000` only writes the brief site of each N to
//! `/dev/shm/brief-scale-<N>/brief` and keeps it, for profiling one command on it.

#[path = "support/archive.rs"]
mod archive;

use std::path::{Path, PathBuf};
use std::process::Command;

const RUNS: usize = 5;

/// One tool's command on one archive.
struct Tool {
    name: &'static str,
    program: String,
    args: Vec<String>,
    /// Where it writes; emptied before each run.
    output: Option<PathBuf>,
    /// Pages the output must hold: source pages, found by this relative path pattern.
    page: fn(&Path, &str) -> PathBuf,
}

/// One run's measurements.
#[derive(Clone, Copy)]
struct Sample {
    wall: f64,
    cpu: f64,
    rss_kb: f64,
}

/// Whether `program` runs, asked for its version with `version_arg` (Hugo takes `version`, and
/// exits with an error on `--version`).
fn on_path(program: &str, version_arg: &str) -> bool {
    Command::new(program)
        .arg(version_arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The version of the `zola` on PATH, as (major, minor): "zola 0.22.1" is (0, 22).
fn zola_version() -> Option<(u32, u32)> {
    let output = Command::new("zola").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let mut parts = text.split_whitespace().nth(1)?.split('.');
    let major = parts.next()?.parse().ok()?;
    Some((major, parts.next()?.parse().ok()?))
}

fn run(tool: &Tool) -> Sample {
    if let Some(output) = &tool.output {
        let _ = std::fs::remove_dir_all(output);
    }
    let report = std::env::temp_dir().join(format!("brief-scale-time-{}", std::process::id()));
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M", "-o"])
        .arg(&report)
        .arg(&tool.program)
        .args(&tool.args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("/usr/bin/time (GNU time) runs");
    assert!(status.success(), "{} failed", tool.name);
    let text = std::fs::read_to_string(&report).expect("GNU time wrote its report");
    let numbers: Vec<f64> = text
        .lines()
        .last()
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 4, "unexpected GNU time output: {text}");
    Sample {
        wall: numbers[0],
        cpu: numbers[1] + numbers[2],
        rss_kb: numbers[3],
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn tools(dir: &Path, n: usize) -> Vec<Tool> {
    let brief = env!("CARGO_BIN_EXE_brief").to_string();
    let path = |p: &Path| p.display().to_string();
    let mut tools = vec![
        Tool {
            name: "brief build",
            program: brief.clone(),
            args: vec![
                "build".into(),
                "-q".into(),
                "--root".into(),
                path(&dir.join("brief")),
                "--output".into(),
                path(&dir.join("out-brief")),
            ],
            output: Some(dir.join("out-brief")),
            page: |out, slug| out.join(format!("sources/{slug}.html")),
        },
        Tool {
            name: "brief check",
            program: brief,
            args: vec![
                "check".into(),
                "-q".into(),
                "--root".into(),
                path(&dir.join("brief")),
            ],
            output: None,
            page: |_, _| PathBuf::new(),
        },
    ];
    if on_path("hugo", "version") {
        archive::write_hugo_site(&dir.join("hugo"), n);
        tools.push(Tool {
            name: "hugo",
            program: "hugo".into(),
            args: vec![
                "--quiet".into(),
                "--source".into(),
                path(&dir.join("hugo")),
                "--destination".into(),
                path(&dir.join("out-hugo")),
            ],
            output: Some(dir.join("out-hugo")),
            page: |out, slug| out.join(format!("sources/{slug}.html")),
        });
    } else {
        println!("note: `hugo` is not on PATH, skipped (apt-get install hugo)");
    }
    if let Some(version) = zola_version() {
        archive::write_zola_site(&dir.join("zola"), n, version >= (0, 22));
        tools.push(Tool {
            name: "zola",
            program: "zola".into(),
            args: vec![
                "--root".into(),
                path(&dir.join("zola")),
                "build".into(),
                "--force".into(),
                "--output-dir".into(),
                path(&dir.join("out-zola")),
            ],
            output: Some(dir.join("out-zola")),
            page: |out, slug| out.join(format!("sources/{slug}/index.html")),
        });
    } else {
        println!("note: `zola` is not on PATH, skipped (it is not packaged for Debian)");
    }
    tools
}

fn bench(n: usize) {
    let dir = archive_dir(n);
    let _ = std::fs::remove_dir_all(&dir);
    archive::write_brief_site(&dir.join("brief"), n);
    let tools = tools(&dir, n);
    // The warm-up, and the proof that each tool produced every page.
    for tool in &tools {
        run(tool);
        if let Some(output) = &tool.output {
            let missing = (0..n)
                .map(archive::slug)
                .filter(|slug| !(tool.page)(output, slug).is_file())
                .count();
            assert_eq!(missing, 0, "{} did not write {missing} pages", tool.name);
        }
    }
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); tools.len()];
    for _ in 0..RUNS {
        for (tool, samples) in tools.iter().zip(&mut samples) {
            samples.push(run(tool));
        }
    }
    let pages = n + 1;
    println!(
        "\nN = {n} sources ({} annotations), {RUNS} runs, medians",
        5 * n
    );
    println!(
        "| tool | wall s | CPU s | peak RSS MB | pages/s | ms/page | brief wall ÷ this | brief RSS ÷ this |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let medians: Vec<Sample> = samples
        .iter()
        .map(|s| Sample {
            wall: median(s.iter().map(|x| x.wall).collect()),
            cpu: median(s.iter().map(|x| x.cpu).collect()),
            rss_kb: median(s.iter().map(|x| x.rss_kb).collect()),
        })
        .collect();
    let brief = medians[0];
    for (tool, m) in tools.iter().zip(&medians) {
        println!(
            "| {} | {:.2} | {:.2} | {:.0} | {:.0} | {:.3} | {:.2}× | {:.2}× |",
            tool.name,
            m.wall,
            m.cpu,
            m.rss_kb / 1024.0,
            pages as f64 / m.wall.max(0.001),
            m.wall * 1000.0 / pages as f64,
            brief.wall / m.wall.max(0.001),
            brief.rss_kb / m.rss_kb,
        );
    }
    let size = folder_size(&dir.join("out-brief"));
    println!(
        "brief output: {:.1} MB, {:.1} KB a source",
        size as f64 / 1e6,
        size as f64 / 1e3 / n as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn folder_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

fn archive_dir(n: usize) -> PathBuf {
    PathBuf::from("/dev/shm").join(format!("brief-scale-{n}"))
}

fn main() {
    let generate_only = std::env::args().any(|a| a == "--generate");
    for n in archive::sizes_from_args() {
        if generate_only {
            let root = archive_dir(n).join("brief");
            let _ = std::fs::remove_dir_all(&root);
            archive::write_brief_site(&root, n);
            println!("{}", root.display());
        } else {
            bench(n);
        }
    }
}
