//! `depthsim keys [SECTION|KEY]`: the scenario key reference, from
//! [`depthsim::scenario::keys`].

use super::common::print_stdout;
use anyhow::{Context, Result};
use depthsim::models::avellaneda_stoikov::calibration_markdown;
use depthsim::scenario::keys::{self, Lookup, Section};
use std::process::ExitCode;

/// `depthsim keys`'s flags.
#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    /// A section (`market_maker.hedge`, `[[noise]]`) or one key
    /// (`market_maker.hedge.band_lots`, `noise[0].mu_per_s`); default: every section.
    #[arg(value_name = "SECTION|KEY")]
    pub what: Option<String>,
    /// Print the reference as Markdown tables (docs/scenarios.md's key reference).
    #[arg(long, conflicts_with = "calibrate")]
    pub markdown: bool,
    /// Print docs/calibration.md's table instead: what Avellaneda–Stoikov's γ, k and horizon
    /// quote in ticks, at several volatilities.
    #[arg(long, conflicts_with = "what")]
    pub calibrate: bool,
}

/// The tick size docs/calibration.md's table converts volatilities with (baseline.toml's).
const CALIBRATION_TICK: f64 = 0.01;

/// `depthsim keys`.
pub(crate) fn keys_cmd(args: KeysArgs) -> Result<ExitCode> {
    let text = if args.calibrate {
        calibration_markdown(CALIBRATION_TICK)
    } else {
        let (sections, only): (Vec<&Section>, _) = match &args.what {
            None => (keys::sections().iter().collect(), None),
            Some(what) => match keys::lookup(what).context("SECTION|KEY")? {
                Lookup::Section(s) => (vec![s], None),
                Lookup::Key(s, k) => (vec![s], Some(k)),
            },
        };
        if args.markdown {
            keys::markdown(&sections)
        } else {
            keys::terminal(&sections, only)
        }
    };
    print_stdout(&text).context("writing the key reference")?;
    Ok(ExitCode::SUCCESS)
}
