//! Integer newtypes of the book: prices in ticks, quantities in lots, ids, sides.

use std::fmt;

/// A price in integer ticks. Conversion to currency happens only at the edges
/// (scenario parsing and CSV output), through one helper per direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Price(pub i64);

/// A quantity in integer lots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Qty(pub u64);

/// The owner of an order: the agent that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct OwnerId(pub u32);

/// A handle to an order, assigned by the book when it accepts a limit or market order.
///
/// Layout: the low 32 bits are the index of the order's storage slot, the high 32 bits the
/// slot's generation. A slot is reused after its order finishes, and its generation is then
/// bumped, so a stale id never reaches a newer order: looking it up gives `None` and cancelling
/// it gives [`LobError::UnknownOrder`](super::LobError::UnknownOrder). Ids are unique for the
/// life of a book unless one slot is reused 2³² times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(pub u64);

impl OrderId {
    pub(crate) fn new(slot: u32, generation: u32) -> Self {
        OrderId((u64::from(generation) << 32) | u64::from(slot))
    }

    pub(crate) fn slot(self) -> u32 {
        self.0 as u32
    }

    pub(crate) fn generation(self) -> u32 {
        (self.0 >> 32) as u32
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The side of an order: `Buy` rests on the bid, `Sell` on the ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// A bid: wants to buy.
    Buy,
    /// An offer: wants to sell.
    Sell,
}

impl Side {
    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// +1 for a buy, −1 for a sell: the sign of the position change a fill causes.
    pub fn sign(self) -> i64 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }

    /// A lower-case name, as written in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
