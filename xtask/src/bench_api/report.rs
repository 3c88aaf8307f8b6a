//! The benchmark's output: one table (route × caller: cold, warm, req/s, p50, p99, RSS, first
//! request after the ingest) with the start-up figures, peak RSS and load averages around it,
//! and the same rows as CSV (one line per route and caller, the run's figures repeated).

use std::fmt::Write as _;

use super::measure::{Measurements, Probe, RouteResult, show};

/// What identifies a run.
pub(crate) struct RunInfo {
    pub(crate) unix_time: u64,
    pub(crate) date: String,
    pub(crate) git: String,
    pub(crate) backend: String,
    pub(crate) schools: u32,
    pub(crate) connections: u32,
    pub(crate) duration_s: u64,
}

const CSV_HEADER: &str = "run_unix,date,git,backend,schools,connections,duration_s,route,caller,\
cold_status,cold_ms,warm_ms,requests,rps,p50_ms,p99_ms,max_ms,socket_errors,non_2xx,mean_bytes,\
route_rss_peak_mb,after_ingest_status,after_ingest_ms,to_listen_s,to_ready_s,first_regions_ms,\
server_rss_peak_mb,server_vmhwm_mb,load1_start,load1_end,restart_ready_s,restart_rss_mb";

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn loads(load: Option<[f64; 3]>) -> String {
    load.map_or_else(
        || "?".to_owned(),
        |[a, b, c]| format!("{a:.2} {b:.2} {c:.2}"),
    )
}

fn cell_ms(probe: Option<&Probe>) -> String {
    match probe {
        Some(Ok((status, ms))) if (200..300).contains(status) => format!("{ms:.1}"),
        Some(Ok((status, _))) => status.to_string(),
        Some(Err(_)) => "err".to_owned(),
        None => "-".to_owned(),
    }
}

fn load_cells(row: &RouteResult) -> [String; 5] {
    match &row.load {
        Some(Ok(r)) if r.cut_for_rss => [
            "RSS cut".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
        ],
        Some(Ok(r)) if r.requests == 0 => [
            "0 done".to_owned(),
            "none".to_owned(),
            "none".to_owned(),
            format!("{}/{}", r.non_2xx, r.socket_errors),
            format!("{:.0}", mb(row.rss_peak_kb)),
        ],
        Some(Ok(r)) => [
            format!("{:.1}", r.rps),
            format!("{:.1}", r.p50_ms),
            format!("{:.1}", r.p99_ms),
            format!("{}/{}", r.non_2xx, r.socket_errors),
            format!("{:.0}", mb(row.rss_peak_kb)),
        ],
        Some(Err(_)) => [
            "error".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
        ],
        None => [
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
            "-".to_owned(),
        ],
    }
}

