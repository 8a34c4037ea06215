//! Schedule expressions of scheduled rules: `rate(value unit)` and
//! `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, validated as
//! EventBridge validates them, and the time each one fires next.
//!
//! Pure: no I/O and no clock reads. Times are epoch milliseconds, UTC, which is
//! also the only time zone EventBridge's cron expressions know.

use std::fmt;

const MINUTE_MS: i64 = 60_000;
const MINUTES_PER_DAY: i64 = 1_440;

/// A parsed `rate(...)` or `cron(...)` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `rate(value unit)`: fires every `every_ms` after the rule's anchor.
    Rate {
        /// The period, in milliseconds.
        every_ms: i64,
    },
    /// `cron(...)`: fires at the UTC minutes its six fields match.
    Cron(Cron),
}

/// Why a schedule expression is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    reason: String,
}

impl ScheduleError {
    fn new(reason: impl Into<String>) -> Self {
        ScheduleError { reason: reason.into() }
    }
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for ScheduleError {}

impl Schedule {
    /// Parses a schedule expression, accepting exactly what EventBridge accepts.
    pub fn parse(expression: &str) -> Result<Schedule, ScheduleError> {
        if let Some(body) = expression.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
            return parse_rate(body);
        }
        if let Some(body) = expression.strip_prefix("cron(").and_then(|c| c.strip_suffix(')')) {
            return Cron::parse(body).map(Schedule::Cron);
        }
        Err(ScheduleError::new("a schedule expression is rate(value unit) or cron(six fields)"))
    }

    /// The first firing strictly after `after_ms`, or `None` if there is none
    /// (a cron expression whose years have all passed, or that can never match).
    ///
    /// A rate fires at `anchor_ms + k * every_ms` for k >= 1: the anchor is when
    /// the rule was created or enabled, and EventBridge fires a period later,
    /// not at that instant. A cron expression ignores the anchor.
    pub fn next_after(&self, anchor_ms: i64, after_ms: i64) -> Option<i64> {
        match self {
            Schedule::Rate { every_ms } => next_rate(*every_ms, anchor_ms, after_ms),
            Schedule::Cron(cron) => cron.next_after(after_ms),
        }
    }
}

fn parse_rate(body: &str) -> Result<Schedule, ScheduleError> {
    let mut parts = body.split_whitespace();
    let (Some(value), Some(unit), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ScheduleError::new("a rate has a value and a unit, as in rate(5 minutes)"));
    };
    // `str::parse` would also take a sign ("+5"), which EventBridge does not.
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ScheduleError::new(format!("rate value {value} is not a positive integer")));
    }
    let value: i64 = value.parse().map_err(|_| ScheduleError::new(format!("rate value {value} is too large")))?;
    if value == 0 {
        return Err(ScheduleError::new("rate value must be positive"));
    }
    let (unit_ms, plural) = match unit {
        "minute" => (MINUTE_MS, false),
        "minutes" => (MINUTE_MS, true),
        "hour" => (60 * MINUTE_MS, false),
        "hours" => (60 * MINUTE_MS, true),
        "day" => (MINUTES_PER_DAY * MINUTE_MS, false),
        "days" => (MINUTES_PER_DAY * MINUTE_MS, true),
        _ => return Err(ScheduleError::new(format!("rate unit {unit} is not minute(s), hour(s) or day(s)"))),
    };
    if plural != (value > 1) {
        return Err(ScheduleError::new(if plural {
            "a rate value of 1 takes a singular unit"
        } else {
            "a rate value greater than 1 takes a plural unit"
        }));
    }
    let every_ms = value.checked_mul(unit_ms).ok_or_else(|| ScheduleError::new("rate is too long"))?;
    Ok(Schedule::Rate { every_ms })
}

fn next_rate(every_ms: i64, anchor_ms: i64, after_ms: i64) -> Option<i64> {
    if every_ms <= 0 {
        return None;
    }
    let elapsed = after_ms.checked_sub(anchor_ms)?;
    let k = if elapsed < 0 { 1 } else { elapsed / every_ms + 1 };
    anchor_ms.checked_add(k.checked_mul(every_ms)?)
}

