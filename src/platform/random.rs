//! Random ids from the browser's `Math.random` (not for secrets: only for telling tabs,
//! profiles and clients apart, and for spreading reconnect jitter).

/// 32 random bits.
pub fn random_u32() -> u32 {
    (js_sys::Math::random() * f64::from(u32::MAX)) as u32
}

/// 53 random bits, for seeding.
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

/// `prefix` followed by 8 random hex digits.
pub fn random_id(prefix: &str) -> String {
    format!("{prefix}{:08x}", random_u32())
}
