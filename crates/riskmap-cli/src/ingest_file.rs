//! One file of `riskmap ingest`: check it with `riskmap-ingest` on a blocking thread and
//! stream its rows through a bounded channel into one store batch (one transaction), which
//! commits only when no table of the file is refused.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use riskmap_geo::Geography;
use riskmap_ingest::{Decision, Options, Outcome, RowEvent, TableName};
use riskmap_store::{BatchEnd, BatchItem, BatchMessage, NewBatch, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;

use crate::contract_rows::{batch_items, quarantined};
use crate::ingest_context::StoreContext;

/// Messages in flight between the checking thread and the store: enough to keep both busy,
/// few enough that memory does not grow with the file.
const CHANNEL_CAPACITY: usize = 2048;
/// Files from this size get a progress bar (when standard error is a terminal).
const PROGRESS_FROM_BYTES: u64 = 8 << 20;

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FileReport {
    pub(crate) file: String,
    pub(crate) status: FileStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) batch_id: Option<i64>,
    pub(crate) sha256: String,
    /// Rows written to the store (schools, records, contacts, counts, quarantined rows).
    pub(crate) stored_rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    pub(crate) outcomes: Vec<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FileStatus {
    /// Committed as a new batch.
    Stored,
    /// The same content was stored before; nothing changed.
    AlreadyStored,
    /// Refused by its checks, or a revision was already stored; nothing changed.
    Refused,
}

/// Everything a file needs besides its path.
pub(crate) struct Job<'a> {
    pub(crate) store: &'a Store,
    pub(crate) context: &'a Arc<StoreContext>,
    pub(crate) geography: &'a Option<Arc<Geography>>,
    pub(crate) options: &'a Arc<Options>,
    pub(crate) tables: Vec<TableName>,
    /// Label the stored rows synthetic (files from `riskmap demo generate`).
    pub(crate) synthetic: bool,
}

/// The SHA-256 of a file's bytes, lower-case hex.
pub(crate) fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut file = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Checks and stores one file (see the module docs).
pub(crate) async fn ingest_file(
    path: &Path,
    sha256: String,
    job: Job<'_>,
) -> anyhow::Result<FileReport> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let batch = NewBatch {
        source: name.clone(),
        kind: job
            .tables
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join("+"),
        content_sha256: sha256.clone(),
        synthetic: job.synthetic,
    };
    let size = std::fs::metadata(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let bar = progress_bar(size * job.tables.len() as u64, &name);
    let (sender, mut receiver) = mpsc::channel::<BatchMessage>(CHANNEL_CAPACITY);
    let checker = {
        let (path, name, bar) = (path.to_path_buf(), name.clone(), bar.clone());
        let (context, geography, options) = (
            job.context.clone(),
            job.geography.clone(),
            job.options.clone(),
        );
        let tables = job.tables.clone();
        tokio::task::spawn_blocking(move || {
            check_file(
                &path,
                &name,
                &tables,
                &options,
                &context,
                geography.as_deref(),
                &sender,
                &bar,
            )
        })
    };
    let written = job.store.write_batch(&batch, &mut receiver).await;
    drop(receiver);
    let checked = checker.await.context("the checking thread failed")?;
    bar.finish_and_clear();
    let end = written.with_context(|| format!("cannot store {name}"))?;
    let outcomes = checked.with_context(|| format!("cannot check {name}"))?;
    if let Some(failure) = job.context.take_failure() {
        job.context.rolled_back();
        anyhow::bail!("the store could not be read while checking {name}: {failure}");
    }
    let mut report = FileReport {
        file: path.display().to_string(),
        status: FileStatus::Refused,
        batch_id: None,
        sha256,
        stored_rows: 0,
        message: None,
        outcomes,
    };
    match end {
        BatchEnd::Committed { batch_id, rows } => {
            job.context.committed();
            report.status = FileStatus::Stored;
            report.batch_id = Some(batch_id);
            report.stored_rows = rows;
        }
        BatchEnd::AlreadyStored { batch_id } => {
            job.context.rolled_back();
            report.status = FileStatus::AlreadyStored;
            report.batch_id = Some(batch_id);
            report.message = Some(format!(
                "already stored as batch {batch_id}; nothing changed"
            ));
        }
        BatchEnd::RolledBack => {
            job.context.rolled_back();
            report.message = Some("refused; nothing was stored".to_owned());
        }
        BatchEnd::Conflict(conflict) => {
            job.context.rolled_back();
            report.message = Some(format!("{conflict}; nothing was stored"));
        }
    }
    Ok(report)
}

