//! The detector on hand-made depth series, one tick a second (`depths[i]` at `i` s).

use super::*;

const S: u64 = 1_000_000_000;

fn rule(baseline: BaselineRule) -> CollapseRule {
    CollapseRule {
        fraction: 0.5,
        recover: 0.8,
        min_duration_ns: 5 * S,
        cadence_ns: S,
        hold_ns: 0,
        baseline,
    }
}

fn median_rule() -> CollapseRule {
    rule(BaselineRule::TrailingMedian { window_ticks: 60 })
}

/// Runs a detector over the series; the episodes, in order, closed at the series' end.
fn detect(rule: CollapseRule, depths: &[u64]) -> Vec<Episode<()>> {
    let mut det = Detector::<()>::new(rule);
    let mut out = Vec::new();
    for (i, &d) in depths.iter().enumerate() {
        det.observe(i as u64 * S, d, &(), &mut out);
    }
    det.close(depths.len() as u64 * S, &mut out);
    out
}

/// 100 lots for `calm` seconds, then `dips` (depth, seconds) in turn.
fn series(calm: usize, dips: &[(u64, usize)]) -> Vec<u64> {
    let mut v = vec![100; calm];
    for &(d, n) in dips {
        v.extend(std::iter::repeat_n(d, n));
    }
    v
}

fn spans(e: &[Episode<()>]) -> Vec<(u64, u64)> {
    e.iter().map(|e| (e.start_ns / S, e.end_ns / S)).collect()
}

#[test]
fn a_steady_book_has_no_episode() {
    let noisy: Vec<u64> = (0..600).map(|i| 90 + (i * 37 % 21) as u64).collect();
    assert!(detect(median_rule(), &noisy).is_empty());
}

#[test]
fn a_dip_shorter_than_d_is_not_an_episode() {
    let v = series(100, &[(10, 4), (100, 100)]);
    assert!(detect(median_rule(), &v).is_empty());
}

#[test]
fn one_episode_with_its_trough_and_refills() {
    // 100 lots, then 40, 20 (trough at 105 s), 40, 70 (a 50 % refill from 20 to 100 is
    // 60), 95 from 120 s (the 90 % refill is 92, and ≥ 80 for 5 s ends it at 120 s).
    let v = series(100, &[(40, 5), (20, 5), (40, 5), (70, 5), (95, 50)]);
    let e = detect(median_rule(), &v);
    assert_eq!(e.len(), 1, "{e:?}");
    let e = &e[0];
    assert_eq!((e.start_ns, e.end_ns), (100 * S, 120 * S));
    assert!(e.recovered);
    assert_eq!(e.baseline_lots, 100.0);
    assert_eq!(e.trough_lots, 20);
    assert_eq!(e.trough_ns, 105 * S);
    assert_eq!(e.below_ns, 15 * S);
    assert!((e.trough_ratio().unwrap() - 0.2).abs() < 1e-12);
    assert_eq!(e.refill_50_ns, Some(10 * S));
    assert_eq!(e.refill_90_ns, Some(15 * S));
}

#[test]
fn refill_is_followed_after_the_end() {
    // ends at 85 (≥ 80), reaches the 90 % refill (91) only at 140 s
    let v = series(100, &[(10, 10), (85, 30), (95, 20)]);
    let e = detect(median_rule(), &v);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].end_ns, 110 * S);
    assert_eq!(e[0].refill_50_ns, Some(10 * S));
    assert_eq!(e[0].refill_90_ns, Some(40 * S));
}

#[test]
fn two_dips_closer_than_d_are_one_episode() {
    // 10 s down, 3 s back at 100, 10 s down again: one episode from 100 s to 123 s
    let v = series(100, &[(10, 10), (100, 3), (10, 10), (100, 30)]);
    let e = detect(median_rule(), &v);
    assert_eq!(spans(&e), [(100, 123)]);
    assert!(e[0].recovered);
    assert_eq!(e[0].below_ns, 20 * S);
    // the same dips d or more apart are two
    let v = series(100, &[(10, 10), (100, 6), (10, 10), (100, 30)]);
    assert_eq!(spans(&detect(median_rule(), &v)), [(100, 110), (116, 126)]);
}

#[test]
fn one_tick_back_above_does_not_reset_a_dip() {
    // 3 s down, 1 s back at 100, 3 s down: 6 s low within 7 s make an episode (issue 17:
    // one sample above the threshold used to drop the dip)
    let v = series(100, &[(10, 3), (100, 1), (10, 3), (100, 30)]);
    let e = detect(median_rule(), &v);
    assert_eq!(spans(&e), [(100, 107)]);
    assert_eq!(e[0].below_ns, 6 * S);
    // back above for d: the first dip is dropped, and 3 s more are not an episode
    let v = series(100, &[(10, 3), (100, 5), (10, 3), (100, 30)]);
    assert!(detect(median_rule(), &v).is_empty());
}

