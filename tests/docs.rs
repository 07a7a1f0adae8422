//! The documentation's excerpts are real (issue 14, item 8): every fenced block in `docs/outputs.md` preceded by a
//! marker `<!-- excerpt: SOURCE -->` must be exactly what the binary writes for the command the docs give
//! (`dormsim run --out DIR --replications 3` on the embedded baseline). SOURCE is one of:
//!
//! - `console`: the console table (standard output);
//! - `compare console`: the console of `dormsim compare` of that run with `scenarios/slow-dcc-readiness.toml` run
//!   the same way;
//! - `FILE lines A-B`: lines A to B (1-based, inclusive) of a text file in the run folder, e.g. `weekly.csv lines 1-4`;
//! - `summary.json POINTER`: the value at a JSON pointer of `summary.json`, pretty-printed, e.g.
//!   `summary.json /comparisons/0/populations/backlog`.
//!
//! With `DORMSIM_BLESS=1` the test rewrites the blocks from the run instead (then review the diff). A second test
//! checks that every column of every table a run writes is documented in `docs/outputs.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn docs_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/outputs.md")
}

/// Run the documented command into `dir`; return its standard output.
fn documented_run(dir: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_dormsim"))
        .args(["run", "--out"])
        .arg(dir)
        .args(["--replications", "3", "--threads", "2"])
        .output()
        .expect("dormsim runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 console")
}

