//! Atomic, honest output folders. Everything is written into a staging folder next to the destination; only when
//! it is complete does it replace the destination, by renaming (the previous folder is first renamed aside, then
//! removed), so a reader sees either the previous complete output or the new complete output, never a mix.
//!
//! - A staging folder is removed when its guard is dropped without being committed: on an error, and on a panic
//!   (unwinding runs the drop); so are the parent folders it had to create (no debris).
//! - Staging folders in progress are registered, so a signal handler (the CLI's, on Ctrl-C or SIGTERM) can undo
//!   them with [`abandon_all`] before exiting — including a commit caught between its two renames, whose previous
//!   folder is renamed back.
//! - A process killed outright (SIGKILL, power cut) can leave `.NAME.staging-PID` or `.NAME.previous-PID` beside
//!   the destination. [`recover`] (called before every write to that destination) restores a previous output that
//!   lost its place, removes the rest, and says what it did.
//! - [`check_destination`] is called before any work: it refuses a non-empty folder that dormsim did not write
//!   (no `manifest.json` naming a dormsim version) unless forced, and checks that the folder could be created and
//!   written, without creating anything.

use super::OutputError;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A write in progress: its staging folder, its destination, and the parent folders it created.
struct Pending {
    staging: PathBuf,
    out_dir: PathBuf,
    created: Vec<PathBuf>,
}

/// Writes in progress in this process.
static IN_PROGRESS: Mutex<Vec<Pending>> = Mutex::new(Vec::new());

fn registry() -> std::sync::MutexGuard<'static, Vec<Pending>> {
    IN_PROGRESS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Remove the folders in `created` (deepest first) that are still empty.
fn remove_created(created: &[PathBuf]) {
    for d in created.iter().rev() {
        let _ = fs::remove_dir(d);
    }
}

/// Undo every write in progress (for a signal handler about to exit): staging folders removed, a previous output
/// renamed aside by an unfinished commit put back, created parent folders removed. Returns how many were undone.
pub fn abandon_all() -> usize {
    let pending = std::mem::take(&mut *registry());
    for p in &pending {
        let _ = fs::remove_dir_all(&p.staging);
        let previous = sibling(&p.out_dir, "previous");
        if !p.out_dir.exists() && previous.exists() {
            let _ = fs::rename(&previous, &p.out_dir);
        }
        remove_created(&p.created);
    }
    pending.len()
}

/// The folder an output is written to, and its sibling names for staging and for the previous output.
fn sibling(out_dir: &Path, what: &str) -> PathBuf {
    sibling_of(out_dir, what, std::process::id())
}

fn sibling_of(out_dir: &Path, what: &str, pid: u32) -> PathBuf {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out_dir.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    parent.join(format!(".{name}.{what}-{pid}"))
}

/// Is process `pid` still running? (Linux `/proc`; elsewhere assume it is, so nothing of a live run is touched.)
fn alive(pid: u32) -> bool {
    let proc_fs = Path::new("/proc");
    !proc_fs.is_dir() || proc_fs.join(pid.to_string()).exists()
}

/// Leftovers of killed runs beside `out_dir`: `(what, pid, path)` for `.NAME.staging-PID` and `.NAME.previous-PID`
/// whose process is gone.
fn leftovers(out_dir: &Path) -> Vec<(String, u32, PathBuf)> {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Some(name) = out_dir.file_name().and_then(|n| n.to_str()) else { return Vec::new() };
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(parent) else { return Vec::new() };
    let mut found: Vec<(String, u32, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let file = e.file_name().into_string().ok()?;
            let (what, pid) = file.strip_prefix(&prefix)?.rsplit_once('-')?;
            let pid: u32 = pid.parse().ok()?;
            (matches!(what, "staging" | "previous") && pid != std::process::id() && !alive(pid))
                .then(|| (what.to_string(), pid, e.path()))
        })
        .collect();
    found.sort();
    found
}

/// Clean up after runs killed while writing `out_dir`: a previous output left aside while the destination is
/// missing is put back; other leftovers (incomplete staging folders, a previous output already replaced) are
/// removed. Returns one line per action, for the caller to report.
pub fn recover(out_dir: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    for (what, pid, path) in leftovers(out_dir) {
        if what == "previous" && !out_dir.exists() && fs::rename(&path, out_dir).is_ok() {
            notes.push(format!(
                "restored {} from {} (a run, process {pid}, was stopped between moving it aside and putting the new \
                 output in its place)",
                out_dir.display(),
                path.display()
            ));
        } else if fs::remove_dir_all(&path).is_ok() {
            let why = if what == "staging" { "an incomplete output" } else { "an output already replaced" };
            notes.push(format!("removed {} ({why} of a run, process {pid}, that was stopped)", path.display()));
        }
    }
    notes
}

