//! `report.html` in a real browser: headless Chromium loads it from disk with networking disabled, its DOM holds the
//! headline numbers of `summary.json` and, in "Validation and limitations", every public figure with the model's
//! value, difference and result exactly as `summary.json`'s `validation` has them, and a screenshot of it is a real
//! picture (not a blank page).
//!
//! Needs `/usr/bin/chromium` (`.ci/run` installs it). Without it the test prints a note and passes, unless the
//! environment variable `CI` is set: then a missing browser is a failure.

mod common;
use common::*;

use dormsim::experiment::Summary;
use dormsim::experiment::validation::{ValidationRow, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CHROMIUM: &str = "/usr/bin/chromium";

/// `None` (after a note) when the browser is missing outside CI; panics when it is missing in CI.
fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{CHROMIUM} is missing and CI is set: install it (apt-get install chromium), as .ci/run does");
    }
    eprintln!("note: {CHROMIUM} not found; skipping the browser test (set CI=1 to make this a failure)");
    None
}

/// Run headless Chromium on `url` with a throw-away profile and networking features off, plus `args`.
fn headless(browser: &Path, profile: &Path, args: &[&str], url: &str) -> Output {
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("chromium starts");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

#[test]
fn chromium_renders_the_report_with_its_headline_numbers() {
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let written = write_baseline_run(tmp.path(), &["fleet.installations=5000", "run.replications=3"]);
    let (summary, out) = (written.summary, written.dir);
    let report = out.join("report.html").canonicalize().unwrap();
    let url = format!("file://{}", report.display());
    let profile = tmp.path().join("profile");

    // The DOM as the browser parsed it holds the headline numbers (2 decimals, as the report formats them).
    let dom = String::from_utf8(headless(&browser, &profile, &["--dump-dom"], &url).stdout).unwrap();
    assert!(dom.contains("Headline findings"), "{}", &dom[..dom.len().min(400)]);
    let c = &summary.comparisons[0];
    for x in [c.mean_reduction_wd, c.mean_reduction_restored_wd, c.extra_manual_fte.abs()] {
        assert!(dom.contains(&format!("{x:.2}")), "{x:.2} not in the DOM");
    }
    for o in summary.options.values() {
        assert!(dom.contains(&format!("{:.2}", o.dormancy_wd.mean)));
    }

    // "Validation and limitations": the table's rows are summary.json's `validation`, number for number.
    let json: Summary = serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    check_validation_section(&dom, &json.validation);

    // A screenshot decodes as a PNG of the window's size and is a picture: many colours, not one.
    let shot = tmp.path().join("shot.png");
    let arg = format!("--screenshot={}", shot.display());
    headless(&browser, &profile, &[&arg, "--window-size=1280,2000"], &url);
    let img = image::open(&shot).expect("the screenshot decodes").to_rgb8();
    assert_eq!((img.width(), img.height()), (1280, 2000));
    let colours: HashSet<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 16, "only {} distinct colours: a blank page?", colours.len());
    let white = img.pixels().filter(|p| p.0 == [255, 255, 255]).count();
    let total = (img.width() * img.height()) as usize;
    assert!(white < total * 98 / 100, "{white} of {total} pixels are white: nothing rendered?");
}

/// The text of the first element `<tag …>…</tag>` at or after `from`, and where it ends.
fn element<'a>(html: &'a str, tag: &str, from: usize) -> Option<(&'a str, usize)> {
    let start = from + html[from..].find(&format!("<{tag}"))?;
    let body = start + html[start..].find('>')? + 1;
    let end = body + html[body..].find(&format!("</{tag}>"))?;
    Some((&html[body..end], end + tag.len() + 3))
}

/// Every element `<tag …>…</tag>` of `html`, in order (not nested in each other).
fn elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((text, next)) = element(html, tag, at) {
        out.push(text);
        at = next;
    }
    out
}

/// Text without tags, entities decoded, whitespace collapsed.
fn plain(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    text.replace("&amp;", "&").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A cell's first line (before its `<span class="ci">` second line) and that second line.
fn cell_lines(cell: &str) -> (String, String) {
    match cell.find("<span") {
        Some(i) => (plain(&cell[..i]), plain(&cell[i..])),
        None => (plain(cell), String::new()),
    }
}

/// 1234567.4 → "1,234,567" (whole numbers with thousands separators, as the report writes counts).
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" { format!("-{out}") } else { out }
}

/// A value as the report writes it for the row's unit.
fn shown(r: &ValidationRow, v: &Value) -> String {
    match (v, r.unit.as_str()) {
        (Value::Month(m), _) => m.clone(),
        (Value::Number(x), "share") => format!("{:.1}%", x * 100.0),
        (Value::Number(x), "working days") => format!("{x:.2}"),
        (Value::Number(x), _) => thousands(*x),
    }
}

