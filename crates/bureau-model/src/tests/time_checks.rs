//! Meeting times: civil input is taken in the venue's zone and stored with its offset.

use super::support::*;
use crate::*;

#[test]
fn civil_time_is_stored_with_the_venue_offset() {
    let mut r = Replica::init("founder");
    let m = r.ok(new_meeting(
        "Opening",
        "2025-11-16T09:00",
        "2025-11-16T10:30",
        "",
    ));
    let snap = r.snap();
    assert_eq!(snap.meta.timezone, TZ);
    assert_eq!(snap.meetings[&m].start, "2025-11-16T09:00:00+01:00");
    assert_eq!(snap.meetings[&m].end, "2025-11-16T10:30:00+01:00");
    assert_eq!(
        stored_str(&r.doc, RecordType::Meeting, &m, "start").as_deref(),
        Some("2025-11-16T09:00:00+01:00")
    );
}

#[test]
fn instants_with_an_offset_are_shown_in_the_venue_zone() {
    let mut r = Replica::init("founder");
    let m = r.ok(new_meeting(
        "UTC input",
        "2025-11-16T08:00:00Z",
        "2025-11-16T12:00:00+03:00",
        "",
    ));
    let meeting = &r.snap().meetings[&m];
    assert_eq!(meeting.start, "2025-11-16T09:00:00+01:00");
    assert_eq!(meeting.end, "2025-11-16T10:00:00+01:00");
}

#[test]
fn parse_and_format_time() {
    let tz = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
    // Summer and winter offsets both come from the zone.
    let summer = parse_time("start", "2025-07-01T09:00", &tz).unwrap();
    assert_eq!(format_time(&summer), "2025-07-01T09:00:00+02:00");
    let winter = parse_time("start", "2025-12-01T09:00", &tz).unwrap();
    assert_eq!(format_time(&winter), "2025-12-01T09:00:00+01:00");
    let err = parse_time("end", "noon", &tz).unwrap_err();
    assert!(
        matches!(err, EditError::Invalid { ref field, .. } if field == "end"),
        "{err:?}"
    );
}