#[test]
fn one_tick_below_the_recovery_level_does_not_reset_a_recovery() {
    // back at 90 from 110 s, 1 s at 70 (above f·B, below g·B) at 113 s: 5 s at 90 by 115 s,
    // so the episode ends at 110 s (the old rule restarted the recovery at 114 s)
    let v = series(100, &[(10, 10), (90, 3), (70, 1), (90, 10), (100, 30)]);
    assert_eq!(spans(&detect(median_rule(), &v)), [(100, 110)]);
    // a low tick breaks it: the dip goes on, and the recovery starts again at 114 s
    let v = series(100, &[(10, 10), (90, 3), (30, 1), (90, 10), (100, 30)]);
    let e = detect(median_rule(), &v);
    assert_eq!(spans(&e), [(100, 114)]);
    assert_eq!(e[0].below_ns, 11 * S);
    // so does a pause below g·B as long as d: the recovery restarts after it, at 118 s
    let v = series(100, &[(10, 10), (90, 3), (70, 5), (90, 10), (100, 30)]);
    assert_eq!(spans(&detect(median_rule(), &v)), [(100, 118)]);
}

#[test]
fn a_flickering_crisis_is_one_episode() {
    // from 100 s, empty 4 s out of every 5 for 500 s: the old rule dropped every dip; here
    // it is one episode, measured against the calm baseline throughout
    let mut v = series(100, &[]);
    for _ in 0..100 {
        v.extend([0, 0, 0, 0, 100]);
    }
    v.extend(std::iter::repeat_n(100, 30));
    let e = detect(median_rule(), &v);
    // the recovery starts with the last flicker's 100 lots, at 599 s
    assert_eq!(spans(&e), [(100, 599)]);
    assert_eq!(e[0].baseline_lots, 100.0);
    assert_eq!(e[0].below_ns, 400 * S);
}

#[test]
fn a_dip_that_never_recovers_ends_with_the_run() {
    let v = series(100, &[(30, 50), (70, 20)]);
    let e = detect(median_rule(), &v);
    assert_eq!(spans(&e), [(100, 170)]);
    assert!(!e[0].recovered);
    assert_eq!(e[0].refill_50_ns, Some(50 * S));
    assert_eq!(e[0].refill_90_ns, None);
}

#[test]
fn a_slowly_drifting_baseline_is_followed_not_flagged() {
    // depth falls from 200 to 51 lots over 20 minutes: the trailing median follows it, so
    // no episode; the first minute's mean does not, and flags the low end.
    let v: Vec<u64> = (0..1200).map(|i| 200 - i as u64 / 8).collect();
    assert!(detect(median_rule(), &v).is_empty());
    let fixed = rule(BaselineRule::MeanBefore { until_ns: 60 * S });
    let e = detect(fixed, &v);
    assert_eq!(e.len(), 1);
    assert!(!e[0].recovered);
    // the first minute's mean is 200 − 196/60 ≈ 196.73: below half of it from 98 lots,
    // which is 200 − ⌊816/8⌋
    assert_eq!(e[0].start_ns, 816 * S);
}

#[test]
fn the_baseline_does_not_follow_a_long_crisis() {
    // a 10-minute collapse (ten baseline windows) would drag a trailing median down to its
    // level; frozen during the episode and fed calm ticks only, the baseline stays 100 and
    // the episode ends only when depth is back at 80.
    let v = series(100, &[(20, 600), (60, 30), (90, 30)]);
    let e = detect(median_rule(), &v);
    assert_eq!(spans(&e), [(100, 730)]);
    assert_eq!(e[0].baseline_lots, 100.0);
    // the same crisis broken by 5-s returns to 60 lots (above f·B, below g·B) every 30 s:
    // each return drops nothing, the baseline is not fed 20s, and it is still one episode
    let mut v = series(100, &[]);
    for _ in 0..20 {
        v.extend(std::iter::repeat_n(20, 25));
        v.extend(std::iter::repeat_n(60, 5));
    }
    v.extend(std::iter::repeat_n(90, 30));
    assert_eq!(spans(&detect(median_rule(), &v)), [(100, 700)]);
}

#[test]
fn an_empty_side_is_an_episode_whatever_the_baseline() {
    // a book in crisis from the open: a side empty 3 s of every 4, one lot otherwise, so the
    // median of the first window is 0 and no depth is below half of it. The absolute rule
    // still sees one long episode, measured against a baseline of 0: no trough ratio, no
    // refill, and it ends only when the side has held depth for d.
    let mut v = Vec::new();
    for _ in 0..100 {
        v.extend([0, 0, 0, 1]);
    }
    v.extend(std::iter::repeat_n(1, 10));
    let e = detect(median_rule(), &v);
    assert_eq!(e.len(), 1, "{e:?}");
    let e = &e[0];
    assert_eq!(e.baseline_lots, 0.0);
    // the first window is ticks 0..=59; detection starts at 60 s, an empty tick
    assert_eq!((e.start_ns, e.end_ns), (60 * S, 399 * S));
    assert_eq!(e.trough_ratio(), None);
    assert_eq!((e.refill_50_ns, e.refill_90_ns), (None, None));
    // a book empty at the open (its first window's median is 0) and never once detection has
    // started has no episode
    let v: Vec<u64> = [0; 50].iter().chain(&[1; 100]).copied().collect();
    assert!(detect(median_rule(), &v).is_empty());
}

