//! `depthsim report DIR` end to end: the built binary runs a scenario, then reports on it.
//! Every page's images exist and decode to PNGs with content, the pages reference every
//! plot written, episodes.csv (a hand-made one) is listed and shaded, every shipped scenario
//! (shortened) reports, and bad folders and files exit 2 naming the file and what is missing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn depthsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args)
        .output()
        .expect("depthsim runs")
}

fn run_into(file: &str, out: &Path, set: &[&str]) {
    let mut args = vec!["run", "--quiet", file, "--out", out.to_str().unwrap()];
    for s in set {
        args.push("--set");
        args.push(s);
    }
    let f = repo(file);
    args[2] = f.to_str().unwrap();
    let o = depthsim(&args);
    assert!(
        o.status.success(),
        "{file}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn report_ok(dir: &Path) -> String {
    let o = depthsim(&["report", dir.to_str().unwrap()]);
    assert!(
        o.status.success(),
        "report {}: {}",
        dir.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every `src="…"` in an HTML page.
fn image_sources(html: &str) -> Vec<String> {
    html.split("src=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

/// Decodes a PNG and returns (width, height, share of pixels that are not white).
fn png_ink(path: &Path) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let pixels = bytes.len() / channels;
    let ink = bytes
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 250))
        .count();
    (info.width, info.height, ink as f64 / pixels as f64)
}

/// Checks the pages and every plot of a reported folder; returns index.html.
fn check_pages(dir: &Path) -> String {
    let index = fs::read_to_string(dir.join("index.html")).unwrap();
    let realism = fs::read_to_string(dir.join("realism.html")).unwrap();
    let mut referenced = Vec::new();
    for page in [&index, &realism] {
        for src in image_sources(page) {
            let p = dir.join(&src);
            assert!(p.is_file(), "{src} is referenced but missing");
            let (w, h, ink) = png_ink(&p);
            assert!(w >= 600 && h >= 200, "{src}: {w}×{h}");
            assert!(
                ink > 0.01 && ink < 0.9,
                "{src}: {ink:.3} of its pixels are ink"
            );
            let svg = p.with_extension("svg");
            let text = fs::read_to_string(&svg).unwrap();
            assert!(
                text.contains("<svg") && text.contains("</svg>"),
                "{}",
                svg.display()
            );
            assert!(page.contains(&format!(
                "plots/{}",
                svg.file_name().unwrap().to_string_lossy()
            )));
            referenced.push(src);
        }
    }
    // every plot written is shown on a page
    for e in fs::read_dir(dir.join("plots")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".png") {
            assert!(
                referenced.contains(&format!("plots/{name}")),
                "{name} is on no page"
            );
        }
    }
    assert!(index.contains("realism.html"));
    index
}

const EPISODES_HEADER: &str = "book,side,start_s,end_s,duration_s,recovered,baseline_lots,trough_lots,trough_ratio,trough_s,time_to_trough_s,refill_50_s,refill_90_s,mid_start,mid_end,mid_move_frac,max_spread,makers_withdrawn,triggers,maker_share_before,maker_share_trough,volume_lots,impact_predicted_frac,impact_ratio";

#[test]
fn tiny_reports_every_plot_with_episodes_shaded() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("tiny");
    run_into("scenarios/tiny.toml", &out, &[]);
    // a hand-made episodes.csv: one recovered bid episode, one ask episode the run outlived
    fs::write(
        out.join("episodes.csv"),
        format!(
            "{EPISODES_HEADER}\n\
             main,bid,10.0,18.5,8.5,true,15.0,3,0.2,12.0,2.0,14.0,17.0,50.0,49.98,-0.0004,0.05,2,drawdown;volatility,0.8,0.1,40,0.001,1.2\n\
             main,ask,40.0,60.0,20.0,false,16.0,2,0.125,45.0,5.0,,,50.1,50.2,0.002,0.08,1,,0.7,0.2,12,0.0005,0.9\n"
        ),
    )
    .unwrap();
    let msg = report_ok(&out);
    assert!(msg.contains("index.html"), "{msg}");
    let index = check_pages(&out);
    for plot in ["mid", "spread", "depth", "makers_state", "makers_inventory"] {
        assert!(index.contains(&format!("plots/{plot}.png")), "{plot}");
    }
    assert!(!index.contains("plots/hedges.png"), "tiny does not hedge");
    assert!(index.contains("2 episodes") && index.contains("drawdown;volatility"));
    assert!(index.contains("Shaded: the 2 collapse episodes"));
    // the summary table has every column of summary.csv
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    for col in summary.lines().next().unwrap().split(',') {
        assert!(index.contains(&format!(">{col}<")), "summary column {col}");
    }
    let realism = fs::read_to_string(out.join("realism.html")).unwrap();
    assert!(realism.contains("zero-intelligence market does not reproduce"));
    assert!(realism.contains("<li>lag-1 autocorrelation of 1 s returns is"));
    // the report is part of a result: the run can replace the folder again
    run_into("scenarios/tiny.toml", &out, &[]);
    assert!(!out.join("index.html").exists());
}

