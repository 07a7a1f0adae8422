//! `report.html` and `summary.md`: built from a small baseline run, they carry the headline numbers of
//! `summary.json` and the analysis sections (populations, stages, notified dates, fast-track share), make no
//! external requests, give every chart a text alternative, document every scenario key with its source note, and
//! are rebuilt byte for byte by `dormsim report`.

mod common;
use assert_cmd::Command;
use common::*;
use dormsim::experiment::Summary;
use dormsim::output::charts::Chart;
use dormsim::output::{RunDir, report};
use std::fs;
use std::path::{Path, PathBuf};

/// Run a small baseline (5 000 installations, 3 replications) and write it with its report into a temporary folder.
fn small_run() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = write_baseline_run(dir.path(), &["fleet.installations=5000", "run.replications=3"]).dir;
    (dir, out)
}

fn read_summary(dir: &Path) -> Summary {
    serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

/// Values of `attr="…"` (or `attr='…'`) attributes in `html`.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let pattern = format!("{attr}={quote}");
        let mut rest = html;
        while let Some(i) = rest.find(&pattern) {
            let value = &rest[i + pattern.len()..];
            let end = value.find(quote).unwrap_or(value.len());
            out.push(&value[..end]);
            rest = &value[end..];
        }
    }
    out
}

