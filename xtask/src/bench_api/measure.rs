//! The reusable core of the API benchmarks (`bench-api`, later `bench-scale`): given a server
//! command, the routes and the callers, it starts the server, times it to listening, to ready
//! and to its first `/api/v1/regions`, takes every route's cold first request per caller, then
//! its warm single request and a `wrk` run, samples the server's RSS throughout, and after an
//! ingest takes every cold first request again.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use super::http;
use super::load::{self, LoadResult, LoadSettings};
use super::routes::RouteSpec;
use super::server::{Server, ServerCommand};
use super::system::{RssMonitor, load_average};

/// A single request's answer time.
const PROBE_TIMEOUT: Duration = Duration::from_secs(300);
/// The collection timed first after start.
const REGIONS: &str = "/api/v1/regions";
/// Longest wait for the server to fall idle between routes.
const IDLE_LIMIT: Duration = Duration::from_secs(120);

/// Who calls: a name for the table, the role the server must see and the bearer token (None:
/// anonymous).
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    pub(crate) name: String,
    pub(crate) role: String,
    pub(crate) token: Option<String>,
}

impl Caller {
    pub(crate) fn new(name: &str, role: &str, token: Option<String>) -> Self {
        Self {
            name: name.to_owned(),
            role: role.to_owned(),
            token,
        }
    }

    pub(crate) fn headers(&self, route_headers: &[(String, String)]) -> Vec<(String, String)> {
        let mut headers = route_headers.to_vec();
        if let Some(token) = &self.token {
            headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
        }
        headers
    }
}

/// One timed single request: its status and milliseconds, or why it failed.
pub(crate) type Probe = Result<(u16, f64), String>;

/// A route as one caller saw it.
#[derive(Debug)]
pub(crate) struct RouteResult {
    pub(crate) route: String,
    pub(crate) caller: String,
    /// The first request after start (in the harness's order: route by route, caller by caller).
    pub(crate) cold: Probe,
    /// The next request, alone.
    pub(crate) warm: Option<Probe>,
    /// Under load; None when the cold request did not succeed (e.g. 403 for this role).
    pub(crate) load: Option<Result<LoadResult, String>>,
    /// The server's peak RSS while this route was loaded, kB.
    pub(crate) rss_peak_kb: u64,
    /// The first request after the ingest.
    pub(crate) after_ingest: Option<Probe>,
}

/// Start-up figures.
#[derive(Debug)]
pub(crate) struct Startup {
    /// Spawn to the printed address (includes loading demo data with `serve --demo`).
    pub(crate) to_listen: Duration,
    /// Spawn to the first 200 from `/readyz`.
    pub(crate) to_ready: Duration,
    /// The first `/api/v1/regions` right after ready (first caller), and spawn to its end.
    pub(crate) first_regions: Probe,
    pub(crate) first_regions_since_spawn: Duration,
    pub(crate) rss_ready_kb: u64,
}

/// Everything one run measured.
#[derive(Debug)]
pub(crate) struct Measurements {
    pub(crate) startup: Startup,
    pub(crate) callers: Vec<Caller>,
    pub(crate) rows: Vec<RouteResult>,
    pub(crate) rss_peak_kb: u64,
    pub(crate) hwm_kb: Option<u64>,
    pub(crate) load_start: Option<[f64; 3]>,
    pub(crate) load_end: Option<[f64; 3]>,
    /// Spawn of the ingest to the server's new data version, or why there is none.
    pub(crate) ingest: Option<Result<Duration, String>>,
    /// Callers whose role `/api/v1/meta` did not confirm, with what it said.
    pub(crate) wrong_roles: Vec<(String, String)>,
    /// A second start on the same store once the first server has stopped (its latest data
    /// version warmed and saved before): spawn to ready and RSS at ready, or why there is none.
    pub(crate) restart: Option<Result<(Duration, u64), String>>,
}

/// What the core is told besides the server and routes.
pub(crate) struct Plan<'a> {
    pub(crate) load: LoadSettings,
    /// Folder for the load generator's script and spec files.
    pub(crate) scratch: &'a Path,
    /// Called once the server is ready: the callers to measure (the first times the first
    /// `/api/v1/regions`).
    pub(crate) callers: &'a dyn Fn(SocketAddr) -> anyhow::Result<Vec<Caller>>,
    /// Stores new data while the server runs (for the cold-after-ingest pass).
    pub(crate) ingest: Option<&'a dyn Fn() -> anyhow::Result<()>>,
    /// Leave the server running at the end.
    pub(crate) keep_server: bool,
    /// Progress lines go here.
    pub(crate) progress: &'a dyn Fn(&str),
}

