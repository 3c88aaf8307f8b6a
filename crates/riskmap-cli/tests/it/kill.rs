//! The kill test: `riskmap ingest` of a large file is killed (SIGKILL) at random moments; each
//! time the SQLite store must be exactly as before the ingest or exactly as after it, and open
//! cleanly (integrity check) afterwards.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use sqlx::Connection;

use crate::support::{demo_files, geography_dir, ingest, snapshot, sqlite_db};

/// Kill runs; the first few aim early (while the rows stream), the rest anywhere up to the end.
const KILLS: usize = 12;

fn copy_db(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let source = Path::new(&format!("{}{suffix}", from.display())).to_path_buf();
        let target = Path::new(&format!("{}{suffix}", to.display())).to_path_buf();
        let _ = std::fs::remove_file(&target);
        if source.exists() {
            std::fs::copy(&source, &target).unwrap();
        }
    }
}

async fn integrity(url: &str) -> String {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let result: String = sqlx::query_scalar("pragma integrity_check")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    result
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_ingest_leaves_the_store_as_before_or_as_after() {
    let db = sqlite_db();
    // About 200,000 school × quarter rows (12,500 schools × 16 quarters, some quarters silent).
    let files = demo_files(&db.dir.path().join("big"), 12_500, 16, 99, &[]);
    let (reference, quarter) = (
        files[0].display().to_string(),
        files[1].display().to_string(),
    );
    let base = db.dir.path().join("base.sqlite3");
    let base_url = format!("sqlite://{}", base.display());
    assert_eq!(ingest(&base_url, &[&reference]).0, 0);
    let before = snapshot(&base_url).await;

    let work = db.dir.path().join("work.sqlite3");
    let work_url = format!("sqlite://{}", work.display());
    copy_db(&base, &work);
    let started = Instant::now();
    let (code, output) = ingest(&work_url, &[&quarter]);
    let full = started.elapsed();
    assert_eq!(code, 0, "{output}");
    let after = snapshot(&work_url).await;
    assert!(after.counts.records > 150_000, "{:?}", after.counts);

    let seed: u64 = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (mut as_before, mut as_after) = (0, 0);
    for run in 0..KILLS {
        copy_db(&base, &work);
        let fraction = if run < KILLS / 2 {
            rng.random_range(0.02..0.9)
        } else {
            rng.random_range(0.02..1.15)
        };
        let delay = full.mul_f64(fraction);
        let geography = geography_dir().display().to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_riskmap"))
            .args([
                "ingest",
                "--database",
                &work_url,
                "--geography",
                &geography,
                &quarter,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        child.kill().unwrap_or(()); // SIGKILL; the child may have finished already
        child.wait().unwrap();
        assert_eq!(
            integrity(&work_url).await,
            "ok",
            "run {run} (seed {seed}): the database is damaged"
        );
        let state = snapshot(&work_url).await;
        if state == before {
            as_before += 1;
        } else if state == after {
            as_after += 1;
        } else {
            panic!(
                "run {run} (seed {seed}, killed after {delay:?}): the store is neither as before nor as after: {:?}",
                state.counts
            );
        }
    }
    eprintln!(
        "kill test (seed {seed}): {KILLS} kills over a {full:?} ingest; {as_before} left the store as before, {as_after} as after"
    );
    assert_eq!(as_before + as_after, KILLS);
    db.finish().await;
}
