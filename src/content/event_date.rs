//! The date of an event an annotation states, as precise as its source gives it.

use std::cmp::Ordering;
use std::fmt;

use super::Date;

/// A date as precise as the source gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventDate {
    /// A year only.
    Year(u16),
    /// A month of a year.
    Month(u16, u8),
    /// A day.
    Day(Date),
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl EventDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<EventDate, String> {
        let invalid = || format!("`{text}` is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY");
        let year = |y: &str| {
            (y.len() == 4)
                .then(|| y.parse::<u16>().ok())
                .flatten()
                .ok_or_else(invalid)
        };
        match text.split('-').collect::<Vec<_>>().as_slice() {
            [y] => Ok(EventDate::Year(year(y)?)),
            [y, m] => {
                let month = (m.len() == 2)
                    .then(|| m.parse::<u8>().ok())
                    .flatten()
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(invalid)?;
                Ok(EventDate::Month(year(y)?, month))
            }
            [_, _, _] => Date::parse(text).map(EventDate::Day),
            _ => Err(invalid()),
        }
    }

    /// The first day it may mean, for sorting: a year sorts before its months and days.
    fn start(self) -> (u16, u8, u8) {
        match self {
            EventDate::Year(y) => (y, 0, 0),
            EventDate::Month(y, m) => (y, m, 0),
            EventDate::Day(d) => (d.year, d.month, d.day),
        }
    }

    /// Whether two dates can both be true: equal, or one lies within the other (2025 and
    /// 21 January 2025 agree; 17 and 21 January do not).
    pub fn agrees(self, other: EventDate) -> bool {
        let (a, b) = (self.start(), other.start());
        match (self, other) {
            (EventDate::Year(_), _) | (_, EventDate::Year(_)) => a.0 == b.0,
            (EventDate::Month(..), _) | (_, EventDate::Month(..)) => (a.0, a.1) == (b.0, b.1),
            _ => a == b,
        }
    }

    /// How precise it is: `year`, `month` or `day`.
    pub fn precision(self) -> &'static str {
        match self {
            EventDate::Year(_) => "year",
            EventDate::Month(..) => "month",
            EventDate::Day(_) => "day",
        }
    }

    /// As a reader reads it: `2015`, `January 2025`, `21 January 2025`.
    pub fn display(self) -> String {
        match self {
            EventDate::Year(y) => y.to_string(),
            EventDate::Month(y, m) => format!("{} {y}", MONTHS[usize::from(m) - 1]),
            EventDate::Day(d) => {
                format!("{} {} {}", d.day, MONTHS[usize::from(d.month) - 1], d.year)
            }
        }
    }
}

impl fmt::Display for EventDate {
    /// The machine form, for `<time datetime>`: `2015`, `2025-01`, `2025-01-21`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventDate::Year(y) => write!(f, "{y:04}"),
            EventDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            EventDate::Day(d) => write!(f, "{d}"),
        }
    }
}

impl PartialOrd for EventDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EventDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.start().cmp(&other.start())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_parse_sort_and_read_as_written() {
        let year = EventDate::parse("2015").expect("a year");
        let month = EventDate::parse("2025-01").expect("a month");
        let day = EventDate::parse("2025-01-21").expect("a day");
        assert!(year < month && month < day);
        assert_eq!(
            [year.display(), month.display(), day.display()],
            ["2015", "January 2025", "21 January 2025"]
        );
        assert_eq!(month.to_string(), "2025-01");
        assert!(EventDate::parse("2025-13").is_err());
        assert!(EventDate::parse("25").is_err());
        assert!(EventDate::parse("2025-02-30").is_err());
        let same_year = EventDate::parse("2025").expect("a year");
        assert!(same_year.agrees(day) && day.agrees(month) && day.agrees(day));
        let other_day = EventDate::parse("2025-01-17").expect("a day");
        assert!(!day.agrees(other_day) && other_day.agrees(month));
        assert!(!year.agrees(day));
    }
}
