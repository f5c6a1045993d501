//! barometer: YAML datasets and Markdown commentary in, a static report site out.
pub mod config;
pub mod datasets;
pub mod diagnostics;
pub mod format;
pub mod yaml;
pub mod pages;
pub mod prose;
pub mod markdown;
pub mod blocks;
pub mod charts;
pub mod html;
