//! Order storage: a vector of slots reused through a free list, so memory follows the number
//! of live orders, never the number of orders ever placed.

use super::ladder::NIL;
use super::types::{OrderId, Side};

const _: () = assert!(std::mem::size_of::<Slot>() == 40);

/// `prev` of a slot that holds no resting order (free, or taken by an order that has not
/// rested yet). Slot indices stay below it.
pub(crate) const NOT_RESTING: u32 = NIL - 1;

/// One order's state, in 40 bytes (the side packed into the price, "resting" told by `prev`).
/// `prev`/`next` link it into its price level's FIFO list while it rests, and `next` links
/// free slots together.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub qty: u64,
    /// The price in ticks times two, plus one for a sell. Resting prices are within ±2⁶²
    /// ticks, so this cannot overflow.
    pub key: i64,
    /// The order's arrival sequence number.
    pub seq: u64,
    pub owner: u32,
    /// The previous order in the level's queue (`NIL` at its head); [`NOT_RESTING`] when the
    /// slot holds no resting order.
    pub prev: u32,
    pub next: u32,
    pub generation: u32,
}

impl Slot {
    /// The `key` of an order at `price` on `side`.
    #[inline]
    pub fn key(price: i64, side: Side) -> i64 {
        (price << 1)
            | match side {
                Side::Buy => 0,
                Side::Sell => 1,
            }
    }

    /// The order's price in ticks.
    #[inline]
    pub fn price(&self) -> i64 {
        self.key >> 1
    }

    /// The order's side.
    #[inline]
    pub fn side(&self) -> Side {
        if self.key & 1 == 0 {
            Side::Buy
        } else {
            Side::Sell
        }
    }

    /// Whether the slot holds a resting order.
    #[inline]
    pub fn resting(&self) -> bool {
        self.prev != NOT_RESTING
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Slab {
    slots: Vec<Slot>,
    free_head: u32,
}

impl Slab {
    pub fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free_head: NIL,
        }
    }

    /// Takes a free slot (or a new one) for an order, without writing it: it is not resting,
    /// and its other fields are stale until the order rests (see `Book::rest`).
    #[inline]
    pub fn take(&mut self) -> (u32, OrderId) {
        let idx = self.free_head;
        if idx != NIL {
            let s = &self.slots[idx as usize];
            self.free_head = s.next;
            (idx, OrderId::new(idx, s.generation))
        } else {
            self.push_new()
        }
    }

    /// A new slot at the end of the vector (the free list is empty).
    #[inline(always)]
    fn push_new(&mut self) -> (u32, OrderId) {
        let idx = u32::try_from(self.slots.len()).expect("more than 2^32-2 live orders");
        assert!(idx < NOT_RESTING, "more than 2^32-2 live orders");
        self.slots.push(Slot {
            qty: 0,
            key: 0,
            seq: 0,
            owner: 0,
            prev: NOT_RESTING,
            next: NIL,
            generation: 0,
        });
        (idx, OrderId::new(idx, 0))
    }

    /// Returns a slot to the free list; ids that named it go stale.
    #[inline]
    pub fn free(&mut self, idx: u32) {
        let head = self.free_head;
        let s = &mut self.slots[idx as usize];
        s.generation = s.generation.wrapping_add(1);
        s.prev = NOT_RESTING;
        s.next = head;
        self.free_head = idx;
    }

    /// The arrival sequence number of the resting order in slot `idx`.
    #[inline]
    pub fn seq(&self, idx: u32) -> u64 {
        self.slots[idx as usize].seq
    }

    /// The slot of a live, resting order with this id.
    #[inline]
    pub fn resolve(&self, id: OrderId) -> Option<u32> {
        let idx = id.slot();
        let s = self.slots.get(idx as usize)?;
        (s.resting() && s.generation == id.generation()).then_some(idx)
    }

    #[inline]
    pub fn get(&self, idx: u32) -> &Slot {
        &self.slots[idx as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, idx: u32) -> &mut Slot {
        &mut self.slots[idx as usize]
    }

    /// Number of slots ever created (the high-water mark of live orders).
    pub fn capacity_slots(&self) -> usize {
        self.slots.len()
    }

    /// Every slot index with a flag telling whether it is resting.
    pub fn iter_resting(&self) -> impl Iterator<Item = (u32, &Slot)> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.resting())
            .map(|(i, s)| (i as u32, s))
    }

    /// Length of the free list.
    pub fn free_len(&self) -> usize {
        let mut n = 0;
        let mut cur = self.free_head;
        while cur != NIL {
            n += 1;
            cur = self.slots[cur as usize].next;
        }
        n
    }

    /// Bytes held by the slot buffer.
    pub fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
    }
}
