//! Capacity-limited stages: a c-server FIFO queue (SMSO firmware configuration). DCC's daily capacity is booked in
//! `process::ledger`.

use std::collections::VecDeque;

/// First-come-first-served stage with `servers` identical servers (`None` = unlimited, an infinite-server delay).
/// The stage only decides *when* a job may start; the caller draws service times and schedules completions.
#[derive(Debug, Clone)]
pub struct ServerQueue<J> {
    servers: Option<u32>,
    busy: u32,
    waiting: VecDeque<J>,
}

impl<J> ServerQueue<J> {
    pub fn new(servers: Option<u32>) -> Self {
        Self { servers, busy: 0, waiting: VecDeque::new() }
    }

    fn has_free_server(&self) -> bool {
        self.servers.is_none_or(|c| self.busy < c)
    }

    /// A job arrives. Returns it back if it can start service now (the server is then counted busy); otherwise
    /// it joins the back of the queue and `None` is returned.
    pub fn arrive(&mut self, job: J) -> Option<J> {
        if self.has_free_server() {
            self.busy += 1;
            Some(job)
        } else {
            self.waiting.push_back(job);
            None
        }
    }

    /// A job leaves service. Returns the next waiting job for which `keep` is true (it starts service on the
    /// freed server); waiting jobs for which `keep` is false are dropped (lazy cancellation).
    pub fn depart(&mut self, mut keep: impl FnMut(&J) -> bool) -> Option<J> {
        debug_assert!(self.busy > 0, "departure from an idle stage");
        self.busy = self.busy.saturating_sub(1);
        while let Some(job) = self.waiting.pop_front() {
            if keep(&job) {
                self.busy += 1;
                return Some(job);
            }
        }
        None
    }

    pub fn busy(&self) -> u32 {
        self.busy
    }

    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_wait_only_when_every_server_is_busy() {
        let mut q = ServerQueue::new(Some(2));
        assert_eq!(q.arrive(1), Some(1));
        assert_eq!(q.arrive(2), Some(2));
        assert_eq!(q.arrive(3), None);
        assert_eq!(q.arrive(4), None);
        assert_eq!(q.waiting(), 2);
        // Job 3 is cancelled while waiting: the next departure skips it and starts job 4.
        assert_eq!(q.depart(|j| *j != 3), Some(4));
        assert_eq!(q.busy(), 2);
        assert_eq!(q.depart(|_| true), None);
        assert_eq!(q.busy(), 1);
    }

    #[test]
    fn an_unlimited_stage_never_queues() {
        let mut q = ServerQueue::new(None);
        for i in 0..1000 {
            assert_eq!(q.arrive(i), Some(i));
        }
        assert_eq!(q.waiting(), 0);
    }
}
