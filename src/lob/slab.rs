//! Order storage: a vector of slots reused through a free list, so memory follows the number
//! of live orders, never the number of orders ever placed.

use super::ladder::NIL;
use super::types::{OrderId, Side};

/// One order's state. `prev`/`next` link it into its price level's FIFO list while it rests,
/// and `next` links free slots together.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub qty: u64,
    pub price: i64,
    pub seq: u64,
    pub owner: u32,
    pub prev: u32,
    pub next: u32,
    pub generation: u32,
    pub side: Side,
    pub resting: bool,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Slab {
    slots: Vec<Slot>,
    free_head: u32,
    live: usize,
}

impl Slab {
    pub fn new() -> Self {
        Slab {
            slots: Vec::new(),
            free_head: NIL,
            live: 0,
        }
    }

    /// Takes a free slot (or a new one) for an order, without writing it: it is not resting,
    /// and its other fields are stale until the order rests (see `Book::rest`).
    #[inline]
    pub fn take(&mut self) -> (u32, OrderId) {
        self.live += 1;
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
    #[inline(never)]
    fn push_new(&mut self) -> (u32, OrderId) {
        let idx = u32::try_from(self.slots.len()).expect("more than 2^32-1 live orders");
        assert!(idx != NIL, "more than 2^32-1 live orders");
        self.slots.push(Slot {
            qty: 0,
            price: 0,
            seq: 0,
            owner: 0,
            prev: NIL,
            next: NIL,
            generation: 0,
            side: Side::Buy,
            resting: false,
        });
        (idx, OrderId::new(idx, 0))
    }

    /// Returns a slot to the free list; ids that named it go stale.
    #[inline]
    pub fn free(&mut self, idx: u32) {
        self.live -= 1;
        let head = self.free_head;
        let s = &mut self.slots[idx as usize];
        s.generation = s.generation.wrapping_add(1);
        s.resting = false;
        s.qty = 0;
        s.next = head;
        self.free_head = idx;
    }

    /// The slot of a live, resting order with this id.
    #[inline]
    pub fn resolve(&self, id: OrderId) -> Option<u32> {
        let idx = id.slot();
        let s = self.slots.get(idx as usize)?;
        (s.resting && s.generation == id.generation()).then_some(idx)
    }

    #[inline]
    pub fn get(&self, idx: u32) -> &Slot {
        &self.slots[idx as usize]
    }

    #[inline]
    pub fn get_mut(&mut self, idx: u32) -> &mut Slot {
        &mut self.slots[idx as usize]
    }

    /// Number of allocated slots (live orders).
    pub fn live(&self) -> usize {
        self.live
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
            .filter(|(_, s)| s.resting)
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
