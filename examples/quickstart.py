# %% [markdown]
# # depthsim from Python: a quick start
#
# depthsim is an agent-based simulator of a limit order book: noise traders, informed
# traders and market makers who widen, shrink or pull their quotes. This notebook runs two of
# its scenarios, plots the book's depth and mid with the depth-collapse episodes shaded, runs
# a small parameter sweep into a heatmap, and compares a scenario over seeds.
#
# Install the module from a clone of the repository (it builds the Rust extension, a few
# minutes the first time), with the packages this notebook plots with:
#
# ```sh
# pip install ./python pandas pyarrow matplotlib
# ```
#
# The notebook is kept as `examples/quickstart.py` too (the same cells, as a plain script),
# and CI executes it headless.

# %%
import pathlib

import matplotlib.pyplot as plt
import pandas as pd

import depthsim

# the scenarios ship with the repository; run from its root or from examples/
ROOT = next(p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "scenarios").is_dir())
print("depthsim", depthsim.__version__)

# %% [markdown]
# ## Two runs
#
# `depthsim.run` runs a scenario in memory and returns its tables as Arrow tables;
# `.to_pandas()` (or `polars.DataFrame(table)`) reads them without copying. `baseline` is a
# calm hour; `flash_crash` sends a large sell program into inventory-limited makers ten
# minutes in.

# %%
baseline = depthsim.run(ROOT / "scenarios/baseline.toml", seed=1)
crash = depthsim.run(ROOT / "scenarios/flash_crash.toml", seed=1)
print(crash)
crash.summary.to_pandas()[["trades", "episodes", "collapsed_s", "worst_trough_ratio", "price_max_drawdown_frac"]]

# %% [markdown]
# ## Depth and mid, collapse episodes shaded
#
# book.csv has the resting lots within 5, 10, … ticks of the mid per side; episodes.csv has
# one row per depth-collapse episode (a side of the book below half its baseline for at
# least five seconds).


# %%
def plot_run(run, title, ax_depth):
    book = run.book.to_pandas()
    episodes = run.episodes.to_pandas()
    band = [c for c in book.columns if c.startswith("depth_bid_")][0].split("_")[2]
    ax_depth.plot(book.t_s / 60, book[f"depth_bid_{band}_lots"], lw=0.7, label=f"bid depth ({band})")
    ax_depth.plot(book.t_s / 60, book[f"depth_ask_{band}_lots"], lw=0.7, label=f"ask depth ({band})")
    for e in episodes.itertuples():
        ax_depth.axvspan(e.start_s / 60, e.end_s / 60, color="red", alpha=0.2)
    ax_depth.set_ylabel("lots")
    ax_depth.set_title(f"{title}: {len(episodes)} collapse episode(s) shaded")
    ax_mid = ax_depth.twinx()
    ax_mid.plot(book.t_s / 60, book.mid, color="black", lw=0.8, label="mid")
    ax_mid.set_ylabel("mid")
    ax_depth.legend(loc="lower left", fontsize=8)


fig, axes = plt.subplots(2, 1, figsize=(10, 7), sharex=False)
plot_run(baseline, "baseline", axes[0])
plot_run(crash, "flash_crash", axes[1])
axes[1].set_xlabel("minutes")
fig.tight_layout()

# %% [markdown]
# ## A small sweep into a heatmap
#
# `depthsim.sweep` takes a sweep file or a dict of the same keys and runs every point and
# seed in parallel (rayon's threads, the interpreter lock released). Here: the flash crash cut
# to 20 minutes, over the makers' position limit × the sell program's share of the volume,
# two seeds each. The result is runs.csv's table: one row per run.

# %%
runs = depthsim.sweep(
    {
        "sweep": {
            "scenario": str(ROOT / "scenarios/flash_crash.toml"),
            "seed": 2010,
            "seeds_per_point": 2,
            "set": ["run.duration_s=1200.0"],
        },
        "grid": {
            "market_maker[0].max_position_lots": [25, 100, 200],
            "shocks[0].participation": [0.05, 0.2, 0.4],
        },
    },
    jobs=2,
).to_pandas()
heat = runs.pivot_table(
    index="market_maker[0].max_position_lots",
    columns="shocks[0].participation",
    values="collapsed_s",
    aggfunc="median",
)
fig, ax = plt.subplots(figsize=(5, 4))
im = ax.imshow(heat.values, origin="lower", cmap="Reds")
ax.set_xticks(range(len(heat.columns)), heat.columns)
ax.set_yticks(range(len(heat.index)), heat.index)
ax.set_xlabel("program participation")
ax.set_ylabel("makers' position limit, lots")
ax.set_title("median seconds collapsed")
fig.colorbar(im)
heat

# %% [markdown]
# ## One scenario over seeds
#
# Each seed is another draw of the same market. The summary table has one row per run.

# %%
summaries = pd.concat(
    [depthsim.run(ROOT / "scenarios/flash_crash.toml", seed=s, outputs=["summary"]).summary.to_pandas() for s in range(1, 6)]
)
cols = ["seed", "episodes", "collapsed_s", "worst_trough_ratio", "price_max_drawdown_frac"]
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(summaries.seed.astype(str), summaries.price_max_drawdown_frac * 100)
ax.set_xlabel("seed")
ax.set_ylabel("largest fall of the mid, %")
summaries[cols].describe().loc[["mean", "50%", "min", "max"]]
