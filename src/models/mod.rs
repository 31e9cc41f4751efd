//! Pure model code: no ECS, no randomness, no I/O. Systems call these with plain values.

pub mod avellaneda_stoikov;
pub mod informed;
pub mod quotes;
pub mod vol;
