//! Dense price ladder: one `Level` per tick over a window of prices, plus a bitset of the
//! non-empty levels so that the next best price is found a machine word (64 ticks) at a time.

/// End of a list / no slot.
pub(crate) const NIL: u32 = u32::MAX;

/// One price level: a FIFO list of order slots (intrusive, linked through the slots) and its
/// cached totals.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Level {
    pub head: u32,
    pub tail: u32,
    pub count: u32,
    pub qty: u64,
}

impl Level {
    const EMPTY: Level = Level {
        head: NIL,
        tail: NIL,
        count: 0,
        qty: 0,
    };
}

/// Levels for prices `base .. base + levels.len()`; `levels.len()` is a multiple of 64 and
/// equals `bits.len() * 64`.
#[derive(Debug, Clone)]
pub(crate) struct Ladder {
    base: i64,
    levels: Vec<Level>,
    bits: Vec<u64>,
    max_span: usize,
}

/// The smallest ladder allocated.
const MIN_LEN: usize = 1024;

/// Resting prices must lie strictly within ±`PRICE_LIMIT` ticks, so that the sum and the
/// difference of two of them (mid ×2, spread) cannot overflow an `i64`.
pub(crate) const PRICE_LIMIT: i64 = 1 << 62;

impl Ladder {
    /// An empty ladder that may cover at most `max_span` ticks (rounded up to 64).
    pub fn new(max_span: usize) -> Self {
        Ladder {
            base: 0,
            levels: Vec::new(),
            bits: Vec::new(),
            // Rounded up to 64, or down where rounding up would overflow.
            max_span: max_span
                .max(64)
                .checked_next_multiple_of(64)
                .unwrap_or(usize::MAX & !63),
        }
    }

    /// The configured span cap, in ticks.
    pub fn max_span(&self) -> usize {
        self.max_span
    }

    /// The index of `price` if the ladder covers it.
    #[inline]
    pub fn index(&self, price: i64) -> Option<usize> {
        let off = price.wrapping_sub(self.base);
        if off >= 0 && (off as u64) < self.levels.len() as u64 {
            Some(off as usize)
        } else {
            None
        }
    }

    /// `price`'s offset from the ladder's first price, as an index: the index of `price` if
    /// the ladder covers it, else a value past the end (indexing with it panics).
    #[inline]
    pub fn offset(&self, price: i64) -> usize {
        price.wrapping_sub(self.base) as usize
    }

    /// The price of level `idx`.
    #[inline]
    pub fn price(&self, idx: usize) -> i64 {
        self.base + idx as i64
    }

    #[inline]
    pub fn level(&self, idx: usize) -> &Level {
        &self.levels[idx]
    }

    #[inline]
    pub fn level_mut(&mut self, idx: usize) -> &mut Level {
        &mut self.levels[idx]
    }

    /// Marks level `idx` non-empty.
    #[inline]
    pub fn set_bit(&mut self, idx: usize) {
        self.bits[idx >> 6] |= 1u64 << (idx & 63);
    }

    /// Marks level `idx` empty.
    #[inline]
    pub fn clear_bit(&mut self, idx: usize) {
        self.bits[idx >> 6] &= !(1u64 << (idx & 63));
    }

    /// Whether level `idx` is marked non-empty.
    pub fn bit(&self, idx: usize) -> bool {
        self.bits[idx >> 6] & (1u64 << (idx & 63)) != 0
    }

    /// Number of levels covered.
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// The lowest non-empty level at or above `idx`.
    #[inline]
    pub fn next_at_or_above(&self, idx: usize) -> Option<usize> {
        let mut w = idx >> 6;
        if w >= self.bits.len() {
            return None;
        }
        let mut word = self.bits[w] & (!0u64 << (idx & 63));
        loop {
            if word != 0 {
                return Some((w << 6) + word.trailing_zeros() as usize);
            }
            w += 1;
            if w == self.bits.len() {
                return None;
            }
            word = self.bits[w];
        }
    }

    /// The highest non-empty level at or below `idx`.
    #[inline]
    pub fn prev_at_or_below(&self, idx: usize) -> Option<usize> {
        let mut w = idx >> 6;
        if w >= self.bits.len() {
            return None;
        }
        let mut word = self.bits[w] & (!0u64 >> (63 - (idx & 63)));
        loop {
            if word != 0 {
                return Some((w << 6) + 63 - word.leading_zeros() as usize);
            }
            if w == 0 {
                return None;
            }
            w -= 1;
            word = self.bits[w];
        }
    }

    /// Makes the ladder cover `price`, growing it (amortised doubling) and, when the span cap
    /// would be exceeded, dropping empty levels at the far end. Returns the index of `price`,
    /// or `None` if `price` and the resting orders cannot fit within the cap together, or if
    /// `price` is not within ±[`PRICE_LIMIT`].
    ///
    /// The ladder never covers a price outside ±[`PRICE_LIMIT`], so a covered price needs no
    /// further check: when [`Ladder::index`] gives `Some`, `ensure` gives the same.
    #[inline]
    pub fn ensure(&mut self, price: i64) -> Option<usize> {
        if let Some(idx) = self.index(price) {
            return Some(idx);
        }
        if price.unsigned_abs() >= PRICE_LIMIT as u64 {
            return None;
        }
        self.grow(price)
    }

    /// [`Ladder::ensure`] for a `price` within ±[`PRICE_LIMIT`] that the ladder does not cover.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, price: i64) -> Option<usize> {
        // The range that must stay covered: the non-empty levels plus the new price.
        let (mut lo, mut hi) = (price, price);
        if let (Some(first), Some(last)) = (
            self.next_at_or_above(0),
            self.prev_at_or_below(self.levels.len().saturating_sub(1)),
        ) {
            lo = lo.min(self.price(first));
            hi = hi.max(self.price(last));
        }
        let needed = u64::try_from(hi.checked_sub(lo)?).ok()?.checked_add(1)?;
        if needed > self.max_span as u64 {
            return None;
        }
        let needed = needed as usize;
        let new_len = (self.levels.len() * 2)
            .max(needed * 2)
            .max(MIN_LEN)
            .next_multiple_of(64)
            .min(self.max_span);
        // Centre the required range in the new window; keep old levels where they overlap.
        let slack = (new_len - needed) as i64;
        let new_base = lo.checked_sub(slack / 2)?;
        new_base.checked_add(new_len as i64)?;
        let mut levels = vec![Level::EMPTY; new_len];
        let mut bits = vec![0u64; new_len / 64];
        // Keep the window strictly inside ±PRICE_LIMIT (see `ensure`). It still holds
        // [lo, hi], which lies inside too, and it fits: `new_len` levels were allocated, so
        // new_len × 24 bytes < 2⁶³ and new_len < 2 × PRICE_LIMIT − 1.
        let new_base = new_base.clamp(-PRICE_LIMIT + 1, PRICE_LIMIT - new_len as i64);
        if let Some(mut idx) = self.next_at_or_above(0) {
            loop {
                let p = self.price(idx);
                let new_idx = (p - new_base) as usize;
                levels[new_idx] = self.levels[idx];
                bits[new_idx >> 6] |= 1u64 << (new_idx & 63);
                match self.next_at_or_above(idx + 1) {
                    Some(n) => idx = n,
                    None => break,
                }
            }
        }
        self.base = new_base;
        self.levels = levels;
        self.bits = bits;
        self.index(price)
    }

    /// Bytes held by the ladder's buffers.
    pub fn heap_bytes(&self) -> usize {
        self.levels.capacity() * std::mem::size_of::<Level>() + self.bits.capacity() * 8
    }
}
