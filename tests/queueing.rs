//! Queueing theory checks of the capacity-limited stages.
//!
//! The SMSO configuration stage is a `ServerQueue` (c servers, FIFO) whose service times the process draws; with
//! Poisson arrivals and exponential service it is an M/M/c queue, whose mean wait in queue is given by the Erlang C
//! formula (Kleinrock, *Queueing Systems* vol. 1, §3.5):
//!   C(c, a) = [aᶜ/c! · c/(c − a)] / [Σ_{k<c} aᵏ/k! + aᶜ/c! · c/(c − a)],  a = λ/μ,
//!   W_q = C(c, a) / (cμ − λ).
//! The test computes the formula itself and drives the same stage with the same engine the simulator uses.

use dormsim::engine::{EventQueue, ServerQueue, SimTime};
use dormsim::rng::{Purpose, Streams};
use rand_distr::{Distribution, Exp};

/// Erlang C probability of waiting, computed with the stable recursion on the Erlang B formula:
/// B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)); C = c·B / (c − a(1 − B)).
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    c as f64 * b / (c as f64 - a * (1.0 - b))
}

enum Ev {
    Arrival,
    Departure,
}

/// Simulate `customers` arrivals to a c-server stage; return the mean wait in queue (minutes), after discarding
/// the first `warmup` customers' waits.
fn simulate_mmc(c: u32, lambda_per_min: f64, mu_per_min: f64, customers: u64, warmup: u64) -> f64 {
    let streams = Streams::new(12345, 0);
    let mut arrivals_rng = streams.rng(Purpose::Test, 1, 0);
    let mut service_rng = streams.rng(Purpose::Test, 2, 0);
    let inter = Exp::new(lambda_per_min).unwrap();
    let service = Exp::new(mu_per_min).unwrap();
    let mut q: EventQueue<Ev> = EventQueue::new(0);
    let mut stage: ServerQueue<(u64, SimTime)> = ServerQueue::new(Some(c));
    // Times in whole minutes would round service times; scale to "ticks" of 1/1000 minute for accuracy.
    let tick = |minutes: f64| (minutes * 1000.0).round() as SimTime;
    q.schedule(tick(inter.sample(&mut arrivals_rng)), Ev::Arrival);
    let (mut arrived, mut waited_sum, mut waited_n) = (0u64, 0.0f64, 0u64);
    while let Some((now, ev)) = q.pop() {
        let started = match ev {
            Ev::Arrival => {
                arrived += 1;
                if arrived < customers {
                    q.schedule(now + tick(inter.sample(&mut arrivals_rng)), Ev::Arrival);
                }
                stage.arrive((arrived, now))
            }
            Ev::Departure => stage.depart(|_| true),
        };
        if let Some((id, at)) = started {
            if id > warmup {
                waited_sum += (now - at) as f64 / 1000.0;
                waited_n += 1;
            }
            q.schedule(now + tick(service.sample(&mut service_rng)), Ev::Departure);
        }
    }
    waited_sum / waited_n as f64
}

#[test]
fn erlang_c_matches_a_textbook_value() {
    // Check the formula itself: c = 2, a = 1 (ρ = 0.5): C = 1/3 (standard result, e.g. Gross & Harris Table 2.1).
    assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn the_server_stage_waits_as_erlang_c_predicts_for_mmc() {
    // c = 5 servers, mean service 1440 min (one working day), λ = 4 per day: a = 4, ρ = 0.8.
    // Erlang C: C(5, 4) ≈ 0.5541, W_q = C / (5μ − λ) = 0.5541 / (1/day) ≈ 0.554 day ≈ 798 minutes.
    let (c, mu, lambda) = (5, 1.0 / 1440.0, 4.0 / 1440.0);
    let expected = erlang_c(c, lambda / mu) / (c as f64 * mu - lambda);
    let simulated = simulate_mmc(c, lambda, mu, 400_000, 20_000);
    // With 380 000 measured customers the batch-means standard error of W_q is ≈ 1% at ρ = 0.8; allow 5%.
    let rel = (simulated - expected).abs() / expected;
    assert!(rel < 0.05, "simulated {simulated:.1} min vs Erlang C {expected:.1} min ({:.1}% off)", 100.0 * rel);
}

#[test]
fn the_server_stage_rarely_queues_when_lightly_loaded() {
    // c = 20, a = 5 (ρ = 0.25): C(20, 5) is about 1e-5, so the mean wait is essentially zero.
    let (c, mu, lambda) = (20, 1.0 / 100.0, 5.0 / 100.0);
    let expected = erlang_c(c, lambda / mu) / (c as f64 * mu - lambda);
    assert!(expected < 0.01);
    let simulated = simulate_mmc(c, lambda, mu, 100_000, 1_000);
    assert!(simulated < 0.05, "{simulated}");
}
