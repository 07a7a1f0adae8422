//! Charts: every chart is written as SVG and PNG, its SVG carries the title, axis labels, one legend entry (or panel
//! or row) per option and the headline values of `summary.json`, every chart has a text alternative, rendering is
//! deterministic, and odd data (one replication, one option, empty tables, NaN) gives a chart with a note instead of
//! a panic.

mod common;
use common::*;
use dormsim::output::charts::{Chart, render_all};
use dormsim::output::{OutputError, RunDir};
use std::path::{Path, PathBuf};

const STEMS: [&str; 8] = [
    "dormancy_distribution",
    "dormancy_reduction",
    "dormant_stock",
    "manual_load",
    "manual_extra",
    "capacity",
    "dormancy_decomposition",
    "breakdown_reduction",
];

/// A small baseline run written to `dir/run` (the same way `dormsim run` writes it); returns the run folder.
fn write_baseline(dir: &Path, overrides: &[&str]) -> PathBuf {
    write_baseline_run(dir, overrides).dir
}

fn small_run(dir: &Path) -> RunDir {
    RunDir::load(&write_baseline(dir, &["fleet.installations=5000", "run.replications=3"])).unwrap()
}

/// The text of every `<text>` element, trimmed, unescaped for `&gt;`, `&lt;` and `&amp;`.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(body, _)| body))
        .map(|b| b.trim().replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&"))
        .collect()
}

fn chart<'a>(charts: &'a [Chart], stem: &str) -> &'a Chart {
    charts.iter().find(|c| c.stem == stem).unwrap_or_else(|| panic!("no chart {stem}"))
}

fn assert_texts(c: &Chart, expected: &[&str]) {
    let t = texts(&c.svg);
    for e in expected {
        assert!(t.iter().any(|x| x == e), "{}: no text {e:?} in {t:?}", c.stem);
    }
}

#[test]
fn every_chart_is_written_as_svg_and_png() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let out = tmp.path().join("charts_out");
    let (charts, files) = render_all(&run, &out).unwrap();
    let expected: Vec<String> =
        STEMS.iter().flat_map(|s| [format!("charts/{s}.svg"), format!("charts/{s}.png")]).collect();
    assert_eq!(files, expected);
    assert_eq!(charts.iter().map(|c| c.stem.as_str()).collect::<Vec<_>>(), STEMS);
    for c in &charts {
        let svg = std::fs::read_to_string(out.join(format!("charts/{}.svg", c.stem))).unwrap();
        assert_eq!(svg, c.svg, "{}: the returned SVG is the written one", c.stem);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"), "{}", c.stem);
        let png = std::fs::read(out.join(format!("charts/{}.png", c.stem))).unwrap();
        assert_eq!(&png[1..4], b"PNG", "{}", c.stem);
        assert!(png.len() > 20_000, "{}: PNG of {} bytes", c.stem, png.len());
    }
}

