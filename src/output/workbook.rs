//! `tables.xlsx`: a run's or a study's tables in one Excel workbook (issue 14, items 5 and 6), one sheet per table
//! with the same columns and values as its CSV, and a README sheet first with the provenance (scenario, hash, seed,
//! version, overrides) and each sheet's columns. Written with `rust_xlsxwriter`; numbers stay numbers, dates are ISO
//! text, missing values are empty cells. [`write_tables`] serves runs and studies, [`write_book`] `dormsim compare`.

use super::{Exporter, Manifest, OutputError, RunArtifacts};
use polars::prelude::*;
use rust_xlsxwriter::{Format, Workbook as Xlsx, Worksheet, XlsxError};
use std::path::Path;

pub(super) struct Workbook;

/// The workbook's file name in a run folder.
pub const WORKBOOK_FILE: &str = "tables.xlsx";

fn xlsx_error(path: &Path, e: XlsxError) -> OutputError {
    OutputError::Table { path: path.to_path_buf(), message: e.to_string() }
}

/// Write `df` into `sheet`: a bold header row, then one row per table row.
fn write_frame(sheet: &mut Worksheet, df: &DataFrame, bold: &Format) -> Result<(), XlsxError> {
    for (c, column) in df.columns().iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, column.name().as_str(), bold)?;
        if column.dtype().is_primitive_numeric() {
            let values = column.cast(&DataType::Float64).map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            let values = values.f64().map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            for (r, v) in values.iter().enumerate() {
                if let Some(v) = v.filter(|v| v.is_finite()) {
                    sheet.write_number(r as u32 + 1, c, v)?;
                }
            }
        } else {
            let values = column.cast(&DataType::String).map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            let values = values.str().map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            for (r, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    sheet.write_string(r as u32 + 1, c, v)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The provenance rows of the README sheet of a workbook `what` wrote (a run or a study) with manifest `m`.
fn provenance(what: &str, m: &Manifest) -> Vec<(String, String)> {
    vec![
        ("What".into(), format!("{what}: one sheet per table, the same values as the CSV and Parquet files")),
        ("Scenario".into(), format!("{} (hash {})", m.scenario_name, m.scenario_hash)),
        ("Source".into(), m.scenario_source.clone()),
        ("Overrides".into(), if m.overrides.is_empty() { "none".into() } else { m.overrides.join(", ") }),
        ("Seed".into(), m.seed.to_string()),
        ("Replications".into(), m.replications.to_string()),
        ("dormsim version".into(), m.dormsim_version.clone()),
        ("Intervals".into(), "95% CI over replications: simulation noise only (see dormsim uncertainty)".into()),
        ("Units".into(), "every column and its unit: docs/outputs.md".into()),
    ]
}

/// The README sheet: `rows` (field, value), then each table sheet with its columns.
fn readme(
    sheet: &mut Worksheet,
    rows: &[(String, String)],
    tables: &[(&str, &DataFrame)],
    bold: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, "Field", bold)?;
    sheet.write_string_with_format(0, 1, "Value", bold)?;
    let mut r = 1;
    for (k, v) in rows {
        sheet.write_string(r, 0, k)?;
        sheet.write_string(r, 1, v)?;
        r += 1;
    }
    r += 1;
    sheet.write_string_with_format(r, 0, "Sheet", bold)?;
    sheet.write_string_with_format(r, 1, "Columns (same as the CSV of the same name)", bold)?;
    for (name, df) in tables {
        r += 1;
        sheet.write_string(r, 0, *name)?;
        let names: Vec<&str> = df.columns().iter().map(|c| c.name().as_str()).collect();
        sheet.write_string(r, 1, names.join(", "))?;
    }
    sheet.set_column_width(0, 18)?;
    sheet.set_column_width(1, 110)?;
    Ok(())
}

/// Write `tables` into `dir/tables.xlsx` with a README sheet naming `what` wrote them; return the file name.
pub fn write_tables(
    dir: &Path,
    what: &str,
    manifest: &Manifest,
    tables: &[(&str, &DataFrame)],
) -> Result<String, OutputError> {
    write_book(&dir.join(WORKBOOK_FILE), &provenance(what, manifest), tables)
}

/// Write a workbook at `path`: a README sheet of `rows` and the tables' columns, then one sheet per table; returns
/// the file name.
pub(crate) fn write_book(
    path: &Path,
    rows: &[(String, String)],
    tables: &[(&str, &DataFrame)],
) -> Result<String, OutputError> {
    let mut book = Xlsx::new();
    let bold = Format::new().set_bold();
    let write = |book: &mut Xlsx| -> Result<(), XlsxError> {
        readme(book.add_worksheet().set_name("README")?, rows, tables, &bold)?;
        for (name, df) in tables {
            write_frame(book.add_worksheet().set_name(*name)?, df, &bold)?;
        }
        Ok(())
    };
    write(&mut book).map_err(|e| xlsx_error(path, e))?;
    book.save(path).map_err(|e| xlsx_error(path, e))?;
    Ok(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
}

impl Exporter for Workbook {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let frames = super::tables::frames(run);
        let tables: Vec<(&str, &DataFrame)> = frames.iter().map(|(n, df)| (*n, df)).collect();
        Ok(vec![write_tables(dir, "dormsim run", run.manifest, &tables)?])
    }
}