#[test]
fn without_episodes_the_page_says_there_is_no_shading() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("zi");
    run_into("scenarios/zi_only.toml", &out, &["run.duration_s=120.0"]);
    let old = t.path().join("old");
    copy_dir(&out, &old);
    report_ok(&out);
    let index = check_pages(&out);
    assert!(
        index.contains("episodes.csv lists no collapse episode"),
        "the page says there is no shading"
    );
    // a folder without episodes.csv (an older run's) is reported, unshaded, saying so
    fs::remove_file(old.join("episodes.csv")).unwrap();
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(old.join("manifest.json")).unwrap()).unwrap();
    m["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f != "episodes.csv");
    m["sha256"].as_object_mut().unwrap().remove("episodes.csv");
    fs::write(old.join("manifest.json"), m.to_string()).unwrap();
    report_ok(&old);
    assert!(
        fs::read_to_string(old.join("index.html"))
            .unwrap()
            .contains("no episodes.csv")
    );
    assert!(index.contains("no market makers"));
    let realism = fs::read_to_string(out.join("realism.html")).unwrap();
    assert!(realism.contains("This run is such a market"));
}

/// Extra overrides that make a shipped scenario fit in `SHORT_S` seconds.
fn shortened(name: &str) -> Vec<&'static str> {
    match name {
        "flash_crash" | "flash_crash_halt" | "large_flash_crash" => {
            vec!["shocks[0].start_s=20.0"]
        }
        "informed_shock" | "withdrawal_cascade" => vec![
            "shocks[0].start_s=20.0",
            "shocks[1].start_s=20.0",
            "shocks[1].duration_s=20.0",
        ],
        "zero_dte" => vec![
            "market_maker[0].options[0].expiry=\"45s\"",
            "market_maker[0].options[1].expiry=\"45s\"",
        ],
        _ => vec![],
    }
}

/// How long the shortened runs are, s.
const SHORT_S: &str = "run.duration_s=60.0";

#[test]
fn every_shipped_scenario_reports() {
    let t = tempfile::tempdir().unwrap();
    let mut names: Vec<String> = fs::read_dir(repo("scenarios"))
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml")
                .then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    assert!(names.len() >= 13, "{names:?}");
    for name in &names {
        let out = t.path().join(name);
        let mut set = vec![SHORT_S];
        set.extend(shortened(name));
        run_into(&format!("scenarios/{name}.toml"), &out, &set);
        report_ok(&out);
        let index = check_pages(&out);
        if name == "hedge_in_thin_book" {
            assert!(index.contains("plots/hedges.png"), "{name}: hedges");
            assert!(
                index.contains("book thin") || index.contains("book "),
                "{name}: books named"
            );
        }
        if name.ends_with("_gamma") && name != "no_gamma" {
            assert!(index.contains("plots/greeks.png"), "{name}: greeks");
        }
    }
}

