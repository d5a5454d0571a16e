//! Feedboard's service simulator (entry point written in the next step).

mod adafruit;
mod clock_text;
mod rate_window;
mod rules;
mod thingspeak;

fn main() {}