#[test]
fn svgs_carry_titles_axis_labels_and_one_entry_per_option() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    let options: Vec<&str> = run.summary.options.keys().map(String::as_str).collect();
    assert_eq!(options, ["standard", "expedited", "prioritised"]);
    let expected: [(&str, &str, Vec<&str>); 7] = [
        (
            "dormancy_distribution",
            "Dormancy until migration, by option",
            vec!["Share of episodes (%)", "Cumulative share (%)", "Dormancy, SSD to migration (working days)"],
        ),
        (
            "dormancy_reduction",
            "Reduction in mean dormancy against standard (paired, 95% CI: simulation noise only)",
            vec![
                "Reduction in mean dormancy vs standard, all migrated episodes begun in the run (mixes populations; WD; \
                 > 0 = faster)",
            ],
        ),
        (
            "dormant_stock",
            "Dormant installations over time, by option",
            vec!["Date (dormant at the end of each week)", "Installations (GB)", "Difference (GB)"],
        ),
        (
            "manual_load",
            "Staff effort per week, all parties (FTE at GB scale)",
            vec!["Staff effort (FTE, GB scale)", "Week starting", "shaded: 95% CI of the weekly mean"],
        ),
        (
            "manual_extra",
            "Extra manual work by case type against standard (paired, 95% CI: simulation noise only)",
            vec![
                "Extra staff effort, mean FTE per week at GB scale (option − standard; > 0 = more work)",
                "CoS check exception",
                "expedited − standard",
            ],
        ),
        (
            "capacity",
            "DCC migration capacity and SMSO load, per week",
            vec!["Attempts per week (GB)", "Installations (GB)", "Week starting", "DCC capacity per week (top)"],
        ),
        (
            "dormancy_decomposition",
            "Mean working days dormant per episode, inside the horizon, by stage",
            vec!["Mean working days dormant per episode, inside the horizon", "Stage:", "Notice period"],
        ),
    ];
    for (stem, title, labels) in expected {
        let c = chart(&charts, stem);
        assert_eq!(c.title, title);
        assert_texts(c, &[title]);
        assert_texts(c, &labels);
    }
    // One legend entry per option (the reduction chart: one row per compared option; manual load: one peak each).
    for stem in ["dormancy_distribution", "dormant_stock", "manual_load", "capacity", "dormancy_decomposition"] {
        assert_texts(chart(&charts, stem), &options);
    }
    assert_texts(chart(&charts, "dormancy_reduction"), &options[1..]);
    let manual = texts(&chart(&charts, "manual_load").svg);
    for o in &options {
        assert_eq!(manual.iter().filter(|t| t.starts_with(&format!("{o} peak "))).count(), 1, "{o}: {manual:?}");
    }
}

#[test]
fn charts_show_the_values_of_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    // Read summary.json as plain JSON, independently of the `Summary` type the charts use.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.dir.join("summary.json")).unwrap()).unwrap();
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    let reduction = texts(&chart(&charts, "dormancy_reduction").svg);
    for c in json["comparisons"].as_array().unwrap() {
        for (mean, ci) in [("mean_reduction_wd", "ci95"), ("mean_reduction_restored_wd", "ci95_restored")] {
            let label = format!("{:.2} WD [{:.2}, {:.2}]", f(&c[mean]), f(&c[ci][0]), f(&c[ci][1]));
            assert!(reduction.contains(&label), "{label} not in {reduction:?}");
        }
    }
    let distribution = texts(&chart(&charts, "dormancy_distribution").svg);
    let manual = texts(&chart(&charts, "manual_load").svg);
    for (name, o) in json["options"].as_object().unwrap() {
        let mean = format!("{name} mean {:.1} WD", f(&o["dormancy_wd"]["mean"]));
        assert!(distribution.contains(&mean), "{mean} not in {distribution:?}");
        let total = &o["manual_fte"]["total"];
        let peak = format!(
            "{name} peak {:.1} FTE (95% CI {:.1}–{:.1}), week starting {}",
            f(&total["peak_weekly"]),
            f(&total["peak_ci95"][0]),
            f(&total["peak_ci95"][1]),
            total["peak_week_start"].as_str().unwrap()
        );
        assert!(manual.contains(&peak), "{peak} not in {manual:?}");
    }
}

#[test]
fn rendering_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let (a, _) = render_all(&run, &tmp.path().join("a")).unwrap();
    let (b, _) = render_all(&run, &tmp.path().join("b")).unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert!(x.svg == y.svg, "{}: SVG differs between two renderings", x.stem);
        let png = |d: &str| std::fs::read(tmp.path().join(d).join(format!("charts/{}.png", x.stem))).unwrap();
        assert!(png("a") == png("b"), "{}: PNG differs between two renderings", x.stem);
    }
}

