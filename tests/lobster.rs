//! The LOBSTER export (`[output] lobster_levels`): the orderbook file is rebuilt, row by row,
//! from the message file alone; every execution and deletion refers to an order submitted
//! before it with enough left; the last row is the book l2.csv shows at the run's end; halts
//! appear as type-7 messages; the files are listed in the manifest and the same bytes on a
//! second run; bad keys are refused naming the key.

mod common;

use common::assert_same_files;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

const LEVELS: usize = 10;

fn repo(p: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn run(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "-q"])
        .arg(repo("scenarios/flash_crash_halt.toml"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn numbers(line: &str) -> Vec<i64> {
    line.split(',').map(|v| v.parse().unwrap()).collect()
}

#[test]
fn the_orderbook_file_is_rebuilt_from_the_message_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let set = format!("output.lobster_levels={LEVELS}");
    for out in [&a, &b] {
        let o = run(out, &["--set", &set]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_same_files(&a, &b, &["lobster_message.csv", "lobster_orderbook.csv"]);
    let manifest = fs::read_to_string(a.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"lobster_message.csv\"")
            && manifest.contains("\"lobster_orderbook.csv\"")
    );

    let messages = fs::read_to_string(a.join("lobster_message.csv")).unwrap();
    let books = fs::read_to_string(a.join("lobster_orderbook.csv")).unwrap();
    let (messages, books): (Vec<&str>, Vec<&str>) =
        (messages.lines().collect(), books.lines().collect());
    assert_eq!(messages.len(), books.len(), "one orderbook row per message");
    assert!(messages.len() > 10_000, "a busy day: {}", messages.len());

    // the rebuild: price (×10,000) → size, per side; and each order's size left
    let mut bids: BTreeMap<i64, i64> = BTreeMap::new();
    let mut asks: BTreeMap<i64, i64> = BTreeMap::new();
    let mut left: BTreeMap<i64, (i64, i64, i64)> = BTreeMap::new(); // id → (size, price, dir)
    let (mut last_t, mut halts, mut kinds) = (0.0f64, 0, [0u64; 8]);
    for (i, (m, row)) in messages.iter().zip(&books).enumerate() {
        let f: Vec<&str> = m.split(',').collect();
        assert_eq!(f.len(), 6, "{m}");
        let t: f64 = f[0].parse().unwrap();
        assert!(
            t >= 34_200.0 && t >= last_t,
            "time after midnight, in order: {m}"
        );
        last_t = t;
        let (kind, id, size, price, dir): (usize, i64, i64, i64, i64) = (
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
            f[5].parse().unwrap(),
        );
        kinds[kind] += 1;
        match kind {
            1 => {
                assert!(size > 0 && (dir == 1 || dir == -1), "{m}");
                assert!(
                    left.insert(id, (size, price, dir)).is_none(),
                    "a new id: {m}"
                );
                let book = if dir == 1 { &mut bids } else { &mut asks };
                *book.entry(price).or_default() += size;
            }
            3 | 4 => {
                let o = left
                    .get_mut(&id)
                    .unwrap_or_else(|| panic!("unknown order: {m}"));
                assert_eq!((o.1, o.2), (price, dir), "the order's price and side: {m}");
                assert!(size > 0 && size <= o.0, "no more than is left: {m}");
                if kind == 3 {
                    assert_eq!(size, o.0, "a deletion removes all that is left: {m}");
                }
                o.0 -= size;
                if o.0 == 0 {
                    left.remove(&id);
                }
                let book = if dir == 1 { &mut bids } else { &mut asks };
                let level = book.get_mut(&price).unwrap();
                *level -= size;
                if *level == 0 {
                    book.remove(&price);
                }
            }
            7 => {
                assert_eq!((id, size, dir), (0, 0, 0), "{m}");
                assert!(price == -1 || price == 1, "{m}");
                halts += 1;
            }
            _ => panic!("an event type depthsim never writes: {m}"),
        }
        let mut expected = Vec::with_capacity(4 * LEVELS);
        let mut a = asks.iter();
        let mut b = bids.iter().rev();
        for _ in 0..LEVELS {
            let (ap, aq) = a.next().map_or((9_999_999_999, 0), |(&p, &q)| (p, q));
            let (bp, bq) = b.next().map_or((-9_999_999_999, 0), |(&p, &q)| (p, q));
            expected.extend([ap, aq, bp, bq]);
        }
        assert_eq!(numbers(row), expected, "orderbook row {} after {m}", i + 1);
    }
    assert!(halts >= 2, "the halts are in the file");
    assert!(kinds[1] > 0 && kinds[3] > 0 && kinds[4] > 0, "{kinds:?}");

    // the last row is the book at the run's end, as l2.csv (5 levels, lots of 100) shows it
    let l2 = fs::read_to_string(a.join("l2.csv")).unwrap();
    let last_t = l2
        .lines()
        .last()
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let mut end: Vec<(String, i64, i64, i64)> = l2
        .lines()
        .skip(1)
        .filter(|l| l.starts_with(&format!("{last_t},")))
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let price = (f[4].parse::<f64>().unwrap() * 10_000.0).round() as i64;
            (
                f[2].to_string(),
                f[3].parse().unwrap(),
                price,
                f[5].parse::<i64>().unwrap() * 100,
            )
        })
        .collect();
    end.sort();
    let last = numbers(books.last().unwrap());
    for (side, level, price, size) in end {
        let at = 4 * (level as usize - 1) + if side == "ask" { 0 } else { 2 };
        assert_eq!(
            (last[at], last[at + 1]),
            (price, size),
            "{side} level {level}"
        );
    }
}

#[test]
fn bad_lobster_keys_exit_2_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    for (set, key) in [
        ("output.lobster_levels=1001", "output.lobster_levels"),
        ("output.lobster_book=\"nope\"", "output.lobster_book"),
    ] {
        let out = tmp.path().join("never");
        let o = run(&out, &["--set", set]);
        assert_eq!(o.status.code(), Some(2), "{set}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("flash_crash_halt.toml") && err.contains(key),
            "{err}"
        );
        assert!(!out.exists());
    }
    // a tick finer than LOBSTER's price unit (10⁻⁴) cannot be written
    let o = run(
        &tmp.path().join("never"),
        &[
            "--set",
            "output.lobster_levels=5",
            "--set",
            "market.tick_size=0.00001",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("output.lobster_levels"));
}