/// The human-readable report.
pub(crate) fn table(info: &RunInfo, m: &Measurements) -> String {
    let mut out = String::new();
    let s = &m.startup;
    let _ = writeln!(
        out,
        "bench-api {} {} on {} ({} schools), {} connections x {} s per route",
        info.date, info.git, info.backend, info.schools, info.connections, info.duration_s
    );
    let _ = writeln!(
        out,
        "start: listening {:.2} s, ready {:.2} s, first /api/v1/regions {} (done {:.2} s after spawn), RSS at ready {:.0} MB",
        s.to_listen.as_secs_f64(),
        s.to_ready.as_secs_f64(),
        show(&s.first_regions),
        s.first_regions_since_spawn.as_secs_f64(),
        mb(s.rss_ready_kb)
    );
    match &m.restart {
        Some(Ok((ready, rss_kb))) => {
            let _ = writeln!(
                out,
                "restart on the same store (its data version warmed before): ready {:.2} s, RSS at ready {:.0} MB",
                ready.as_secs_f64(),
                mb(*rss_kb)
            );
        }
        Some(Err(e)) => {
            let _ = writeln!(out, "restart on the same store failed: {e}");
        }
        None => {}
    }
    for (caller, seen) in &m.wrong_roles {
        let _ = writeln!(
            out,
            "WARNING: the {caller} caller was served as {seen:?}: its rows measure another role"
        );
    }
    let callers: Vec<String> = m
        .callers
        .iter()
        .map(|c| {
            format!(
                "{} ({})",
                c.name,
                if c.token.is_some() {
                    "token"
                } else {
                    "anonymous"
                }
            )
        })
        .collect();
    let _ = writeln!(out, "callers: {}", callers.join(", "));
    let _ = writeln!(
        out,
        "{:<14} {:<9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7} {:>9}",
        "route",
        "caller",
        "cold ms",
        "warm ms",
        "req/s",
        "p50 ms",
        "p99 ms",
        "bad/err",
        "RSS MB",
        "ingest ms"
    );
    for row in &m.rows {
        let [rps, p50, p99, bad, rss] = load_cells(row);
        let _ = writeln!(
            out,
            "{:<14} {:<9} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7} {:>9}",
            row.route,
            row.caller,
            cell_ms(Some(&row.cold)),
            cell_ms(row.warm.as_ref()),
            rps,
            p50,
            p99,
            bad,
            rss,
            cell_ms(row.after_ingest.as_ref())
        );
    }
    for row in &m.rows {
        for (what, probe) in [
            ("cold", Some(&row.cold)),
            ("after ingest", row.after_ingest.as_ref()),
        ] {
            if let Some(Err(e)) = probe {
                let _ = writeln!(out, "  {} {} {what}: {e}", row.route, row.caller);
            }
        }
        if let Some(Err(e)) = &row.load {
            let _ = writeln!(out, "  {} {} under load: {e}", row.route, row.caller);
        }
    }
    let _ = writeln!(
        out,
        "cold ms = first request after ready (routes in this order, callers in turn); warm ms = the next one alone;\n\
         req/s, p50, p99 under load (0 done: none finished within the duration); bad/err = answers outside 2xx/3xx / socket errors; RSS MB = peak while loaded;\n\
         ingest ms = first request after an ingest of one quarter's resubmission; a status code means no load run."
    );
    match &m.ingest {
        Some(Ok(seen)) => {
            let _ = writeln!(
                out,
                "ingest: new data version seen {:.2} s after the ingest started",
                seen.as_secs_f64()
            );
        }
        Some(Err(e)) => {
            let _ = writeln!(out, "ingest: not measured: {e}");
        }
        None => {}
    }
    let _ = writeln!(
        out,
        "server peak RSS {:.0} MB sampled every 50 ms, VmHWM {}; load average (1/5/15 min) at start {}, at end {}",
        mb(m.rss_peak_kb),
        m.hwm_kb
            .map_or_else(|| "?".to_owned(), |k| format!("{:.0} MB", mb(k))),
        loads(m.load_start),
        loads(m.load_end)
    );
    out
}

fn csv_probe(probe: Option<&Probe>) -> (String, String) {
    match probe {
        Some(Ok((status, ms))) => (status.to_string(), format!("{ms:.2}")),
        Some(Err(_)) => ("error".to_owned(), String::new()),
        None => (String::new(), String::new()),
    }
}