#[test]
fn one_replication_draws_points_without_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_baseline(tmp.path(), &["fleet.installations=2000", "run.replications=1"]);
    let run = RunDir::load(&dir).unwrap();
    assert!(run.summary.comparisons.iter().all(|c| c.ci95.is_none()));
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    let reduction = texts(&chart(&charts, "dormancy_reduction").svg);
    for c in &run.summary.comparisons {
        let label = format!("{:.2} WD (one replication: no CI)", c.mean_reduction_wd);
        assert!(reduction.contains(&label), "{label} not in {reduction:?}");
    }
    // No band legend with a single replication.
    for stem in ["dormant_stock", "manual_load"] {
        assert!(!texts(&chart(&charts, stem).svg).iter().any(|t| t.starts_with("shaded")), "{stem}");
    }
}

#[test]
fn odd_data_gives_notes_not_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let mut run = small_run(tmp.path());

    // NaN reductions: the row says n/a.
    run.summary.comparisons[0].mean_reduction_wd = f64::NAN;
    run.summary.comparisons[0].mean_reduction_restored_wd = f64::NAN;
    let (charts, _) = render_all(&run, &tmp.path().join("nan")).unwrap();
    assert!(texts(&chart(&charts, "dormancy_reduction").svg).iter().any(|t| t.starts_with("n/a")));

    // One option: nothing to compare.
    run.summary.options.truncate(1);
    run.summary.comparisons.clear();
    let (charts, _) = render_all(&run, &tmp.path().join("one")).unwrap();
    assert!(chart(&charts, "dormancy_reduction").svg.contains("Only one option"));
    assert!(chart(&charts, "breakdown_reduction").svg.contains("No option to compare"));
    assert!(chart(&charts, "manual_extra").svg.contains("nothing to compare"));
    assert_texts(chart(&charts, "dormant_stock"), &["standard"]);

    // Empty tables (the schema kept) and no replications: every chart but the reduction one is a note.
    run.distribution = run.distribution.head(Some(0));
    run.weekly = run.weekly.head(Some(0));
    run.manual_weekly = run.manual_weekly.head(Some(0));
    run.populations = run.populations.head(Some(0));
    run.replications.clear();
    let (charts, files) = render_all(&run, &tmp.path().join("empty")).unwrap();
    assert_eq!(files.len(), 2 * STEMS.len());
    for stem in ["dormancy_distribution", "dormant_stock", "manual_load", "capacity", "dormancy_decomposition"] {
        assert!(chart(&charts, stem).svg.contains("nothing to show"), "{stem}");
    }
    assert!(chart(&charts, "manual_extra").svg.contains("nothing to compare"));
}

#[test]
fn a_missing_column_is_a_chart_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mut run = small_run(tmp.path());
    run.weekly = run.weekly.drop("dcc_attempts_mean").unwrap();
    match render_all(&run, &tmp.path().join("out")) {
        Err(OutputError::Chart { path, message }) => {
            assert!(path.ends_with("weekly.parquet"), "{path:?}");
            assert!(message.contains("dcc_attempts_mean"), "{message}");
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("rendered without a column"),
    }
}

