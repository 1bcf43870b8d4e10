//! Test helpers: a replica with a fixed clock, an author and per-replica ids.

use std::collections::BTreeSet;

use automerge::{Author, AutoCommit, ReadDoc};
use jiff::Timestamp;

use crate::*;

/// The venue's zone in every test bureau (UTC+01:00 all year).
pub(crate) const TZ: &str = "Africa/Tunis";

/// When test bureaus are created.
pub(crate) const CREATED: &str = "2025-11-01T08:00:00Z";

/// The `now` most findings are computed at (19 days after creation).
pub(crate) const NOW: &str = "2025-11-20T12:00:00Z";

pub(crate) fn ts(s: &str) -> Timestamp {
    s.parse().expect("a valid test timestamp")
}

/// One node's copy of the document, with everything a [`Ctx`] needs.
pub(crate) struct Replica {
    pub(crate) doc: AutoCommit,
    /// Prefix of the ids this replica makes, so ids never collide across replicas.
    pub(crate) tag: String,
    /// Member id of the person editing on this replica.
    pub(crate) author: String,
    /// The fixed time edits are made at; tests move it by hand.
    pub(crate) now: Timestamp,
    counter: u64,
}

impl Replica {
    /// A new document holding a freshly initialised bureau, founded by `founder`.
    pub(crate) fn init(founder: &str) -> Replica {
        let mut doc = AutoCommit::new();
        doc.set_author(Some(Author::from(founder.as_bytes().to_vec())));
        let mut r = Replica {
            doc,
            tag: "base".to_owned(),
            author: founder.to_owned(),
            now: ts(CREATED),
            counter: 0,
        };
        let applied = r
            .apply(&Edit::Init(InitBureau {
                bureau_id: "bureau-1".to_owned(),
                title: "Civil Society Bureau".to_owned(),
                timezone: TZ.to_owned(),
                founder_id: founder.to_owned(),
                founder_name: "Founder".to_owned(),
                device: Some(("12D3KooWFounderLaptop0001".to_owned(), "laptop".to_owned())),
            }))
            .expect("init succeeds");
        assert_eq!(applied, Applied::Bureau);
        r
    }

    /// A copy for another node: its own actor, author and id prefix.
    pub(crate) fn fork(&mut self, tag: &str, author: &str) -> Replica {
        let mut doc = self.doc.fork();
        doc.set_author(Some(Author::from(author.as_bytes().to_vec())));
        Replica {
            doc,
            tag: tag.to_owned(),
            author: author.to_owned(),
            now: self.now,
            counter: 0,
        }
    }

    pub(crate) fn apply(&mut self, edit: &Edit) -> Result<Applied, EditError> {
        let Replica {
            doc,
            tag,
            author,
            now,
            counter,
        } = self;
        let mut new_id = || {
            *counter += 1;
            format!("{tag}-{counter}")
        };
        let mut ctx = Ctx {
            now: *now,
            author: author.as_str(),
            new_id: &mut new_id,
        };
        crate::apply(doc, edit, &mut ctx)
    }

    /// Applies an edit that must succeed and returns the id of the record it touched.
    #[track_caller]
    pub(crate) fn ok(&mut self, edit: Edit) -> String {
        match self.apply(&edit) {
            Ok(Applied::Record(_, id)) => id,
            other => panic!("{edit:?} should apply to a record, got {other:?}"),
        }
    }

    /// Applies an edit that must be refused, checking that nothing was written.
    #[track_caller]
    pub(crate) fn refused(&mut self, edit: Edit) -> EditError {
        let heads = self.doc.get_heads();
        let before = Snapshot::hydrate(&self.doc);
        let err = match self.apply(&edit) {
            Err(e) => e,
            Ok(a) => panic!("{edit:?} should be refused, got {a:?}"),
        };
        assert_eq!(
            self.doc.get_heads(),
            heads,
            "a refused edit changed the heads"
        );
        assert_eq!(
            Snapshot::hydrate(&self.doc),
            before,
            "a refused edit changed the document"
        );
        err
    }

    pub(crate) fn snap(&self) -> Snapshot {
        Snapshot::hydrate(&self.doc)
    }

    pub(crate) fn findings(&self, now: &str) -> Vec<Finding> {
        findings(&self.snap(), ts(now))
    }

    pub(crate) fn conflicts(&self) -> Vec<Conflict> {
        doc_conflicts(&self.doc)
    }

    /// Receives everything `other` has.
    pub(crate) fn merge_from(&mut self, other: &mut Replica) {
        self.doc
            .merge(&mut other.doc)
            .expect("merging replicas of one document");
    }

