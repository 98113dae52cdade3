//! The spinner on stderr, shown only when a scan has run for a second, so that quick hook runs
//! print nothing extra.

use crate::result::Progress;
use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

/// Runs `f` with live counters, drawing them on stderr (when it is a terminal) until `f` ends.
pub fn while_running<T>(f: impl FnOnce(&Progress) -> T) -> T {
    let progress = Progress::default();
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        if std::io::stderr().is_terminal() {
            let pr = &progress;
            s.spawn(move || show(pr, done_rx));
        }
        let r = f(&progress);
        drop(done_tx);
        r
    })
}

fn show(p: &Progress, done: mpsc::Receiver<()>) {
    if !matches!(
        done.recv_timeout(Duration::from_secs(1)),
        Err(mpsc::RecvTimeoutError::Timeout)
    ) {
        return;
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    loop {
        bar.set_message(format!(
            "scanning: {} files, {}",
            p.files.load(Ordering::Relaxed),
            crate::report::text::human_bytes(p.bytes.load(Ordering::Relaxed))
        ));
        bar.tick();
        match done.recv_timeout(Duration::from_millis(120)) {
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            _ => break,
        }
    }
    bar.finish_and_clear();
}
