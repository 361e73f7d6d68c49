//! Tests of the register's readers: one file per reader, and properties over all of them.

use chrono::NaiveDate;

use super::*;

mod csv;
mod entry;
mod export;
mod field;
mod props;

/// Monday 23 November 2026.
fn today() -> NaiveDate {
    date(2026, 11, 23)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
}
