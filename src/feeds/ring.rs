//! A ring buffer with a fixed bound: pushing onto a full ring drops the oldest item.

use std::collections::VecDeque;

/// A bounded FIFO. Memory grows with use (doubling, but never past the bound), so a feed with
/// ten points costs ten points, and a feed with millions costs exactly the bound.
#[derive(Debug, Clone, PartialEq)]
pub struct BoundedRing<T> {
    items: VecDeque<T>,
    bound: usize,
    /// Items pushed over the ring's lifetime, dropped ones included.
    pushed: u64,
}

impl<T> BoundedRing<T> {
    /// An empty ring that keeps at most `bound` items (at least one).
    pub fn new(bound: usize) -> Self {
        Self {
            items: VecDeque::new(),
            bound: bound.max(1),
            pushed: 0,
        }
    }

    /// Appends `item`, returning the oldest item when it had to make room.
    pub fn push(&mut self, item: T) -> Option<T> {
        let evicted = if self.items.len() >= self.bound {
            self.items.pop_front()
        } else {
            self.grow_for_one();
            None
        };
        self.items.push_back(item);
        self.pushed += 1;
        evicted
    }

    /// Reserves room for one more item without letting VecDeque's doubling overshoot the bound.
    fn grow_for_one(&mut self) {
        let len = self.items.len();
        if len < self.items.capacity() {
            return;
        }
        let target = (len * 2).max(16).min(self.bound);
        self.items.reserve_exact(target.saturating_sub(len));
    }

    /// Drops the oldest item.
    pub fn pop_oldest(&mut self) -> Option<T> {
        self.items.pop_front()
    }

    /// Items kept now.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The most items kept.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// Items pushed since the ring was made, dropped ones included.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// Items dropped to make room (or popped) so far: the lifetime index of the oldest kept item.
    pub fn dropped(&self) -> u64 {
        self.pushed - self.items.len() as u64
    }

    /// The item at position `index`, oldest first.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.items.get(index)
    }

    /// The newest item.
    pub fn newest(&self) -> Option<&T> {
        self.items.back()
    }

    /// The oldest item.
    pub fn oldest(&self) -> Option<&T> {
        self.items.front()
    }

    /// Items oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator + Clone {
        self.items.iter()
    }

    /// Items at positions `range` (oldest first); the range must lie within what is kept.
    pub fn range(&self, range: std::ops::Range<usize>) -> std::collections::vec_deque::Iter<'_, T> {
        self.items.range(range)
    }

    /// The position of the first item for which `is_before` is false, given that the ring is
    /// ordered so that `is_before` holds for a prefix (binary search).
    pub fn partition_point(&self, is_before: impl FnMut(&T) -> bool) -> usize {
        self.items.partition_point(is_before)
    }

    /// Bytes of item storage reserved now.
    pub fn reserved_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_ring_drops_its_oldest_item_and_counts_what_it_dropped() {
        let mut ring = BoundedRing::new(3);
        for item in 1..=3 {
            assert_eq!(ring.push(item), None);
        }
        assert_eq!(ring.push(4), Some(1));
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!((ring.pushed(), ring.dropped(), ring.len()), (4, 1, 3));
        assert_eq!((ring.oldest(), ring.newest()), (Some(&2), Some(&4)));
    }

    #[test]
    fn storage_never_grows_past_the_bound() {
        let mut ring = BoundedRing::new(1000);
        for item in 0..5000u64 {
            ring.push(item);
        }
        assert_eq!(ring.len(), 1000);
        assert!(
            ring.reserved_bytes() <= 1000 * 8 + 64,
            "{}",
            ring.reserved_bytes()
        );
    }

    #[test]
    fn a_range_reads_across_the_wrap() {
        let mut ring = BoundedRing::new(5);
        for item in 0..8 {
            ring.push(item);
        }
        // Kept: 3 4 5 6 7, stored wrapped inside the deque.
        assert_eq!(
            ring.range(1..4).copied().collect::<Vec<i32>>(),
            vec![4, 5, 6]
        );
        assert_eq!(
            ring.range(3..5).rev().copied().collect::<Vec<_>>(),
            vec![7, 6]
        );
        assert_eq!(ring.partition_point(|&x| x < 6), 3);
    }
}
