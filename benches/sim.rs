//! Whole-simulation benchmarks: steps per second and order instructions per second on the
//! shipped `tiny` and `baseline` scenarios (baseline cut to its first 300 s), without output
//! files. Run with `cargo bench --bench sim`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use depthsim::engine::Simulation;
use depthsim::scenario::{Overrides, Scenario};
use depthsim::sim::resources::RunStats;
use std::hint::black_box;
use std::path::Path;

fn load(name: &str, duration_s: Option<f64>) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
    let mut text = std::fs::read_to_string(&path).unwrap();
    if let Some(d) = duration_s {
        let line = text
            .lines()
            .find(|l| l.starts_with("duration_s"))
            .unwrap()
            .to_string();
        text = text.replace(&line, &format!("duration_s = {d}"));
    }
    Scenario::from_toml(&text, &path, &Overrides::default()).unwrap()
}

/// Runs a scenario to the end; returns the number of order instructions processed.
fn run(s: &Scenario) -> u64 {
    let mut sim = Simulation::new(s).unwrap();
    for _ in 0..sim.total_steps() {
        sim.step();
    }
    let st = sim.world.resource::<RunStats>();
    st.limit_orders + st.market_orders + st.cancels + st.expiries
}

fn bench_scenarios(c: &mut Criterion) {
    for (name, duration) in [("tiny", None), ("baseline", Some(300.0))] {
        let s = load(name, duration);
        let instructions = run(&s);
        let mut g = c.benchmark_group(format!("sim/{name}"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(s.steps));
        g.bench_function("steps", |b| b.iter(|| black_box(run(&s))));
        g.throughput(Throughput::Elements(instructions));
        g.bench_function("order_instructions", |b| b.iter(|| black_box(run(&s))));
        g.finish();
    }
}

criterion_group!(benches, bench_scenarios);
criterion_main!(benches);
