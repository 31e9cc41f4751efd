//! summary.csv (one row per run) and manifest.json (how the run was made).

use super::rows::SummaryRow;
use super::sink::{OutputFormat, Sink};
use super::{OutputDir, PriceScale, Recorder};
use crate::agents::market_maker::{HotPotato, MakerPnl, MarketMaker, OptionDesk, maker_pnl};
use crate::agents::program::Program;
use crate::market::exchange::Exchange;
use crate::market::fundamental::Fundamental;
use crate::models::withdrawal::Trigger;
use crate::scenario::Scenario;
use crate::sim::components::{Account, Agent, AgentId, AgentKind};
use crate::sim::resources::{BookIndex, RunStats};
use bevy_ecs::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// Seconds in a trading year (252 days of 6.5 hours), for annualised Sharpe ratios.
pub const TRADING_YEAR_S: f64 = 252.0 * 6.5 * 3600.0;

/// Computes the run's summary from the world at the end of the run (the collapse, price and
/// Sharpe columns come from the [`Recorder`], after [`Recorder::finish`]; empty without one).
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
    // Per book: the makers' PnL parts (six), in ticks·lots.
    let mut parts = vec![[0.0; 6]; n_books];
    let mut option_pnl = vec![0.0; n_books];
    let mut hedges = crate::agents::market_maker::Ledger::default();
    let mut hedge_cost_tick_lots = 0.0;
    let mut withdrawals = [0u64; 7];
    let mut withdrawn_ns: u128 = 0;
    let mut makers = 0u64;
    let book_entities = world.resource::<BookIndex>().0.clone();
    let refs_x2: Vec<i64> = book_entities
        .iter()
        .map(|&e| world.get::<Exchange>(e).expect("book").reference_x2_ticks())
        .collect();
    let end_ns = scenario.steps * scenario.dt_ns;
    let mut agents = 0;
    let mut positions = Vec::with_capacity(n_books);
    let mut q = world.query::<(
        &AgentId,
        &Agent,
        &Account,
        Option<&MarketMaker>,
        Option<&OptionDesk>,
    )>();
    for (id, agent, acct, mm, desk) in q.iter(world) {
        agents += 1;
        let b = usize::from(agent.book.0);
        let Some(mm) = mm else {
            let k = match agent.kind {
                AgentKind::Informed => 1,
                AgentKind::Program => continue,
                _ => 2,
            };
            pnl[b][k] += acct.pnl_tick_lots(refs_ticks[b]);
            continue;
        };
        positions.clear();
        for (bi, &e) in book_entities.iter().enumerate() {
            let ex = world.get::<Exchange>(e).expect("book");
            positions.push((ex.risk.position(id.0), refs_x2[bi]));
        }
        let p: MakerPnl = maker_pnl(acct, mm, desk, &positions, refs_ticks[b], end_ns);
        pnl[b][0] += p.underlying_tick_lots;
        option_pnl[b] += p.options_tick_lots;
        for (sum, v) in parts[b].iter_mut().zip([
            p.spread_tick_lots,
            p.inventory_tick_lots,
            p.hedging_tick_lots,
            p.options.premium_tick_lots,
            p.options.revaluation_tick_lots,
            p.options.settlement_tick_lots,
        ]) {
            *sum += v;
        }
        for (sum, n) in withdrawals.iter_mut().zip(mm.risk.withdrawals_by_trigger) {
            *sum += n;
        }
        withdrawn_ns += u128::from(mm.risk.withdrawn_ns(end_ns));
        makers += 1;
        let l = &mm.ledger;
        hedges.hedges += l.hedges;
        hedges.hedges_failed += l.hedges_failed;
        hedges.hedge_lots += l.hedge_lots;
        hedges.hedge_unfilled_lots += l.hedge_unfilled_lots;
        hedge_cost_tick_lots -= p.hedging_tick_lots;
    }
    // Underlying amounts (multiples of half a tick·lot) rounded to the tick's decimals + 1,
    // which is exact; option amounts in full.
    let part = |k: usize| {
        if k < 3 {
            PriceScale::sum_money(
                &scales,
                parts.iter().zip(&scales).map(|(p, s)| s.money(p[k])),
            )
        } else {
            parts
                .iter()
                .zip(&scales)
                .map(|(p, s)| s.money_unrounded(p[k]))
                .sum::<f64>()
        }
    };
    // each book's amount is an exact decimal, and so is their sum (summed and rounded once)
    let money = |k: usize| {
        PriceScale::sum_money(&scales, pnl.iter().zip(&scales).map(|(p, s)| s.money(p[k])))
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
    let (halts, halted_ns, halt_rejected_orders) =
        book_entities.iter().fold((0, 0u64, 0), |(n, s, r), &e| {
            let ex = world.get::<Exchange>(e).expect("book");
            let ongoing = ex
                .halt
                .map_or(0, |(start, until)| until.min(end_ns) - start.min(end_ns));
            (
                n + ex.halts,
                s.saturating_add(ex.halted_ns + ongoing),
                r + ex.halt_rejected_orders,
            )
        });
    // from whole nanoseconds, divided once: 121 s prints as 121, not 121.00000000000001
    let halted_s = halted_ns as f64 / 1e9;
    let run_ns = u128::from(scenario.steps) * u128::from(scenario.dt_ns);
    let band_repriced_orders = book_entities
        .iter()
        .filter_map(|&e| world.get::<Exchange>(e).expect("book").bands.as_ref())
        .map(|b| b.repriced)
        .reduce(|a, b| a + b);
    let programs = program_stats(world);
    let hot_potato = {
        let mut q = world.query_filtered::<(&AgentId, &Account), With<MarketMaker>>();
        let mut accounts: Vec<(u32, Account)> = q.iter(world).map(|(id, a)| (id.0, *a)).collect();
        accounts.sort_unstable_by_key(|&(id, _)| id);
        let mut hp = world.resource::<HotPotato>().clone();
        hp.close(accounts.iter().map(|(_, a)| a));
        hp.ratio()
    };
    let (collapse, price, sharpe) = match world.get_resource::<Recorder>() {
        Some(r) => (
            r.collapse.stats(),
            r.collapse.price_stats(),
            r.maker_pnl.sharpe_per_sample(),
        ),
        None => Default::default(),
    };
    let samples_per_year = TRADING_YEAR_S / scenario.params.output.agents_sample_interval_s;
    // Book-steps: the spread and depth statistics are summed over every book.
    let steps = stats.steps.max(1) as f64 * n_books as f64;
    SummaryRow {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        duration_s: run_ns as f64 / 1e9,
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
        one_sided_s: (u128::from(stats.one_sided_steps) * u128::from(scenario.dt_ns)) as f64 / 1e9,
        first_one_sided_s: stats.first_one_sided_ns.map(|t| t as f64 / 1e9),
        depth_band_ticks: scenario.params.output.depth_bands_ticks[0],
        mean_depth_bid_lots: stats.depth_bid_sum_lots / steps,
        mean_depth_ask_lots: stats.depth_ask_sum_lots / steps,
        // the first book's
        final_price: scales[0].price(refs_ticks[0]),
        final_fundamental: fundamental + scenario.books[0].basis,
        pnl_market_makers: money(0)
            + option_pnl
                .iter()
                .zip(&scales)
                .map(|(p, s)| s.money_unrounded(*p))
                .sum::<f64>(),
        pnl_informed: money(1),
        pnl_noise: money(2),
        mm_markout_per_lot: mk_mean,
        pnl_mm_spread: part(0),
        pnl_mm_inventory: part(1),
        pnl_mm_hedging: part(2),
        pnl_mm_option_premium: part(3),
        pnl_mm_option_revaluation: part(4),
        pnl_mm_settlement: part(5),
        hedges: hedges.hedges,
        hedges_failed: hedges.hedges_failed,
        hedge_lots: hedges.hedge_lots,
        hedge_unfilled_lots: hedges.hedge_unfilled_lots,
        // In the makers' own ticks (a venue has the same tick).
        hedge_mean_slippage_ticks: (hedges.hedge_lots > 0)
            .then(|| hedge_cost_tick_lots / hedges.hedge_lots as f64),
        withdrawals_loss: withdrawals[Trigger::Loss.index()],
        withdrawals_inventory: withdrawals[Trigger::Inventory.index()],
        withdrawals_hedge_failure: withdrawals[Trigger::HedgeFailure.index()],
        withdrawals_drawdown: withdrawals[Trigger::Drawdown.index()],
        withdrawals_toxicity: withdrawals[Trigger::Toxicity.index()],
        withdrawals_volatility: withdrawals[Trigger::Volatility.index()],
        mm_withdrawn_fraction: (makers > 0)
            .then(|| withdrawn_ns as f64 / (makers as u128 * run_ns) as f64),
        halts,
        halted_s,
        halt_rejected_orders,
        program_lots: programs.lots,
        program_filled_lots: programs.filled_lots,
        program_target_participation: (programs.lots > 0)
            .then(|| programs.target_weighted / programs.lots as f64),
        program_participation: (programs.volume_lots > 0)
            .then(|| programs.filled_lots as f64 / programs.volume_lots as f64),
        hot_potato_ratio: hot_potato,
        episodes: collapse.episodes,
        collapsed_s: collapse.collapsed_s,
        worst_trough_ratio: collapse.worst_trough_ratio,
        mean_recovery_s: collapse.mean_recovery_s,
        collapse_detectable: scenario.collapse_detectable(),
        longest_empty_side_s: collapse.longest_empty_side_s,
        mm_sharpe_per_sample: sharpe,
        mm_sharpe_annualised: sharpe.map(|s| s * samples_per_year.sqrt()),
        price_min: price.min_mid,
        price_max: price.max_mid,
        price_max_drawdown_frac: price.max_drawdown_frac,
        realised_vol_per_sqrt_s: price.realised_vol_per_sqrt_s,
        band_repriced_orders,
    }
}

