//! Timestamps as Step Functions writes and reads them (RFC 3339).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Reads an RFC 3339 timestamp (`2016-03-14T01:59:00Z`) into milliseconds
/// since the epoch. Step Functions requires an uppercase `T` and a zone.
pub fn parse(text: &str) -> Option<i64> {
    if !text.contains('T') {
        return None;
    }
    let parsed = OffsetDateTime::parse(text, &Rfc3339).ok()?;
    i64::try_from(parsed.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Writes milliseconds since the epoch as `2019-03-26T20:14:13.192Z`, the form
/// of the context object's times.
pub fn format(ms: i64) -> String {
    let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000) else {
        return String::new();
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let ms = super::parse("2019-03-26T20:14:13.192Z").expect("parses");
        assert_eq!(super::format(ms), "2019-03-26T20:14:13.192Z");
        assert_eq!(super::parse("2016-03-14T01:59:00+01:00"), Some(1_457_917_140_000));
        assert_eq!(super::parse("2016-03-14"), None);
        assert_eq!(super::parse("not a time"), None);
    }
}
