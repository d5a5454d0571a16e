//! A run of a feed's points as bytes, the way they are kept in the browser's storage: times and
//! values as little-endian `f64` pairs (16 bytes a point), then the texts and locations of the
//! points that had them. Decoding never panics: damaged bytes are an error.

use crate::feeds::series::HistoryPoint;
use crate::service::value::{Datum, Location, Value};

const MAGIC: &[u8; 4] = b"FBK1";

/// Why kept bytes could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged;

/// `points` as bytes.
pub fn encode(points: &[HistoryPoint]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(8 + points.len() * 16);
    bytes.extend_from_slice(MAGIC);
    push_u32(&mut bytes, points.len());
    let mut texts = Vec::new();
    let mut locations = Vec::new();
    for (index, point) in points.iter().enumerate() {
        let value = match &point.datum.value {
            Value::Number(number) => *number,
            Value::Text(text) => {
                texts.push((index, text.as_str()));
                f64::NAN
            }
        };
        bytes.extend_from_slice(&point.time_ms.to_le_bytes());
        bytes.extend_from_slice(&value.to_le_bytes());
        if let Some(location) = point.datum.location {
            locations.push((index, location));
        }
    }
    push_u32(&mut bytes, texts.len());
    for (index, text) in texts {
        push_u32(&mut bytes, index);
        push_u32(&mut bytes, text.len());
        bytes.extend_from_slice(text.as_bytes());
    }
    push_u32(&mut bytes, locations.len());
    for (index, location) in locations {
        push_u32(&mut bytes, index);
        bytes.extend_from_slice(&location.lat.to_le_bytes());
        bytes.extend_from_slice(&location.lon.to_le_bytes());
        bytes.extend_from_slice(&location.ele.unwrap_or(f64::NAN).to_le_bytes());
    }
    bytes
}

fn push_u32(bytes: &mut Vec<u8>, n: usize) {
    bytes.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], Damaged> {
        let end = self.at.checked_add(n).ok_or(Damaged)?;
        let taken = self.bytes.get(self.at..end).ok_or(Damaged)?;
        self.at = end;
        Ok(taken)
    }

    fn u32(&mut self) -> Result<usize, Damaged> {
        let raw: [u8; 4] = self.take(4)?.try_into().map_err(|_| Damaged)?;
        usize::try_from(u32::from_le_bytes(raw)).map_err(|_| Damaged)
    }

    fn f64(&mut self) -> Result<f64, Damaged> {
        let raw: [u8; 8] = self.take(8)?.try_into().map_err(|_| Damaged)?;
        Ok(f64::from_le_bytes(raw))
    }
}

/// The points in `bytes`.
pub fn decode(bytes: &[u8]) -> Result<Vec<HistoryPoint>, Damaged> {
    let mut reader = Reader { bytes, at: 0 };
    if reader.take(4)? != MAGIC {
        return Err(Damaged);
    }
    let count = reader.u32()?;
    // A count the bytes cannot hold is damage, not a reason to reserve gigabytes.
    if count > bytes.len() / 16 {
        return Err(Damaged);
    }
    let mut points = Vec::with_capacity(count);
    for _ in 0..count {
        let time_ms = reader.f64()?;
        let value = reader.f64()?;
        let value = if value.is_nan() {
            // A text dropped for size keeps its place, empty, until its own text is read.
            Value::Text(String::new())
        } else {
            Value::Number(value)
        };
        points.push(HistoryPoint {
            time_ms,
            datum: Datum::plain(value),
        });
    }
    for _ in 0..reader.u32()? {
        let index = reader.u32()?;
        let len = reader.u32()?;
        let text = std::str::from_utf8(reader.take(len)?).map_err(|_| Damaged)?;
        let point = points.get_mut(index).ok_or(Damaged)?;
        point.datum.value = Value::Text(text.to_owned());
    }
    for _ in 0..reader.u32()? {
        let index = reader.u32()?;
        let (lat, lon, ele) = (reader.f64()?, reader.f64()?, reader.f64()?);
        let point = points.get_mut(index).ok_or(Damaged)?;
        point.datum.location = Some(Location {
            lat,
            lon,
            ele: (!ele.is_nan()).then_some(ele),
        });
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(time_ms: f64, value: Value, location: Option<Location>) -> HistoryPoint {
        HistoryPoint {
            time_ms,
            datum: Datum { value, location },
        }
    }

    #[test]
    fn points_round_trip_with_texts_and_locations_at_16_bytes_a_number() {
        let points = vec![
            point(1.0, Value::Number(21.5), None),
            point(2.0, Value::Text("ON".into()), None),
            point(
                3.0,
                Value::Number(-3.0),
                Some(Location {
                    lat: 52.37,
                    lon: 4.89,
                    ele: None,
                }),
            ),
        ];
        let bytes = encode(&points);
        assert_eq!(decode(&bytes), Ok(points));
        let numbers: Vec<HistoryPoint> = (0..1000)
            .map(|i| point(f64::from(i), Value::Number(f64::from(i)), None))
            .collect();
        assert_eq!(encode(&numbers).len(), 16 * 1000 + 16, "16 bytes a point");
    }

    #[test]
    fn damaged_bytes_are_an_error_never_a_panic() {
        let bytes = encode(&[point(1.0, Value::Text("héllo".into()), None)]);
        for cut in 0..bytes.len() {
            assert_eq!(decode(&bytes[..cut]), Err(Damaged), "cut at {cut}");
        }
        assert_eq!(decode(b"FBK1\xff\xff\xff\xff"), Err(Damaged));
        assert_eq!(decode(b"nope"), Err(Damaged));
        let mut wrong_index = encode(&[point(1.0, Value::Text("x".into()), None)]);
        // The text's index (after the magic, the count and one point) points past the end.
        wrong_index[28] = 9;
        assert_eq!(decode(&wrong_index), Err(Damaged));
    }
}
