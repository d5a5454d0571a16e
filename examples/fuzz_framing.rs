//! Runs the seeded fuzzer (framing, session, received texts) for many cases and reports panics.
//! `cargo run --profile fuzz --example fuzz_framing -- [CASES] [SEED]` (default 10 000 000, 1).

use feedboard::fuzz::{generate, run_case, Rng};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let cases: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    // Panics are caught and counted; keep their messages out of the output.
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut panics = 0u64;
    let mut bytes = 0u64;
    for case in 0..cases {
        let (stream, splits) = generate(&mut rng);
        bytes += stream.len() as u64;
        if run_case(&stream, &splits) {
            panics += 1;
            if panics <= 5 {
                println!("panic in case {case}: {stream:02x?} split {splits:?}");
            }
        }
    }
    println!(
        "fuzz_framing: {cases} cases ({bytes} bytes, seed {seed}) in {:.1} s: {panics} panics",
        started.elapsed().as_secs_f64()
    );
    if panics > 0 {
        std::process::exit(1);
    }
}
