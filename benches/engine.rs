//! Criterion benchmarks of the simulator's hot paths: one replication of the baseline (all options), the event
//! queue alone, and fleet + switching-history generation. Run with `cargo bench`; figures go in the notes.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dormsim::engine::EventQueue;
use dormsim::experiment::{calendar_for, run_replication};
use dormsim::rng::Streams;
use dormsim::scenario::Scenario;
use dormsim::{arrivals, fleet};
use std::hint::black_box;

fn baseline(sites: u32) -> Scenario {
    Scenario::baseline(&[format!("fleet.installations={sites}")]).expect("baseline")
}

fn replication(c: &mut Criterion) {
    let mut g = c.benchmark_group("replication");
    g.sample_size(10);
    for sites in [100_000u32, 1_000_000] {
        let s = baseline(sites);
        let cal = calendar_for(&s);
        let events: u64 = run_replication(&s, &cal, 0).options.iter().map(|m| m.events).sum();
        g.throughput(Throughput::Elements(events));
        g.bench_with_input(BenchmarkId::new("baseline_all_options", sites), &sites, |b, _| {
            b.iter(|| black_box(run_replication(&s, &cal, 0)))
        });
    }
    g.finish();
}

fn world(c: &mut Criterion) {
    let s = baseline(1_000_000);
    let streams = Streams::new(1, 0);
    let mut g = c.benchmark_group("world");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(s.fleet.installations)));
    g.bench_function("fleet_1m", |b| b.iter(|| black_box(fleet::generate(&s, &streams))));
    let f = fleet::generate(&s, &streams);
    g.bench_function("switching_history_1m", |b| b.iter(|| black_box(arrivals::generate(&s, &f, &streams))));
    g.finish();
}

fn event_queue(c: &mut Criterion) {
    let n = 1_000_000u64;
    let mut g = c.benchmark_group("event_queue");
    g.throughput(Throughput::Elements(n));
    g.bench_function("schedule_pop_1m_interleaved", |b| {
        b.iter(|| {
            let mut q = EventQueue::new(0);
            // A rolling horizon of 10 000 pending events, like the simulator's.
            for i in 0..10_000u64 {
                q.schedule((i * 7919 % 100_000) as i64, i);
            }
            for i in 10_000..n {
                let (t, _) = q.pop().unwrap();
                q.schedule(t + (i * 7919 % 100_000) as i64, i);
            }
            black_box(q.len())
        })
    });
    g.finish();
}

criterion_group!(benches, replication, world, event_queue);
criterion_main!(benches);