/// A parsed `cron(Minutes Hours Day-of-month Month Day-of-week Year)` expression (UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: Field,
    hours: Field,
    days: Days,
    months: Field,
    years: Field,
}

/// Which days of a month fire: exactly one of Day-of-month and Day-of-week is
/// given (the other is `?`), so the two never combine.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Days {
    /// Day-of-month values.
    OfMonth(Field),
    /// `L`: the last day of the month.
    LastOfMonth,
    /// `LW`: the last weekday (Monday to Friday) of the month.
    LastWeekdayOfMonth,
    /// `nW`: the weekday nearest day n, without leaving the month.
    NearestWeekday(u32),
    /// Day-of-week values (1 = Sunday).
    OfWeek(Field),
    /// `nL`: the last weekday n of the month.
    LastOfWeek(u32),
    /// `n#k`: the k-th weekday n of the month.
    NthOfWeek { weekday: u32, nth: u32 },
}

/// What one cron field allows.
struct Kind {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names of the values from `min` on (uppercase).
    names: &'static [&'static str],
    /// Whether a range may run past `max` back to `min` (`20-2` in Hours);
    /// years have no cycle to wrap around.
    wraps: bool,
}

const MINUTES: Kind = Kind { name: "Minutes", min: 0, max: 59, names: &[], wraps: true };
const HOURS: Kind = Kind { name: "Hours", min: 0, max: 23, names: &[], wraps: true };
const DAY_OF_MONTH: Kind = Kind { name: "Day-of-month", min: 1, max: 31, names: &[], wraps: true };
const MONTH: Kind = Kind {
    name: "Month",
    min: 1,
    max: 12,
    names: &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
    wraps: true,
};
const DAY_OF_WEEK: Kind = Kind {
    name: "Day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    wraps: true,
};
const YEAR: Kind = Kind { name: "Year", min: 1970, max: 2199, names: &[], wraps: false };

/// The set of values a field matches, as bits from `min` (every field spans
/// at most 230 values, the years 1970-2199).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Field {
    min: u32,
    max: u32,
    bits: [u64; 4],
}

impl Field {
    fn empty(kind: &Kind) -> Field {
        Field { min: kind.min, max: kind.max, bits: [0; 4] }
    }

    fn insert(&mut self, value: u32) {
        let index = (value - self.min) as usize;
        self.bits[index / 64] |= 1 << (index % 64);
    }

    fn contains(&self, value: u32) -> bool {
        if value < self.min || value > self.max {
            return false;
        }
        let index = (value - self.min) as usize;
        self.bits[index / 64] & (1 << (index % 64)) != 0
    }

    /// The values it matches from `from` on, ascending.
    fn from(&self, from: u32) -> impl Iterator<Item = u32> + '_ {
        (from.max(self.min)..=self.max).filter(|&value| self.contains(value))
    }
}

impl Cron {
    fn parse(body: &str) -> Result<Cron, ScheduleError> {
        // Names and the L and W letters are case-insensitive.
        let body = body.to_ascii_uppercase();
        let fields: Vec<&str> = body.split_whitespace().collect();
        let [minutes, hours, day_of_month, month, day_of_week, year] = fields[..] else {
            return Err(ScheduleError::new(format!(
                "a cron expression has six fields (Minutes Hours Day-of-month Month Day-of-week Year), not {}",
                fields.len()
            )));
        };
        let days = match (day_of_month == "?", day_of_week == "?") {
            (true, true) => return Err(ScheduleError::new("Day-of-month and Day-of-week can't both be ?")),
            (false, false) => {
                return Err(ScheduleError::new(
                    "Day-of-month and Day-of-week can't both be given: one of them must be ?",
                ));
            }
            (false, true) => parse_day_of_month(day_of_month)?,
            (true, false) => parse_day_of_week(day_of_week)?,
        };
        Ok(Cron {
            minutes: parse_list(minutes, &MINUTES)?,
            hours: parse_list(hours, &HOURS)?,
            days,
            months: parse_list(month, &MONTH)?,
            years: parse_list(year, &YEAR)?,
        })
    }

