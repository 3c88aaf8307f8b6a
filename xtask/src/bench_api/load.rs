//! Load generation with `wrk` (Debian's package): one run per route and caller, the route's
//! paths and headers handed to a Lua script that rotates through them and prints one
//! machine-readable `RESULT` line; the run is cut short when the server's RSS passes a limit.

use std::io::Read as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

use super::routes::RouteSpec;
use super::system::RssMonitor;

const SCRIPT: &str = r#"-- riskmap bench-api: rotate through the paths of the spec file given after "--".
local paths, headers, idx = {}, {}, 0
function init(args)
  for line in io.lines(args[1]) do
    local kind, first, second = line:match("^(%a+)\t([^\t]*)\t?(.*)$")
    if kind == "header" then headers[first] = second elseif kind == "path" then paths[#paths + 1] = first end
  end
  idx = math.random(#paths) - 1
end
function request()
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx], headers)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status, summary.bytes))
end
"#;

/// How hard and how long.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LoadSettings {
    pub(crate) duration: Duration,
    pub(crate) connections: u32,
    /// The server is stopped being loaded when its RSS passes this (protects a shared machine).
    pub(crate) rss_limit_kb: u64,
}

/// One `wrk` run's figures.
#[derive(Clone, Debug, Default)]
pub(crate) struct LoadResult {
    pub(crate) requests: u64,
    pub(crate) rps: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
    /// Connect, read, write and timeout errors.
    pub(crate) socket_errors: u64,
    /// Answers outside 2xx/3xx.
    pub(crate) non_2xx: u64,
    pub(crate) mean_bytes: f64,
    /// The run was stopped because the server's RSS passed the limit.
    pub(crate) cut_for_rss: bool,
}

/// `wrk`, installed from Debian when missing (said on stderr).
pub(crate) fn ensure_wrk() -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    #[allow(clippy::print_stderr, reason = "the harness says what it installs")]
    {
        eprintln!(
            "bench-api: wrk is missing; installing Debian's package (apt-get install -y wrk)"
        );
    }
    let status = Command::new("apt-get")
        .args(["install", "-y", "-q", "wrk"])
        .status()
        .context("cannot run apt-get to install wrk")?;
    if !status.success() {
        bail!("apt-get install wrk failed; install wrk and run again");
    }
    Ok(())
}

/// Writes the Lua script into `dir` and returns its path.
pub(crate) fn write_script(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("bench-api.lua");
    std::fs::write(&path, SCRIPT)?;
    Ok(path)
}

/// Drives one route for one caller (`auth`: the bearer token, or anonymous).
pub(crate) fn drive(
    addr: SocketAddr,
    route: &RouteSpec,
    auth: Option<&str>,
    settings: LoadSettings,
    script: &Path,
    monitor: &RssMonitor,
) -> anyhow::Result<LoadResult> {
    let spec = script.with_file_name(format!("{}.spec", route.name));
    std::fs::write(&spec, spec_text(route, auth))?;
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, settings.connections.max(1) as usize);
    let timeout = settings.duration.max(Duration::from_secs(60));
    let mut child = Command::new("wrk")
        .arg(format!("--threads={threads}"))
        .arg(format!("--connections={}", settings.connections))
        .arg(format!(
            "--duration={}s",
            settings.duration.as_secs().max(1)
        ))
        .arg(format!("--timeout={}s", timeout.as_secs()))
        .arg("--script")
        .arg(script)
        .arg(format!("http://{addr}"))
        .arg("--")
        .arg(&spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot start wrk")?;
    let deadline = Instant::now() + settings.duration + Duration::from_secs(30);
    let mut cut_for_rss = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if monitor.current_kb() > settings.rss_limit_kb || Instant::now() > deadline {
            cut_for_rss = monitor.current_kb() > settings.rss_limit_kb;
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out)?;
    }
    if cut_for_rss {
        return Ok(LoadResult {
            cut_for_rss,
            ..LoadResult::default()
        });
    }
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        stderr.read_to_string(&mut err)?;
    }
    parse_result(&out).with_context(|| format!("wrk ({status}) printed no result: {out}{err}"))
}

/// The spec file the Lua script reads: `header\tName\tValue` and `path\t/…` lines.
fn spec_text(route: &RouteSpec, auth: Option<&str>) -> String {
    let mut text = String::new();
    for (name, value) in &route.headers {
        text.push_str(&format!("header\t{name}\t{value}\n"));
    }
    if let Some(token) = auth {
        text.push_str(&format!("header\tAuthorization\tBearer {token}\n"));
    }
    for path in &route.paths {
        text.push_str(&format!("path\t{path}\n"));
    }
    text
}

/// Reads the script's `RESULT requests duration_us p50_us p99_us max_us errors non2xx bytes`.
fn parse_result(out: &str) -> Option<LoadResult> {
    let line = out.lines().find(|l| l.starts_with("RESULT "))?;
    let numbers: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let [
        requests,
        duration_us,
        p50,
        p99,
        max,
        socket_errors,
        non_2xx,
        bytes,
    ] = numbers[..]
    else {
        return None;
    };
    let ms = |us: u64| us as f64 / 1000.0;
    Some(LoadResult {
        requests,
        rps: requests as f64 / (duration_us.max(1) as f64 / 1e6),
        p50_ms: ms(p50),
        p99_ms: ms(p99),
        max_ms: ms(max),
        socket_errors,
        non_2xx,
        mean_bytes: bytes as f64 / requests.max(1) as f64,
        cut_for_rss: false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::routes::RouteSpec;

    #[test]
    fn the_script_result_is_read() {
        let r = super::parse_result(
            "Running 10s test\nRESULT 2000 10000000 1500 9000 12000 1 3 4000000\n",
        )
        .unwrap();
        assert_eq!((r.requests, r.socket_errors, r.non_2xx), (2000, 1, 3));
        assert!((r.rps - 200.0).abs() < 1e-9);
        assert!((r.p50_ms - 1.5).abs() < 1e-9 && (r.p99_ms - 9.0).abs() < 1e-9);
        assert!((r.mean_bytes - 2000.0).abs() < 1e-9);
        assert!(super::parse_result("RESULT 1 2 3\n").is_none());
        assert!(super::parse_result("no result\n").is_none());
    }

    #[test]
    fn the_spec_names_headers_token_and_paths() {
        let route = RouteSpec::rotating("t", vec!["/a".to_owned(), "/b".to_owned()]);
        let text = super::spec_text(&route, Some("rmk_x"));
        assert_eq!(
            text,
            "header\tAccept-Encoding\tgzip\nheader\tAuthorization\tBearer rmk_x\npath\t/a\npath\t/b\n"
        );
    }
}
