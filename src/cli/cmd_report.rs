//! `credgate report merge`: the reports are read and checked by [`crate::report::merge`] before
//! the output is opened, so a bad input writes nothing.

use super::EXIT_CLEAN;
use super::args::MergeFormat;
use crate::report::merge;
use std::path::Path;

pub fn merge(reports: &[String], format: MergeFormat, output: Option<&Path>) -> anyhow::Result<u8> {
    let merged = merge::load_all(reports)?;
    super::output::to(output, |w| match format {
        MergeFormat::Text => merge::write_text(&merged, w),
        MergeFormat::Json => merge::write_json(&merged, w),
        MergeFormat::Html => merge::write_html(&merged, w),
    })?;
    Ok(EXIT_CLEAN)
}
