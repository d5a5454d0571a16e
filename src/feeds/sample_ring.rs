//! A feed's samples in 12 bytes each instead of 16: the value as it came, and the time as
//! whole milliseconds after the start of the block the sample belongs to. A block starts
//! wherever a time does not fit the current one (about 49 days after its start), so any span of
//! time is kept, at the cost of 16 bytes per block.

use std::collections::{vec_deque, VecDeque};

use super::ring::BoundedRing;
use super::series::Sample;

/// A sample as stored. Packed to 4-byte alignment, so a million of them take 12 MB and not 16
/// (fields are only ever read by value: no reference into a packed field is taken).
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, packed(4))]
struct Stored {
    value: f64,
    offset_ms: u32,
}

/// Where a block's samples start (their lifetime index) and the time their offsets count from.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Block {
    first: u64,
    base_ms: f64,
}

/// A bounded, time-ordered ring of [`Sample`]s, 12 bytes a sample. Times are kept to the
/// millisecond (a fraction of one is rounded away: the clocks the samples come from count whole
/// milliseconds).
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRing {
    items: BoundedRing<Stored>,
    blocks: VecDeque<Block>,
}

impl SampleRing {
    /// An empty ring that keeps at most `bound` samples (at least one).
    pub fn new(bound: usize) -> Self {
        Self {
            items: BoundedRing::new(bound),
            blocks: VecDeque::new(),
        }
    }

    /// Appends `sample` (not older than the newest: the series keeps its time order), dropping
    /// the oldest sample when the ring is full.
    pub fn push(&mut self, sample: Sample) {
        let time_ms = sample.time_ms.round();
        let offset = self
            .blocks
            .back()
            .map(|block| time_ms - block.base_ms)
            .filter(|offset| (0.0..=f64::from(u32::MAX)).contains(offset));
        let offset_ms = match offset {
            // In range and whole: the cast is exact.
            Some(offset) => offset as u32,
            None => {
                self.blocks.push_back(Block {
                    first: self.items.pushed(),
                    base_ms: time_ms,
                });
                0
            }
        };
        self.items.push(Stored {
            value: sample.value,
            offset_ms,
        });
        let dropped = self.items.dropped();
        while self.blocks.get(1).is_some_and(|next| next.first <= dropped) {
            self.blocks.pop_front();
        }
    }

    /// Samples kept now.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The most samples kept.
    pub fn bound(&self) -> usize {
        self.items.bound()
    }

    /// Samples pushed since the ring was made, dropped ones included.
    pub fn pushed(&self) -> u64 {
        self.items.pushed()
    }

    /// Samples dropped to make room so far: the lifetime index of the oldest kept sample.
    pub fn dropped(&self) -> u64 {
        self.items.dropped()
    }

    /// The sample at `position`, oldest first.
    pub fn get(&self, position: usize) -> Option<Sample> {
        let stored = self.items.get(position)?;
        Some(Cursor::at(&self.blocks, self.dropped() + position as u64).sample(stored))
    }

    /// The newest sample.
    pub fn newest(&self) -> Option<Sample> {
        self.len().checked_sub(1).and_then(|last| self.get(last))
    }

    /// The oldest sample.
    pub fn oldest(&self) -> Option<Sample> {
        self.get(0)
    }

    /// Samples oldest first.
    pub fn iter(&self) -> Samples<'_> {
        self.range(0..self.len())
    }

    /// Samples at positions `range` (oldest first; clamped to what is kept).
    pub fn range(&self, range: std::ops::Range<usize>) -> Samples<'_> {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        let first = self.dropped() + start as u64;
        let end_index = self.dropped() + end as u64;
        Samples {
            items: self.items.range(start..end),
            front: Cursor::at(&self.blocks, first),
            back: Cursor::at(&self.blocks, end_index.saturating_sub(1).max(first)),
            blocks: &self.blocks,
            front_index: first,
            back_index: end_index,
        }
    }

    /// The position of the first sample for which `is_before` is false, given that it holds
    /// for a prefix of the ring (binary search).
    pub fn partition_point(&self, mut is_before: impl FnMut(&Sample) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.get(middle) {
                Some(sample) if is_before(&sample) => low = middle + 1,
                _ => high = middle,
            }
        }
        low
    }

    /// Bytes of storage reserved now.
    pub fn reserved_bytes(&self) -> usize {
        self.items.reserved_bytes() + self.blocks.capacity() * std::mem::size_of::<Block>()
    }
}

/// One end of an iteration: the block it is in, that block's time base and where the block
/// starts and ends (lifetime indices), so a step only compares two numbers.
#[derive(Clone, Copy)]
struct Cursor {
    block: usize,
    base_ms: f64,
    first: u64,
    next_first: u64,
}

impl Cursor {
    fn at(blocks: &VecDeque<Block>, index: u64) -> Self {
        let block = blocks
            .partition_point(|block| block.first <= index)
            .saturating_sub(1);
        Self::of(blocks, block)
    }

    fn of(blocks: &VecDeque<Block>, block: usize) -> Self {
        let here = blocks.get(block);
        Self {
            block,
            base_ms: here.map_or(0.0, |b| b.base_ms),
            first: here.map_or(0, |b| b.first),
            next_first: blocks.get(block + 1).map_or(u64::MAX, |b| b.first),
        }
    }