    /// The first firing strictly after `after_ms`, searching no further than 2199.
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        // Firings fall on whole minutes; clamping to 1970 skips years the Year field can't hold.
        let first = after_ms.div_euclid(MINUTE_MS).checked_add(1)?.max(0);
        let first_day = first.div_euclid(MINUTES_PER_DAY);
        let first_minute = u32::try_from(first.rem_euclid(MINUTES_PER_DAY)).ok()?;
        let (first_year, first_month, first_date) = civil_from_days(first_day);
        let first_year = u32::try_from(first_year).ok()?;
        // Walk only the years and months the fields match, and within each month
        // only its matching days, so a rare or impossible expression costs at most
        // one step per month up to 2199.
        for year in self.years.from(first_year) {
            let start_month = if year == first_year { first_month } else { 1 };
            for month in self.months.from(start_month) {
                let same_month = year == first_year && month == first_month;
                let start_date = if same_month { first_date } else { 1 };
                let days = self.days.in_month(i64::from(year), month);
                for date in (start_date..=31).filter(|date| days & (1 << date) != 0) {
                    let from = if same_month && date == first_date { first_minute } else { 0 };
                    if let Some(minute_of_day) = self.first_time_from(from) {
                        let day = days_from_civil(i64::from(year), month, date);
                        return Some((day * MINUTES_PER_DAY + i64::from(minute_of_day)) * MINUTE_MS);
                    }
                }
            }
        }
        None
    }

    /// The first matching minute of a day at or after minute-of-day `from`.
    fn first_time_from(&self, from: u32) -> Option<u32> {
        let (first_hour, first_minute) = (from / 60, from % 60);
        self.hours.from(first_hour).find_map(|hour| {
            let start = if hour == first_hour { first_minute } else { 0 };
            self.minutes.from(start).next().map(|minute| hour * 60 + minute)
        })
    }
}

impl Days {
    /// The days of a month that fire, as bits 1 to 31.
    fn in_month(&self, year: i64, month: u32) -> u64 {
        let length = days_in_month(year, month);
        let first_weekday = weekday(days_from_civil(year, month, 1));
        let weekday_of = |date: u32| (first_weekday - 1 + date - 1) % 7 + 1;
        let all = |matches: &dyn Fn(u32) -> bool| (1..=length).filter(|&d| matches(d)).fold(0, |bits, d| bits | 1 << d);
        match self {
            Days::OfMonth(field) => all(&|date| field.contains(date)),
            Days::LastOfMonth => 1 << length,
            Days::LastWeekdayOfMonth => {
                let date = match weekday_of(length) {
                    SATURDAY => length - 1,
                    SUNDAY => length - 2,
                    _ => length,
                };
                1 << date
            }
            // A day the month doesn't have (31W in April) has no nearest weekday in it.
            Days::NearestWeekday(target) if *target > length => 0,
            Days::NearestWeekday(target) => {
                // The nearest weekday stays within the month: a Saturday 1st moves
                // forward to Monday the 3rd, a Sunday last day back to Friday.
                let date = match weekday_of(*target) {
                    SATURDAY if *target == 1 => 3,
                    SATURDAY => target - 1,
                    SUNDAY if *target == length => length - 2,
                    SUNDAY => target + 1,
                    _ => *target,
                };
                1 << date
            }
            Days::OfWeek(field) => all(&|date| field.contains(weekday_of(date))),
            Days::LastOfWeek(day) => all(&|date| date + 7 > length && weekday_of(date) == *day),
            Days::NthOfWeek { weekday, nth } => {
                let first = 1 + (weekday + 7 - first_weekday) % 7;
                let date = first + 7 * (nth - 1);
                if date <= length { 1 << date } else { 0 }
            }
        }
    }
}

const SUNDAY: u32 = 1;
const SATURDAY: u32 = 7;

