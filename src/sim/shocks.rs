//! What scheduled shocks do to the agents, as factors every kind reads: an informed group's
//! look rate, a noise group's limit-order rate, a maker group's limits and latency. The market's shock system
//! ([`crate::market::shocks`]) sets them as shocks start and end.

use bevy_ecs::prelude::*;

/// The current multipliers, by group index of each kind (1: no shock).
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct ShockFactors {
    /// Informed groups' look rate.
    pub informed_rate: Vec<f64>,
    /// Noise groups' limit-order rate α.
    pub noise_limit_rate: Vec<f64>,
    /// Market-maker groups' position limit.
    pub maker_limit: Vec<f64>,
    /// Market-maker groups' loss limit.
    pub maker_loss_limit: Vec<f64>,
    /// Market-maker groups' latency (quotes and hedges).
    pub maker_latency: Vec<f64>,
    /// Shocks with a duration (and programs) under way: the shock windows the hot-potato
    /// ratio is measured in.
    pub active: u32,
}
