//! The report's figures: each chart inlined as SVG (no XML declaration, a viewBox so it scales, `role="img"` and
//! its text alternative as `aria-label`), numbered in page order. A chart placed in an analysis section is not
//! repeated in the charts section, which shows the rest.

use super::fmt::esc;
use crate::output::charts::Chart;
use std::fmt::Write;

/// The run's charts and which of them have been placed, with the next figure number.
pub struct Figures<'a> {
    charts: &'a [Chart],
    placed: Vec<bool>,
    next: usize,
}

impl<'a> Figures<'a> {
    pub fn new(charts: &'a [Chart]) -> Self {
        Figures { charts, placed: vec![false; charts.len()], next: 1 }
    }

    /// Place the chart `stem` here (nothing when the run has no such chart or it was placed already).
    pub fn place(&mut self, h: &mut String, stem: &str) {
        if let Some(i) = self.charts.iter().position(|c| c.stem == stem).filter(|&i| !self.placed[i]) {
            self.figure(h, i);
        }
    }

    /// Every chart not placed yet, or a note when the run has no chart at all.
    pub fn rest(&mut self, h: &mut String) {
        if self.charts.is_empty() {
            h.push_str("<p class=\"note\">No charts were produced for this run.</p>\n");
        }
        for i in 0..self.charts.len() {
            if !self.placed[i] {
                self.figure(h, i);
            }
        }
    }

    fn figure(&mut self, h: &mut String, i: usize) {
        let c = &self.charts[i];
        let _ = write!(
            h,
            "<figure id=\"fig-{}\">\n<div class=\"chart\">{}</div>\n<figcaption><strong>Figure {}.</strong> {} \
             <span class=\"file\">(charts/{}.svg and .png)</span></figcaption>\n</figure>\n",
            esc(&c.stem),
            inline_svg(&c.svg, &c.alt),
            self.next,
            esc(&c.title),
            esc(&c.stem)
        );
        self.placed[i] = true;
        self.next += 1;
    }
}

/// A chart's SVG ready to inline: no XML declaration or doctype, a viewBox so it scales with the page, and
/// `role="img"` with `alt` as its accessible name (at the end of the opening tag) unless the chart has them already
/// (dormsim's charts carry them, with a `<title>`, in the file itself).
pub fn inline_svg(svg: &str, alt: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let mut out = svg[start..].trim_end().to_string();
    if !out.contains("viewBox")
        && let (Some(w), Some(hh)) = (attr(&out, "width"), attr(&out, "height"))
    {
        out = out.replacen("<svg", &format!("<svg viewBox=\"0 0 {w} {hh}\""), 1);
    }
    if let Some(end) = out.find('>').filter(|&end| !out[..end].contains(" role=\"img\"")) {
        let close = if out[..end].ends_with('/') { end - 1 } else { end };
        out.insert_str(close, &format!(" role=\"img\" aria-label=\"{}\"", esc(alt)));
    }
    out
}

/// The value of attribute `name` on the first tag of `svg`.
fn attr(svg: &str, name: &str) -> Option<String> {
    let tag = &svg[..svg.find('>')?];
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[at..].find('"')?;
    Some(tag[at..at + end].trim_end_matches("px").to_string())
}
