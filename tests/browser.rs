//! `report.html` in a real browser: headless Chromium loads it from disk with networking disabled, its DOM holds the
//! headline numbers of `summary.json`, and a screenshot of it is a real picture (not a blank page).
//!
//! Needs `/usr/bin/chromium` (`.ci/run` installs it). Without it the test prints a note and passes, unless the
//! environment variable `CI` is set: then a missing browser is a failure.

mod common;
use common::*;

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
