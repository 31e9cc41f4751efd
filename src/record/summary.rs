//! summary.csv (one row per run) and manifest.json (how the run was made).

use super::rows::SummaryRow;
use super::{OutputDir, PriceScale};
use crate::agents::market_maker::MarketMaker;
use crate::market::exchange::Exchange;
use crate::market::fundamental::Fundamental;
use crate::scenario::Scenario;
use crate::sim::components::{Account, Agent, AgentKind};
use crate::sim::resources::{BookIndex, RunStats};
use bevy_ecs::prelude::*;
use serde::Serialize;

/// Computes the run's summary from the world at the end of the run.
pub fn summarize(world: &mut World, scenario: &Scenario) -> SummaryRow {
    let scales: Vec<PriceScale> = scenario
        .books
        .iter()
        .map(|b| PriceScale::new(b.tick_size, b.lot_size))
        .collect();
    let n_books = scales.len();
    let stats = world.resource::<RunStats>().clone();
    let refs_ticks: Vec<f64> = world
        .resource::<BookIndex>()
        .0
        .iter()
        .map(|&e| world.get::<Exchange>(e).expect("book").reference_x2_ticks() as f64 / 2.0)
        .collect();
    let fundamental = world.resource::<Fundamental>().end_value;
    // Sums per book in tick·lots (each book has its own scale), converted at the end.
    let mut pnl = vec![[0.0; 3]; n_books];
    let mut agents = 0;
    let mut q = world.query::<(&Agent, &Account)>();
    for (agent, acct) in q.iter(world) {
        agents += 1;
        let b = usize::from(agent.book.0);
        let k = match agent.kind {
            AgentKind::MarketMaker => 0,
            AgentKind::Informed => 1,
            AgentKind::Noise => 2,
        };
        pnl[b][k] += acct.pnl_tick_lots(refs_ticks[b]);
    }
    let money = |k: usize| {
        pnl.iter()
            .zip(&scales)
            .map(|(p, s)| s.money(p[k]))
            .reduce(|a, b| a + b)
            .unwrap_or(0.0)
    };
    let mut markouts = vec![(0.0, 0u64); n_books];
    let mut q = world.query::<&MarketMaker>();
    for mm in q.iter(world) {
        let m = &mut markouts[usize::from(mm.book.0)];
        m.0 += mm.markout_tick_lots;
        m.1 += mm.markout_lots;
    }
    let mk_lots: u64 = markouts.iter().map(|m| m.1).sum();
    // The lot-weighted mean over books of each book's mean markout, in currency.
    let mk_mean = (mk_lots > 0).then(|| {
        markouts
            .iter()
            .zip(&scales)
            .filter(|(m, _)| m.1 > 0)
            .map(|(m, s)| s.money_unrounded(m.0 / m.1 as f64) * (m.1 as f64 / mk_lots as f64))
            .reduce(|a, b| a + b)
            .unwrap_or(0.0)
    });
    // Book-steps: the spread and depth statistics are summed over every book.
    let steps = stats.steps.max(1) as f64 * n_books as f64;
    SummaryRow {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        duration_s: scenario.steps as f64 * scenario.dt_s(),
        dt_s: scenario.dt_s(),
        steps: stats.steps,
        agents,
        order_instructions: stats.limit_orders
            + stats.market_orders
            + stats.cancels
            + stats.expiries,
        limit_orders: stats.limit_orders,
        market_orders: stats.market_orders,
        cancels: stats.cancels,
        expiries: stats.expiries,
        rejections: stats.rejections,
        trades: stats.trades,
        volume_lots: stats.volume_lots,
        unfilled_lots: stats.unfilled_lots,
        mean_spread_ticks: (stats.two_sided_steps > 0)
            .then(|| stats.spread_sum_ticks / stats.two_sided_steps as f64),
        two_sided_fraction: stats.two_sided_steps as f64 / steps,
        depth_band_ticks: scenario.params.output.depth_bands_ticks[0],
        mean_depth_bid_lots: stats.depth_bid_sum_lots / steps,
        mean_depth_ask_lots: stats.depth_ask_sum_lots / steps,
        // the first book's
        final_price: scales[0].price(refs_ticks[0]),
        final_fundamental: fundamental + scenario.books[0].basis,
        pnl_market_makers: money(0),
        pnl_informed: money(1),
        pnl_noise: money(2),
        mm_markout_per_lot: mk_mean,
    }
}

/// Writes summary.csv.
pub fn write_summary(dir: &OutputDir, row: &SummaryRow) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(dir.file("summary.csv"))?;
    w.serialize(row)?;
    w.flush()?;
    Ok(())
}

/// manifest.json: everything needed to reproduce the run. Only `wall_time_s` varies between
/// two runs of the same scenario and seed.
#[derive(Debug, Serialize)]
pub struct Manifest<'a> {
    /// "depthsim".
    pub program: &'static str,
    /// The program's version.
    pub version: &'static str,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, hex.
    pub scenario_sha256: String,
    /// The master seed used.
    pub seed: u64,
    /// The command line (program name excluded).
    pub command_line: Vec<String>,
    /// Files written.
    pub files: Vec<&'static str>,
    /// The scenario as resolved (defaults filled in, overrides applied).
    pub scenario: &'a Scenario,
    /// Wall-clock seconds the run took (the one non-deterministic field).
    pub wall_time_s: f64,
}

/// Writes manifest.json.
pub fn write_manifest(dir: &OutputDir, manifest: &Manifest<'_>) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(manifest).map_err(std::io::Error::other)?;
    std::fs::write(dir.file("manifest.json"), text + "\n")
}
