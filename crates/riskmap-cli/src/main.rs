//! The `riskmap` command line.

fn main() {}
