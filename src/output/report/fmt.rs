//! Number and text formatting shared by `report.html` and `summary.md`: one style everywhere (working days with 2
//! decimals, shares as percentages with 1, counts with thousands separators), ASCII minus signs so numbers paste
//! into a spreadsheet, and HTML escaping.

/// Escape text for HTML element content and double-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for Markdown table cells and prose (characters that would start markup).
pub fn md_esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals`, "n/a" when not finite, never "-0.00".
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_string() } else { s }
}

/// Working days (or calendar days, or FTE): 2 decimals.
pub fn wd(x: f64) -> String {
    num(x, 2)
}

/// Signed working days / FTE for differences: "+0.74", "-0.25", "0.00".
pub fn signed(x: f64) -> String {
    let s = wd(x);
    if x.is_finite() && !s.starts_with('-') && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{s}")
    } else {
        s
    }
}

/// A share in [0, 1] as a percentage with 1 decimal: "43.8%"; "<0.1%" when positive but smaller.
pub fn pct(share: f64) -> String {
    match share {
        s if !s.is_finite() => "n/a".into(),
        s if s > 0.0 && s < 0.0005 => "<0.1%".into(),
        s => format!("{}%", num(s * 100.0, 1)),
    }
}

/// A 95% interval: "7.55–7.73" when both ends are non-negative, "-0.07 to 1.55" otherwise (an en dash after a
/// minus sign reads as a range of negatives). "n/a (1 replication)" without an interval.
pub fn ci(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) if lo.is_finite() && hi.is_finite() => {
            let (l, h) = (wd(lo), wd(hi));
            if l.starts_with('-') || h.starts_with('-') { format!("{l} to {h}") } else { format!("{l}–{h}") }
        }
        _ => "n/a (1 replication)".into(),
    }
}

/// A peak of staff effort with its interval and week, one decimal: "169.0 FTE (95% CI 165.3–172.7), week starting
/// 2020-11-04".
pub fn peak(value: f64, ci95: Option<[f64; 2]>, week_start: &str) -> String {
    let ci = match ci95 {
        Some([lo, hi]) if lo.is_finite() && hi.is_finite() => format!(" (95% CI {}–{})", num(lo, 1), num(hi, 1)),
        _ => String::new(),
    };
    format!("{} FTE{ci}, week starting {week_start}", num(value, 1))
}

/// Group the integer part of an unsigned decimal string in threes with commas.
fn thousands(digits: &str) -> String {
    let (int, frac) = digits.split_once('.').map_or((digits, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A count (often a mean over replications): whole from 100 up, 1 decimal below unless whole; thousands separated:
/// "30,181", "14,950", "1.7", "12".
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let decimals = if x.abs() >= 99.95 || (x - x.round()).abs() < 1e-9 { 0 } else { 1 };
    let s = num(x.abs(), decimals);
    let sign = if x < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    format!("{sign}{}", thousands(&s))
}

/// An integer with thousands separators.
pub fn int(x: u64) -> String {
    thousands(&x.to_string())
}

/// A count at represented (GB) scale in three significant figures: "3.92 m", "221 k", "4.6 k", "217".
pub fn gb(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    let a = x.abs();
    if a >= 999_500.0 {
        format!("{} m", num(x / 1e6, 2))
    } else if a >= 9_995.0 {
        format!("{} k", num(x / 1e3, 0))
    } else if a >= 1_000.0 {
        format!("{} k", num(x / 1e3, 1))
    } else {
        num(x, 0)
    }
}

/// `text` with its first letter in lower case (acronyms further on are kept): "Waiting for DCC capacity" →
/// "waiting for DCC capacity".
pub fn lower_first(text: &str) -> String {
    let acronym = text.split_whitespace().next().is_some_and(|w| w.chars().filter(|c| c.is_uppercase()).count() > 1);
    if acronym {
        return text.to_string();
    }
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().collect::<String>() + chars.as_str())
}

/// "1 replication", "3 replications".
pub fn replications(n: u32) -> String {
    format!("{n} replication{}", if n == 1 { "" } else { "s" })
}

/// An optional whole number of days, "–" when absent.
pub fn opt(v: Option<u32>) -> String {
    v.map_or_else(|| "–".into(), |x| x.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_one_way() {
        assert_eq!(wd(7.644), "7.64");
        assert_eq!(wd(-0.001), "0.00");
        assert_eq!(wd(f64::NAN), "n/a");
        assert_eq!(signed(0.744), "+0.74");
        assert_eq!(signed(-0.25), "-0.25");
        assert_eq!(signed(0.0), "0.00");
        assert_eq!(pct(0.4375), "43.8%");
        assert_eq!(pct(0.00046), "<0.1%");
        assert_eq!(pct(0.0), "0.0%");
        assert_eq!(ci(Some([7.55, 7.734])), "7.55–7.73");
        assert_eq!(ci(Some([-0.07, 1.55])), "-0.07 to 1.55");
        assert_eq!(ci(None), "n/a (1 replication)");
        assert_eq!(count(30181.0), "30,181");
        assert_eq!(count(14950.333), "14,950");
        assert_eq!(count(12.0), "12");
        assert_eq!(count(99.94), "99.9");
        assert_eq!(count(1.6667), "1.7");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1234567.0), "1,234,567");
        assert_eq!(int(13_000_000), "13,000,000");
        assert_eq!(gb(3_923_530.0), "3.92 m");
        assert_eq!(gb(221_000.0), "221 k");
        assert_eq!(gb(4_560.0), "4.6 k");
        assert_eq!(gb(217.0), "217");
        assert_eq!(lower_first("Waiting for DCC capacity"), "waiting for DCC capacity");
        assert_eq!(lower_first("CoS-check halt and re-plan"), "CoS-check halt and re-plan");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(md_esc("a|b*c"), r"a\|b\*c");
    }
}