#[test]
fn the_decomposition_chart_is_written_with_one_panel_per_population_and_the_totals_of_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let out = tmp.path().join("out");
    let (charts, files) = render_all(&run, &out).unwrap();
    assert!(files.contains(&"charts/dormancy_decomposition.svg".to_string()), "{files:?}");
    let c = chart(&charts, "dormancy_decomposition");

    // The SVG is a whole document with balanced text elements, and the PNG a real picture.
    let svg = std::fs::read_to_string(out.join("charts/dormancy_decomposition.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    assert!(svg.matches("<rect").count() > 9, "stacked bars are rectangles");
    let png = std::fs::read(out.join("charts/dormancy_decomposition.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 20_000, "PNG of {} bytes", png.len());

    // One caption per population of summary.json, and each bar ends in its population's mean, "37.1 WD".
    let t = texts(&c.svg);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.dir.join("summary.json")).unwrap()).unwrap();
    for o in json["options"].as_object().unwrap().values() {
        for p in o["populations"].as_object().unwrap().values() {
            let caption = p["label"].as_str().unwrap();
            assert!(t.iter().any(|x| x.starts_with(&format!("{caption}: "))), "no panel {caption} in {t:?}");
            let total = format!("{:.1} WD", p["dormant_wd"]["mean"].as_f64().unwrap());
            assert!(t.contains(&total), "{total} not in {t:?}");
        }
    }
    // The text alternative names every option and population.
    for name in run.summary.options.keys() {
        assert!(c.alt.contains(name.as_str()), "{name} not in {}", c.alt);
    }
}

#[test]
fn every_chart_has_a_text_alternative_with_its_values() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    for c in &charts {
        assert!(c.alt.len() > 80, "{}: alt text {:?} too short to describe the chart", c.stem, c.alt);
        assert!(c.alt.chars().any(|ch| ch.is_ascii_digit()), "{}: alt text without a value: {}", c.stem, c.alt);
    }
}

/// The numbers written in an SVG's texts (tick labels and the like), where a text is a number alone.
fn numbers(svg: &str) -> Vec<f64> {
    texts(svg).iter().filter_map(|t| t.parse::<f64>().ok()).collect()
}

#[test]
fn issue14_the_reduction_axis_holds_every_ci_end_with_little_room_to_spare() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let (lo, hi) = dormsim::output::charts::reduction_x_range(&run.summary);
    // Every mean and CI end of summary.json's comparisons, and zero (the line the reductions are read against).
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.dir.join("summary.json")).unwrap()).unwrap();
    let mut ends = vec![0.0];
    for c in json["comparisons"].as_array().unwrap() {
        for (m, ci) in [("mean_reduction_wd", "ci95"), ("mean_reduction_restored_wd", "ci95_restored")] {
            ends.extend([c[m].as_f64().unwrap(), c[ci][0].as_f64().unwrap(), c[ci][1].as_f64().unwrap()]);
        }
    }
    let (min, max) = ends.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    assert!(lo <= min && hi >= max, "axis [{lo}, {hi}] must hold every CI end in [{min}, {max}]");
    // At most 10% of the data's span on either side (the issue's axis ran to 12 for values up to 7.7: 55% spare).
    let span = max - min;
    assert!(min - lo <= 0.1 * span && hi - max <= 0.1 * span, "axis [{lo}, {hi}] for data [{min}, {max}]");
    // And the drawn axis is that one: its largest tick label is inside it.
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    let ticks = numbers(&chart(&charts, "dormancy_reduction").svg);
    let top = ticks.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    assert!(top <= hi && top >= 0.5 * max, "largest tick {top} for axis end {hi} ({ticks:?})");
}

