//! How an amount is written, in every output: grouped for people, to the cent for
//! machines. A leaf: the schema's messages write limits the way reports write figures.

/// An amount as machines get it: to the cent, since sums and products of floats carry
/// noise (`98399.99999999999`) that is nobody's money; `-0.0` is 0. An amount too large
/// to scale by 100 is kept as it is: it has no cents to round.
pub fn cents(amount: f64) -> f64 {
    let scaled = (amount * 100.0).round();
    let rounded = if scaled.is_finite() {
        scaled / 100.0
    } else {
        amount
    };
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// `1234567.0` -> `1,234,567`; fractions are kept to two places when present.
pub fn money(amount: f64) -> String {
    if !amount.is_finite() {
        // A sum past what a float holds (budgets near 1e308): say so, not a wrong number.
        return match amount {
            a if a.is_nan() => "n/a",
            a if a > 0.0 => "∞",
            _ => "-∞",
        }
        .to_owned();
    }
    let (whole, cents) = if amount.abs() < 1e15 {
        // Round to the cent first: 99.999 is 100.00, not 99 and 100 cents.
        let total_cents = (amount.abs() * 100.0).round() as u64;
        ((total_cents / 100).to_string(), total_cents % 100)
    } else {
        // Past 1e15 a float has no cents, and cents would overflow an integer: the
        // whole part, written out exactly.
        (format!("{:.0}", amount.abs()), 0)
    };
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if cents > 0 {
        out += &format!(".{cents:02}");
    }
    if amount < 0.0 && out != "0" {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_has_thousands_separators() {
        assert_eq!(money(250000.0), "250,000");
        assert_eq!(money(1234567.5), "1,234,567.50");
        assert_eq!(money(-999.0), "-999");
        assert_eq!(money(0.0), "0");
        assert_eq!(money(99.999), "100");
        assert_eq!(money(-0.001), "0");
        assert_eq!(money(2e17), "200,000,000,000,000,000");
        assert_eq!(money(-1.5e15), "-1,500,000,000,000,000");
        assert_eq!(money(f64::INFINITY), "∞");
    }

    #[test]
    fn cents_drop_float_noise() {
        assert_eq!(cents(98399.99999999999), 98400.0);
        assert_eq!(cents(0.1 + 0.2), 0.3);
        assert_eq!(cents(-0.001).to_string(), "0");
        assert_eq!(cents(1e308), 1e308);
    }
}
