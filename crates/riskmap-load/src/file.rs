//! One file through the checks and into one store batch: [`Session::load`] hashes the file,
//! skips it when its content is stored, else checks it with `riskmap-ingest` on a blocking
//! thread and streams its rows through a bounded channel into one store batch (one
//! transaction), which commits only when no table of the file is refused.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use riskmap_geo::Geography;
use riskmap_ingest::{Decision, KatoRegistry, Mapped, Options, Outcome, TableName};
use riskmap_store::{BatchEnd, BatchItem, BatchMessage, NewBatch, Store};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::LoadError;
use crate::context::StoreContext;
use crate::contract_rows::{batch_items, quarantined};

/// Messages in flight between the checking thread and the store: two of the store's largest
/// chunks, so the checks fill the next chunk while the store writes one (with less, the
/// database waited for rows a quarter of a PostgreSQL load), and few enough that memory does not
/// grow with the file.
const CHANNEL_CAPACITY: usize = 2 * riskmap_store::LARGEST_RECORD_CHUNK;

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// The file as the user named it (a path, or an uploaded file's name).
    pub file: String,
    /// Stored, already stored, or refused.
    pub status: FileStatus,
    /// The batch that holds the file's rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<i64>,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
    /// Rows written to the store (schools, records, contacts, counts, quarantined rows).
    pub stored_rows: u64,
    /// What the run did, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// One outcome per table read, with its findings.
    pub outcomes: Vec<Outcome>,
}

impl FileReport {
    /// The first `max` findings of the file, errors first and then in file order, as
    /// `file:row:column: CODE message` lines (see [`riskmap_ingest::Finding::to_console_line`]),
    /// and how many findings (stored or only counted) are not among them. What `riskmap ingest`
    /// prints and `POST /api/v1/ingest` answers for a refused or partly accepted file.
    pub fn first_findings(&self, max: usize) -> (Vec<String>, u64) {
        let mut findings: Vec<&riskmap_ingest::Finding> =
            self.outcomes.iter().flat_map(|o| &o.findings).collect();
        // Stable: errors first, then warnings, then information, each in file order.
        findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let lines: Vec<String> = findings
            .iter()
            .take(max)
            .map(|f| f.to_console_line())
            .collect();
        let total: u64 = self.outcomes.iter().flat_map(|o| o.counts.values()).sum();
        let shown = lines.len() as u64;
        (lines, total.saturating_sub(shown))
    }

    /// Whether the file was refused or stored with refused rows: the files whose findings
    /// the steward must read.
    pub fn needs_attention(&self) -> bool {
        self.status == FileStatus::Refused
            || self
                .outcomes
                .iter()
                .any(|o| o.decision == Decision::AcceptedPartially)
    }
}

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// Committed as a new batch.
    Stored,
    /// The same content was stored before; nothing changed.
    AlreadyStored,
    /// Refused by its checks, or a revision was already stored; nothing changed.
    Refused,
}

/// Told how many bytes of the file the checks have read (for a progress bar).
pub trait Progress: Send + Sync {
    /// `bytes` more were read.
    fn advance(&self, bytes: u64);
}

/// Everything files of one run share: the store, what the checks look up, the options.
pub struct Session {
    store: Store,
    context: Arc<StoreContext>,
    geography: Option<Arc<Geography>>,
    options: Arc<Options>,
    synthetic: bool,
}

impl Session {
    /// Opens a session. `geography` is needed only for `school_reference` rows (to place
    /// schools in districts); `synthetic` labels the stored rows as synthetic (demo files).
    pub async fn open(
        store: Store,
        registry: Arc<KatoRegistry>,
        geography: Option<Arc<Geography>>,
        options: Options,
        synthetic: bool,
    ) -> Result<Self, LoadError> {
        let context = StoreContext::load(registry, geography.clone(), store.clone())
            .await
            .map_err(|source| LoadError::Store {
                file: "(the stored schools)".to_owned(),
                source,
            })?;
        Ok(Self {
            store,
            context: Arc::new(context),
            geography,
            options: Arc::new(options),
            synthetic,
        })
    }