fn check_validation_section(dom: &str, rows: &[ValidationRow]) {
    assert!(!rows.is_empty(), "the baseline carries public figures");
    let start = dom.find("<section id=\"validation\"").expect("a section with id validation");
    let (section, _) = element(dom, "section", start).unwrap();
    assert!(section.contains("Validation and limitations"));
    let within = rows.iter().filter(|r| r.within()).count();
    let compared = rows.iter().filter(|r| r.difference.is_some()).count();
    assert!(
        plain(section).contains(&format!("{within} of {compared} are within their tolerance")),
        "{}",
        plain(section)
    );
    let (table, _) = element(section, "tbody", 0).expect("the validation table");
    let trs = elements(table, "tr");
    assert_eq!(trs.len(), rows.len(), "one table row per public figure");
    for (tr, r) in trs.iter().zip(rows) {
        let th = element(tr, "th", 0).unwrap().0;
        let tds = elements(tr, "td");
        assert!(cell_lines(th).0.starts_with(&r.label), "{:?} is not {}", cell_lines(th).0, r.label);
        if let (Some(m), "installations") = (&r.model_month, r.unit.as_str()) {
            assert!(cell_lines(th).0.ends_with(&format!("(the model's: {m})")), "{}: the model's month", r.label);
        }
        let source = r.source.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(cell_lines(th).1.starts_with(&source), "{}: the source {:?}", r.label, cell_lines(th).1);
        assert!(cell_lines(tds[0]).0.ends_with(&shown(r, &r.figure)), "{}: figure {:?}", r.label, tds[0]);
        let model = r.model.as_ref().map_or_else(|| "–".to_string(), |v| shown(r, v));
        assert_eq!(cell_lines(tds[1]).0, model, "{}: model", r.label);
        if let (Some([lo, hi]), "installations") = (r.model_ci95, r.unit.as_str()) {
            assert_eq!(cell_lines(tds[1]).1, format!("95% CI {} to {}", thousands(lo), thousands(hi)), "{}", r.label);
        }
        if let (Some(d), "installations" | "working days") = (r.difference, r.unit.as_str()) {
            let sign = if d > 0.0 { "+" } else { "" };
            assert_eq!(
                cell_lines(tds[2]).0,
                format!("{sign}{}", shown(r, &Value::Number(d))),
                "{}: difference",
                r.label
            );
        }
        let result = match r.status {
            dormsim::experiment::validation::Status::Within => "within tolerance",
            dormsim::experiment::validation::Status::Outside => "outside tolerance",
            dormsim::experiment::validation::Status::OutsideRun => "outside the run",
            dormsim::experiment::validation::Status::NoValue => "no model value",
        };
        assert_eq!(cell_lines(tds[4]).0, result, "{}: result", r.label);
    }
    // The limitations are listed after the table.
    assert!(plain(section).contains("Known limitations of the model"));
    assert!(plain(section).contains("Intervals are simulation noise only"));
}

/// `dormsim ARGS`, which must succeed.
fn dormsim_ok(args: &[&std::ffi::OsStr]) {
    assert_cmd::Command::cargo_bin("dormsim").unwrap().args(args).assert().success();
}

/// "+3.01" as the report writes a difference with 2 decimals ("0.00" for zero, never "-0.00").
fn signed_2(x: f64) -> String {
    let s = format!("{x:+.2}");
    if s == "+0.00" || s == "-0.00" { "0.00".to_string() } else { s }
}

fn unsigned_2(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" { "0.00".to_string() } else { s }
}

#[test]
fn issue14_chromium_shows_the_paired_differences_of_a_comparison_as_its_summary_json_has_them() {
    use dormsim::output::compare::{CompareSummary, figure_label};
    let Some(browser) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    for (scenario, dir) in [("scenarios/baseline.toml", &a), ("scenarios/slow-dcc-readiness.toml", &b)] {
        let args = ["run", scenario, "--sites", "20000", "--replications", "3", "-q", "--out"];
        let mut all: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
        all.push(dir.as_os_str());
        dormsim_ok(&all);
    }
    dormsim_ok(&["compare".as_ref(), a.as_os_str(), b.as_os_str(), "--out".as_ref(), c.as_os_str(), "-q".as_ref()]);
    let s: CompareSummary = serde_json::from_str(&std::fs::read_to_string(c.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s.runs[1].pairing, "paired", "same seed, fleet and replications: {}", s.runs[1].pairing_note);

    let url = format!("file://{}", c.join("report.html").canonicalize().unwrap().display());
    let dom = String::from_utf8(headless(&browser, &tmp.path().join("profile"), &["--dump-dom"], &url).stdout).unwrap();
    let start = dom.find("<section id=\"differences\"").expect("the differences section");
    let (section, _) = element(&dom, "section", start).unwrap();
    let (tbody, _) = element(section, "tbody", 0).expect("the headline table");
    let (mut option, mut checked) = (String::new(), 0);
    for tr in elements(tbody, "tr") {
        let th = cell_lines(element(tr, "th", 0).unwrap().0).0;
        let tds = elements(tr, "td");
        if tds.is_empty() {
            option = th; // an option's heading row
            continue;
        }
        let f = s.figures.iter().find(|f| f.option == option && figure_label(f) == th).expect("a figure of the table");
        if f.unit != "WD" && f.unit != "FTE (GB scale)" {
            continue;
        }
        // Columns: A, B, B − A (with its CI below), pairing.
        let d = f.difference("B").unwrap();
        let [lo, hi] = d.ci95.expect("3 replications give an interval");
        assert_eq!(cell_lines(tds[2]).0, signed_2(d.difference), "{option} {th}");
        assert_eq!(cell_lines(tds[2]).1, format!("95% CI [{}, {}]", unsigned_2(lo), unsigned_2(hi)), "{option} {th}");
        assert_eq!(cell_lines(tds[1]).0, unsigned_2(f.value("B").unwrap().mean), "{option} {th}");
        assert_eq!(cell_lines(tds[3]).0, "paired");
        checked += 1;
    }
    // Per option: three populations' dormancy, restored service, manual effort (+ extra effort and the fast-track
    // reduction for the two compared options): 5 + 7 + 7.
    assert_eq!(checked, 19, "rows checked");
    // Slower readiness lengthens the wait for restored service for every option, clearly beyond the noise.
    for option in &s.options {
        let d = s.figure("restored_wd", None, option).unwrap().difference("B").unwrap();
        assert!(d.ci95.unwrap()[0] > 0.0, "{option}: {d:?}");
    }
}
