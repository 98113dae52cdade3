//! `--stats`: where a scan's time went, so a slow detector is found in one run.

use crate::detectors::Catalog;
use crate::result::ScanStats;
use std::io::{self, Write};

/// How many detectors the table lists (the costliest first).
const TOP: usize = 25;

pub fn write(st: &ScanStats, catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let threads = st.threads.max(1);
    let busy = st.read + st.matching + st.building;
    // What the threads did not spend reading, matching or building: walking the tree,
    // filtering paths, waiting for work.
    let other = (st.wall * threads as u32).saturating_sub(busy);
    let e = &st.engine;
    writeln!(out, "credgate --stats")?;
    writeln!(
        out,
        "  wall {:.1} ms on {threads} threads; thread time: read {:.1} ms, match {:.1} ms (prefilter {:.1} ms over {:.1} MB), build findings {:.1} ms, walk and other {:.1} ms",
        ms(st.wall),
        ms(st.read),
        ms(st.matching),
        e.prefilter_ns as f64 / 1e6,
        e.prefilter_bytes as f64 / 1e6,
        ms(st.building),
        ms(other),
    )?;
    if !st.phases.is_empty() {
        let phases: Vec<String> = st
            .phases
            .iter()
            .map(|(name, d)| format!("{name} {:.1} ms", ms(*d)))
            .collect();
        writeln!(out, "  steps (wall): {}", phases.join(", "))?;
    }
    let mut rows: Vec<(usize, &crate::engine::DetectorStats)> = e
        .detectors
        .iter()
        .enumerate()
        .filter(|(_, d)| d.hits > 0)
        .collect();
    rows.sort_by(|a, b| {
        b.1.regex_ns
            .cmp(&a.1.regex_ns)
            .then(b.1.hits.cmp(&a.1.hits))
    });
    let active = rows.len();
    writeln!(
        out,
        "  {active} of {} detectors had keyword hits; the {} costliest:",
        catalog.detectors.len(),
        TOP.min(active)
    )?;
    writeln!(
        out,
        "  {:<40} {:>10} {:>10} {:>12} {:>8} {:>10}",
        "detector", "hits", "regex runs", "regex bytes", "matches", "regex ms"
    )?;
    for (i, d) in rows.into_iter().take(TOP) {
        writeln!(
            out,
            "  {:<40} {:>10} {:>10} {:>12} {:>8} {:>10.2}",
            catalog.detectors[i].id,
            d.hits,
            d.regex_runs,
            d.regex_bytes,
            d.matches,
            d.regex_ns as f64 / 1e6
        )?;
    }
    Ok(())
}
