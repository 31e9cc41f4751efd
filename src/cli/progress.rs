//! The progress bar of a long run.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// The progress bar of a long run on a terminal, shown once the run has taken a second, and
/// the wall clock since it started.
pub(crate) struct Progress {
    bar: ProgressBar,
    started: Instant,
    show: bool,
    shown: bool,
}

impl Progress {
    pub(crate) fn new(steps: u64, quiet: bool) -> Progress {
        #[expect(
            clippy::disallowed_methods,
            reason = "wall time for the manifest and the progress bar, outside the simulation"
        )]
        let started = Instant::now();
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} simulating [{bar:40}] {percent}% {elapsed} (eta {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Progress {
            bar,
            started,
            show: !quiet && std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    pub(crate) fn update(&mut self, done: u64) {
        if self.show && !self.shown && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        self.bar.set_position(done);
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }

    pub(crate) fn elapsed_s(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// The bar of a command that runs many runs (`findings`, `validation`): runs done of `total`,
/// drawn on stderr when it is a terminal and not `quiet`.
pub(crate) fn runs_bar(total: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} runs [{bar:40}] {pos}/{len} {elapsed} (eta {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    if !quiet && std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar
}
