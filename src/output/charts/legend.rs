//! Legends drawn as a row of keys above the plots (wrapping onto more rows as needed), so they never cover data
//! and look the same in every chart.

use super::style;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

/// How an entry is keyed.
#[derive(Clone, Copy)]
pub enum Key {
    /// A filled box (bars, areas, bands).
    Fill(RGBAColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// Option `i`'s line: its colour and dash pattern ([`style::dash`]).
    Option(usize),
    /// A 95% interval: a line with end caps.
    Interval(RGBColor),
    /// A filled circle.
    Dot(RGBColor),
    /// A hollow square.
    Square(RGBColor),
    /// No key: the text introduces the entries after it.
    Heading,
}

const KEY_WIDTH: i32 = 24;
const ROW_HEIGHT: i32 = 24;
const GAP: i32 = 26;
const LEFT: i32 = 16;

fn draw_key<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, key: Key, (x, y): (i32, i32)) -> super::DrawResult<DB> {
    let mid = x + KEY_WIDTH / 2;
    match key {
        Key::Fill(c) => area.draw(&Rectangle::new([(x + 2, y - 6), (x + KEY_WIDTH - 2, y + 6)], c.filled())),
        Key::Line(c) => area.draw(&PathElement::new([(x, y), (x + KEY_WIDTH, y)], c.stroke_width(3))),
        Key::Dashed(c) => area.draw(&DashedPathElement::new([(x, y), (x + KEY_WIDTH, y)], 6, 3, c.stroke_width(2))),
        Key::Option(i) => {
            let stroke = style::option_colour(i).stroke_width(3);
            match style::dash(i) {
                None => area.draw(&PathElement::new([(x, y), (x + KEY_WIDTH, y)], stroke)),
                Some((size, gap)) => {
                    area.draw(&DashedPathElement::new([(x, y), (x + KEY_WIDTH, y)], size.min(8), gap.min(4), stroke))
                }
            }
        }
        Key::Interval(c) => {
            let s = c.stroke_width(1);
            area.draw(&PathElement::new([(x + 2, y), (x + KEY_WIDTH - 2, y)], s))?;
            area.draw(&PathElement::new([(x + 2, y - 8), (x + 2, y + 8)], s))?;
            area.draw(&PathElement::new([(x + KEY_WIDTH - 2, y - 8), (x + KEY_WIDTH - 2, y + 8)], s))
        }
        Key::Dot(c) => area.draw(&Circle::new((mid, y), 6, c.filled())),
        Key::Square(c) => area.draw(&(EmptyElement::at((mid, y)) + square(c))),
        Key::Heading => Ok(()),
    }
}

/// A hollow square of side 10 centred on the origin, as a path (SVG rectangles ignore the stroke width).
pub fn square<C: Color>(colour: C) -> PathElement<(i32, i32)> {
    PathElement::new([(-5, -5), (5, -5), (5, 5), (-5, 5), (-5, -5)], colour.stroke_width(2))
}

/// Draw `entries` in rows across the top of `area`; return the area below them.
pub fn row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(Key, String)],
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (width, _) = area.dim_in_pixel();
    let font = style::legend();
    let (mut x, mut y) = (LEFT, ROW_HEIGHT / 2 + 2);
    for (key, label) in entries {
        let key_width = if matches!(key, Key::Heading) { 0 } else { KEY_WIDTH + 6 };
        let (w, h) = area.estimate_text_size(label, &font)?;
        let needed = key_width + w as i32;
        if x > LEFT && x + needed > width as i32 - LEFT {
            (x, y) = (LEFT, y + ROW_HEIGHT);
        }
        draw_key(area, *key, (x, y))?;
        area.draw(&Text::new(label.clone(), (x + key_width, y - h as i32 / 2), font.clone()))?;
        x += needed + if matches!(key, Key::Heading) { GAP / 2 } else { GAP };
    }
    Ok(area.split_vertically(y + ROW_HEIGHT / 2 + 4).1)
}
