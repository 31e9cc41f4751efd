//! A plain noise group's flow, drawn ahead on a helper thread.
//!
//! A group with no flow memory, no standing back and no liquidity shock on it draws the same
//! random numbers in the same order whatever the market does: each event is a trader, an
//! action and the wait to the next event, from the group's own stream and its fixed rates.
//! Its whole flow is therefore a function of the seed and its parameters, and a helper thread
//! can draw it ahead while the simulation thread runs the market. The decide system then only
//! reads the drawn events and queues them; the orders, their times and their order in the
//! inbox are those of drawing them in the step (tested event for event), so every output is
//! byte-identical either way.
//!
//! The helper sends batches of [`BATCH`] events through a channel that holds two, so it is at
//! most three batches ahead (about 150 KB); emptied batches come back to it for reuse. When
//! the channel is full it naps ([`NAP`]) and tries again, rather than blocking on it: a
//! blocked sender has to be woken by the receiver, a system call on the simulation thread at
//! every batch taken (about 5 % of the benchmark day's wall time, measured). After
//! [`MAX_NAPS`] naps in a row it blocks after all, so that a world that is not stepping does
//! not keep it waking. It starts at the group's first decide, and stops when the group is
//! dropped (with the world): its next try, or its blocked send, finds the receiver gone, and
//! the drop waits for it to end (at most a batch's drawing and a nap).

use super::draw_event;
use crate::scenario::NoiseParams;
use crate::sim::resources::Action;
use rand_chacha::ChaCha8Rng;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::thread::JoinHandle;

/// Events per batch.
pub const BATCH: usize = 2048;

/// How long the helper naps when the channel is full. The benchmark day takes a batch about
/// every 0.4 ms, so the two waiting batches last longer than a nap.
pub const NAP: std::time::Duration = std::time::Duration::from_micros(200);

/// Naps in a row (4 ms) after which the helper blocks on the channel instead: the simulation
/// has stopped taking batches for now (it is writing its files, or the world is idle between
/// calls), and a blocked thread costs nothing until it is woken.
pub const MAX_NAPS: u32 = 20;

/// A group is drawn ahead only if it expects at least this many events in the run: below it
/// the thread is not worth its start.
pub const MIN_EVENTS: f64 = 20_000.0;

/// At most this many groups of one simulation are drawn ahead (one thread each).
pub const MAX_GROUPS: usize = 2;

/// One drawn event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drawn {
    /// Event time, ns.
    pub t_ns: u64,
    /// The trader who sends it.
    pub trader: u32,
    /// Its order (`None` never happens for a plain group, which does not stand back; kept so
    /// the draw is the serial path's own).
    pub action: Option<Action>,
}

/// What the helper needs to draw a plain group's flow.
#[derive(Debug, Clone)]
pub struct PlainFlow {
    /// The group's parameters.
    pub params: NoiseParams,
    /// Its first trader's agent id.
    pub first_agent: u32,
    /// Probability that an event is a market order.
    pub p_market: f64,
    /// Event rate, per second.
    pub rate_per_s: f64,
}

impl PlainFlow {
    /// Draws the event at `t_ns` and returns it with the next event's time: the step's own
    /// draws ([`draw_event`]), never standing back.
    #[inline]
    pub fn draw(&self, rng: &mut ChaCha8Rng, t_ns: u64) -> (Drawn, u64) {
        let (trader, action, next) = draw_event(
            rng,
            &self.params,
            self.first_agent,
            self.p_market,
            self.rate_per_s,
            false,
            t_ns,
        );
        let d = Drawn {
            t_ns,
            trader,
            action,
        };
        (d, next)
    }
}

/// The simulation thread's end of a group drawn ahead.
pub struct Ahead {
    /// Batches from the helper (in a mutex only so the world's resource is `Sync`; one thread
    /// ever locks it).
    rx: Option<Mutex<Receiver<Vec<Drawn>>>>,
    /// Emptied batches back to the helper.
    back: SyncSender<Vec<Drawn>>,
    batch: Vec<Drawn>,
    pos: usize,
    worker: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Ahead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ahead")
            .field("batch_len", &self.batch.len())
            .field("pos", &self.pos)
            .finish()
    }
}

impl Ahead {
    /// Starts drawing `flow` from `rng`, whose first event is at `first_ns`. `None` if the
    /// thread cannot be started (the caller then draws in the step).
    pub fn start(flow: PlainFlow, mut rng: ChaCha8Rng, first_ns: u64) -> Option<Ahead> {
        let (tx, rx) = sync_channel::<Vec<Drawn>>(2);
        let (back, back_rx) = sync_channel::<Vec<Drawn>>(4);
        let worker = std::thread::Builder::new()
            .name("noise flow".into())
            .spawn(move || {
                let mut t_ns = first_ns;
                loop {
                    let mut batch = match back_rx.try_recv() {
                        Ok(b) => b,
                        Err(TryRecvError::Empty | TryRecvError::Disconnected) => {
                            Vec::with_capacity(BATCH)
                        }
                    };
                    batch.clear();
                    for _ in 0..BATCH {
                        let (d, next) = flow.draw(&mut rng, t_ns);
                        batch.push(d);
                        t_ns = next;
                    }
                    // a full channel: nap, not block, unless the simulation has stopped
                    // taking batches (see the module's docs)
                    let mut naps = 0;
                    loop {
                        match tx.try_send(batch) {
                            Ok(()) => break,
                            Err(TrySendError::Full(b)) if naps < MAX_NAPS => {
                                batch = b;
                                naps += 1;
                                std::thread::sleep(NAP);
                            }
                            Err(TrySendError::Full(b)) => {
                                if tx.send(b).is_err() {
                                    return;
                                }
                                break;
                            }
                            // the simulation is done with this group
                            Err(TrySendError::Disconnected(_)) => return,
                        }
                    }
                }
            })
            .ok()?;
        Some(Ahead {
            rx: Some(Mutex::new(rx)),
            back,
            batch: Vec::new(),
            pos: 0,
            worker: Some(worker),
        })
    }

    /// The next drawn event if it is due before `end_ns`, taking it; else `None`, leaving it.
    #[inline]
    pub fn next_before(&mut self, end_ns: u64) -> Option<Drawn> {
        let d = self.peek();
        (d.t_ns < end_ns).then(|| {
            self.pos += 1;
            d
        })
    }

    /// Time of the next event not yet taken, ns.
    pub fn next_t_ns(&mut self) -> u64 {
        self.peek().t_ns
    }

    /// The next event not yet taken (the helper draws without end, so there always is one).
    #[inline]
    fn peek(&mut self) -> Drawn {
        if self.pos == self.batch.len() {
            self.refill();
        }
        self.batch[self.pos]
    }

    #[cold]
    fn refill(&mut self) {
        let rx = self.rx.as_ref().expect("receiver kept until drop");
        let next = rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv()
            .expect("the noise-flow thread draws until its receiver is dropped");
        let done = std::mem::replace(&mut self.batch, next);
        // a full return channel only means the helper has batches enough
        let _ = self.back.try_send(done);
        self.pos = 0;
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        // the helper's next try or its blocked send finds the receiver gone (after the batch
        // it is drawing and a nap at most), and it returns
        drop(self.rx.take());
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// Whether a group of `params` draws the same flow whatever the market does: no Hawkes or
/// feedback memory, no standing back, and no shock on its limit-order rate.
pub fn is_plain(params: &NoiseParams, shocked: bool) -> bool {
    params.hawkes.is_none() && params.feedback.is_none() && params.stand_back.is_none() && !shocked
}
