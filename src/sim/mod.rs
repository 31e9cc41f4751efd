//! The simulation's shared floor: what every kind of agent and the market use — the clock,
//! the order inbox and the step's outcomes, the books' index and published views, agendas,
//! agent ids and the agent directory, the components every agent carries, the step's
//! phases and the plug-in shape of a kind ([`kind::KindPlugin`]). It imports nothing of the
//! kinds ([`crate::agents`]), the market or the wiring ([`crate::engine`], which builds the
//! [`World`](bevy_ecs::world::World) and the [`Schedule`](bevy_ecs::schedule::Schedule)).
//!
//! # Model (the step contract)
//! Step `n` covers simulated time `[n·dt, (n+1)·dt)`.
//! 1. **Clock**: the step begins; last step's exchange outcomes are cleared.
//! 2. **Exogenous**: the fundamental value moves to the step's start.
//! 3. **Observe**: each book's [`MarketView`](resources::MarketView) is published as it stands
//!    (the end of the previous step).
//! 4. **Decide**: market makers, then informed traders, then noise traders whose wake-up falls
//!    in the step act — each at its own wake-up times, from the published view (its reaction
//!    latency is the time since the step began). Requests carry their arrival time and a global
//!    sequence number.
//! 5. **Match**: the exchange processes requests arriving before the step's end in (arrival,
//!    sequence) order, interleaved with good-till-time expiries; prices of zero-intelligence
//!    limit orders are set on arrival. Everything is exact in continuous time whatever `dt`.
//! 6. **Settle**: trades move positions and cash; makers learn their orders' fate and score
//!    the markouts that came due.
//! 7. **Detect**: statistics accumulated.
//! 8. **Record**: CSV rows are streamed out.
//!
//! # Randomness
//! All draws come from named ChaCha8 streams ([`crate::rng`]); systems that draw iterate their
//! agents in wake-up order (time, then insertion sequence). The schedule is single-threaded.

pub mod calendar;
pub mod components;
pub mod events;
pub mod kind;
pub mod phase;
pub mod resources;
pub mod shocks;
