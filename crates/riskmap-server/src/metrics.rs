//! Prometheus metrics: request counts and latency histograms by route and status, tile cache
//! hits and misses, ingest batches. Rendered in the text exposition format at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Debug, Default)]
struct RouteStats {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The service's counters (shared, cheap to update).
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), RouteStats>>,
    /// Tiles served from the cache.
    pub tile_cache_hits: AtomicU64,
    /// Tiles built because they were not cached.
    pub tile_cache_misses: AtomicU64,
    /// Ingest batches stored through the API.
    pub ingest_batches: AtomicU64,
}

impl Metrics {
    /// Records one request on `route` (the matched path pattern, never the raw URI).
    pub fn observe(&self, route: &str, status: u16, seconds: f64) {
        let Ok(mut requests) = self.requests.lock() else {
            return;
        };
        let stats = requests.entry((route.to_owned(), status)).or_default();
        stats.count += 1;
        stats.sum_seconds += seconds;
        for (idx, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                stats.buckets[idx] += 1;
            }
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP riskmap_http_requests_total HTTP requests by route and status.\n# TYPE riskmap_http_requests_total counter\n");
        let requests = self
            .requests
            .lock()
            .map(|r| {
                r.iter()
                    .map(|(k, v)| (k.clone(), v.count, v.sum_seconds, v.buckets))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for ((route, status), count, _, _) in &requests {
            let _ = writeln!(
                out,
                "riskmap_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        out.push_str("# HELP riskmap_http_request_duration_seconds Request latency by route.\n# TYPE riskmap_http_request_duration_seconds histogram\n");
        for ((route, status), count, sum, buckets) in &requests {
            for (bound, n) in BUCKETS.iter().zip(buckets) {
                let _ = writeln!(
                    out,
                    "riskmap_http_request_duration_seconds_bucket{{route=\"{route}\",status=\"{status}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "riskmap_http_request_duration_seconds_bucket{{route=\"{route}\",status=\"{status}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "riskmap_http_request_duration_seconds_sum{{route=\"{route}\",status=\"{status}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "riskmap_http_request_duration_seconds_count{{route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        for (name, help, value) in [
            (
                "riskmap_tile_cache_hits_total",
                "Tiles served from the cache.",
                &self.tile_cache_hits,
            ),
            (
                "riskmap_tile_cache_misses_total",
                "Tiles built on request.",
                &self.tile_cache_misses,
            ),
            (
                "riskmap_ingest_batches_total",
                "Ingest batches stored through the API.",
                &self.ingest_batches,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        out
    }
}
