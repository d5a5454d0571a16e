//! Reading decimal numbers ("21.5", "-3e-4", "1013.25") into `f64`: the syntax of
//! `str::parse::<f64>` and its correctly rounded result, without core's float-parsing tables.
//!
//! Why not `str::parse`: its Eisel–Lemire tables and big-decimal code are ~12 KB gzip of the
//! release wasm (issue 16 measured it), paid by every visitor for a job this file does in a
//! fraction of that. Readings from devices take the exact fast path (at most 15 significant
//! digits, an exponent within ±22: one correctly rounded multiplication or division); anything
//! else takes a slow but exact path through a small big integer. The tests compare both paths
//! with `str::parse` bit for bit.

/// `text` as a number, exactly as `text.parse::<f64>().ok()` would give it: an optional sign,
/// digits with an optional point (at least one digit), an optional exponent; or `inf`,
/// `infinity`, `nan` in any case. No whitespace.
pub fn parse_f64(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let magnitude = if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        f64::INFINITY
    } else if rest.eq_ignore_ascii_case(b"nan") {
        f64::NAN
    } else {
        Decimal::read(rest)?.to_f64()
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// A number as people and devices write one — `text` with surrounding spaces allowed — when
/// it is finite: what every reading of a typed or received number wants (`inf` and `NaN` are
/// not readings).
pub fn parse_finite(text: &str) -> Option<f64> {
    parse_f64(text.trim()).filter(|n| n.is_finite())
}

/// Enough significant digits to decide the rounding of any `f64` (767 can matter); further
/// digits only count as "more follows".
const KEPT_DIGITS: usize = 800;

/// A non-negative decimal: the integer `digits` (no leading zeros; each 0–9) times
/// 10^`exponent`.
struct Decimal {
    digits: Vec<u8>,
    exponent: i64,
}

impl Decimal {
    fn read(text: &[u8]) -> Option<Self> {
        let mut digits = Vec::new();
        let mut exponent: i64 = 0;
        let mut truncated = false;
        let mut seen_digit = false;
        let mut rest = text;
        let mut take = |digit: u8, after_point: bool, digits: &mut Vec<u8>| {
            if digits.is_empty() && digit == 0 {
                // A leading zero: only its place counts.
            } else if digits.len() < KEPT_DIGITS {
                digits.push(digit);
            } else {
                truncated |= digit != 0;
                // A digit left out before the point still scales the number.
                if !after_point {
                    exponent = exponent.saturating_add(1);
                }
                return;
            }
            if after_point {
                exponent = exponent.saturating_sub(1);
            }
        };
        while let [digit @ b'0'..=b'9', tail @ ..] = rest {
            take(digit - b'0', false, &mut digits);
            seen_digit = true;
            rest = tail;
        }
        if let [b'.', tail @ ..] = rest {
            rest = tail;
            while let [digit @ b'0'..=b'9', tail @ ..] = rest {
                take(digit - b'0', true, &mut digits);
                seen_digit = true;
                rest = tail;
            }
        }
        if !seen_digit {
            return None;
        }
        if let [b'e' | b'E', tail @ ..] = rest {
            let (negative, mut tail) = match tail {
                [b'-', more @ ..] => (true, more),
                [b'+', more @ ..] => (false, more),
                _ => (false, tail),
            };
            let mut written: i64 = 0;
            let mut any = false;
            while let [digit @ b'0'..=b'9', more @ ..] = tail {
                written = written
                    .saturating_mul(10)
                    .saturating_add(i64::from(digit - b'0'));
                any = true;
                tail = more;
            }
            if !any {
                return None;
            }
            exponent = exponent.saturating_add(if negative { -written } else { written });
            rest = tail;
        }
        if !rest.is_empty() {
            return None;
        }
        if truncated {
            // Stands for every non-zero digit left out: above the kept digits, below the next
            // step that could change the rounding.
            digits.push(1);
            exponent = exponent.saturating_sub(1);
        }
        while digits.last() == Some(&0) {
            digits.pop();
            exponent = exponent.saturating_add(1);
        }
        Some(Self { digits, exponent })
    }

    fn to_f64(&self) -> f64 {
        if self.digits.is_empty() {
            return 0.0;
        }
        // The value lies in [10^(magnitude - 1), 10^magnitude).
        let magnitude = self.exponent.saturating_add(self.digits.len() as i64);
        if magnitude > 310 {
            return f64::INFINITY;
        }
        if magnitude < -324 {
            return 0.0;
        }
        if let Some(value) = self.fast_path() {
            return value;
        }
        let digits = BigUint::from_digits(&self.digits);
        if self.exponent >= 0 {
            let exponent = self.exponent as u32;
            let scaled = digits.times_pow5(exponent);
            let (top, sticky, shift) = scaled.top_bits();
            round_to_f64(top, sticky, shift + i64::from(exponent))
        } else {
            let divisor = BigUint::one().times_pow5((-self.exponent) as u32);
            let (quotient, sticky, shift) = digits.divide_top_bits(&divisor);
            round_to_f64(quotient, sticky, shift + self.exponent)
        }
    }

    /// Clinger's fast path: both operands exact in an `f64`, so one operation rounds once.
    fn fast_path(&self) -> Option<f64> {
        const POWERS_OF_TEN: [f64; 23] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
        ];
        if self.digits.len() > 15 || self.exponent.unsigned_abs() > 22 {
            return None;
        }
        let mantissa = self
            .digits
            .iter()
            .fold(0u64, |n, &digit| n * 10 + u64::from(digit)) as f64;
        let power = POWERS_OF_TEN[self.exponent.unsigned_abs() as usize];
        Some(if self.exponent >= 0 {
            mantissa * power
        } else {
            mantissa / power
        })
    }
}

