//! Observe phase: publish each book's [`MarketView`] as it stands at the start of the step.

use super::exchange::Exchange;
use crate::models::vol::VolEstimator;
use crate::sim::resources::{BookIndex, Clock, MarketView, MarketViews};
use bevy_ecs::prelude::*;

/// Public volatility estimators of each book's reference price (ticks), by book id.
#[derive(Resource, Debug, Default)]
pub struct PublicVol(pub Vec<VolEstimator>);

/// Writes every book's view and updates its public volatility estimate.
pub fn publish_views(
    clock: Res<Clock>,
    books: Res<BookIndex>,
    exchanges: Query<&Exchange>,
    mut views: ResMut<MarketViews>,
    mut vols: ResMut<PublicVol>,
) {
    let t_s = clock.start_s();
    for (i, &entity) in books.0.iter().enumerate() {
        let ex = exchanges.get(entity).expect("book entity has an Exchange");
        let ref_ticks = ex.reference_x2_ticks() as f64 / 2.0;
        vols.0[i].observe(ref_ticks, t_s);
        views.0[i] = MarketView {
            best_bid: ex.book.best_bid().map(|p| p.0),
            best_ask: ex.book.best_ask().map(|p| p.0),
            ref_ticks,
            last_trade: ex.last_trade,
            vol_ticks_per_sqrt_s: vols.0[i].sigma_per_sqrt_s(),
            volume_lots: ex.volume_lots,
            halted: ex.halted_at(clock.start_ns()),
        };
    }
}
