//! The heap budget of one read: a capped global allocator (`cap`) whose limit is set to what
//! is live plus the budget while a harness reads, so an input that makes a reader allocate
//! past it (the 549 GB grid, the 2 GB whitespace run) aborts at once — a crash the fuzzer
//! records — instead of waiting for the machine to run out.

use std::alloc::System;

use cap::Cap;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// Runs `work` with at most `budget` heap bytes more than are live when it starts; an
/// allocation past that fails (and aborts, unless made with a fallible API such as
/// `Vec::try_reserve`). Meant for one thread at a time (a fuzz target, a replay test).
pub fn within_budget<T>(budget: usize, work: impl FnOnce() -> T) -> T {
    let limit = ALLOCATOR.allocated().saturating_add(budget);
    // The limit is above what is allocated, so setting it cannot fail.
    let _ = ALLOCATOR.set_limit(limit);
    let result = work();
    let _ = ALLOCATOR.set_limit(usize::MAX);
    result
}

/// Heap bytes live now.
pub fn live_bytes() -> usize {
    ALLOCATOR.allocated()
}