fn parse_day_of_month(text: &str) -> Result<Days, ScheduleError> {
    match text {
        "L" => return Ok(Days::LastOfMonth),
        "LW" => return Ok(Days::LastWeekdayOfMonth),
        _ => {}
    }
    if let Some(day) = text.strip_suffix('W') {
        return Ok(Days::NearestWeekday(parse_value(day, &DAY_OF_MONTH)?));
    }
    if text.contains(['L', 'W']) {
        return Err(ScheduleError::new("in Day-of-month, L, LW and nW stand alone, without other values"));
    }
    Ok(Days::OfMonth(parse_list(text, &DAY_OF_MONTH)?))
}

fn parse_day_of_week(text: &str) -> Result<Days, ScheduleError> {
    if text.contains(',') && text.contains(['L', '#']) {
        return Err(ScheduleError::new("in Day-of-week, L, nL and n#k stand alone, without other values"));
    }
    if text == "L" {
        // `L` alone in Day-of-week is its last day, 7 (Saturday), every week.
        let mut field = Field::empty(&DAY_OF_WEEK);
        field.insert(SATURDAY);
        return Ok(Days::OfWeek(field));
    }
    if let Some((day, nth)) = text.split_once('#') {
        let weekday = parse_value(day, &DAY_OF_WEEK)?;
        let nth = match nth.parse::<u32>() {
            Ok(occurrence @ 1..=5) if nth.bytes().all(|b| b.is_ascii_digit()) => occurrence,
            _ => return Err(ScheduleError::new(format!("in Day-of-week, #{nth} is not an occurrence from 1 to 5"))),
        };
        return Ok(Days::NthOfWeek { weekday, nth });
    }
    if let Some(day) = text.strip_suffix('L') {
        return Ok(Days::LastOfWeek(parse_value(day, &DAY_OF_WEEK)?));
    }
    Ok(Days::OfWeek(parse_list(text, &DAY_OF_WEEK)?))
}

/// Parses a comma-separated list of `*`, values, ranges and increments.
fn parse_list(text: &str, kind: &Kind) -> Result<Field, ScheduleError> {
    let span = kind.max - kind.min + 1;
    let mut field = Field::empty(kind);
    for item in text.split(',') {
        let (base, step) = match item.split_once('/') {
            Some((base, step)) => (base, Some(parse_step(step, kind)?)),
            None => (item, None),
        };
        let (start, end) = if base == "*" {
            (kind.min, kind.max)
        } else if let Some((start, end)) = base.split_once('-') {
            (parse_value(start, kind)?, parse_value(end, kind)?)
        } else {
            // `5/15` runs from 5 to the end of the field.
            let value = parse_value(base, kind)?;
            (value, if step.is_some() { kind.max } else { value })
        };
        if start > end && !kind.wraps {
            return Err(ScheduleError::new(format!("in {}, the range {base} runs backwards", kind.name)));
        }
        // The distance from start to end, going past max back to min if the range wraps.
        let length = (end + span - start) % span;
        let step = step.unwrap_or(1);
        let mut offset = 0;
        while offset <= length {
            field.insert(kind.min + (start - kind.min + offset) % span);
            offset += step;
        }
    }
    Ok(field)
}

fn parse_step(text: &str, kind: &Kind) -> Result<u32, ScheduleError> {
    let span = kind.max - kind.min + 1;
    match text.parse::<u32>() {
        Ok(step) if (1..=span).contains(&step) && text.bytes().all(|b| b.is_ascii_digit()) => Ok(step),
        _ => Err(ScheduleError::new(format!("in {}, the increment /{text} is not from 1 to {span}", kind.name))),
    }
}