/// `(top + f) · 2^exponent` rounded to the nearest `f64` (ties to even), where `0 ≤ f < 1` and
/// `f > 0` exactly when `sticky`. Handles subnormal results and overflow to infinity.
fn round_to_f64(top: u128, sticky: bool, exponent: i64) -> f64 {
    if top == 0 {
        return 0.0;
    }
    let length = 128 - i64::from(top.leading_zeros());
    let highest = length - 1 + exponent;
    if highest > 1023 {
        return f64::INFINITY;
    }
    // Bits of precision at this magnitude: 53, fewer below the normal range.
    let precision = if highest >= -1022 {
        53
    } else {
        53 - (-1022 - highest)
    };
    let dropped = length - precision;
    if dropped <= 0 {
        // Exact (then `sticky` is false: callers give at least 64 bits whenever bits were lost).
        return top as f64 * power_of_two(exponent);
    }
    if dropped > length {
        return 0.0; // below half the smallest subnormal
    }
    let (mantissa, rest) = if dropped == 128 {
        (0, top)
    } else {
        (top >> dropped, top & ((1u128 << dropped) - 1))
    };
    let half = 1u128 << (dropped - 1);
    let round_up = rest > half || (rest == half && (sticky || mantissa & 1 == 1));
    let mantissa = mantissa + u128::from(round_up);
    // At most 2^53: exact as an f64, and times a power of two the product is exact too (or
    // infinity past the largest finite value).
    mantissa as f64 * power_of_two(exponent + dropped)
}