    /// The options every file of the session is checked with.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Loads the `tables` of the file at `path`, reported as `name` (see the module docs).
    pub async fn load(
        &self,
        path: &Path,
        name: &str,
        tables: Vec<TableName>,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<FileReport, LoadError> {
        let io = |source| LoadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let sha256 = file_sha256(path).map_err(io)?;
        let stored = self
            .store
            .find_batch(&sha256)
            .await
            .map_err(|source| LoadError::Store {
                file: name.to_owned(),
                source,
            })?;
        if let Some(batch_id) = stored {
            return Ok(FileReport {
                file: name.to_owned(),
                status: FileStatus::AlreadyStored,
                batch_id: Some(batch_id),
                sha256,
                stored_rows: 0,
                message: Some(format!(
                    "already stored as batch {batch_id}; nothing changed"
                )),
                outcomes: Vec::new(),
            });
        }
        self.check_and_store(path, name, sha256, tables, progress)
            .await
    }

    async fn check_and_store(
        &self,
        path: &Path,
        name: &str,
        sha256: String,
        tables: Vec<TableName>,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<FileReport, LoadError> {
        let base_name = path
            .file_name()
            .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned());
        let batch = NewBatch {
            source: if name.is_empty() {
                base_name
            } else {
                short_name(name)
            },
            kind: tables
                .iter()
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join("+"),
            content_sha256: sha256.clone(),
            synthetic: self.synthetic,
        };
        let (sender, mut receiver) = mpsc::channel::<BatchMessage>(CHANNEL_CAPACITY);
        let checker = {
            let (path, file_name) = (path.to_path_buf(), batch.source.clone());
            // The file is hashed once: the ingest reports the hash found above.
            let options = Options {
                content_sha256: Some(sha256.clone()),
                ..Options::clone(&self.options)
            };
            let (context, geography) = (self.context.clone(), self.geography.clone());
            let tables = tables.clone();
            tokio::task::spawn_blocking(move || {
                check_file(
                    &path,
                    &file_name,
                    &tables,
                    &options,
                    &context,
                    geography.as_deref(),
                    &sender,
                    progress.as_deref(),
                )
            })
        };
        let written = self.store.write_batch(&batch, &mut receiver).await;
        drop(receiver);
        let checked = checker.await.map_err(|e| LoadError::Worker {
            file: name.to_owned(),
            message: e.to_string(),
        })?;
        let end = written.map_err(|source| LoadError::Store {
            file: name.to_owned(),
            source,
        })?;
        let outcomes = checked?;
        if let Some(failure) = self.context.take_failure() {
            self.context.rolled_back();
            return Err(LoadError::Worker {
                file: name.to_owned(),
                message: format!("the store could not be read while checking: {failure}"),
            });
        }
        let mut report = FileReport {
            file: name.to_owned(),
            status: FileStatus::Refused,
            batch_id: None,
            sha256,
            stored_rows: 0,
            message: None,
            outcomes,
        };
        match end {
            BatchEnd::Committed { batch_id, rows } => {
                self.context.committed();
                report.status = FileStatus::Stored;
                report.batch_id = Some(batch_id);
                report.stored_rows = rows;
            }
            BatchEnd::AlreadyStored { batch_id } => {
                self.context.rolled_back();
                report.status = FileStatus::AlreadyStored;
                report.batch_id = Some(batch_id);
                report.message = Some(format!(
                    "already stored as batch {batch_id}; nothing changed"
                ));
            }
            BatchEnd::RolledBack => {
                self.context.rolled_back();
                report.message = Some("refused; nothing was stored".to_owned());
            }
            BatchEnd::Conflict(conflict) => {
                self.context.rolled_back();
                report.message = Some(format!("{conflict}; nothing was stored"));
            }
        }
        Ok(report)
    }
}

/// The last path component of a name (batches record the file name, not where it lay).
fn short_name(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map_or_else(|| name.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// The SHA-256 of a file's bytes, lower-case hex.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    riskmap_ingest::content_sha256(File::open(path)?)
}

/// Counts the bytes read for a [`Progress`].
struct Counted<'a, R> {
    inner: R,
    progress: Option<&'a dyn Progress>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(progress) = self.progress {
            progress.advance(n as u64);
        }
        Ok(n)
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
    progress: Option<&dyn Progress>,
) -> Result<Vec<Outcome>, LoadError> {
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
        let file = File::open(path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        let input = Counted {
            inner: BufReader::with_capacity(1 << 20, file),
            progress,
        };
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
        // Each row is converted for the store where it was checked (`ingest_mapped`: on the
        // CSV workers, in parallel); only the store items come to this thread, in file order.
        let convert = |row: &riskmap_ingest::Row| batch_items(row, geography);
        let outcome = riskmap_ingest::ingest_mapped(
            *table,
            name,
            input,
            options,
            context,
            &convert,
            |event| {
                if refused {
                    return Ok(());
                }
                match event {
                    Mapped::Valid { row, item } => {
                        let Some(items) = item else {
                            return Err(riskmap_ingest::Error::Sink {
                                file: name.to_owned(),
                                row,
                                message: "a checked row could not be converted for the store"
                                    .to_owned(),
                            });
                        };
                        for mut item in items {
                            match &mut item {
                                // The file row is known here, not where the row was mapped.
                                BatchItem::Record { row: at, .. } => *at = row,
                                BatchItem::School(school) => {
                                    context.add_pending(school.school.id.as_str());
                                }
                                _ => {}
                            }
                            send(BatchMessage::Item(item))?;
                        }
                    }
                    Mapped::Refused(row) => send(BatchMessage::Item(BatchItem::Quarantine(
                        quarantined(row, *table, sheet.as_deref()),
                    )))?,
                }
                Ok(())
            },
        )
        .map_err(|source| LoadError::Check {
            file: name.to_owned(),
            source,
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
