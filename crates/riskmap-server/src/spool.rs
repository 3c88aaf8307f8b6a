//! The spool of uploads: a private folder (0700) under the server's data directory where each
//! upload's files wait (0600, in a folder of their own) while they are checked. An upload's
//! folder is removed when the upload ends, whatever the outcome; folders left by a crash or a
//! kill are swept when the server starts.

use std::io;
use std::path::{Path, PathBuf};

/// The prefix of every upload's folder; the sweep removes only entries with it.
const UPLOAD_PREFIX: &str = "upload-";

/// The spool folder to use when none is configured: `riskmap-spool` beside the SQLite file of
/// `database_url`, or in the system's temporary folder for a database without a local file.
pub fn default_dir(database_url: &str) -> PathBuf {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.starts_with(":memory:"));
    match file {
        Some(path) => {
            let parent = Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or_else(|| Path::new("."));
            parent.join("riskmap-spool")
        }
        None => std::env::temp_dir().join("riskmap-spool"),
    }
}

/// Creates the spool folder (0700) if needed, makes it private if it was not, and removes the
/// upload folders a previous run left behind. Returns how many it removed.
pub fn prepare(dir: &Path) -> io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    make_private(dir)?;
    let mut swept = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with(UPLOAD_PREFIX)
        {
            continue;
        }
        let path = entry.path();
        let removed = if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match removed {
            Ok(()) => swept += 1,
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
    }
    Ok(swept)
}

/// A new private folder for one upload, removed when the value is dropped.
pub fn upload_dir(spool: &Path) -> io::Result<tempfile::TempDir> {
    std::fs::create_dir_all(spool)?;
    let dir = tempfile::Builder::new()
        .prefix(UPLOAD_PREFIX)
        .tempdir_in(spool)?;
    make_private(dir.path())?;
    Ok(dir)
}

/// Creates `path` for writing, readable and writable by the owner only (0600).
pub async fn create_private_file(path: &Path) -> io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

#[cfg(unix)]
fn make_private(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn make_private(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn the_default_spool_lies_beside_the_sqlite_file() {
        assert_eq!(
            default_dir("sqlite:///var/lib/riskmap/riskmap.sqlite3"),
            PathBuf::from("/var/lib/riskmap/riskmap-spool")
        );
        assert_eq!(
            default_dir("sqlite://riskmap.sqlite3"),
            PathBuf::from("./riskmap-spool")
        );
        assert_eq!(
            default_dir("postgres://localhost/riskmap"),
            std::env::temp_dir().join("riskmap-spool")
        );
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn folders_are_private_files_owner_only_and_leftovers_swept() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let spool = root.path().join("spool");
        std::fs::create_dir_all(spool.join("upload-left-by-a-crash")).unwrap();
        std::fs::write(spool.join("upload-left-by-a-crash/0-a.csv"), b"x").unwrap();
        std::fs::write(spool.join("keep-me.txt"), b"not ours").unwrap();
        std::fs::set_permissions(&spool, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(prepare(&spool).unwrap(), 1);
        assert!(!spool.join("upload-left-by-a-crash").exists());
        assert!(
            spool.join("keep-me.txt").exists(),
            "only upload folders are swept"
        );
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&spool), 0o700);
        let upload = upload_dir(&spool).unwrap();
        assert_eq!(mode(upload.path()), 0o700);
        let file = upload.path().join("0-file.csv");
        drop(create_private_file(&file).await.unwrap());
        assert_eq!(mode(&file), 0o600);
        let kept = upload.path().to_path_buf();
        drop(upload);
        assert!(
            !kept.exists(),
            "the upload's folder goes when the upload ends"
        );
    }
}