    fn sample(&self, stored: &Stored) -> Sample {
        let (value, offset_ms) = (stored.value, stored.offset_ms);
        Sample {
            time_ms: self.base_ms + f64::from(offset_ms),
            value,
        }
    }
}

/// An iterator over a [`SampleRing`]'s samples in time order (either end).
#[derive(Clone)]
pub struct Samples<'a> {
    items: vec_deque::Iter<'a, Stored>,
    blocks: &'a VecDeque<Block>,
    front: Cursor,
    back: Cursor,
    /// Lifetime index of the next sample from the front, and one past the next from the back.
    front_index: u64,
    back_index: u64,
}

impl Iterator for Samples<'_> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        let stored = self.items.next()?;
        let index = self.front_index;
        self.front_index += 1;
        while index >= self.front.next_first {
            self.front = Cursor::of(self.blocks, self.front.block + 1);
        }
        Some(self.front.sample(stored))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.items.size_hint()
    }
}

impl DoubleEndedIterator for Samples<'_> {
    fn next_back(&mut self) -> Option<Sample> {
        let stored = self.items.next_back()?;
        self.back_index -= 1;
        let index = self.back_index;
        while index < self.back.first && self.back.block > 0 {
            self.back = Cursor::of(self.blocks, self.back.block - 1);
        }
        Some(self.back.sample(stored))
    }
}

impl ExactSizeIterator for Samples<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: f64 = 86_400_000.0;

    fn at(time_ms: f64, value: f64) -> Sample {
        Sample { time_ms, value }
    }

    #[test]
    fn a_sample_takes_twelve_bytes() {
        assert_eq!(std::mem::size_of::<Stored>(), 12);
        let mut ring = SampleRing::new(100_000);
        for i in 0..100_000 {
            ring.push(at(1.7e12 + f64::from(i) * 1000.0, f64::from(i)));
        }
        let per_sample = ring.reserved_bytes() as f64 / 100_000.0;
        assert!(per_sample <= 12.01, "{per_sample} B a sample");
    }

    #[test]
    fn times_and_values_come_back_exactly_across_block_starts() {
        // Points a week apart for four years: a block starts about every seven weeks.
        let mut ring = SampleRing::new(1_000);
        let times: Vec<f64> = (0..300)
            .map(|i| 1.6e12 + f64::from(i) * 7.0 * DAY_MS)
            .collect();
        for (i, &time) in times.iter().enumerate() {
            ring.push(at(time, if i % 3 == 0 { f64::NAN } else { i as f64 }));
        }
        assert!(ring.blocks.len() > 30, "{} blocks", ring.blocks.len());
        let forward: Vec<f64> = ring.iter().map(|s| s.time_ms).collect();
        assert_eq!(forward, times);
        let mut backward: Vec<f64> = ring.iter().rev().map(|s| s.time_ms).collect();
        backward.reverse();
        assert_eq!(backward, times);
        for (position, &time) in times.iter().enumerate() {
            let sample = ring.get(position).unwrap();
            assert_eq!(sample.time_ms, time);
            assert_eq!(sample.is_number(), position % 3 != 0);
        }
        let middle: Vec<f64> = ring.range(100..110).rev().map(|s| s.time_ms).collect();
        assert_eq!(
            middle,
            times[100..110].iter().rev().copied().collect::<Vec<_>>()
        );
        assert_eq!(ring.partition_point(|s| s.time_ms < times[200]), 200);
    }

    #[test]
    fn dropped_samples_take_their_blocks_with_them() {
        let mut ring = SampleRing::new(10);
        for i in 0..1_000 {
            ring.push(at(f64::from(i) * 60.0 * DAY_MS, f64::from(i)));
        }
        assert_eq!(ring.len(), 10);
        assert_eq!(ring.blocks.len(), 10, "one block a sample, 60 days apart");
        let values: Vec<f64> = ring.iter().map(|s| s.value).collect();
        assert_eq!(values, (990..1000).map(f64::from).collect::<Vec<_>>());
        assert_eq!(ring.oldest().unwrap().time_ms, 990.0 * 60.0 * DAY_MS);
        assert_eq!(ring.newest().unwrap().time_ms, 999.0 * 60.0 * DAY_MS);
    }

    #[test]
    fn a_fraction_of_a_millisecond_is_rounded_and_extreme_times_keep_their_order() {
        let mut ring = SampleRing::new(8);
        for time in [f64::MIN, -5.0, 0.4, 0.6, 1.7e12, f64::MAX] {
            ring.push(at(time, 1.0));
        }
        let times: Vec<f64> = ring.iter().map(|s| s.time_ms).collect();
        assert_eq!(times, vec![f64::MIN, -5.0, 0.0, 1.0, 1.7e12, f64::MAX]);
        // A start past the end, as a stale position can give.
        let backwards = std::ops::Range { start: 4, end: 2 };
        assert!(ring.range(backwards).next().is_none());
        assert_eq!(ring.range(5..99).count(), 1);
    }
}