/// The CSV lines of a run (with the header when `header`).
pub(crate) fn csv(info: &RunInfo, m: &Measurements, header: bool) -> String {
    let mut out = String::new();
    if header {
        out.push_str(CSV_HEADER);
        out.push('\n');
    }
    let s = &m.startup;
    let first_regions = csv_probe(Some(&s.first_regions)).1;
    let load1 = |l: Option<[f64; 3]>| l.map(|l| format!("{:.2}", l[0])).unwrap_or_default();
    let restart = match &m.restart {
        Some(Ok((ready, rss_kb))) => format!("{:.3},{:.0}", ready.as_secs_f64(), mb(*rss_kb)),
        _ => ",".to_owned(),
    };
    for row in &m.rows {
        let (cold_status, cold_ms) = csv_probe(Some(&row.cold));
        let warm_ms = csv_probe(row.warm.as_ref()).1;
        let (after_status, after_ms) = csv_probe(row.after_ingest.as_ref());
        let load = match &row.load {
            Some(Ok(r)) if !r.cut_for_rss && r.requests == 0 => {
                format!("0,0.0,,,,{},{},", r.socket_errors, r.non_2xx)
            }
            Some(Ok(r)) if !r.cut_for_rss => format!(
                "{},{:.1},{:.2},{:.2},{:.2},{},{},{:.0}",
                r.requests,
                r.rps,
                r.p50_ms,
                r.p99_ms,
                r.max_ms,
                r.socket_errors,
                r.non_2xx,
                r.mean_bytes
            ),
            _ => ",,,,,,,".to_owned(),
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{cold_status},{cold_ms},{warm_ms},{load},{:.0},{after_status},{after_ms},{:.3},{:.3},{first_regions},{:.0},{},{},{},{restart}",
            info.unix_time,
            info.date,
            info.git,
            info.backend,
            info.schools,
            info.connections,
            info.duration_s,
            row.route,
            row.caller,
            mb(row.rss_peak_kb),
            s.to_listen.as_secs_f64(),
            s.to_ready.as_secs_f64(),
            mb(m.rss_peak_kb),
            m.hwm_kb
                .map(|k| format!("{:.0}", mb(k)))
                .unwrap_or_default(),
            load1(m.load_start),
            load1(m.load_end),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::load::LoadResult;
    use super::super::measure::{Caller, Measurements, RouteResult, Startup};

    fn sample() -> Measurements {
        Measurements {
            startup: Startup {
                to_listen: Duration::from_millis(1500),
                to_ready: Duration::from_millis(1600),
                first_regions: Ok((200, 900.0)),
                first_regions_since_spawn: Duration::from_millis(2600),
                rss_ready_kb: 102_400,
            },
            callers: vec![Caller::new("public", "public", None)],
            rows: vec![
                RouteResult {
                    route: "regions".to_owned(),
                    caller: "public".to_owned(),
                    cold: Ok((200, 900.0)),
                    warm: Some(Ok((200, 30.0))),
                    load: Some(Ok(LoadResult {
                        requests: 310,
                        rps: 31.0,
                        p50_ms: 1000.0,
                        p99_ms: 1500.0,
                        ..LoadResult::default()
                    })),
                    rss_peak_kb: 204_800,
                    after_ingest: Some(Ok((200, 800.0))),
                },
                RouteResult {
                    route: "priority".to_owned(),
                    caller: "public".to_owned(),
                    cold: Ok((200, 3000.0)),
                    warm: Some(Ok((200, 2900.0))),
                    load: Some(Ok(LoadResult::default())),
                    rss_peak_kb: 1024,
                    after_ingest: None,
                },
                RouteResult {
                    route: "hotspots".to_owned(),
                    caller: "public".to_owned(),
                    cold: Ok((403, 1.0)),
                    warm: None,
                    load: None,
                    rss_peak_kb: 0,
                    after_ingest: Some(Ok((403, 1.0))),
                },
            ],
            rss_peak_kb: 307_200,
            hwm_kb: Some(310_000),
            load_start: Some([1.0, 2.0, 3.0]),
            load_end: Some([4.0, 5.0, 6.0]),
            ingest: Some(Ok(Duration::from_millis(700))),
            wrong_roles: vec![],
            restart: Some(Ok((Duration::from_millis(800), 92_160))),
        }
    }

    fn info() -> super::RunInfo {
        super::RunInfo {
            unix_time: 1,
            date: "2025-01-02".to_owned(),
            git: "abc1234".to_owned(),
            backend: "sqlite".to_owned(),
            schools: 7687,
            connections: 32,
            duration_s: 10,
        }
    }

    #[test]
    fn every_csv_line_has_the_header_columns() {
        let text = super::csv(&info(), &sample(), true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        let columns = lines[0].split(',').count();
        assert!(
            lines.iter().all(|l| l.split(',').count() == columns),
            "{text}"
        );
        assert!(lines[1].contains(",regions,public,200,900.00,30.00,310,31.0,1000.00,1500.00,"));
        assert!(lines[2].contains(",priority,public,200,3000.00,2900.00,0,0.0,,,,0,0,,1,,,"));
        assert!(lines[3].contains(",hotspots,public,403,1.00,,,,,,,,,,0,403,1.00,"));
        assert!(lines[1].ends_with(",1.500,1.600,900.00,300,303,1.00,4.00,0.800,90"));
    }

    #[test]
    fn the_table_shows_load_figures_and_status_codes() {
        let text = super::table(&info(), &sample());
        let regions = text.lines().find(|l| l.starts_with("regions ")).unwrap();
        assert_eq!(
            regions.split_whitespace().collect::<Vec<_>>(),
            [
                "regions", "public", "900.0", "30.0", "31.0", "1000.0", "1500.0", "0/0", "200",
                "800.0"
            ]
        );
        let priority = text.lines().find(|l| l.starts_with("priority ")).unwrap();
        assert!(priority.contains("0 done"), "{priority}");
        let hotspots = text.lines().find(|l| l.starts_with("hotspots ")).unwrap();
        assert_eq!(hotspots.split_whitespace().nth(2), Some("403"));
        assert!(text.contains("at start 1.00 2.00 3.00, at end 4.00 5.00 6.00"));
        assert!(text.contains("VmHWM 303 MB"));
        assert!(text.contains("restart on the same store (its data version warmed before): ready 0.80 s, RSS at ready 90 MB"));
    }
}