#[test]
fn no_detection_before_the_baseline_exists() {
    // an empty book at the start is the book being built, not a collapse
    let v = series(0, &[(0, 30), (100, 200)]);
    assert!(detect(median_rule(), &v).is_empty());
    let fixed = rule(BaselineRule::MeanBefore { until_ns: 100 * S });
    assert!(detect(fixed, &series(100, &[(10, 3)])).is_empty());
}

#[test]
fn a_finer_cadence_finds_the_same_episodes() {
    // the same path, seen every second and every quarter second: same spans and time low
    let v = series(
        100,
        &[
            (40, 5),
            (100, 2),
            (20, 9),
            (70, 5),
            (95, 30),
            (10, 12),
            (100, 40),
        ],
    );
    let coarse = detect(median_rule(), &v);
    let mut fine_rule = median_rule();
    fine_rule.cadence_ns = S / 4;
    fine_rule.baseline = BaselineRule::TrailingMedian { window_ticks: 240 };
    let mut det = Detector::<()>::new(fine_rule);
    let mut fine = Vec::new();
    for (i, &d) in v.iter().enumerate() {
        for q in 0..4 {
            det.observe(i as u64 * S + q * S / 4, d, &(), &mut fine);
        }
    }
    det.close(v.len() as u64 * S, &mut fine);
    assert_eq!(coarse.len(), 2, "{coarse:?}");
    assert_eq!(fine.len(), coarse.len(), "{fine:?}");
    for (a, b) in coarse.iter().zip(&fine) {
        assert_eq!(
            (a.start_ns, a.end_ns, a.below_ns),
            (b.start_ns, b.end_ns, b.below_ns)
        );
        assert_eq!((a.trough_lots, a.trough_ns), (b.trough_lots, b.trough_ns));
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Seen {
    samples: u32,
    troughs: u32,
    last: u64,
    settled_at: Option<u64>,
}

impl Absorb<u64> for Seen {
    fn absorb(&mut self, s: &u64, trough: bool) {
        self.samples += 1;
        self.troughs += u32::from(trough);
        self.last = *s;
    }
    fn settle(&mut self, s: &u64) {
        self.settled_at = Some(*s);
    }
}

fn detect_seen(rule: CollapseRule, v: &[u64]) -> Vec<Episode<Seen>> {
    let mut det = Detector::<Seen>::new(rule);
    let mut out = Vec::new();
    for (i, &d) in v.iter().enumerate() {
        det.observe(i as u64 * S, d, &(i as u64), &mut out);
    }
    det.close(v.len() as u64 * S, &mut out);
    out
}

#[test]
fn the_context_sees_the_dip_up_to_the_first_recovered_tick() {
    let v = series(100, &[(40, 5), (20, 5), (95, 10)]);
    let out = detect_seen(median_rule(), &v);
    assert_eq!(out.len(), 1);
    // ticks 100..=110: 11 of them, troughs at 100 and 105; settled at the end (hold 0)
    assert_eq!(
        out[0].context,
        Seen {
            samples: 11,
            troughs: 2,
            last: 110,
            settled_at: Some(110),
        }
    );
}

#[test]
fn the_context_settles_hold_after_the_end() {
    let v = series(100, &[(10, 10), (95, 100)]);
    // hold 3 s, inside the recovery's 5 s; hold 60 s, after it; hold 200 s, after the run
    for (hold, want) in [(3, Some(113)), (60, Some(170)), (200, None)] {
        let mut r = median_rule();
        r.hold_ns = hold * S;
        let out = detect_seen(r, &v);
        assert_eq!(out.len(), 1, "hold {hold}");
        assert_eq!(out[0].end_ns, 110 * S);
        assert_eq!(out[0].context.settled_at, want, "hold {hold}");
        assert_eq!(out[0].settled, want.is_some());
        // the context itself stops at the first recovered tick
        assert_eq!(out[0].context.last, 110);
    }
}

#[test]
fn a_held_episode_is_handed_back_in_order_when_the_next_dip_begins() {
    // two episodes 6 s apart: the first still waits for its 90 % refill when the second
    // begins (which ends that wait), and for its settling tick (hold 20 s) after that
    let v = series(100, &[(10, 10), (85, 6), (10, 10), (100, 60)]);
    let mut r = median_rule();
    r.hold_ns = 20 * S;
    let out = detect_seen(r, &v);
    assert_eq!(out.len(), 2);
    assert_eq!((out[0].start_ns, out[0].end_ns), (100 * S, 110 * S));
    assert_eq!(out[0].refill_90_ns, None);
    assert_eq!(out[0].context.settled_at, Some(130));
    assert_eq!((out[1].start_ns, out[1].end_ns), (116 * S, 126 * S));
    assert_eq!(out[1].context.settled_at, Some(146));
}