/// `dormsim compare` of the documented run in `dir` with the slow-DCC-readiness what-if run the same way; its
/// standard output.
fn documented_compare(dir: &Path) -> String {
    let parent = dir.parent().expect("a parent folder");
    let (slow, out) = (parent.join("slow"), parent.join("compare"));
    let scenario = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/slow-dcc-readiness.toml");
    let run = Command::new(env!("CARGO_BIN_EXE_dormsim"))
        .arg("run")
        .arg(&scenario)
        .arg("--out")
        .arg(&slow)
        .args(["--replications", "3", "--threads", "2", "-q"])
        .output()
        .expect("dormsim runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut compare = Command::new(env!("CARGO_BIN_EXE_dormsim"));
    compare.arg("compare").arg(dir).arg(&slow).arg("--out").arg(&out);
    let cmp = compare.output().expect("dormsim compare runs");
    assert!(cmp.status.success(), "{}", String::from_utf8_lossy(&cmp.stderr));
    // The folders as the docs name them, not the test's temporary ones.
    String::from_utf8(cmp.stdout)
        .expect("UTF-8 console")
        .replace(&dir.display().to_string(), "output/baseline-2020")
        .replace(&slow.display().to_string(), "output/slow-dcc-readiness")
}

/// The text SOURCE stands for, from the run in `dir` with console `console`.
fn excerpt(source: &str, dir: &Path, console: &str) -> Result<String, String> {
    if source == "console" {
        return Ok(console.trim_end().to_string());
    }
    if source == "compare console" {
        return Ok(documented_compare(dir).trim_end().to_string());
    }
    let (file, rest) = source.split_once(' ').ok_or_else(|| format!("bad excerpt source `{source}`"))?;
    if let Some(range) = rest.strip_prefix("lines ") {
        let (a, b) = range.split_once('-').ok_or_else(|| format!("bad line range `{range}`"))?;
        let (a, b): (usize, usize) = (a.parse().map_err(|_| "bad start")?, b.parse().map_err(|_| "bad end")?);
        let text = std::fs::read_to_string(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let lines: Vec<&str> = text.lines().collect();
        if a == 0 || b < a || b > lines.len() {
            return Err(format!("{file} has {} lines; `{range}` is out of range", lines.len()));
        }
        return Ok(lines[a - 1..b].join("\n"));
    }
    let text = std::fs::read_to_string(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    let value = json.pointer(rest.trim()).ok_or_else(|| format!("{file} has no `{rest}`"))?;
    Ok(serde_json::to_string_pretty(value).expect("JSON prints"))
}

/// One marked block: the marker's source and the line range of the fenced block's body.
struct Block {
    source: String,
    marker_line: usize,
    body: std::ops::Range<usize>,
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(source) = line.trim().strip_prefix("<!-- excerpt:").and_then(|s| s.strip_suffix("-->")) else {
            continue;
        };
        let open = (i + 1..lines.len()).find(|&j| lines[j].starts_with("```")).expect("a fence after the marker");
        assert!(open <= i + 2, "docs/outputs.md:{}: the fence must follow the marker", i + 1);
        let close = (open + 1..lines.len()).find(|&j| lines[j].starts_with("```")).expect("a closing fence");
        out.push(Block { source: source.trim().to_string(), marker_line: i + 1, body: open + 1..close });
    }
    out
}

#[test]
fn issue14_every_marked_excerpt_in_the_outputs_doc_is_what_the_binary_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docrun");
    let console = documented_run(&dir);
    let text = std::fs::read_to_string(docs_path()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let marked = blocks(&lines);
    assert!(marked.len() >= 5, "docs/outputs.md should mark its excerpts (found {})", marked.len());
    let bless = std::env::var_os("DORMSIM_BLESS").is_some();
    let mut out: Vec<String> = Vec::new();
    let mut next = 0;
    let mut stale = Vec::new();
    for b in &marked {
        let want = excerpt(&b.source, &dir, &console).unwrap_or_else(|e| panic!("line {}: {e}", b.marker_line));
        let have = lines[b.body.clone()].join("\n");
        out.extend(lines[next..b.body.start].iter().map(|s| s.to_string()));
        out.push(want.clone());
        next = b.body.end;
        if have != want {
            stale.push(format!("docs/outputs.md:{} `{}`", b.marker_line, b.source));
        }
    }
    out.extend(lines[next..].iter().map(|s| s.to_string()));
    if bless {
        std::fs::write(docs_path(), out.join("\n") + "\n").unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "these excerpts no longer match the binary's output (regenerate with DORMSIM_BLESS=1 cargo test --release \
         --test docs, then review the diff):\n{}",
        stale.join("\n")
    );
}

/// Backticked names in the doc; a `<word>` placeholder stands for any name part (`manual_fte_<party>_mean`).
fn documented(doc: &str) -> Vec<String> {
    doc.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

fn matches(pattern: &str, column: &str) -> bool {
    if !pattern.contains('<') {
        return pattern == column;
    }
    // Literal pieces between placeholders must appear in order, anchored at both ends.
    let pieces: Vec<&str> = pattern.split(['<', '>']).step_by(2).collect();
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !column.starts_with(first) || !column.ends_with(last) || column.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &column[first.len()..column.len() - last.len()];
    for piece in &pieces[1..pieces.len() - 1] {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    !rest.is_empty() || pieces.len() == 2
}

#[test]
fn issue14_every_column_of_every_table_a_run_writes_is_documented() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("docrun");
    documented_run(&dir);
    let doc = std::fs::read_to_string(docs_path()).unwrap();
    let names = documented(&doc);
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let header = std::fs::read_to_string(&path).unwrap().lines().next().unwrap_or_default().to_string();
        for column in header.split(',') {
            if !names.iter().any(|n| matches(n, column)) {
                missing.push(format!("{}: {column}", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    assert!(missing.is_empty(), "columns not documented in docs/outputs.md:\n{}", missing.join("\n"));
}

#[test]
fn a_placeholder_matches_any_name_part_and_literals_must_match() {
    assert!(matches("manual_fte_<party>_mean", "manual_fte_dcc_mean"));
    assert!(matches("manual_fte_<party>_mean", "manual_fte_gaining_supplier_mean"));
    assert!(!matches("manual_fte_<party>_mean", "manual_fte_dcc_ci_low"));
    assert!(matches("week", "week"));
    assert!(!matches("week", "week_start"));
}