/// The programs' totals.
#[derive(Debug, Default)]
struct ProgramStats {
    lots: u64,
    filled_lots: u64,
    /// Σ quantity × target participation.
    target_weighted: f64,
    /// Σ over started programs of their book's volume while they ran.
    volume_lots: u64,
}

fn program_stats(world: &mut World) -> ProgramStats {
    let volumes: Vec<u64> = world
        .resource::<BookIndex>()
        .0
        .iter()
        .map(|&e| world.get::<Exchange>(e).expect("book").volume_lots)
        .collect();
    let mut s = ProgramStats::default();
    let mut q = world.query::<(&Agent, &Account, &Program)>();
    for (agent, acct, p) in q.iter(world) {
        s.lots += p.quantity_lots;
        s.target_weighted += p.quantity_lots as f64 * p.rule.participation;
        if let Some(v0) = p.volume_at_start {
            s.filled_lots += Program::filled_lots(acct);
            let v1 = p
                .done
                .map_or(volumes[usize::from(agent.book.0)], |(_, v)| v);
            s.volume_lots += v1 - v0;
        }
    }
    s
}

/// Writes summary.csv, and with `format` Parquet summary.parquet as well (sweeps, merges and
/// `depthsim findings` read summary.csv whatever the format).
pub fn write_summary(dir: &OutputDir, row: &SummaryRow, format: OutputFormat) -> csv::Result<()> {
    let mut w = csv::Writer::from_path(dir.file("summary.csv"))?;
    w.serialize(row)?;
    w.flush()?;
    if !format.is_csv() {
        use super::columns::Columns;
        let mut sink = Sink::open(
            super::Target::folder(dir),
            format,
            "summary",
            SummaryRow::columns,
            true,
        )?;
        sink.serialize(row)?;
        sink.finish()?;
    }
    Ok(())
}

