//! The hot-potato ratio of the market makers during shock windows (Kirilenko, Kyle, Samadi &
//! Tuzun's measure of May 2010): the lots they traded over the size of their net position
//! change. A window is a stretch of time in which some shock with a duration, or a program,
//! is under way; a ratio far above 1 means intermediaries passed inventory back and forth
//! among themselves rather than absorbing it.

use super::MarketMaker;
use crate::sim::components::{Account, AgentId};
use crate::sim::shocks::ShockFactors;
use bevy_ecs::prelude::*;

/// Running sums over the windows so far.
#[derive(Resource, Debug, Clone, Default)]
pub struct HotPotato {
    /// Each maker's (lots traded, inventory) when the open window began, by maker order.
    at_open: Vec<(u64, i64)>,
    /// Whether a window is open.
    open: bool,
    /// Makers' lots traded in closed windows.
    pub gross_lots: u64,
    /// Σ over makers and closed windows of |inventory change|, lots.
    pub net_lots: u64,
}

impl HotPotato {
    /// Opens a window on the makers' accounts (in a fixed order).
    pub fn open<'a>(&mut self, accounts: impl Iterator<Item = &'a Account>) {
        self.at_open.clear();
        self.at_open
            .extend(accounts.map(|a| (a.volume_lots, a.inventory_lots)));
        self.open = true;
    }

    /// Closes the open window (if any) on the makers' accounts, in the order it was opened
    /// with.
    pub fn close<'a>(&mut self, accounts: impl Iterator<Item = &'a Account>) {
        if !self.open {
            return;
        }
        self.open = false;
        for (a, &(v0, i0)) in accounts.zip(&self.at_open) {
            self.gross_lots += a.volume_lots - v0;
            self.net_lots += (a.inventory_lots - i0).unsigned_abs();
        }
    }

    /// Whether a window is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Gross over net (`None`: no window, or no net change).
    pub fn ratio(&self) -> Option<f64> {
        (self.net_lots > 0).then(|| self.gross_lots as f64 / self.net_lots as f64)
    }
}

/// Detect phase: opens a window when a shock starts with none under way, and closes it when
/// the last one ends. Makers are taken in id order.
pub fn track_hot_potato(
    factors: Res<ShockFactors>,
    mut hp: ResMut<HotPotato>,
    makers: Query<(&AgentId, &Account), With<MarketMaker>>,
) {
    let active = factors.active > 0;
    if active == hp.is_open() {
        return;
    }
    let mut accounts: Vec<(u32, &Account)> = makers.iter().map(|(id, a)| (id.0, a)).collect();
    accounts.sort_unstable_by_key(|&(id, _)| id);
    if active {
        hp.open(accounts.iter().map(|&(_, a)| a));
    } else {
        hp.close(accounts.iter().map(|&(_, a)| a));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acct(volume_lots: u64, inventory_lots: i64) -> Account {
        Account {
            volume_lots,
            inventory_lots,
            ..Account::default()
        }
    }

    #[test]
    fn gross_over_net_across_makers_and_windows() {
        let mut hp = HotPotato::default();
        hp.open([acct(0, 0), acct(10, 5)].iter());
        // maker 0 trades 40 lots and ends 10 long; maker 1 trades 20 and goes from 5 to −5
        hp.close([acct(40, 10), acct(30, -5)].iter());
        assert_eq!((hp.gross_lots, hp.net_lots), (60, 20));
        assert_eq!(hp.ratio(), Some(3.0));
        hp.close([acct(1000, 0), acct(1000, 0)].iter());
        assert_eq!(hp.gross_lots, 60, "no window open: nothing counted");
    }

    #[test]
    fn no_net_change_has_no_ratio() {
        let mut hp = HotPotato::default();
        assert_eq!(hp.ratio(), None);
        hp.open([acct(0, 0)].iter());
        hp.close([acct(8, 0)].iter());
        assert_eq!(hp.ratio(), None);
    }
}
