//! The discrete-event core, with nothing domain-specific in it.
//!
//! - [`EventQueue`]: the future-event list. Time is an integer ([`SimTime`], minutes since the run's origin);
//!   entries are ordered by (time, sequence number), the sequence number being the order of scheduling, so events
//!   at the same minute run in the order they were scheduled and every run is deterministic.
//! - [`ServerQueue`]: a first-come-first-served stage with `c` identical servers (or unlimited), the building
//!   block for capacity-limited stages such as SMSO firmware configuration (an M/G/c queue when arrivals are
//!   Poisson).
//! - [`prefetch`]: a cache hint for per-entity state the caller knows it will touch soon.

mod queue;
mod stage;

pub use queue::{EventQueue, SimTime};
pub use stage::ServerQueue;

/// Minutes in a day (the calendar's constant: working time is measured in the same minutes).
pub use crate::calendar::MINUTES_PER_DAY;

/// Minute `minute_of_day` of day `day` (days counted from the origin, may be negative).
#[inline]
pub const fn at(day: i32, minute_of_day: SimTime) -> SimTime {
    day as SimTime * MINUTES_PER_DAY + minute_of_day
}

/// The day a time falls on.
#[inline]
pub const fn day_of(t: SimTime) -> i32 {
    t.div_euclid(MINUTES_PER_DAY) as i32
}

/// Ask the CPU to start loading `slice[index]` into cache (no effect when out of bounds or off x86-64).
///
/// At GB scale the per-installation state is hundreds of MB and each event touches one installation at random, so
/// the simulator mostly waits for memory. Where the next installations are known in advance (the switching history,
/// DCC's queues, the open day's events) a hint issued a few entries ahead overlaps those waits. A hint never changes
/// a result.
#[inline(always)]
pub fn prefetch<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = slice.get(index) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch is a hint that never faults or reads into the program; the pointer is to a live element.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}