/// Is `dir` a folder dormsim wrote (its `manifest.json` names a dormsim version)?
fn written_by_dormsim(dir: &Path) -> bool {
    manifest_of(dir).is_some_and(|m| m.get("dormsim_version").is_some())
}

/// `dir/manifest.json` parsed, if there is one.
fn manifest_of(dir: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).ok()?).ok()
}

/// The scenario name recorded in `dir/manifest.json`, if dormsim wrote it.
fn scenario_of(dir: &Path) -> Option<String> {
    manifest_of(dir)?.get("scenario_name")?.as_str().map(str::to_string)
}

/// An existing run folder of *another* scenario is not replaced without `force`: a mistyped `--out` must not
/// delete someone else's results.
pub fn check_same_scenario(out_dir: &Path, scenario: &str, force: bool) -> Result<(), OutputError> {
    match scenario_of(out_dir) {
        Some(other) if other != scenario && !force => Err(OutputError::Destination {
            path: out_dir.to_path_buf(),
            message: format!(
                "holds a run of scenario `{other}`, not `{scenario}`; choose another --out or pass --force to replace it"
            ),
        }),
        _ => Ok(()),
    }
}

/// The nearest ancestor of `path` that exists (`.` for a relative path with none).
fn nearest_existing(path: &Path) -> PathBuf {
    path.ancestors()
        .skip(1)
        .find(|a| !a.as_os_str().is_empty() && a.exists())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Before any work: `out_dir` must name a folder, be absent, empty, or an earlier dormsim output (or `force`), and
/// it must be possible to create it and write beside it. Nothing is created.
pub fn check_destination(out_dir: &Path, force: bool) -> Result<(), OutputError> {
    let refuse = |message: String| Err(OutputError::Destination { path: out_dir.to_path_buf(), message });
    if !matches!(out_dir.components().next_back(), Some(std::path::Component::Normal(_))) {
        return refuse("must name a folder (not `.`, `..` or the root): the output replaces it as a whole".into());
    }
    if out_dir.exists() {
        if !out_dir.is_dir() {
            return refuse("exists and is not a folder".into());
        }
        let empty = fs::read_dir(out_dir).map_err(|e| OutputError::io(out_dir, e))?.next().is_none();
        if !empty && !force && !written_by_dormsim(out_dir) {
            return refuse(
                "exists, is not empty and was not written by dormsim (no manifest.json); choose another --out or \
pass --force to replace it"
                    .into(),
            );
        }
    }
    let ancestor = nearest_existing(out_dir);
    if !ancestor.is_dir() {
        return refuse(format!("cannot be created: {} is not a folder", ancestor.display()));
    }
    let probe = ancestor.join(format!(".dormsim-probe-{}", std::process::id()));
    if let Err(e) = fs::write(&probe, b"") {
        return refuse(format!("cannot be created: cannot write in {}: {e}", ancestor.display()));
    }
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// A staging folder; removed on drop unless committed (with the parent folders it created).
pub struct Staging {
    dir: PathBuf,
    out_dir: PathBuf,
    created: Vec<PathBuf>,
    committed: bool,
}

impl Staging {
    /// A fresh, empty staging folder for `out_dir`, creating its parent folders if needed.
    pub fn new(out_dir: &Path) -> Result<Staging, OutputError> {
        let dir = sibling(out_dir, "staging");
        let parent = dir.parent().expect("a sibling has a parent").to_path_buf();
        let mut created: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        created.reverse();
        let _ = fs::remove_dir_all(&dir);
        if let Err(e) = fs::create_dir_all(&dir) {
            remove_created(&created);
            return Err(OutputError::io(&dir, e));
        }
        registry().push(Pending { staging: dir.clone(), out_dir: out_dir.to_path_buf(), created: created.clone() });
        Ok(Staging { dir, out_dir: out_dir.to_path_buf(), created, committed: false })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Copy the current contents of the destination (if any) into the staging folder, so an update of a few files
    /// (`dormsim report`) is committed the same all-or-nothing way.
    pub fn copy_destination(&self) -> Result<(), OutputError> {
        if self.out_dir.is_dir() {
            copy_tree(&self.out_dir, &self.dir)?;
        }
        Ok(())
    }

    /// Replace the destination with the staging folder: destination renamed aside, staging renamed into place,
    /// previous output removed. An interruption between the renames is undone by [`abandon_all`] (signals) or
    /// [`recover`] (the next write after a kill).
    pub fn commit(mut self) -> Result<(), OutputError> {
        let previous = sibling(&self.out_dir, "previous");
        let _ = fs::remove_dir_all(&previous);
        let had_previous = self.out_dir.exists();
        if had_previous {
            fs::rename(&self.out_dir, &previous).map_err(|e| OutputError::io(&self.out_dir, e))?;
        }
        if let Err(e) = fs::rename(&self.dir, &self.out_dir) {
            if had_previous {
                let _ = fs::rename(&previous, &self.out_dir);
            }
            return Err(OutputError::io(&self.out_dir, e));
        }
        self.committed = true;
        registry().retain(|p| p.staging != self.dir);
        if had_previous {
            let _ = fs::remove_dir_all(&previous);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
            remove_created(&self.created);
            registry().retain(|p| p.staging != self.dir);
        }
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), OutputError> {
    for entry in fs::read_dir(from).map_err(|e| OutputError::io(from, e))? {
        let entry = entry.map_err(|e| OutputError::io(from, e))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            fs::create_dir_all(&dst).map_err(|e| OutputError::io(&dst, e))?;
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(|e| OutputError::io(&src, e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The registry is process-wide: tests that write serialise on this lock so `abandon_all` sees only theirs.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A temporary root holding an existing destination `run` with one file `name` containing `text`.
    fn existing_run(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join(name), text).unwrap();
        (root, out)
    }

    #[test]
    fn an_uncommitted_staging_folder_disappears_and_the_destination_is_untouched() {
        let _serial = serial();
        let (root, out) = existing_run("summary.json", "old");
        {
            let s = Staging::new(&out).unwrap();
            fs::write(s.path().join("summary.json"), "half").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "old");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1, "only the destination is left");
    }

    #[test]
    fn a_commit_replaces_the_whole_folder() {
        let _serial = serial();
        let (root, out) = existing_run("stale.csv", "old");
        let s = Staging::new(&out).unwrap();
        fs::write(s.path().join("summary.json"), "new").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "new");
        assert!(!out.join("stale.csv").exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_foreign_folder_is_refused_unless_forced() {
        let _serial = serial();
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("mine");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("thesis.docx"), "precious").unwrap();
        let e = check_destination(&out, false).unwrap_err().to_string();
        assert!(e.contains("was not written by dormsim"), "{e}");
        assert!(check_destination(&out, true).is_ok());
        fs::write(out.join("manifest.json"), r#"{"dormsim_version": "0.1.0"}"#).unwrap();
        assert!(check_destination(&out, false).is_ok());
        assert!(check_destination(&root.path().join("new"), false).is_ok());
    }

    #[test]
    fn checking_a_destination_creates_nothing_and_an_abandoned_write_removes_the_folders_it_created() {
        let _serial = serial();
        // Issue 12: `--out i/j/k` left `i/j` behind after an interrupt, a refusal or a failure.
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("i/j/k");
        check_destination(&out, false).unwrap();
        assert!(!root.path().join("i").exists(), "checking created folders");
        {
            let s = Staging::new(&out).unwrap();
            fs::write(s.path().join("summary.json"), "half").unwrap();
        }
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 0, "debris left");
    }

    #[test]
    fn a_commit_caught_between_its_renames_is_undone_by_abandon_all() {
        let _serial = serial();
        // Issue 12: SIGINT between the two renames left the run only in `.NAME.previous-PID`.
        let (root, out) = existing_run("summary.json", "old");
        let s = Staging::new(&out).unwrap();
        fs::write(s.path().join("summary.json"), "new").unwrap();
        // The first rename of a commit, then the signal.
        fs::rename(&out, sibling(&out, "previous")).unwrap();
        assert_eq!(abandon_all(), 1);
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "old");
        std::mem::forget(s);
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1, "only the destination is left");
    }

    #[test]
    fn the_leftovers_of_a_killed_run_are_recovered_by_the_next_write() {
        let _serial = serial();
        // A killed run (a PID that is not running) left its previous output aside and an incomplete staging folder.
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        let dead = u32::MAX - 7;
        fs::create_dir_all(sibling_of(&out, "previous", dead)).unwrap();
        fs::write(sibling_of(&out, "previous", dead).join("summary.json"), "old").unwrap();
        fs::create_dir_all(sibling_of(&out, "staging", dead)).unwrap();
        let notes = recover(&out);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "old");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
        assert!(recover(&out).is_empty());
    }

    #[test]
    fn a_run_of_another_scenario_is_not_replaced_without_force() {
        let _serial = serial();
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("manifest.json"), r#"{"dormsim_version": "0.1.0", "scenario_name": "gb-full"}"#).unwrap();
        let e = check_same_scenario(&out, "baseline-2020", false).unwrap_err().to_string();
        assert!(e.contains("holds a run of scenario `gb-full`"), "{e}");
        assert!(check_same_scenario(&out, "gb-full", false).is_ok());
        assert!(check_same_scenario(&out, "baseline-2020", true).is_ok());
    }
}
