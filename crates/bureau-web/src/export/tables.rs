//! The bureau's lists as tables: members, groups, rooms and meetings that are not archived,
//! with the API's field names as column names and references written as names (a person
//! reading the sheet knows "Amina Diallo", not an id). Import reads the same columns back
//! ([`super::import`]), so a file exported and imported changes nothing.

use bureau_model::{Snapshot, Stamp};

use super::sheet::{Cell, Table};

/// What a list in one cell is separated by. Not a comma: names hold commas ("Diallo, Amina").
pub(crate) const LIST_SEP: &str = "; ";

/// The collections that can be exported.
pub(crate) const EXPORTS: [&str; 4] = ["members", "groups", "rooms", "meetings"];

/// The columns of the members sheet.
pub(crate) const MEMBER_COLUMNS: [&str; 6] =
    ["id", "name", "organisation", "email", "phone", "languages"];

/// The columns of the groups sheet.
pub(crate) const GROUP_COLUMNS: [&str; 5] = ["id", "name", "kind", "status", "focal_points"];

const ROOM_COLUMNS: [&str; 5] = ["id", "name", "capacity", "booths", "equipment"];

const MEETING_COLUMNS: [&str; 12] = [
    "id",
    "title",
    "kind",
    "status",
    "start",
    "end",
    "room",
    "organiser",
    "languages",
    "groups",
    "members",
    "agenda",
];

/// The table of one collection, or `None` for a name that is not exported.
pub(crate) fn table(snap: &Snapshot, collection: &str) -> Option<Table> {
    Some(match collection {
        "members" => members(snap),
        "groups" => groups(snap),
        "rooms" => rooms(snap),
        "meetings" => meetings(snap),
        _ => return None,
    })
}

fn live<'a, T: 'a>(
    records: impl Iterator<Item = &'a std::sync::Arc<T>>,
    stamp: impl Fn(&T) -> &Stamp,
) -> Vec<&'a T> {
    records
        .map(|r| &**r)
        .filter(|r| !stamp(r).archived)
        .collect()
}

fn member_names(snap: &Snapshot, ids: &[String]) -> String {
    let mut names: Vec<String> = ids
        .iter()
        .map(|id| {
            snap.members
                .get(id)
                .map_or_else(|| id.clone(), |m| m.name.clone())
        })
        .collect();
    names.sort();
    names.join(LIST_SEP)
}

fn group_names(snap: &Snapshot, ids: &[String]) -> String {
    let mut names: Vec<String> = ids
        .iter()
        .map(|id| {
            snap.groups
                .get(id)
                .map_or_else(|| id.clone(), |g| g.name.clone())
        })
        .collect();
    names.sort();
    names.join(LIST_SEP)
}

fn codes(list: &[String]) -> String {
    let mut list = list.to_vec();
    list.sort();
    list.join(LIST_SEP)
}

fn members(snap: &Snapshot) -> Table {
    let mut list = live(snap.members.values(), |m| &m.stamp);
    list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Table {
        name: "members",
        header: MEMBER_COLUMNS.to_vec(),
        rows: list
            .iter()
            .map(|m| {
                vec![
                    Cell::from(m.id.as_str()),
                    m.name.as_str().into(),
                    m.organisation.as_str().into(),
                    m.email.as_str().into(),
                    m.phone.as_str().into(),
                    codes(&m.languages).into(),
                ]
            })
            .collect(),
    }
}

fn groups(snap: &Snapshot) -> Table {
    let mut list = live(snap.groups.values(), |g| &g.stamp);
    list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Table {
        name: "groups",
        header: GROUP_COLUMNS.to_vec(),
        rows: list
            .iter()
            .map(|g| {
                vec![
                    Cell::from(g.id.as_str()),
                    g.name.as_str().into(),
                    g.kind.as_str().into(),
                    g.status.as_str().into(),
                    member_names(snap, &g.focal_points).into(),
                ]
            })
            .collect(),
    }
}

fn rooms(snap: &Snapshot) -> Table {
    let mut list = live(snap.rooms.values(), |r| &r.stamp);
    list.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Table {
        name: "rooms",
        header: ROOM_COLUMNS.to_vec(),
        rows: list
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.id.as_str()),
                    r.name.as_str().into(),
                    Cell::Number(r.capacity),
                    codes(&r.booths).into(),
                    codes(&r.equipment).into(),
                ]
            })
            .collect(),
    }
}

fn meetings(snap: &Snapshot) -> Table {
    let mut list = live(snap.meetings.values(), |m| &m.stamp);
    // Start times carry the venue's offset, so their text sorts as their instants do only
    // within one offset; compare the instants.
    let instant = |s: &str| s.parse::<jiff::Timestamp>().ok();
    list.sort_by(|a, b| {
        instant(&a.start)
            .cmp(&instant(&b.start))
            .then(a.title.cmp(&b.title))
            .then(a.id.cmp(&b.id))
    });
    let room = |id: &str| {
        snap.rooms
            .get(id)
            .map_or_else(|| id.to_owned(), |r| r.name.clone())
    };
    let group = |id: &str| {
        snap.groups
            .get(id)
            .map_or_else(|| id.to_owned(), |g| g.name.clone())
    };
    Table {
        name: "meetings",
        header: MEETING_COLUMNS.to_vec(),
        rows: list
            .iter()
            .map(|m| {
                vec![
                    Cell::from(m.id.as_str()),
                    m.title.as_str().into(),
                    m.kind.as_str().into(),
                    m.status.as_str().into(),
                    m.start.as_str().into(),
                    m.end.as_str().into(),
                    room(&m.room_id).into(),
                    group(&m.organiser).into(),
                    codes(&m.languages).into(),
                    group_names(snap, &m.groups).into(),
                    member_names(snap, &m.members).into(),
                    m.agenda.as_str().into(),
                ]
            })
            .collect(),
    }
}