    pub(crate) fn heads(&mut self) -> Vec<automerge::ChangeHash> {
        let mut h = self.doc.get_heads();
        h.sort();
        h
    }
}

/// The conflicts of a document, with authors read from its own author table.
pub(crate) fn doc_conflicts(doc: &AutoCommit) -> Vec<Conflict> {
    conflicts(doc, &|actor| {
        doc.get_author_for_actor(actor)
            .map(|a| author_member_id(a.as_bytes()))
    })
}

/// Merges replica `from` into replica `into` of a slice.
pub(crate) fn merge_at(reps: &mut [Replica], into: usize, from: usize) {
    assert_ne!(into, from);
    let (a, b) = if into < from {
        let (l, r) = reps.split_at_mut(from);
        (&mut l[into], &mut r[0])
    } else {
        let (l, r) = reps.split_at_mut(into);
        (&mut r[0], &mut l[from])
    };
    a.merge_from(b);
}

/// The kinds present in a list of findings.
pub(crate) fn kinds(found: &[Finding]) -> BTreeSet<FindingKind> {
    found.iter().map(|f| f.kind).collect()
}

/// The findings of one kind.
pub(crate) fn of_kind(found: &[Finding], kind: FindingKind) -> Vec<&Finding> {
    found.iter().filter(|f| f.kind == kind).collect()
}

pub(crate) fn rf(ty: RecordType, id: &str) -> Ref {
    Ref {
        ty: ty.into(),
        id: id.into(),
    }
}

pub(crate) fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

// ---- edit builders ---------------------------------------------------------------------------

pub(crate) fn new_member(name: &str) -> Edit {
    Edit::Create(Fields::Member(MemberFields {
        name: Some(name.to_owned()),
        ..Default::default()
    }))
}

pub(crate) fn new_group(name: &str, focal_points: &[&str]) -> Edit {
    Edit::Create(Fields::Group(GroupFields {
        name: Some(name.to_owned()),
        kind: Some(GroupKind::Caucus),
        focal_points: Some(strings(focal_points)),
        ..Default::default()
    }))
}

pub(crate) fn new_room(name: &str, booths: &[&str]) -> Edit {
    Edit::Create(Fields::Room(RoomFields {
        name: Some(name.to_owned()),
        capacity: Some(40),
        booths: Some(strings(booths)),
        ..Default::default()
    }))
}

pub(crate) fn new_meeting(title: &str, start: &str, end: &str, room: &str) -> Edit {
    Edit::Create(Fields::Meeting(MeetingFields {
        title: Some(title.to_owned()),
        start: Some(start.to_owned()),
        end: Some(end.to_owned()),
        room_id: (!room.is_empty()).then(|| room.to_owned()),
        ..Default::default()
    }))
}

pub(crate) fn update_meeting(id: &str, fields: MeetingFields) -> Edit {
    Edit::Update {
        id: id.to_owned(),
        fields: Fields::Meeting(fields),
    }
}

pub(crate) fn new_note(title: &str, body: &str) -> Edit {
    Edit::Create(Fields::Note(NoteFields {
        title: Some(title.to_owned()),
        body_id: Some(body.to_owned()),
        ..Default::default()
    }))
}

pub(crate) fn update_note(id: &str, fields: NoteFields) -> Edit {
    Edit::Update {
        id: id.to_owned(),
        fields: Fields::Note(fields),
    }
}

/// The value automerge stores for a string field.
pub(crate) fn sv(s: &str) -> automerge::ScalarValue {
    automerge::ScalarValue::Str(s.into())
}

/// Reads a string scalar directly from the document, to check what was stored.
pub(crate) fn stored_str(doc: &AutoCommit, ty: RecordType, id: &str, key: &str) -> Option<String> {
    let coll = crate::read::map_at(doc, &automerge::ROOT, ty.collection())?;
    let rec = crate::read::map_at(doc, &coll, id)?;
    match doc.get(&rec, key) {
        Ok(Some((automerge::Value::Scalar(v), _))) => v.as_str().map(str::to_owned),
        _ => None,
    }
}

/// A member with a device of `role`, added by `by`, and that device's own replica (its actor
/// recorded in its device record, as a node does at its first write).
pub(crate) fn device(by: &mut Replica, name: &str, peer: &str, role: Role) -> Replica {
    let member = by.ok(new_member(name));
    by.ok(Edit::AddDevice {
        peer_id: peer.to_owned(),
        member_id: member.clone(),
        name: format!("{name}'s laptop"),
        role,
    });
    let mut r = by.fork(name, &member);
    r.ok(Edit::RegisterActor {
        peer_id: peer.to_owned(),
    });
    by.merge_from(&mut r);
    r
}

/// A small deterministic generator, so that a failure names its seed.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