#[test]
fn issue14_the_extra_manual_chart_shows_each_case_types_paired_difference_with_its_t_interval() {
    use dormsim::cases::ManualCase;
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let tmp = tempfile::tempdir().unwrap();
    let written = write_baseline_run(tmp.path(), &["fleet.installations=5000", "run.replications=3"]);
    let run = RunDir::load(&written.dir).unwrap();
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    let t = texts(&chart(&charts, "manual_extra").svg);
    let s = &written.scenario;
    // Expected, computed here from the raw replications: per replication, the option's cases of the type minus the
    // baseline's over the whole run (no warm-up in the baseline), × the scale for cases about one installation;
    // staff effort = that × minutes / 60 / hours per FTE-week, spread over horizon / 7 weeks; then the mean over
    // replications ± t(0.975, n − 1) · s / √n.
    let scale = run.summary.scale_to_represented;
    let weeks = f64::from(s.run.horizon_days) / 7.0;
    let t975 = StudentsT::new(0.0, 1.0, 2.0).unwrap().inverse_cdf(0.975);
    let mut checked = 0;
    for case in [ManualCase::CosCheckException, ManualCase::FirmwareReplan, ManualCase::CreditModeChase] {
        let minutes = s.manual.handling(case).minutes;
        let per_case = if case.per_installation() { scale } else { 1.0 };
        for o in 1..s.options.len() {
            let cases: Vec<f64> = run
                .replications
                .iter()
                .map(|r| {
                    let total = |k: usize| r.options[k].weekly.manual[case as usize].iter().sum::<u64>() as f64;
                    (total(o) - total(0)) * per_case
                })
                .collect();
            let fte: Vec<f64> =
                cases.iter().map(|c| c * minutes / 60.0 / s.manual.hours_per_fte_week / weeks).collect();
            let mean = fte.iter().sum::<f64>() / 3.0;
            let sd = (fte.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
            let half = t975 * sd / 3f64.sqrt();
            let sign = if mean > 0.0 { "+" } else { "" };
            let label = format!("{sign}{mean:.2} FTE [{:.2}, {:.2}]", mean - half, mean + half);
            assert!(t.iter().any(|x| x.starts_with(&label)), "{case:?} option {o}: {label} not in {t:?}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
    // The rows add up to the summary's paired extra FTE of each option (the difference of sums is the sum of the
    // differences), written in the text alternative.
    let alt = &chart(&charts, "manual_extra").alt;
    for c in &run.summary.comparisons {
        let total = format!(
            "{} {} {:.2} FTE per week in total",
            c.option,
            if c.extra_manual_fte >= 0.0 { "adds" } else { "saves" },
            c.extra_manual_fte.abs()
        );
        assert!(alt.contains(&total), "{total} not in {alt}");
    }
}

#[test]
fn issue14_every_chart_file_carries_its_text_alternative() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let out = tmp.path().join("out");
    let (charts, _) = render_all(&run, &out).unwrap();
    for c in &charts {
        let svg = std::fs::read_to_string(out.join(format!("charts/{}.svg", c.stem))).unwrap();
        let open = &svg[..svg.find('>').unwrap()];
        assert!(open.contains(" role=\"img\"") && open.contains(" aria-label=\""), "{}: {open}", c.stem);
        let title = svg.split_once("<title>").and_then(|(_, r)| r.split_once("</title>")).map(|(t, _)| t);
        let title = title.unwrap_or_else(|| panic!("{}: no <title>", c.stem));
        let unescaped = title.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        assert_eq!(unescaped, c.alt, "{}", c.stem);
    }
}

#[test]
fn issue14_the_stock_band_is_the_confidence_interval_of_the_mean_and_options_are_set_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let run = small_run(tmp.path());
    let (charts, _) = render_all(&run, &tmp.path().join("out")).unwrap();
    let c = chart(&charts, "dormant_stock");
    // With 3 replications an empirical 5–95% band would be the min–max: the band is the mean's t-interval instead.
    assert_texts(c, &["shaded: 95% CI of the mean over 3 replications (simulation noise only)"]);
    assert!(!texts(&c.svg).iter().any(|t| t.contains("5–95%")));
    // The options' difference from the baseline has its own panel, and the last week's difference is in the alt.
    assert!(texts(&c.svg).iter().any(|t| t.starts_with("Difference from standard: option − standard")));
    let end = |o: usize| {
        run.replications
            .iter()
            .map(|r| *r.options[o].weekly.stock(r.options[o].initial_stock).last().unwrap() as f64)
            .sum::<f64>()
            / 3.0
            * run.summary.scale_to_represented
    };
    let expected = format!("expedited {} at the end", thousands(end(1) - end(0)));
    assert!(c.alt.contains(&expected), "{expected} not in {}", c.alt);
}

/// 1234567.0 → "1,234,567" (as the charts write counts), computed here independently.
fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let grouped: Vec<String> =
        digits.as_bytes().rchunks(3).rev().map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    format!("{}{}", if v < 0.0 && digits != "0" { "-" } else { "" }, grouped.join(","))
}