/// 2^`exponent` for `exponent` from -1074 (the smallest subnormal) up; infinity above 1023.
fn power_of_two(exponent: i64) -> f64 {
    if exponent > 1023 {
        f64::INFINITY
    } else if exponent >= -1022 {
        f64::from_bits(((exponent + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (exponent + 1074).max(0))
    }
}

/// A non-negative integer as 32-bit limbs, least significant first: just the operations the
/// slow path needs.
#[derive(Clone)]
struct BigUint(Vec<u32>);

impl BigUint {
    fn one() -> Self {
        Self(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Self {
        let mut number = Self(Vec::new());
        for chunk in digits.chunks(9) {
            let value = chunk
                .iter()
                .fold(0u32, |n, &digit| n * 10 + u32::from(digit));
            number.multiply_add(10u32.pow(chunk.len() as u32), value);
        }
        number
    }

    fn multiply_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn times_pow5(mut self, mut exponent: u32) -> Self {
        const FIVE_TO_13: u32 = 1_220_703_125;
        while exponent >= 13 {
            self.multiply_add(FIVE_TO_13, 0);
            exponent -= 13;
        }
        self.multiply_add(5u32.pow(exponent), 0);
        self
    }

    fn bits(&self) -> u64 {
        self.0.last().map_or(0, |&top| {
            (self.0.len() as u64 - 1) * 32 + u64::from(32 - top.leading_zeros())
        })
    }

    fn bit(&self, index: u64) -> bool {
        self.0
            .get((index / 32) as usize)
            .is_some_and(|limb| limb >> (index % 32) & 1 == 1)
    }

    /// The highest (at most 128) bits, whether any lower bit is set, and how far they were
    /// shifted down.
    fn top_bits(&self) -> (u128, bool, i64) {
        let bits = self.bits();
        let shift = bits.saturating_sub(128);
        let top = (shift..bits)
            .rev()
            .fold(0u128, |top, index| top << 1 | u128::from(self.bit(index)));
        let sticky = (0..shift).any(|index| self.bit(index));
        (top, sticky, shift as i64)
    }

    /// `self / divisor` as (q, sticky, e) with the quotient equal to (q + f) · 2^e, q of 66 to
    /// 68 bits (or exact), f > 0 exactly when `sticky`. Binary long division: slow, rarely used.
    fn divide_top_bits(&self, divisor: &Self) -> (u128, bool, i64) {
        // Line the dividend up 66 bits above the divisor, so the quotient has 66 or 67 bits.
        let lift = divisor.bits() as i64 + 66 - self.bits() as i64;
        let mut remainder = self.clone();
        let mut divisor = divisor.clone();
        if lift > 0 {
            remainder.shift_left(lift as u64);
        } else {
            divisor.shift_left((-lift) as u64);
        }
        let mut quotient = 0u128;
        for step in (0..68).rev() {
            let mut shifted = divisor.clone();
            shifted.shift_left(step);
            if !remainder.is_less_than(&shifted) {
                remainder.subtract(&shifted);
                quotient |= 1 << step;
            }
        }
        (quotient, remainder.bits() > 0, -lift)
    }

    fn shift_left(&mut self, bits: u64) {
        let limbs = (bits / 32) as usize;
        let within = (bits % 32) as u32;
        if within > 0 {
            let mut carry = 0u32;
            for limb in &mut self.0 {
                let next = *limb >> (32 - within);
                *limb = *limb << within | carry;
                carry = next;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_less_than(&self, other: &Self) -> bool {
        if self.0.len() != other.0.len() {
            return self.0.len() < other.0.len();
        }
        self.0.iter().rev().lt(other.0.iter().rev())
    }

    /// `self -= other`, for `other <= self`.
    fn subtract(&mut self, other: &Self) {
        let mut borrow = false;
        for (index, limb) in self.0.iter_mut().enumerate() {
            let (value, under) = limb.overflowing_sub(other.0.get(index).copied().unwrap_or(0));
            let (value, under_again) = value.overflowing_sub(u32::from(borrow));
            *limb = value;
            borrow = under || under_again;
        }
        self.trim();
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_f64, parse_finite};
    use crate::fuzz::Rng;

    fn same(text: &str) {
        let ours = parse_f64(text);
        let core = text.parse::<f64>().ok();
        let same = match (ours, core) {
            (Some(a), Some(b)) => a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
            (None, None) => true,
            _ => false,
        };
        assert!(same, "{text:?}: ours {ours:?}, str::parse {core:?}");
    }

    #[test]
    fn reads_what_str_parse_reads_and_refuses_what_it_refuses() {
        for text in [
            "0",
            "-0",
            "+0",
            "21.5",
            "-3e-4",
            "1013.25",
            ".5",
            "5.",
            "-.5e1",
            "1E+5",
            "1e-5",
            "007",
            "0.1",
            "0.30000000000000004",
            "123456789012345678901234567890",
            "9007199254740993",
            "9007199254740992.5",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "2.2250738585072014e-308",
            "2.2250738585072011e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e400",
            "0e999999999999999999999",
            "1e-99999999999999999999",
            "1e99999999999999999999",
            "0.000000000000000000000000000000000000000000001",
            "inf",
            "-Infinity",
            "NaN",
            "+nan",
            "",
            ".",
            "+",
            "-",
            "e5",
            "1e",
            "1e+",
            "1.2.3",
            " 1",
            "1 ",
            "0x10",
            "1_000",
            "--1",
            "1e5.5",
            "infinit",
            "nan1",
            "١",
            "1,5",
        ] {
            same(text);
        }
    }

    #[test]
    fn a_finite_reading_allows_spaces_and_refuses_infinities_and_nan() {
        assert_eq!(parse_finite(" 21.5\n"), Some(21.5));
        assert_eq!(parse_finite("-3e-4 "), Some(-3e-4));
        for text in ["inf", " -Infinity", "NaN", "1e400", "", "  ", "21.5 °C"] {
            assert_eq!(parse_finite(text), None, "{text:?}");
        }
    }

    #[test]
    fn long_inputs_round_like_str_parse() {
        // Halfway between two doubles, with a non-zero digit far beyond the kept digits.
        let halfway = "9007199254740993";
        same(&format!("{halfway}{}", "0".repeat(900)));
        same(&format!("{halfway}.{}1", "0".repeat(900)));
        same(&format!("{}1", "0.".to_owned() + &"0".repeat(320)));
        same(&"9".repeat(2000));
        same(&format!("1.{}e-300", "3".repeat(1500)));
    }

    #[test]
    fn agrees_with_str_parse_on_random_numbers() {
        let mut rng = Rng::new(16);
        let mut text = String::new();
        for _ in 0..200_000 {
            text.clear();
            if rng.below(4) == 0 {
                text.push('-');
            }
            let whole = rng.below(25);
            for index in 0..whole {
                let digit = if index == 0 {
                    1 + rng.below(9)
                } else {
                    rng.below(10)
                };
                text.push(char::from(b'0' + digit as u8));
            }
            if whole == 0 || rng.below(2) == 0 {
                text.push('.');
                for _ in 0..1 + rng.below(25) {
                    text.push(char::from(b'0' + rng.below(10) as u8));
                }
            }
            if rng.below(3) == 0 {
                text.push('e');
                text.push_str(&(rng.below(700) as i64 - 350).to_string());
            }
            same(&text);
        }
    }

    #[test]
    fn agrees_with_str_parse_on_random_doubles_written_shortest_and_long() {
        let mut rng = Rng::new(64);
        for _ in 0..100_000 {
            let value = f64::from_bits(rng.next_u64());
            if !value.is_finite() {
                continue;
            }
            same(&value.to_string());
            same(&format!("{value:e}"));
            same(&format!("{value:.25e}"));
        }
    }
}
