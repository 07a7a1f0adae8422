//! The future-event list: a binary min-heap keyed by (time, sequence number).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Simulation time in minutes since the origin (midnight at the start of day 0).
pub type SimTime = i64;

struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// Future-event list with deterministic tie-breaking and a clock that never goes backwards.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
    now: SimTime,
    popped: u64,
}

impl<E> EventQueue<E> {
    pub fn new(start: SimTime) -> Self {
        Self { heap: BinaryHeap::new(), next_seq: 0, now: start, popped: 0 }
    }

    /// Current simulation time: the time of the last event popped (or the start).
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedule `event` at `time`; a time in the past is moved to now (events never run before the clock).
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let time = time.max(self.now);
        self.heap.push(Entry { time, seq: self.next_seq, event });
        self.next_seq += 1;
    }

    /// Time of the next event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|e| e.time)
    }

    /// Remove the next event if it is due no later than `until`, advancing the clock to its time.
    #[inline]
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        if self.heap.peek()?.time > until {
            return None;
        }
        let e = self.heap.pop()?;
        self.now = e.time;
        self.popped += 1;
        Some((e.time, e.event))
    }

    /// Remove the next event, advancing the clock.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_until(SimTime::MAX)
    }

    /// Advance the clock without an event (for externally ordered event streams); never backwards.
    #[inline]
    pub fn advance_to(&mut self, time: SimTime) {
        self.now = self.now.max(time);
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Events popped so far.
    pub fn events_processed(&self) -> u64 {
        self.popped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_in_time_order_and_ties_in_scheduling_order() {
        let mut q = EventQueue::new(0);
        q.schedule(10, "c");
        q.schedule(5, "a");
        q.schedule(10, "d");
        q.schedule(5, "b");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(5, "a"), (5, "b"), (10, "c"), (10, "d")]);
        assert_eq!(q.now(), 10);
    }

    #[test]
    fn an_event_scheduled_in_the_past_runs_now() {
        let mut q = EventQueue::new(0);
        q.schedule(100, 1);
        q.pop();
        q.schedule(50, 2);
        assert_eq!(q.pop(), Some((100, 2)));
    }

    #[test]
    fn pop_until_leaves_later_events_queued() {
        let mut q = EventQueue::new(0);
        q.schedule(3, ());
        q.schedule(9, ());
        assert!(q.pop_until(5).is_some());
        assert!(q.pop_until(5).is_none());
        assert_eq!(q.len(), 1);
    }
}