/// One value of a field: a number, or for months and days of the week a name.
fn parse_value(text: &str, kind: &Kind) -> Result<u32, ScheduleError> {
    let value = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<u32>().ok()
    } else {
        kind.names.iter().zip(kind.min..).find(|(name, _)| **name == text).map(|(_, value)| value)
    };
    match value {
        Some(value) if (kind.min..=kind.max).contains(&value) => Ok(value),
        _ => Err(ScheduleError::new(format!(
            "in {}, {text:?} is not a value from {} to {}",
            kind.name, kind.min, kind.max
        ))),
    }
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day of the week of a day counted from 1970-01-01, 1 = Sunday to 7 = Saturday.
fn weekday(day: i64) -> u32 {
    // 1970-01-01 was a Thursday (5).
    (day + 4).rem_euclid(7) as u32 + 1
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day counted from 1970-01-01.
fn civil_from_days(day: i64) -> (i64, u32, u32) {
    let day = day + 719_468;
    let era = day.div_euclid(146_097);
    let day_of_era = day - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let date = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, date)
}

#[cfg(test)]
mod tests {
    use super::Schedule;
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    /// Epoch milliseconds of an RFC 3339 time.
    fn ms(text: &str) -> i64 {
        let time = OffsetDateTime::parse(text, &Rfc3339).expect("an RFC 3339 time");
        i64::try_from(time.unix_timestamp_nanos() / 1_000_000).expect("milliseconds fit i64")
    }

    fn parse(expression: &str) -> Schedule {
        Schedule::parse(expression).unwrap_or_else(|e| panic!("{expression}: {e}"))
    }

    /// Asserts each (after, expected next firing) pair of a cron expression.
    fn assert_cron(expression: &str, cases: &[(&str, &str)]) {
        let schedule = parse(expression);
        for (after, expected) in cases {
            assert_eq!(schedule.next_after(0, ms(after)), Some(ms(expected)), "{expression} after {after}");
        }
    }

