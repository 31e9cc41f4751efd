//! Shocks on a market-maker group (`maker_limit`, `loss_limit`, `latency`): while one is on,
//! the group's position limit (its own quoting limit and the exchange's risk gate), its loss
//! limit or its latency are the file's values times the shock factors in force.

use super::{MakerGroup, MakerGroups, MarketMaker};
use crate::market::exchange::Exchange;
use crate::models::withdrawal::Trigger;
use crate::sim::components::{Agent, AgentId};
use crate::sim::resources::BookIndex;
use crate::sim::shocks::ShockFactors;
use bevy_ecs::prelude::*;

/// The groups as the scenario file gives them, and the factors last applied to each
/// (inserted only when some shock acts on a maker group).
#[derive(Resource, Debug, Clone)]
pub struct MakerGroupsBase {
    /// The unshocked groups.
    pub groups: Vec<MakerGroup>,
    /// Position-limit, loss-limit and latency factors in force, by group.
    pub applied: Vec<[f64; 3]>,
}

/// `lots` × `factor`, rounded down, at least one lot.
fn scaled_lots(lots: u64, factor: f64) -> u64 {
    ((lots as f64 * factor).floor() as u64).max(1)
}

impl MakerGroup {
    /// This group with its position limit, loss limit and latency multiplied by `f`.
    pub fn shocked(&self, f: [f64; 3]) -> MakerGroup {
        let [limit, loss, latency] = f;
        let mut g = self.clone();
        let lim = scaled_lots(self.quote.max_position_lots, limit);
        g.quote.max_position_lots = lim;
        g.latency_ns = (self.latency_ns as f64 * latency).round() as u64;
        if let Some(h) = &mut g.hedge {
            h.latency_ns = (h.latency_ns as f64 * latency).round() as u64;
        }
        if let Some(w) = &mut g.withdrawal {
            w.widened.max_position_lots = lim;
            w.cooldown.max_position_lots = lim;
            if let Some(l) = &mut w.rule.levels[Trigger::Loss.index()] {
                for v in [&mut l.widen, &mut l.withdraw, &mut l.exit]
                    .into_iter()
                    .flatten()
                {
                    *v *= loss;
                }
            }
        }
        g
    }
}

/// Exogenous phase, after the shocks: a group whose factors changed gets its parameters
/// rebuilt from the file's, and its makers' limits at the exchange follow.
pub fn follow_maker_shocks(
    factors: Res<ShockFactors>,
    base: Option<ResMut<MakerGroupsBase>>,
    mut groups: ResMut<MakerGroups>,
    books: Res<BookIndex>,
    mut exchanges: Query<&mut Exchange>,
    makers: Query<(&AgentId, &Agent), With<MarketMaker>>,
) {
    let Some(mut base) = base else { return };
    if !factors.is_changed() {
        return;
    }
    for gi in 0..base.groups.len() {
        let f = [
            factors.maker_limit[gi],
            factors.maker_loss_limit[gi],
            factors.maker_latency[gi],
        ];
        if f == base.applied[gi] {
            continue;
        }
        let limit_changed = f[0] != base.applied[gi][0];
        base.applied[gi] = f;
        groups.0[gi] = base.groups[gi].shocked(f);
        if !limit_changed {
            continue;
        }
        let lim = groups.0[gi].quote.max_position_lots;
        for (id, agent) in &makers {
            if agent.group as usize != gi {
                continue;
            }
            for &e in &books.0 {
                let mut ex = exchanges.get_mut(e).expect("book entity has an Exchange");
                ex.risk.set_limit(id.0, Some(lim));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_limits_round_down_and_keep_one_lot() {
        assert_eq!(scaled_lots(100, 0.25), 25);
        assert_eq!(scaled_lots(10, 0.33), 3);
        assert_eq!(scaled_lots(10, 0.01), 1);
        assert_eq!(scaled_lots(10, 2.0), 20);
    }
}