/// manifest.json: everything needed to reproduce the run. Only `wall_time_s` varies between
/// two runs of the same scenario and seed. `scenario.params` is a complete scenario (every
/// default filled in, every override applied) in JSON form, which `depthsim reproduce` reruns.
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
    /// The `--set PATH=VALUE` overrides, as given and in order (`--seed` is in `seed`).
    pub overrides: Vec<String>,
    /// The command line (program name excluded).
    pub command_line: Vec<String>,
    /// Files written.
    pub files: Vec<String>,
    /// SHA-256 (hex) of every file written but manifest.json, by name.
    pub sha256: BTreeMap<String, String>,
    /// The scenario as resolved (defaults filled in, overrides applied).
    pub scenario: &'a Scenario,
    /// Wall-clock seconds the run took (the one non-deterministic field).
    pub wall_time_s: f64,
}

/// SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file's contents, as 64 lowercase hex digits, read in pieces (a trades.csv may
/// be hundreds of megabytes).
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// The SHA-256 of each of `files` in `folder`, by name: what manifest.json's `sha256` holds.
pub fn file_digests<'a>(
    folder: &Path,
    files: impl IntoIterator<Item = &'a str>,
) -> std::io::Result<BTreeMap<String, String>> {
    files
        .into_iter()
        .map(|f| {
            let digest = file_sha256(&folder.join(f))
                .map_err(|e| std::io::Error::new(e.kind(), format!("{f}: {e}")))?;
            Ok((f.to_string(), digest))
        })
        .collect()
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes manifest.json.
pub fn write_manifest(dir: &OutputDir, manifest: &Manifest<'_>) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(manifest).map_err(std::io::Error::other)?;
    std::fs::write(dir.file("manifest.json"), text + "\n")
}
