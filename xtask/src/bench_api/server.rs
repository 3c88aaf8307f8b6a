//! The server under test: started from a command line with `--addr 127.0.0.1:0` (the kernel
//! picks a free port; the address is read from the line `riskmap is serving on http://…/`),
//! polled on `/readyz`, watched for idleness between routes, and stopped with SIGINT (its
//! graceful shutdown), then SIGKILL after a grace period.

use std::ffi::OsString;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::http;

/// Seconds the server may take to print its address (a large store is loaded first).
const START_TIMEOUT: Duration = Duration::from_secs(900);

/// How to start the server: the program and its arguments (without `--addr`, which the harness
/// adds), and the file its output goes to.
#[derive(Clone, Debug)]
pub(crate) struct ServerCommand {
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<OsString>,
    pub(crate) log: PathBuf,
    /// Written with the server's pid once it runs (the cleanup watchdog reads it).
    pub(crate) pid_file: PathBuf,
}

/// A running server.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: SocketAddr,
    pub(crate) spawned: Instant,
    /// Spawn to the printed address.
    pub(crate) to_listen: Duration,
    log: PathBuf,
    detached: bool,
}

impl Server {
    /// Starts the server in its own process group (a Ctrl-C reaches the harness, whose
    /// watchdog stops the server) and waits for its address.
    pub(crate) fn start(command: &ServerCommand) -> anyhow::Result<Self> {
        use std::os::unix::process::CommandExt as _;
        let log = std::fs::File::create(&command.log)
            .with_context(|| format!("cannot create {}", command.log.display()))?;
        let spawned = Instant::now();
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .args(["--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log.try_clone()?)
            .process_group(0)
            .spawn()
            .with_context(|| format!("cannot start {}", command.program.display()))?;
        std::fs::write(&command.pid_file, child.id().to_string())?;
        let stdout = child.stdout.take().context("the server has no stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || copy_output(stdout, log, &sender));
        let addr = loop {
            match receiver.recv_timeout(Duration::from_millis(200)) {
                Ok(addr) => break addr,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    bail!(
                        "the server stopped before it listened:\n{}",
                        log_tail(&command.log)
                    );
                }
            }
            if let Some(status) = child.try_wait()? {
                bail!("the server exited ({status}):\n{}", log_tail(&command.log));
            }
            if spawned.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                bail!("the server printed no address in {START_TIMEOUT:?}");
            }
        };
        Ok(Self {
            child,
            addr,
            to_listen: spawned.elapsed(),
            spawned,
            log: command.log.clone(),
            detached: false,
        })
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Polls `/readyz` every 10 ms until it answers 200; returns the time since spawn.
    pub(crate) fn wait_ready(&mut self, timeout: Duration) -> anyhow::Result<Duration> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(answer) = http::get(self.addr, "/readyz", &[], Duration::from_secs(5))
                && answer.status == 200
            {
                return Ok(self.spawned.elapsed());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!("the server exited ({status}):\n{}", log_tail(&self.log));
            }
            if Instant::now() > deadline {
                bail!("/readyz did not answer 200 within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits (at most `limit`) until the server uses less than a tenth of a core, so that work
    /// left over from one route (requests the load generator abandoned) does not load the next.
    pub(crate) fn wait_idle(&self, limit: Duration) -> Duration {
        let started = Instant::now();
        let window = Duration::from_millis(300);
        let mut before = cpu_ticks(self.pid());
        while started.elapsed() < limit {
            std::thread::sleep(window);
            let now = cpu_ticks(self.pid());
            match (before, now) {
                // 100 ticks a second: under 3 ticks in 300 ms is under a tenth of a core.
                (Some(a), Some(b)) if b.saturating_sub(a) < 3 => break,
                (_, None) => break,
                _ => before = now,
            }
        }
        started.elapsed()
    }

    /// SIGINT (graceful shutdown), then SIGKILL after 10 s.
    pub(crate) fn stop(mut self) -> anyhow::Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> anyhow::Result<()> {
        if self.detached || self.child.try_wait()?.is_some() {
            return Ok(());
        }
        let _ = Command::new("kill")
            .args(["-INT", &self.pid().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }

    /// Leaves the server running (for `--keep-server`).
    pub(crate) fn detach(mut self) -> u32 {
        self.detached = true;
        self.pid()
    }
}

/// A server left behind by an error is stopped here, before the workspace (and with it the pid
/// file the watchdog would read) is removed.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

/// Copies the server's stdout into its log and sends the address of the "serving on" line.
fn copy_output(
    stdout: std::process::ChildStdout,
    mut log: std::fs::File,
    sender: &mpsc::Sender<SocketAddr>,
) {
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let _ = writeln!(log, "{line}");
        if let Some(addr) = serving_address(&line) {
            let _ = sender.send(addr);
        }
    }
}

/// The address in `riskmap is serving on http://127.0.0.1:PORT/ (…)`.
fn serving_address(line: &str) -> Option<SocketAddr> {
    let rest = line.split("serving on http://").nth(1)?;
    rest.split('/').next()?.parse().ok()
}

/// User plus system CPU time of a process, in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = text.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3 of the line, utime 14 and stime 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// The last lines of the server's log, for error messages.
pub(crate) fn log_tail(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_is_read_from_the_banner() {
        let line = "riskmap is serving on http://127.0.0.1:43121/ (sqlite store, demo data, ministry view)";
        assert_eq!(
            super::serving_address(line),
            Some("127.0.0.1:43121".parse().unwrap())
        );
        assert_eq!(super::serving_address("  demo token public rmk_1"), None);
    }

    #[test]
    fn cpu_time_is_read_for_a_live_process_only() {
        assert!(super::cpu_ticks(std::process::id()).is_some());
        assert!(super::cpu_ticks(u32::MAX).is_none());
    }
}