fn expect_bad(dir: &Path, words: &[&str]) {
    let o = depthsim(&["report", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}: {err}", dir.display());
    for w in words {
        assert!(err.contains(w), "{w:?} not in {err}");
    }
    assert!(!dir.join("index.html").exists(), "nothing is written");
}

#[test]
fn bad_folders_and_files_exit_2_naming_what_is_missing() {
    let t = tempfile::tempdir().unwrap();
    expect_bad(&t.path().join("nope"), &["no such folder"]);
    let empty = t.path().join("empty");
    fs::create_dir(&empty).unwrap();
    expect_bad(&empty, &["manifest.json"]);
    let good = t.path().join("good");
    run_into("scenarios/tiny.toml", &good, &["run.duration_s=10.0"]);
    // a run's hidden partial folder
    let partial = t.path().join(".good.partial-4242-0");
    copy_dir(&good, &partial);
    expect_bad(&partial, &["not finished"]);
    // a file the manifest lists is gone
    let gone = t.path().join("gone");
    copy_dir(&good, &gone);
    fs::remove_file(gone.join("trades.csv")).unwrap();
    expect_bad(&gone, &["trades.csv", "incomplete"]);
    // a column missing
    let cut = t.path().join("cut");
    copy_dir(&good, &cut);
    drop_column(&cut.join("book.csv"), "mid");
    expect_bad(&cut, &["book.csv", "missing column mid"]);
    let cut2 = t.path().join("cut2");
    copy_dir(&good, &cut2);
    drop_column(&cut2.join("agents.csv"), "quoting");
    drop_column(&cut2.join("agents.csv"), "kind");
    expect_bad(&cut2, &["agents.csv", "missing columns kind, quoting"]);
    // episodes.csv without the columns shading needs
    let ep = t.path().join("ep");
    copy_dir(&good, &ep);
    fs::write(ep.join("episodes.csv"), "book,side,start_s\nmain,bid,1.0\n").unwrap();
    expect_bad(&ep, &["episodes.csv", "end_s, recovered"]);
    // a cell that is not a number
    let cell = t.path().join("cell");
    copy_dir(&good, &cell);
    let text = fs::read_to_string(cell.join("book.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let t_col = lines[2].find(',').unwrap();
    lines[2] = format!("abc{}", &lines[2][t_col..]);
    fs::write(cell.join("book.csv"), lines.join("\n") + "\n").unwrap();
    expect_bad(&cell, &["book.csv", "line 3", "t_s"]);
    // and the good folder still reports
    report_ok(&good);
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// Rewrites a CSV file without `col` (these files have no quoted commas).
fn drop_column(path: &Path, col: &str) {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let i = header.iter().position(|h| *h == col).unwrap();
    let keep = |l: &str| {
        l.split(',')
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| c)
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = keep(&header.join(","));
    out.push('\n');
    for l in lines {
        out.push_str(&keep(l));
        out.push('\n');
    }
    fs::write(path, out).unwrap();
    let _ = common::rows(path);
}

/// A small sweep over the collapse scenario: 2 × 2 points × 2 seeds of flash_crash.toml, cut
/// to 12 minutes, into `out`.
fn crash_sweep(dir: &Path, out: &Path) {
    let file = dir.join("crash.toml");
    fs::write(
        &file,
        format!(
            "[sweep]\nscenario = {:?}\nseed = 7\nseeds_per_point = 2\nkeep = \"summary\"\n\
             set = [\"run.duration_s=720.0\", \"shocks[0].start_s=400.0\"]\n\n[grid]\n\
             \"market_maker[0].max_position_lots\" = [25, 100]\n\
             \"shocks[0].participation\" = [0.05, 0.4]\n",
            repo("scenarios/flash_crash.toml").to_str().unwrap()
        ),
    )
    .unwrap();
    let o = depthsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_sweep_folder_reports_heatmaps_and_a_table_of_quantiles() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("sweep");
    crash_sweep(t.path(), &out);
    let msg = report_ok(&out);
    assert!(msg.contains("index.html and 4 plot files"), "{msg}");
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    let srcs = image_sources(&index);
    assert_eq!(
        srcs,
        [
            "plots/collapse_probability.png",
            "plots/collapsed_median.png"
        ]
    );
    for src in &srcs {
        let (w, h, ink) = png_ink(&out.join(src));
        assert!(w >= 500 && h >= 300 && ink > 0.02 && ink < 0.9, "{src}");
        assert!(out.join(src).with_extension("svg").is_file());
    }
    // one table row per point, with its runs and how many collapsed, as runs.csv says
    let runs = common::rows(&out.join("runs.csv"));
    for point in 0..4 {
        let mine: Vec<_> = runs
            .iter()
            .filter(|r| common::int(r, "point") == point)
            .collect();
        let collapsed = mine
            .iter()
            .filter(|r| common::int(r, "episodes") > 0)
            .count();
        assert!(
            index.contains(&format!("<tr><td>{point}</td>")),
            "point {point}"
        );
        let row = index
            .split(&format!("<tr><td>{point}</td>"))
            .nth(1)
            .unwrap();
        assert!(
            row.contains(&format!("<td>2</td><td>{collapsed}</td>")),
            "point {point}: {}",
            &row[..200.min(row.len())]
        );
    }
    // the program at 40 % of the volume empties the book in every run; the heatmap's
    // numbers are in the SVG
    assert!(runs.iter().any(|r| common::int(r, "episodes") > 0));
    let svg = fs::read_to_string(out.join("plots/collapse_probability.svg")).unwrap();
    assert!(svg.contains("1.00"), "a cell where every run collapsed");
    // a colour bar with its numbers and unit, and the long parameter names whole
    assert!(
        svg.contains("share of runs (0 to 1)"),
        "the colour bar's unit"
    );
    let texts = svg_texts(&svg);
    for n in ["0.0", "0.6", "1.0"] {
        assert!(
            texts.iter().any(|t| t == n),
            "the colour bar's {n}: {texts:?}"
        );
    }
    assert!(svg.contains("market_maker[0].max_position_lots"));
    assert!(svg.contains("shocks[0].participation"));
    // --stat maps any statistic of runs.csv; an unknown one exits 2 listing the allowed
    let o = depthsim(&["report", out.to_str().unwrap(), "--stat", "nope"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--stat nope")
            && err.contains("allowed: ")
            && err.contains("mean_spread_ticks"),
        "{err}"
    );
    let o = depthsim(&[
        "report",
        out.to_str().unwrap(),
        "--stat",
        "mean_spread_ticks",
        "--stat",
        "pnl_market_makers",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(
        image_sources(&index),
        [
            "plots/collapse_probability.png",
            "plots/collapsed_median.png",
            "plots/stat_mean_spread_ticks.png",
            "plots/stat_pnl_market_makers.png"
        ]
    );
    let svg = fs::read_to_string(out.join("plots/stat_mean_spread_ticks.svg")).unwrap();
    assert!(svg.contains("median mean_spread_ticks, ticks"), "its unit");
    assert!(index.contains("<th>mean_spread_ticks</th>"));
    // a sweep folder without runs.csv (shards not merged) exits 2 naming it
    fs::remove_file(out.join("runs.csv")).unwrap();
    let o = depthsim(&["report", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("runs.csv"));
}

/// The share of a PNG's pixels that are dark or saturated (some channel below 160): lines
/// and text, not the light grid.
fn dark_share(path: &Path) -> f64 {
    let decoder = png::Decoder::new(fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let bytes = &buf[..info.buffer_size()];
    let dark = bytes
        .chunks(channels)
        .filter(|p| p.iter().take(3).any(|&c| c < 160))
        .count();
    dark as f64 / (bytes.len() / channels) as f64
}

/// The texts of an SVG's `<text>` elements, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("</text>")
        .filter_map(|s| s.rsplit_once('>').map(|(_, t)| t.trim().to_string()))
        .collect()
}

/// A PNG's width and height, from its IHDR header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = fs::read(path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

#[test]
fn bad_plot_options_exit_2_naming_the_flag_and_the_range() {
    let t = tempfile::tempdir().unwrap();
    let good = t.path().join("good");
    run_into("scenarios/tiny.toml", &good, &["run.duration_s=10.0"]);
    let dir = good.to_str().unwrap();
    for (flag, value, words) in [
        ("--size", "0x0", vec!["--size", "300 to 6000"]),
        ("--size", "100000x100000", vec!["--size", "300 to 6000"]),
        ("--size", "abc", vec!["--size", "WIDTHxHEIGHT"]),
        ("--scale", "0", vec!["--scale", "0.5 to 4"]),
        ("--style", "print", vec!["--style", "screen or paper"]),
    ] {
        let o = depthsim(&["report", dir, flag, value]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        for w in words {
            assert!(err.contains(w), "{flag} {value}: {w:?} not in {err}");
        }
        assert!(!good.join("index.html").exists(), "nothing is written");
    }
    // --stat is for sweeps
    let o = depthsim(&["report", dir, "--stat", "episodes"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--stat episodes") && err.contains("sweep"),
        "{err}"
    );
    assert!(!good.join("index.html").exists());
}

#[test]
fn paper_style_draws_every_png_at_the_requested_size_with_thicker_lines() {
    let t = tempfile::tempdir().unwrap();
    let screen = t.path().join("screen");
    run_into("scenarios/tiny.toml", &screen, &["run.duration_s=60.0"]);
    let [paper, sized, scaled] = ["paper", "sized", "scaled"].map(|n| t.path().join(n));
    for copy in [&paper, &sized, &scaled] {
        copy_dir(&screen, copy);
    }
    report_ok(&screen);
    let o = depthsim(&[
        "report",
        paper.to_str().unwrap(),
        "--style",
        "paper",
        "--size",
        "1000x700",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut pngs = 0;
    for e in fs::read_dir(paper.join("plots")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "png") {
            assert_eq!(png_size(&p), (1000, 700), "{}", p.display());
            pngs += 1;
            let svg = fs::read_to_string(p.with_extension("svg")).unwrap();
            assert!(svg.contains("width=\"1000\"") && svg.contains("height=\"700\""));
        }
    }
    assert!(pngs >= 10, "{pngs} PNGs");
    // the screen style keeps its own sizes; paper's lines are 3 px in the SVG, screen's 1
    assert_eq!(png_size(&screen.join("plots/mid.png")), (1200, 330));
    let stroke = |dir: &Path| {
        let svg = fs::read_to_string(dir.join("plots/mid.svg")).unwrap();
        svg.split("<polyline")
            .skip(1)
            .filter_map(|p| {
                let w = p.split("stroke-width=\"").nth(1)?;
                w.split('"').next()?.parse::<u32>().ok()
            })
            .max()
            .unwrap()
    };
    assert_eq!(stroke(&screen), 1);
    assert_eq!(stroke(&paper), 3);
    // and more ink than the screen style at the same size: thicker lines, larger text
    let o = depthsim(&["report", sized.to_str().unwrap(), "--size", "1000x700"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ink_screen = dark_share(&sized.join("plots/mid.png"));
    let ink_paper = dark_share(&paper.join("plots/mid.png"));
    assert!(ink_paper > 1.2 * ink_screen, "{ink_paper} vs {ink_screen}");
    // --scale doubles the default sizes
    let o = depthsim(&["report", scaled.to_str().unwrap(), "--scale", "2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(png_size(&scaled.join("plots/mid.png")), (2400, 660));
}

/// Every number in an HTML page's table cells (`<td>…</td>`) that is not whole: its text.
fn table_fractions(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for cell in html.split("<td").skip(1) {
        let text = cell
            .split_once('>')
            .unwrap()
            .1
            .split("</td>")
            .next()
            .unwrap();
        for word in
            text.split(|c: char| c.is_whitespace() || matches!(c, '[' | ']' | ',' | '(' | ')'))
        {
            let w = word.trim_start_matches(['−', '-', '+']);
            if !w.is_empty()
                && w.bytes().next().unwrap().is_ascii_digit()
                && (w.contains('.') || w.contains('e'))
                && w.parse::<f64>().is_ok()
            {
                out.push(word.to_string());
            }
        }
    }
    out
}

/// Significant digits of a number as written.
fn significant_digits(number: &str) -> usize {
    number
        .trim_start_matches(['-', '+', '−'])
        .split(['e', 'E'])
        .next()
        .unwrap()
        .trim_start_matches(['0', '.'])
        .bytes()
        .filter(u8::is_ascii_digit)
        .count()
}

#[test]
fn html_tables_show_at_most_four_significant_digits() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("fc");
    run_into(
        "scenarios/flash_crash_halt.toml",
        &out,
        &["run.duration_s=120.0", "shocks[0].start_s=30.0"],
    );
    // summary.csv holds long fractions (the check would fail on them)
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        table_fractions(&format!("<td>{}</td>", summary.replace(',', " ")))
            .iter()
            .any(|n| significant_digits(n) > 4),
        "summary.csv has a number with more than 4 significant digits"
    );
    report_ok(&out);
    for page in ["index.html", "realism.html"] {
        let html = fs::read_to_string(out.join(page)).unwrap();
        let numbers = table_fractions(&html);
        assert!(numbers.len() > 10, "{page}: {numbers:?}");
        for n in &numbers {
            assert!(significant_digits(n) <= 4, "{page}: {n}");
        }
    }
}

#[test]
fn time_plots_mark_programs_halts_and_withdrawals_with_a_key() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("fch");
    run_into(
        "scenarios/flash_crash_halt.toml",
        &out,
        &["run.duration_s=300.0", "shocks[0].start_s=60.0"],
    );
    let events = fs::read_to_string(out.join("events.csv")).unwrap();
    assert!(events.contains(",halt_start,"), "the run halts");
    report_ok(&out);
    for plot in ["mid", "spread", "depth", "makers_inventory", "makers_state"] {
        let svg = fs::read_to_string(out.join(format!("plots/{plot}.svg"))).unwrap();
        assert!(
            svg.contains("sell program (line: start"),
            "{plot}: program's key"
        );
        assert!(
            svg.contains("halt (grey: book halted)"),
            "{plot}: halt's key"
        );
    }
    let depth = fs::read_to_string(out.join("plots/depth.svg")).unwrap();
    if events.contains(",withdrawn,") {
        assert!(depth.contains("a maker withdraws"), "withdrawal's key");
    }
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("Events marked on the time plots"));
    assert!(index.contains("shock: sell_program") && index.contains("<td class=\"k\">halt</td>"));
    // a run without events has no key of markers
    let calm = t.path().join("zi");
    run_into("scenarios/zi_only.toml", &calm, &["run.duration_s=30.0"]);
    report_ok(&calm);
    let svg = fs::read_to_string(calm.join("plots/mid.svg")).unwrap();
    assert!(!svg.contains("halt (grey") && !svg.contains("program (line"));
}

#[test]
fn the_net_delta_panel_appears_only_when_it_differs_from_inventory() {
    let t = tempfile::tempdir().unwrap();
    let plain = t.path().join("plain");
    run_into("scenarios/tiny.toml", &plain, &["run.duration_s=30.0"]);
    report_ok(&plain);
    let (_, h, _) = png_ink(&plain.join("plots/makers_inventory.png"));
    assert_eq!(h, 330, "one panel: nobody hedges or holds options");
    let svg = fs::read_to_string(plain.join("plots/makers_inventory.svg")).unwrap();
    assert!(!svg.contains("net delta"));
    let gamma = t.path().join("gamma");
    run_into(
        "scenarios/long_gamma.toml",
        &gamma,
        &["run.duration_s=60.0"],
    );
    report_ok(&gamma);
    let (_, h, _) = png_ink(&gamma.join("plots/makers_inventory.png"));
    assert_eq!(
        h, 660,
        "two panels: the options' delta makes net delta differ"
    );
    let svg = fs::read_to_string(gamma.join("plots/makers_inventory.svg")).unwrap();
    assert!(svg.contains("net delta"));
}
