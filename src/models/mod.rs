//! Pure model code: no ECS, no randomness, no I/O. Systems call these with plain values.

pub mod avellaneda_stoikov;
/// European options under Black–Scholes at a zero rate: price, delta, gamma, vega, theta.
pub mod black_scholes;
pub mod collapse;
pub mod hawkes;
/// Market makers' hedging rule: when and how much to trade back toward a target net delta.
pub mod hedge;
pub mod informed;
/// A dealer's option book as plain data, its aggregate greeks and the settlement of expired lines.
pub mod option_book;
/// Percentage-of-volume execution: how much a program sends at each decision.
pub mod program;
pub mod quotes;
pub mod vol;
pub mod withdrawal;
