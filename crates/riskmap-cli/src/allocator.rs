//! The process's memory allocator: jemalloc, for Rust and C code alike (the `malloc` symbols
//! too, so SQLite's row copies are in it), with background threads purging freed pages back to
//! the system once unused for its decay time (`.cargo/config.toml` compiles in one second and
//! no `MADV_FREE` stage, whose pages would still count as resident). glibc's malloc kept what
//! a warm-up freed (an arena per thread, each holding its freed pages), so an idle server
//! stayed at its warm-up peak; with jemalloc it falls back to what its caches hold.

/// jemalloc for every allocation of the process.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Starts jemalloc's background purging, should the compiled-in configuration be missing (a
/// build without `.cargo/config.toml`); a failure only costs memory.
pub(crate) fn purge_in_background() {
    #[cfg(not(target_env = "msvc"))]
    if let Err(error) = tikv_jemalloc_ctl::background_thread::write(true) {
        tracing::warn!(%error, "jemalloc background purging not started");
    }
}