/// A report for a file whose content hash is already stored (checked before reading it).
pub(crate) fn already_stored(path: &Path, sha256: String, batch_id: i64) -> FileReport {
    FileReport {
        file: path.display().to_string(),
        status: FileStatus::AlreadyStored,
        batch_id: Some(batch_id),
        sha256,
        stored_rows: 0,
        message: Some(format!(
            "already stored as batch {batch_id}; nothing changed"
        )),
        outcomes: Vec::new(),
    }
}

/// Runs on a blocking thread: checks each table of the file in turn, sending rows as they pass
/// and ending the batch with a commit (every table accepted) or a rollback.
#[allow(
    clippy::too_many_arguments,
    reason = "the pieces a blocking closure moves in"
)]
fn check_file(
    path: &PathBuf,
    name: &str,
    tables: &[TableName],
    options: &Options,
    context: &StoreContext,
    geography: Option<&Geography>,
    sender: &mpsc::Sender<BatchMessage>,
    bar: &ProgressBar,
) -> anyhow::Result<Vec<Outcome>> {
    let mut outcomes = Vec::with_capacity(tables.len());
    let mut refused = false;
    let xlsx = {
        let mut head = [0u8; 4];
        let n = File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .unwrap_or(0);
        riskmap_ingest::sniff::is_xlsx(&head[..n])
    };
    for table in tables {
        let input = bar.wrap_read(BufReader::with_capacity(
            1 << 20,
            File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        ));
        let sheet = xlsx.then(|| table.as_str().to_owned());
        let send = |message: BatchMessage| {
            sender
                .blocking_send(message)
                .map_err(|_| riskmap_ingest::Error::Sink {
                    file: name.to_owned(),
                    row: 0,
                    message: "the store stopped accepting rows".to_owned(),
                })
        };
        let outcome = riskmap_ingest::ingest(*table, name, input, options, context, |event| {
            if refused {
                return Ok(());
            }
            match event {
                RowEvent::Valid(row) => {
                    let Some(items) = batch_items(&row, geography) else {
                        return Err(riskmap_ingest::Error::Sink {
                            file: name.to_owned(),
                            row: row.row,
                            message: "a checked row could not be converted for the store"
                                .to_owned(),
                        });
                    };
                    for item in items {
                        if let BatchItem::School(school) = &item {
                            context.add_pending(school.school.id.as_str());
                        }
                        send(BatchMessage::Item(item))?;
                    }
                }
                RowEvent::Refused(row) => send(BatchMessage::Item(BatchItem::Quarantine(
                    quarantined(&row, *table, sheet.as_deref()),
                )))?,
            }
            Ok(())
        })?;
        refused |= outcome.decision == Decision::Refused;
        outcomes.push(outcome);
    }
    let end = if refused {
        BatchMessage::Rollback
    } else {
        let report = serde_json::json!({ "file": name, "outcomes": outcomes });
        BatchMessage::Commit {
            report_json: report.to_string(),
        }
    };
    // A closed channel means the store already ended the batch (an error it reports itself).
    let _ = sender.blocking_send(end);
    Ok(outcomes)
}

fn progress_bar(total: u64, name: &str) -> ProgressBar {
    use std::io::IsTerminal;
    if total < PROGRESS_FROM_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    let style = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    )
    .map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.set_message(name.to_owned());
    bar
}
