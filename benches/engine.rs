//! Criterion benchmarks of the simulator's hot paths: one replication of the baseline (all options) at 100 000 and
//! 1 000 000 installations, one replication of the whole GB fleet (`gb_scale`), the engine alone on a synthetic
//! event mix, working-day arithmetic, and fleet + switching-history generation. Run with `cargo bench`; figures are in docs/performance.md.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dormsim::calendar::{Region, WorkCalendar};
use dormsim::engine::{EventQueue, MINUTES_PER_DAY, at};
use dormsim::experiment::{calendar_for, run_replication};
use dormsim::rng::Streams;
use dormsim::scenario::Scenario;
use dormsim::{arrivals, fleet};
use std::hint::black_box;

fn baseline(sites: u32) -> Scenario {
    Scenario::baseline(&[format!("fleet.installations={sites}")]).expect("baseline")
}

/// Replication 0 of `s`, all options, as benchmark `id` of group `g`; throughput = events processed (counted by one
/// run before timing).
fn bench_replication(g: &mut BenchmarkGroup<'_, WallTime>, id: BenchmarkId, s: &Scenario) {
    let cal = calendar_for(s);
    let events: u64 = run_replication(s, &cal, 0).options.iter().map(|m| m.events).sum();
    g.throughput(Throughput::Elements(events));
    g.bench_function(id, |b| b.iter(|| black_box(run_replication(s, &cal, 0))));
}

fn replication(c: &mut Criterion) {
    let mut g = c.benchmark_group("replication");
    g.sample_size(10);
    for sites in [100_000u32, 1_000_000] {
        bench_replication(&mut g, BenchmarkId::new("baseline_all_options", sites), &baseline(sites));
    }
    g.finish();
}

/// One replication of all three options of `scenarios/gb-full.toml`: the whole GB fleet (14 million
/// installations, two years), the issue-15 target. Ten samples of ≈ 20 s each: run it alone with
/// `cargo bench --bench engine -- gb_scale`. Throughput = events processed per second (all options, 2 threads on
/// the development machine: criterion runs on rayon's global pool, as `dormsim run` does).
fn gb_scale(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/gb-full.toml");
    let text = std::fs::read_to_string(path).expect("scenarios/gb-full.toml");
    let s = Scenario::load(&text, path, &[]).expect("gb-full loads");
    let mut g = c.benchmark_group("gb_scale");
    g.sample_size(10);
    g.measurement_time(std::time::Duration::from_secs(200));
    bench_replication(&mut g, BenchmarkId::new("gb_full_all_options", s.fleet.installations), &s);
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

/// The engine alone on the simulator's event mix: 2 million pending events spread over two years at the fixed
/// minutes of the day (notices, batches, checks) plus a share at any minute (SMSO completions); each popped event
/// schedules its successor 1–30 days later, as a migration plan does. Throughput = events popped per second.
fn engine_event_mix(c: &mut Criterion) {
    const PENDING: u64 = 2_000_000;
    const POPPED: u64 = 4_000_000;
    let minutes = [0, 1, 479, 480, 540, 600, 1200];
    let delay = |i: u64| -> i64 {
        let day = 1 + (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 59) as i64; // 1..=32 days
        let minute = if i.is_multiple_of(5) { (i * 7919 % 1440) as i64 } else { minutes[(i % 7) as usize] };
        at(day as i32, minute)
    };
    let mut g = c.benchmark_group("engine");
    g.sample_size(10);
    g.throughput(Throughput::Elements(POPPED));
    g.bench_function("event_mix_2m_pending_4m_popped", |b| {
        b.iter(|| {
            let mut q = EventQueue::new(0);
            for i in 0..PENDING {
                q.schedule((i * 7919 % (730 * MINUTES_PER_DAY as u64)) as i64, i);
            }
            for i in 0..POPPED {
                let (t, e) = q.pop().expect("pending events");
                q.schedule(t - t.rem_euclid(MINUTES_PER_DAY) + delay(i ^ e), e);
            }
            black_box(q.len())
        })
    });
    g.finish();
}

/// Working-day arithmetic as the process uses it: add, subtract and count working days, and add working minutes.
fn working_days(c: &mut Criterion) {
    let origin = chrono::NaiveDate::from_ymd_opt(2020, 7, 1).expect("date");
    let cal = WorkCalendar::new(Region::EnglandWales, origin, -3660, 730);
    let n = 1_000_000i64;
    let mut g = c.benchmark_group("working_days");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("add_sub_count_1m", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for i in 0..n {
                let day = (i % 730) as i32;
                let later = cal.add_wd(day, (i % 20) as i32);
                acc += i64::from(cal.count_wd(cal.sub_wd(later, 1), later));
            }
            black_box(acc)
        })
    });
    g.bench_function("add_working_minutes_1m", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for i in 0..n {
                acc ^= cal.add_working_minutes((i % 700) * MINUTES_PER_DAY + i % 1440, i % 10_000);
            }
            black_box(acc)
        })
    });
    g.finish();
}

criterion_group!(benches, replication, gb_scale, world, event_queue, engine_event_mix, working_days);
criterion_main!(benches);
