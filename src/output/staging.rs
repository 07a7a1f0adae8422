//! Atomic, honest output folders. Everything is written into a staging folder next to the destination; only when
//! it is complete does it replace the destination, by renaming (the previous folder is first renamed aside, then
//! removed), so a reader sees either the previous complete output or the new complete output, never a mix.
//!
//! - A staging folder is removed when its guard is dropped without being committed: on an error, and on a panic
//!   (unwinding runs the drop).
//! - Staging folders in progress are registered, so a signal handler (the CLI's, on Ctrl-C or SIGTERM) can remove
//!   them with [`abandon_all`] before exiting.
//! - [`check_destination`] is called before any work: it refuses a non-empty folder that dormsim did not write
//!   (no `manifest.json` naming a dormsim version) unless forced, and checks that the parent can be written.

use super::OutputError;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staging folders being written by this process.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn registry() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    IN_PROGRESS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Remove every staging folder in progress (for a signal handler about to exit). Returns how many were removed.
pub fn abandon_all() -> usize {
    let dirs = std::mem::take(&mut *registry());
    for d in &dirs {
        let _ = fs::remove_dir_all(d);
    }
    dirs.len()
}

/// The folder an output is written to, and its sibling names for staging and for the previous output.
fn sibling(out_dir: &Path, what: &str) -> PathBuf {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = out_dir.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    parent.join(format!(".{name}.{what}-{}", std::process::id()))
}

/// Is `dir` a folder dormsim wrote (its `manifest.json` names a dormsim version)?
fn written_by_dormsim(dir: &Path) -> bool {
    fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|m| m.get("dormsim_version").is_some())
}

/// Before any work: `out_dir` must be absent, empty, or an earlier dormsim output (or `force`), and its parent must
/// be writable.
pub fn check_destination(out_dir: &Path, force: bool) -> Result<(), OutputError> {
    if !matches!(out_dir.components().next_back(), Some(std::path::Component::Normal(_))) {
        return Err(OutputError::Destination {
            path: out_dir.to_path_buf(),
            message: "must name a folder (not `.`, `..` or the root): the output replaces it as a whole".into(),
        });
    }
    if out_dir.exists() {
        if !out_dir.is_dir() {
            return Err(OutputError::Destination {
                path: out_dir.to_path_buf(),
                message: "exists and is not a folder".into(),
            });
        }
        let empty = fs::read_dir(out_dir).map_err(|e| OutputError::io(out_dir, e))?.next().is_none();
        if !empty && !force && !written_by_dormsim(out_dir) {
            return Err(OutputError::Destination {
                path: out_dir.to_path_buf(),
                message: "exists, is not empty and was not written by dormsim (no manifest.json); choose another \
--out or pass --force to replace it"
                    .into(),
            });
        }
    }
    let probe = sibling(out_dir, "probe");
    let parent = probe.parent().expect("a sibling has a parent").to_path_buf();
    fs::create_dir_all(&parent).map_err(|e| OutputError::Destination {
        path: out_dir.to_path_buf(),
        message: format!("cannot be created: cannot create {}: {e}", parent.display()),
    })?;
    fs::write(&probe, b"").map_err(|e| OutputError::Destination {
        path: out_dir.to_path_buf(),
        message: format!("cannot write in {}: {e}", parent.display()),
    })?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// A staging folder; removed on drop unless committed.
pub struct Staging {
    dir: PathBuf,
    out_dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// A fresh, empty staging folder for `out_dir`.
    pub fn new(out_dir: &Path) -> Result<Staging, OutputError> {
        let dir = sibling(out_dir, "staging");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| OutputError::io(&dir, e))?;
        registry().push(dir.clone());
        Ok(Staging { dir, out_dir: out_dir.to_path_buf(), committed: false })
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
    /// previous output removed.
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
        registry().retain(|d| d != &self.dir);
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
            registry().retain(|d| d != &self.dir);
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

    #[test]
    fn an_uncommitted_staging_folder_disappears_and_the_destination_is_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("summary.json"), "old").unwrap();
        {
            let s = Staging::new(&out).unwrap();
            fs::write(s.path().join("summary.json"), "half").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "old");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1, "only the destination is left");
    }

    #[test]
    fn a_commit_replaces_the_whole_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("stale.csv"), "old").unwrap();
        let s = Staging::new(&out).unwrap();
        fs::write(s.path().join("summary.json"), "new").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(out.join("summary.json")).unwrap(), "new");
        assert!(!out.join("stale.csv").exists());
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_foreign_folder_is_refused_unless_forced() {
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
}
