//! Reading chart data out of the run's tables: whole columns as plain vectors (nulls become NaN or empty text) and
//! the rows of each option, in scenario order. A missing or mistyped column is an [`OutputError::Chart`].

use super::{OutputError, RunDir};
use polars::prelude::*;
use std::path::PathBuf;

/// One table of the run and the file it came from (for error messages).
pub struct Table<'a> {
    df: &'a DataFrame,
    path: PathBuf,
}

impl<'a> Table<'a> {
    pub fn new(run: &RunDir, df: &'a DataFrame, file: &str) -> Self {
        Table { df, path: run.dir.join(file) }
    }

    pub fn height(&self) -> usize {
        self.df.height()
    }

    fn error(&self, name: &str, e: impl ToString) -> OutputError {
        OutputError::Chart { path: self.path.clone(), message: format!("column `{name}`: {}", e.to_string()) }
    }

    fn column(&self, name: &str, to: &DataType) -> Result<Column, OutputError> {
        let c = self.df.column(name).map_err(|e| self.error(name, e))?;
        c.cast(to).map_err(|e| self.error(name, e))
    }

    /// A text column.
    pub fn strs(&self, name: &str) -> Result<Vec<String>, OutputError> {
        let c = self.column(name, &DataType::String)?;
        let s = c.str().map_err(|e| self.error(name, e))?;
        Ok(s.iter().map(|v| v.unwrap_or("").to_string()).collect())
    }

    /// A numeric column as f64 (nulls are NaN).
    pub fn f64s(&self, name: &str) -> Result<Vec<f64>, OutputError> {
        let c = self.column(name, &DataType::Float64)?;
        let s = c.f64().map_err(|e| self.error(name, e))?;
        Ok(s.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }

    /// A date column as days since 1970-01-01 (nulls are NaN).
    pub fn days(&self, name: &str) -> Result<Vec<f64>, OutputError> {
        let c = self.column(name, &DataType::Int32)?;
        let s = c.i32().map_err(|e| self.error(name, e))?;
        Ok(s.iter().map(|v| v.map_or(f64::NAN, f64::from)).collect())
    }
}

/// The options of the run in scenario order (the first is the baseline).
pub fn option_names(run: &RunDir) -> Vec<String> {
    run.summary.options.keys().cloned().collect()
}

/// For each of `names`, the indices of the rows whose `option` is that name, in table order.
pub fn rows_by_option(options: &[String], names: &[String]) -> Vec<Vec<usize>> {
    names.iter().map(|n| (0..options.len()).filter(|&i| &options[i] == n).collect()).collect()
}

/// Values of `column` at `rows`.
pub fn pick(column: &[f64], rows: &[usize]) -> Vec<f64> {
    rows.iter().map(|&i| column[i]).collect()
}

/// Largest finite value (NaN when there is none).
pub fn finite_max(values: impl IntoIterator<Item = f64>) -> f64 {
    values.into_iter().filter(|v| v.is_finite()).fold(f64::NAN, f64::max)
}