#[test]
fn the_report_states_the_headline_numbers_documents_the_assumptions_and_is_self_contained() {
    let (_tmp, out) = small_run();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let md = fs::read_to_string(out.join("summary.md")).unwrap();
    let summary = read_summary(&out);
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);

    // The headline numbers of summary.json, formatted as the report formats working days (2 decimals): the mean
    // reduction of the second option on both clocks, and each option's mean dormancy.
    let c = &summary.comparisons[0];
    for text in [&html, &md] {
        for x in [c.mean_reduction_wd, c.mean_reduction_restored_wd, c.mean_site_reduction_wd] {
            assert!(text.contains(&format!("{x:.2}")), "{x:.2} missing");
        }
        let [lo, hi] = c.ci95.unwrap();
        assert!(text.contains(&format!("{lo:.2}–{hi:.2}")), "CI {lo:.2}–{hi:.2} missing");
        assert!(text.contains(&format!("{:.1}%", c.share_sites_faster * 100.0)));
        for o in summary.options.values() {
            assert!(text.contains(&format!("{:.2}", o.dormancy_wd.mean)));
            assert!(text.contains(&format!("{:.2}", o.restored_wd.mean)));
        }
    }
    assert!(md.contains(&format!("**{:.2} working days**", c.mean_reduction_wd)), "{md}");

    // Self-contained: no resource or link leaves the file (in-page anchors only), no scripts, no CSS imports.
    for attr in ["src", "href", "xlink:href", "action"] {
        for v in attribute_values(&html, attr) {
            assert!(v.starts_with('#') || v.starts_with("data:"), "{attr}={v:?} is an external reference");
        }
    }
    let lower = html.to_lowercase();
    for bad in ["<script", "<link", "@import", "url(http", "<iframe", "<object", "<embed"] {
        assert!(!lower.contains(bad), "{bad} in report.html");
    }

    // The assumptions table: one row per key with its value, its assumptions-register entry (basis and quality
    // badges, source, range) and the comment of its line (and the indented continuation lines below it), the
    // ASSUMPTION / CALIBRATED marks shown as badges.
    assert!(html.contains("dcc.<wbr>daily_capacity</code></td><td><code>34500</code>"), "daily_capacity row");
    let row = &html[html.find("dcc.<wbr>daily_capacity</code>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("≈33 k *successful* migrations per WD"), "{row}");
    assert!(row.contains("÷ (1 − 5% failures) ≈ 34.5 k attempts"), "continuation line: {row}");
    assert!(row.contains("<span class=\"badge calibrated\">CALIBRATED</span>"), "{row}");
    assert!(row.contains("quality medium") && row.contains("range 31000 to 40000"), "{row}");
    assert!(html.contains("fleet.<wbr>cohorts.<wbr>MOC-MDS.<wbr>dmcs.<wbr>honeywell-elster-1"), "inline-table key");
    assert!(html.contains("<span class=\"badge assumption\">ASSUMPTION</span>"));
    // The overrides are listed separately, with the value in the file they replace.
    let overrides = &html[html.find("<table class=\"overrides\">").unwrap()..];
    let overrides = &overrides[..overrides.find("</table>").unwrap()];
    assert!(
        overrides.contains("<code>fleet.installations</code></td><td><code>5000</code></td><td><code>100000</code>")
    );
    assert!(overrides.contains("<code>run.replications</code></td><td><code>3</code></td><td><code>10</code>"));

    // Methods and manifest.
    for rule in ["R1", "R8", "R12", "R21"] {
        assert!(html.contains(&format!("<th scope=\"row\">{rule}<span")), "{rule}");
    }
    assert!(html.contains(&summary.scenario_hash), "scenario hash in the manifest section");
    assert!(html.contains("Warm-up: none"));
}

#[test]
fn dormsim_report_rebuilds_the_same_report_and_summary() {
    let (_tmp, out) = small_run();
    let before: Vec<Vec<u8>> = ["report.html", "summary.md"].iter().map(|f| fs::read(out.join(f)).unwrap()).collect();
    Command::cargo_bin("dormsim").unwrap().arg("report").arg(&out).assert().success();
    for (f, old) in ["report.html", "summary.md"].iter().zip(&before) {
        assert!(fs::read(out.join(f)).unwrap() == *old, "{f} differs after `dormsim report`");
    }
    // No staging folder left behind.
    let leftovers: Vec<_> = fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn the_report_inlines_any_number_of_charts_and_says_so_when_there_are_none() {
    let (_tmp, out) = small_run();
    let run = RunDir::load(&out).unwrap();

    let none = report::html(&run, &[]);
    assert!(none.contains("No charts were produced for this run."));
    assert!(!none.contains("<figure"));

    // Two charts: one as an SVG file with an XML declaration and no viewBox, one with markup in its title.
    let charts = [
        Chart {
            stem: "first".into(),
            title: "Dormancy <by> option & more".into(),
            alt: "Bars of \"dormancy\" by option".into(),
            svg: "<?xml version=\"1.0\"?>\n<svg width=\"800\" height=\"600\" xmlns=\"http://www.w3.org/2000/svg\">\
                  <rect width=\"10\" height=\"10\"/></svg>\n"
                .into(),
        },
        Chart {
            stem: "second".into(),
            title: "Second".into(),
            alt: "A second chart".into(),
            svg:
                "<svg width=\"400\" height=\"300\" viewBox=\"0 0 400 300\" xmlns=\"http://www.w3.org/2000/svg\"></svg>"
                    .into(),
        },
    ];
    let html = report::html(&run, &charts);
    assert!(!html.contains("No charts were produced"));
    assert_eq!(html.matches("<figure").count(), 2);
    assert!(!html.contains("<?xml"), "the XML declaration is dropped when inlining");
    assert!(html.contains("<svg viewBox=\"0 0 800 600\" width=\"800\""), "a viewBox is added so the chart scales");
    assert!(
        html.contains("role=\"img\" aria-label=\"Bars of &quot;dormancy&quot; by option\">"),
        "the text alternative is the SVG's accessible name, escaped"
    );
    assert_eq!(html.matches("viewBox=\"0 0 400 300\"").count(), 1, "an existing viewBox is kept as it is");
    assert!(html.contains("<strong>Figure 1.</strong> Dormancy &lt;by&gt; option &amp; more"));
    assert!(html.contains("<strong>Figure 2.</strong> Second"));
    // The Markdown summary is built from the run and its charts: with the run's own charts, the written file.
    let (drawn, _) = dormsim::output::charts::render_all(&run, &out.join("redrawn")).unwrap();
    assert_eq!(report::markdown(&run, &drawn), fs::read_to_string(out.join("summary.md")).unwrap());
}

#[test]
fn the_report_and_summary_have_the_population_stage_notified_date_and_fast_track_sections() {
    let (_tmp, out) = small_run();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let md = fs::read_to_string(out.join("summary.md")).unwrap();
    let summary = read_summary(&out);
    let headings = [
        "Who gains: dormancy by population",
        "Who gains, group by group: cohort, SMSO, supplier and payment",
        "What dormancy is spent on",
        "Notified dates kept",
        "Fast-track share (the consultation&#39;s 7%)",
        "Partial dormancy (R4) and lost service (R12)",
    ];
    for (n, h) in headings.iter().enumerate() {
        // Numbered after the headline findings, and listed in the contents.
        assert!(html.contains(&format!("<h2>{}. {h}</h2>", n + 2)), "{h}");
        assert!(md.contains(&format!("## {}", h.replace("&#39;", "'"))), "{h} in summary.md");
    }

    // Per population and option: the mean dormancy with its CI; per comparison: the paired reduction.
    let eligible = &summary.options["expedited"].populations["fast_track_eligible"];
    for text in [&html, &md] {
        assert!(text.contains(&eligible.label), "{}", eligible.label);
        assert!(text.contains(&format!("{:.2}", eligible.dormant_wd.mean)));
        let c = &summary.comparisons[0].populations["fast_track_eligible"];
        let [lo, hi] = c.reduction_wd.ci95.unwrap();
        assert!(text.contains(&format!("{:.2}", c.reduction_wd.mean)));
        assert!(text.contains(&format!("{lo:.2}–{hi:.2}")), "reduction CI {lo:.2}–{hi:.2}");
        // The stage labels of the decomposition, the notified dates kept, the fast-track share and the 0.41 reading.
        for stage in dormsim::metrics::Stage::ALL {
            assert!(text.contains(stage.label()), "{}", stage.label());
        }
        let kept = summary.options["standard"].notified_dates.kept_share;
        assert!(text.contains(&format!("{:.1}%", 100.0 * kept)));
        let share = summary.options["expedited"].fast_track.fast_track_share;
        assert!(text.contains(&format!("{:.1}%", 100.0 * share)));
        assert!(text.contains(&format!("{:.1}%", 100.0 * share * 0.41)), "the all-switchers reading");
        assert!(text.contains("shared/domain.md R17"));
    }

    // The findings lead with the fast-track-eligible population, and keep the mixed figure labelled as such.
    let findings = &html[html.find("id=\"findings\"").unwrap()..html.find("id=\"populations\"").unwrap()];
    let lead = findings.find("Who the fast track is for").expect("lead finding");
    let mixed = findings.find("this mixes populations").expect("the mixed figure, labelled");
    assert!(lead < mixed);
    assert!(findings.contains("7 Working Days"), "expedited against prioritised, the consultation's 7 WD");

    // The breakdown chart sits in its section as Figure 1, the decomposition chart in its own as Figure 2, each with
    // a text alternative; every inlined chart has one.
    let groups = &html[html.find("id=\"groups\"").unwrap()..html.find("id=\"decomposition\"").unwrap()];
    assert!(groups.contains("<figure id=\"fig-breakdown_reduction\">"));
    assert!(groups.contains("<strong>Figure 1.</strong>"));
    let section = &html[html.find("id=\"decomposition\"").unwrap()..html.find("id=\"notified\"").unwrap()];
    assert!(section.contains("<figure id=\"fig-dormancy_decomposition\">"));
    assert!(section.contains("<strong>Figure 2.</strong>"));
    assert_eq!(html.matches("<figure").count(), 8, "each chart once");
    assert_eq!(html.matches("<svg").count(), html.matches("role=\"img\" aria-label=\"").count());
    assert!(md.contains("](charts/dormancy_decomposition.png)"), "summary.md links the chart with alt text");
}

#[test]
fn issue14_a_run_with_a_set_says_so_in_its_title_and_describes_the_option_as_run() {
    // `--set options.expedited.notice_wd=10`: the page title and header say the scenario was changed, the change
    // is listed, and expedited is described as run (10 WD), not only by the file's "migration at 8 WD" text.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let status = Command::cargo_bin("dormsim")
        .unwrap()
        .args(["run", "--sites", "500", "--replications", "2", "--set", "options.expedited.notice_wd=10", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(stdout.starts_with("scenario baseline-2020 changed for this run: options.expedited.notice_wd=10"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<title>SMETS1 dormancy after Change of Supplier: baseline-2020 (modified)</title>"));
    assert!(
        html.contains("Changed from the scenario file for this run:</strong> <code>options.expedited.notice_wd=10")
    );
    assert!(html.contains("As run: notice at once: migration 10 WD after the notice"), "expedited as run");
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("(modified)") && md.contains("  - as run: notice at once: migration 10 WD after the notice"));
    let svg = std::fs::read_to_string(out.join("charts/dormancy_reduction.svg")).unwrap();
    assert!(svg.contains("changed: options.expedited.notice_wd=10"), "chart subtitle");
}

#[test]
fn issue14_every_chart_in_the_report_and_the_summary_has_a_text_alternative_with_numbers() {
    let (_tmp, out) = small_run();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let md = fs::read_to_string(out.join("summary.md")).unwrap();
    let charts: Vec<String> = fs::read_dir(out.join("charts"))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_str().and_then(|n| n.strip_suffix(".svg")).map(String::from))
        .collect();
    assert_eq!(charts.len(), 8, "{charts:?}");
    // In the report each chart is an inline SVG whose opening tag names it (role="img", aria-label) and whose
    // first child is a <title> with the same text; each text states a finding with numbers, not only a title.
    assert_eq!(html.matches("<svg").count(), charts.len());
    for svg in html.split("<svg").skip(1) {
        let open = &svg[..svg.find('>').unwrap()];
        assert_eq!(open.matches(" role=\"img\"").count(), 1, "one role per chart: {open}");
        let label = attribute_values(open, "aria-label");
        assert_eq!(label.len(), 1, "{open}");
        assert!(label[0].len() > 100 && label[0].chars().any(|c| c.is_ascii_digit()), "{}", label[0]);
        let title = svg.split_once("<title>").unwrap().1.split_once("</title>").unwrap().0;
        assert_eq!(title, label[0]);
    }
    // summary.md links every chart's PNG once, with its text alternative.
    for stem in &charts {
        let link = format!("](charts/{stem}.png)");
        assert_eq!(md.matches(&link).count(), 1, "{stem}");
        let alt = md.split(&link).next().unwrap().rsplit("![").next().unwrap();
        assert!(alt.len() > 100 && alt.chars().any(|c| c.is_ascii_digit()), "{stem}: {alt}");
    }
}