/// Runs the benchmark; with `keep_server` the server's pid and address are returned too.
pub(crate) fn measure(
    server: &ServerCommand,
    routes: &[RouteSpec],
    plan: &Plan<'_>,
) -> anyhow::Result<(Measurements, Option<(u32, SocketAddr)>)> {
    let script = load::write_script(plan.scratch)?;
    let load_start = load_average();
    let mut running = Server::start(server)?;
    let monitor = RssMonitor::start(running.pid());
    let to_ready = running.wait_ready(Duration::from_secs(600))?;
    let rss_ready_kb = monitor.current_kb();
    let callers = (plan.callers)(running.addr)?;
    let first = callers
        .first()
        .ok_or_else(|| anyhow::anyhow!("no callers"))?;
    let regions = RouteSpec::rotating("regions", vec![REGIONS.to_owned()]);
    let first_regions = probe(running.addr, &regions, first, 0);
    let startup = Startup {
        to_listen: running.to_listen,
        to_ready,
        first_regions,
        first_regions_since_spawn: running.spawned.elapsed(),
        rss_ready_kb,
    };
    (plan.progress)(&format!(
        "listening after {:.2} s, ready after {:.2} s, first /api/v1/regions {}",
        startup.to_listen.as_secs_f64(),
        startup.to_ready.as_secs_f64(),
        show(&startup.first_regions)
    ));
    let mut rows = cold_pass(running.addr, routes, &callers, Some(&startup.first_regions));
    for row in &mut rows {
        let route = routes
            .iter()
            .find(|r| r.name == row.route)
            .ok_or_else(|| anyhow::anyhow!("route {} vanished", row.route))?;
        let caller = callers
            .iter()
            .find(|c| c.name == row.caller)
            .ok_or_else(|| anyhow::anyhow!("caller {} vanished", row.caller))?;
        if !matches!(row.cold, Ok((200..=299, _))) {
            continue;
        }
        row.warm = Some(probe(running.addr, route, caller, 0));
        for index in 1..route.paths.len() {
            let _ = probe(running.addr, route, caller, index);
        }
        monitor.take_window();
        let result = load::drive(
            running.addr,
            route,
            caller.token.as_deref(),
            plan.load,
            &script,
            &monitor,
        );
        row.rss_peak_kb = monitor.take_window();
        let idle = running.wait_idle(IDLE_LIMIT);
        (plan.progress)(&format!(
            "{:<14} {:<10} {}  (RSS {} MB; idle after {:.1} s)",
            row.route,
            row.caller,
            match &result {
                Ok(r) => format!(
                    "{:.1} req/s p50 {:.1} ms p99 {:.1} ms, {} done, {} not 2xx/3xx",
                    r.rps, r.p50_ms, r.p99_ms, r.requests, r.non_2xx
                ),
                Err(e) => format!("error: {e}"),
            },
            row.rss_peak_kb / 1024,
            idle.as_secs_f64()
        ));
        row.load = Some(result.map_err(|e| format!("{e:#}")));
    }
    let ingest = plan
        .ingest
        .map(|ingest| after_ingest(&running, routes, &callers, &mut rows, ingest));
    let wrong_roles = check_roles(running.addr, &callers);
    let (rss_peak_kb, hwm_kb) = monitor.peaks_kb();
    drop(monitor);
    let measurements = Measurements {
        startup,
        callers,
        rows,
        rss_peak_kb,
        hwm_kb,
        load_start,
        load_end: load_average(),
        ingest,
        wrong_roles,
        restart: None,
    };
    if plan.keep_server {
        let addr = running.addr;
        Ok((measurements, Some((running.detach(), addr))))
    } else {
        running.stop()?;
        let mut measurements = measurements;
        (plan.progress)("restarting the server on the same store");
        measurements.restart = Some(restart(server).map_err(|e| format!("{e:#}")));
        Ok((measurements, None))
    }
}

