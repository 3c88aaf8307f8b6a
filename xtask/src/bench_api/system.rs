//! What the harness reads from `/proc`: the server's resident memory (`VmRSS`, sampled every
//! 50 ms on a thread, and the kernel's own peak `VmHWM`) and the machine's load average.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

const SAMPLE_EVERY: Duration = Duration::from_millis(50);

/// The 1-, 5- and 15-minute load averages from `/proc/loadavg`.
pub(crate) fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().ok());
    Some([fields.next()??, fields.next()??, fields.next()??])
}

/// `VmRSS` and `VmHWM` of a process, in kB (None once it is gone).
pub(crate) fn memory_kb(pid: u32) -> Option<(u64, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        text.lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[derive(Default)]
struct Peaks {
    stop: AtomicBool,
    current_kb: AtomicU64,
    overall_kb: AtomicU64,
    window_kb: AtomicU64,
}

/// Samples a process's `VmRSS` until dropped: the current value, the peak overall and the peak
/// since the last `take_window`.
pub(crate) struct RssMonitor {
    pid: u32,
    peaks: Arc<Peaks>,
    thread: Option<JoinHandle<()>>,
}

impl RssMonitor {
    pub(crate) fn start(pid: u32) -> Self {
        let peaks = Arc::new(Peaks::default());
        let shared = Arc::clone(&peaks);
        let thread = std::thread::spawn(move || {
            while !shared.stop.load(Ordering::Relaxed) {
                if let Some((rss, _)) = memory_kb(pid) {
                    shared.current_kb.store(rss, Ordering::Relaxed);
                    shared.overall_kb.fetch_max(rss, Ordering::Relaxed);
                    shared.window_kb.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(SAMPLE_EVERY);
            }
        });
        Self {
            pid,
            peaks,
            thread: Some(thread),
        }
    }

    pub(crate) fn current_kb(&self) -> u64 {
        self.peaks.current_kb.load(Ordering::Relaxed)
    }

    /// The peak since the previous call (or the start), and a new window begins.
    pub(crate) fn take_window(&self) -> u64 {
        let current = self.current_kb();
        self.peaks.window_kb.swap(current, Ordering::Relaxed)
    }

    /// The sampled peak and the kernel's `VmHWM` (which also sees spikes between samples).
    pub(crate) fn peaks_kb(&self) -> (u64, Option<u64>) {
        let sampled = self.peaks.overall_kb.load(Ordering::Relaxed);
        (sampled, memory_kb(self.pid).map(|(_, hwm)| hwm))
    }
}

impl Drop for RssMonitor {
    fn drop(&mut self) {
        self.peaks.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_process_has_memory_and_the_machine_a_load() {
        let (rss, hwm) = super::memory_kb(std::process::id()).unwrap();
        assert!(rss > 0 && hwm >= rss);
        let load = super::load_average().unwrap();
        assert!(load.iter().all(|l| *l >= 0.0));
        let monitor = super::RssMonitor::start(std::process::id());
        std::thread::sleep(std::time::Duration::from_millis(120));
        assert!(monitor.take_window() > 0);
        assert!(monitor.peaks_kb().0 >= monitor.current_kb());
    }
}
