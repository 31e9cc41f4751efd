//! depthsim: an agent-based market-microstructure simulator for studying systemic depth
//! collapse (market makers withdrawing all at once).
pub mod lob;