/// Starts the server again and times it to ready (see [`Measurements::restart`]).
fn restart(server: &ServerCommand) -> anyhow::Result<(Duration, u64)> {
    let mut running = Server::start(server)?;
    let monitor = RssMonitor::start(running.pid());
    let to_ready = running.wait_ready(Duration::from_secs(600))?;
    let rss_kb = monitor.current_kb();
    drop(monitor);
    running.stop()?;
    Ok((to_ready, rss_kb))
}

/// Every route's first request, route by route and caller by caller; `first_regions` (the
/// first caller's `/api/v1/regions`, already taken) stands for that route's first request.
fn cold_pass(
    addr: SocketAddr,
    routes: &[RouteSpec],
    callers: &[Caller],
    first_regions: Option<&Probe>,
) -> Vec<RouteResult> {
    let mut rows = Vec::new();
    for route in routes {
        for (index, caller) in callers.iter().enumerate() {
            let taken = first_regions
                .filter(|_| index == 0 && route.paths.first().is_some_and(|p| p == REGIONS));
            rows.push(RouteResult {
                route: route.name.clone(),
                caller: caller.name.clone(),
                cold: taken
                    .cloned()
                    .unwrap_or_else(|| probe(addr, route, caller, 0)),
                warm: None,
                load: None,
                rss_peak_kb: 0,
                after_ingest: None,
            });
        }
    }
    rows
}

/// Runs the ingest, waits for the server's data version to change, then takes every route's
/// first request again; returns the time from the ingest's start to the new version.
fn after_ingest(
    server: &Server,
    routes: &[RouteSpec],
    callers: &[Caller],
    rows: &mut [RouteResult],
    ingest: &dyn Fn() -> anyhow::Result<()>,
) -> Result<Duration, String> {
    let before = data_version(server.addr).map_err(|e| format!("{e:#}"))?;
    let started = std::time::Instant::now();
    ingest().map_err(|e| format!("{e:#}"))?;
    loop {
        let now = data_version(server.addr).map_err(|e| format!("{e:#}"))?;
        if now != before {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            return Err(format!("the data version stayed {before} for 60 s"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let seen = started.elapsed();
    for (row, cold) in rows
        .iter_mut()
        .zip(cold_pass(server.addr, routes, callers, None))
    {
        row.after_ingest = Some(cold.cold);
    }
    Ok(seen)
}

/// The callers whose role the server does not confirm on `/api/v1/meta` (its `audience`: an
/// anonymous caller's role is `anonymous`), with what it said.
fn check_roles(addr: SocketAddr, callers: &[Caller]) -> Vec<(String, String)> {
    callers
        .iter()
        .filter_map(|caller| {
            let seen = match http::get(addr, "/api/v1/meta", &caller.headers(&[]), PROBE_TIMEOUT) {
                // `ministry`, `akimat:REGION`, `public`, …: the tier whose view the caller gets.
                Ok(answer) if answer.status == 200 => http::json_field(&answer.text(), "audience")
                    .map_or("no audience", |a| a.split(':').next().unwrap_or(a))
                    .to_owned(),
                Ok(answer) => format!("status {}", answer.status),
                Err(e) => format!("{e:#}"),
            };
            (seen != caller.role).then(|| (caller.name.clone(), seen))
        })
        .collect()
}

/// The data version `/readyz` says requests are answered from (it moves once a new version is
/// warm).
fn data_version(addr: SocketAddr) -> anyhow::Result<String> {
    let answer = http::get(addr, "/readyz", &[], PROBE_TIMEOUT)?;
    http::json_field(&answer.text(), "data_version")
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("/readyz has no data_version: {}", answer.text()))
}

/// One request of the route's path `index` as `caller`.
fn probe(addr: SocketAddr, route: &RouteSpec, caller: &Caller, index: usize) -> Probe {
    let path = route.paths.get(index).ok_or("no such path")?;
    http::get(addr, path, &caller.headers(&route.headers), PROBE_TIMEOUT)
        .map(|answer| (answer.status, answer.millis()))
        .map_err(|e| format!("{e:#}"))
}

/// `200 in 12.3 ms`, or the error.
pub(crate) fn show(probe: &Probe) -> String {
    match probe {
        Ok((status, ms)) => format!("{status} in {ms:.1} ms"),
        Err(e) => format!("error: {e}"),
    }
}