    #[test]
    fn schedules_take_eventbridge_forms() {
        let valid = [
            "rate(1 minute)",
            "rate(5 minutes)",
            "rate(1 hour)",
            "rate(12 hours)",
            "rate(1 day)",
            "rate(7 days)",
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0/30 20-2 ? * MON-FRI *)",
            "cron(0 12 * * ? *)",
            "cron(0 20 * * ? *)",
            "cron(0 * ? * * *)",
            "cron(1/10 * * * ? *)",
            "cron(*/5 * * * ? *)",
            "cron(5-30/5 * * * ? *)",
            "cron(0 10,15 ? * MON-FRI *)",
            "cron(0 0 1 JAN,FEB,MAR ? *)",
            "cron(0 0 1-15 * ? *)",
            "cron(0 12 L * ? *)",
            "cron(0 9 LW * ? *)",
            "cron(0 9 15W * ? *)",
            "cron(0 9 ? * 6L *)",
            "cron(0 9 ? * FRIL *)",
            "cron(0 9 ? * 2#1 *)",
            "cron(0 9 ? * 3#2 *)",
            "cron(0 9 ? * L *)",
            "cron(0 0 1 jan ? *)",
            "cron(0 0 ? * sun-sat *)",
            "cron(0 0 1 1 ? 1970)",
            "cron(0 0 * * ? 2025-2199)",
            "cron(0 0 1 1 ? 2024/4)",
            "cron(59 23 31 12 ? 2199)",
        ];
        for expression in valid {
            assert!(Schedule::parse(expression).is_ok(), "{expression}: {:?}", Schedule::parse(expression));
        }
        let invalid = [
            "",
            "every 5 minutes",
            "rate(1 minutes)",
            "rate(5 minute)",
            "rate(0 minutes)",
            "rate(-5 minutes)",
            "rate(+5 minutes)",
            "rate(1.5 hours)",
            "rate(5 seconds)",
            "rate(5 weeks)",
            "rate(5)",
            "rate(5 minutes",
            "rate(99999999999999999999 days)",
            "cron(0 12 * *)",
            "cron(0 12 * * ?)",
            "cron(0 12 * * ? * *)",
            "cron()",
            "cron(0 12 * * * *)",
            "cron(0 12 ? * ? *)",
            "cron(0 12 1 * MON *)",
            "cron(60 12 * * ? *)",
            "cron(0 24 * * ? *)",
            "cron(0 12 0 * ? *)",
            "cron(0 12 32 * ? *)",
            "cron(0 12 * 0 ? *)",
            "cron(0 12 * 13 ? *)",
            "cron(0 12 ? * 0 *)",
            "cron(0 12 ? * 8 *)",
            "cron(0 12 * * ? 1969)",
            "cron(0 12 * * ? 2200)",
            "cron(0 12 * * ? 2030-2020)",
            "cron(0 12 * FOO ? *)",
            "cron(0 12 ? * MONDAY *)",
            "cron(0 12 ? * 3#1,6#3 *)",
            "cron(0 12 ? * 3#0 *)",
            "cron(0 12 ? * 3#6 *)",
            "cron(0 12 ? * 2W *)",
            "cron(0 12 3#2 * ? *)",
            "cron(0 12 15W,20 * ? *)",
            "cron(0 12 L,15 * ? *)",
            "cron(0 12 32W * ? *)",
            "cron(L 12 * * ? *)",
            "cron(0/0 * * * ? *)",
            "cron(0/61 * * * ? *)",
            "cron(0,,5 12 * * ? *)",
            "cron(5- 12 * * ? *)",
            "cron(-5 12 * * ? *)",
            "cron(? 12 * * ? *)",
        ];
        for expression in invalid {
            assert!(Schedule::parse(expression).is_err(), "{expression} should be rejected");
        }
    }

    #[test]
    fn errors_give_a_reason() {
        let reason = |expression: &str| Schedule::parse(expression).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(reason("rate(1 minutes)"), "a rate value of 1 takes a singular unit");
        assert_eq!(
            reason("cron(0 12 * * * *)"),
            "Day-of-month and Day-of-week can't both be given: one of them must be ?"
        );
        assert_eq!(reason("cron(0 24 * * ? *)"), "in Hours, \"24\" is not a value from 0 to 23");
    }

    #[test]
    fn rates_parse_to_milliseconds() {
        assert_eq!(parse("rate(1 minute)"), Schedule::Rate { every_ms: 60_000 });
        assert_eq!(parse("rate(5 minutes)"), Schedule::Rate { every_ms: 300_000 });
        assert_eq!(parse("rate(2 hours)"), Schedule::Rate { every_ms: 7_200_000 });
        assert_eq!(parse("rate(1 day)"), Schedule::Rate { every_ms: 86_400_000 });
    }

    #[test]
    fn rate_fires_every_period_from_its_anchor() {
        let schedule = parse("rate(5 minutes)");
        let anchor = ms("2024-03-10T12:00:00.250Z");
        let next = |after: &str| schedule.next_after(anchor, ms(after));
        assert_eq!(next("2024-03-10T12:00:00.250Z"), Some(ms("2024-03-10T12:05:00.250Z")));
        assert_eq!(next("2024-03-10T12:07:30Z"), Some(ms("2024-03-10T12:10:00.250Z")));
        // Strictly after: a firing at exactly `after` is not the next one.
        assert_eq!(next("2024-03-10T12:10:00.250Z"), Some(ms("2024-03-10T12:15:00.250Z")));
        // Before the anchor, the first firing is one period after it.
        assert_eq!(next("2024-03-10T11:00:00Z"), Some(ms("2024-03-10T12:05:00.250Z")));
        assert_eq!(next("2024-03-10T23:58:00Z"), Some(ms("2024-03-11T00:00:00.250Z")));
    }

    #[test]
    fn every_fifteen_minutes() {
        assert_cron(
            "cron(0/15 * * * ? *)",
            &[
                ("2024-03-10T12:07:00Z", "2024-03-10T12:15:00Z"),
                ("2024-03-10T12:15:00Z", "2024-03-10T12:30:00Z"),
                ("2024-03-10T12:14:59.999Z", "2024-03-10T12:15:00Z"),
                ("2024-03-10T23:50:00Z", "2024-03-11T00:00:00Z"),
                ("2024-12-31T23:59:59.999Z", "2025-01-01T00:00:00Z"),
            ],
        );
    }

    #[test]
    fn daily_at_ten() {
        assert_cron(
            "cron(0 10 * * ? *)",
            &[
                ("2024-03-10T09:59:59Z", "2024-03-10T10:00:00Z"),
                ("2024-03-10T10:00:00Z", "2024-03-11T10:00:00Z"),
                ("2024-03-31T11:00:00Z", "2024-04-01T10:00:00Z"),
            ],
        );
    }

    #[test]
    fn daily_at_a_quarter_past_noon() {
        assert_cron(
            "cron(15 12 * * ? *)",
            &[
                ("2024-03-10T12:14:00Z", "2024-03-10T12:15:00Z"),
                ("2024-02-28T13:00:00Z", "2024-02-29T12:15:00Z"),
                ("2023-02-28T13:00:00Z", "2023-03-01T12:15:00Z"),
                ("2024-12-31T12:15:00Z", "2025-01-01T12:15:00Z"),
            ],
        );
    }

    #[test]
    fn weekday_evenings() {
        // 2024-03-08 is a Friday; 2024-03-10 a Sunday.
        assert_cron(
            "cron(0 18 ? * MON-FRI *)",
            &[
                ("2024-03-08T17:00:00Z", "2024-03-08T18:00:00Z"),
                ("2024-03-08T18:00:00Z", "2024-03-11T18:00:00Z"),
                ("2024-03-10T12:00:00Z", "2024-03-11T18:00:00Z"),
                ("2024-03-11T18:30:00Z", "2024-03-12T18:00:00Z"),
            ],
        );
    }

    #[test]
    fn first_of_the_month() {
        assert_cron(
            "cron(0 8 1 * ? *)",
            &[
                ("2024-01-31T09:00:00Z", "2024-02-01T08:00:00Z"),
                ("2024-02-01T07:59:00Z", "2024-02-01T08:00:00Z"),
                ("2024-12-01T08:00:00Z", "2025-01-01T08:00:00Z"),
            ],
        );
    }

    #[test]
    fn last_day_of_the_month() {
        assert_cron(
            "cron(0 12 L * ? *)",
            &[
                ("2024-02-01T00:00:00Z", "2024-02-29T12:00:00Z"),
                ("2023-02-01T00:00:00Z", "2023-02-28T12:00:00Z"),
                ("2024-02-29T12:00:00Z", "2024-03-31T12:00:00Z"),
                ("2024-04-30T12:00:00Z", "2024-05-31T12:00:00Z"),
                ("2024-12-31T12:00:00Z", "2025-01-31T12:00:00Z"),
            ],
        );
    }

    #[test]
    fn last_friday_of_the_month() {
        assert_cron(
            "cron(0 9 ? * 6L *)",
            &[
                ("2024-03-01T00:00:00Z", "2024-03-29T09:00:00Z"),
                ("2024-03-29T09:00:00Z", "2024-04-26T09:00:00Z"),
                ("2024-04-26T10:00:00Z", "2024-05-31T09:00:00Z"),
            ],
        );
    }

    #[test]
    fn first_monday_of_the_month() {
        assert_cron(
            "cron(0 9 ? * 2#1 *)",
            &[
                ("2024-03-05T00:00:00Z", "2024-04-01T09:00:00Z"),
                ("2024-04-01T09:00:00Z", "2024-05-06T09:00:00Z"),
                ("2024-12-02T09:00:00Z", "2025-01-06T09:00:00Z"),
            ],
        );
        // A fifth Monday exists only in some months: 2024-04-29, then 2024-07-29.
        assert_cron("cron(0 9 ? * MON#5 *)", &[("2024-04-30T00:00:00Z", "2024-07-29T09:00:00Z")]);
    }

    #[test]
    fn nearest_weekday_to_the_fifteenth() {
        // 2024-03-15 is a Friday, 2024-06-15 a Saturday, 2024-09-15 a Sunday.
        assert_cron(
            "cron(0 9 15W * ? *)",
            &[
                ("2024-03-01T00:00:00Z", "2024-03-15T09:00:00Z"),
                ("2024-06-01T00:00:00Z", "2024-06-14T09:00:00Z"),
                ("2024-09-01T00:00:00Z", "2024-09-16T09:00:00Z"),
                ("2024-06-14T09:00:00Z", "2024-07-15T09:00:00Z"),
            ],
        );
        // 2024-06-01 is a Saturday: the nearest weekday in June is Monday the 3rd.
        assert_cron("cron(0 9 1W * ? *)", &[("2024-05-31T12:00:00Z", "2024-06-03T09:00:00Z")]);
        // 2024-08-31 is a Saturday: the last weekday of August is Friday the 30th.
        assert_cron("cron(0 9 LW * ? *)", &[("2024-08-01T00:00:00Z", "2024-08-30T09:00:00Z")]);
        // Months without a 31st are skipped.
        assert_cron("cron(0 9 31W * ? *)", &[("2024-04-01T00:00:00Z", "2024-05-31T09:00:00Z")]);
    }

    #[test]
    fn leap_day_waits_for_a_leap_year() {
        assert_cron(
            "cron(0 0 29 2 ? *)",
            &[
                ("2024-02-28T23:59:00Z", "2024-02-29T00:00:00Z"),
                ("2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"),
                ("2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"),
                ("2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"),
            ],
        );
    }

    #[test]
    fn ranges_wrap_and_names_ignore_case() {
        // 20-2 runs through midnight; Saturday and Sunday are skipped.
        assert_cron(
            "cron(0/30 20-2 ? * MON-FRI *)",
            &[
                ("2024-03-08T02:30:00Z", "2024-03-08T20:00:00Z"),
                ("2024-03-08T23:45:00Z", "2024-03-11T00:00:00Z"),
                ("2024-03-11T01:10:00Z", "2024-03-11T01:30:00Z"),
            ],
        );
        assert_cron("cron(0 0 1 nov-feb ? *)", &[("2024-02-01T00:00:00Z", "2024-11-01T00:00:00Z")]);
        // L alone in Day-of-week is Saturday (7), every week.
        assert_cron("cron(0 0 ? * L *)", &[("2024-03-10T00:00:00Z", "2024-03-16T00:00:00Z")]);
        assert_cron("cron(0 0 1 1 ? 2024/4)", &[("2024-06-01T00:00:00Z", "2028-01-01T00:00:00Z")]);
    }

    #[test]
    fn calendar_math_agrees_with_the_time_crate() {
        // Every day the Year field can name, 1970 to 2199.
        for day in 0..=super::days_from_civil(2199, 12, 31) {
            let date = OffsetDateTime::from_unix_timestamp(day * 86_400).expect("a time in range").date();
            let (year, month, date_of_month) = super::civil_from_days(day);
            assert_eq!(
                (year, month, date_of_month),
                (i64::from(date.year()), u32::from(u8::from(date.month())), u32::from(date.day()))
            );
            assert_eq!(super::days_from_civil(year, month, date_of_month), day);
            assert_eq!(super::weekday(day), u32::from(date.weekday().number_from_sunday()));
            assert_eq!(super::days_in_month(year, month), u32::from(date.month().length(date.year())));
        }
    }

    #[test]
    fn past_years_never_fire() {
        let next = |expression: &str, after: &str| parse(expression).next_after(0, ms(after));
        assert_eq!(next("cron(0 0 1 1 ? 2020)", "2024-03-10T00:00:00Z"), None);
        assert_eq!(next("cron(0 0 1 1 ? 2020-2030)", "2030-01-01T00:00:00Z"), None);
        assert_eq!(next("cron(0 0 1 1 ? 2020-2030)", "2024-03-10T00:00:00Z"), Some(ms("2025-01-01T00:00:00Z")));
        assert_eq!(next("cron(59 23 31 12 ? *)", "2199-12-31T23:59:00Z"), None);
        // A date that never exists is searched to 2199 and given up on.
        assert_eq!(next("cron(0 0 30 2 ? *)", "2024-03-10T00:00:00Z"), None);
        // Before 1970 the search starts at the first minute the Year field can hold.
        assert_eq!(next("cron(0 0 1 1 ? 1970)", "1969-06-01T00:00:00Z"), Some(ms("1970-01-01T00:00:00Z")));
    }
}
