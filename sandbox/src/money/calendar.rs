//! Beijing calendar days on the sandbox's clock, as the families' date rules count them.

pub(super) const HOUR: u64 = 3600;
pub(super) const DAY: u64 = 86_400;
/// Beijing time is UTC+8 all year.
pub(super) const BEIJING: u64 = 8 * HOUR;

/// `yyyy-MM-DD` as days since 1970-01-01.
pub(super) fn days(date: &str) -> Option<u64> {
    let mut parts = date.splitn(3, '-').map(str::parse::<i32>);
    let (y, m, d) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    let day = time::Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()?;
    u64::try_from(day.to_julian_day() - 2_440_588).ok()
}

/// Days since 1970-01-01 as `yyyy-MM-DD`.
pub(super) fn date(days: u64) -> String {
    crate::beijing_rfc3339(days * DAY)
        .split('T')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The Beijing day of `now` (days since 1970-01-01) and its time of day, in seconds.
pub(super) fn beijing(now: u64) -> (u64, u64) {
    let local = now + BEIJING;
    (local / DAY, local % DAY)
}
