//! The actor's typed view of the document: the records ([`Snapshot`]), their findings, their
//! conflicts, and the object index ([`crate::touched`]) that names the records a change
//! touched.
//!
//! Invariants:
//! - The view always equals a full read of the document ([`read_all`]); [`View::refresh`] only
//!   gets there by re-reading the records the new changes wrote, so its cost follows the size
//!   of the change rather than of the bureau.
//! - The snapshot's maps and the conflicts' parts are persistent structures: a published state
//!   shares everything the change did not touch with the view and with earlier states.
//! - A change that writes at the root other than `meta`, or touches more records than
//!   [`FULL_REFRESH_RECORDS`], is followed by a full read.
//! - Devices show their effective role and revocation ([`bureau_model::authority`]): the
//!   changes that only an admin may make count only when an admin made them. It is read
//!   again whenever a change touched a device record, since one device's standing can decide
//!   another's.
//! - The settings show what takes effect ([`bureau_model::settings_effective`]: only an
//!   admin's changes count); read again after a change that wrote into them, and when a value
//!   changed, every finding is computed again, since the planner's norms weigh every meeting.

use std::collections::BTreeMap;
use std::sync::Arc;

use automerge::{AutoCommit, ChangeHash};
use bureau_model::automerge;
use bureau_model::{
    Conflict, FindingsIndex, RecordType, Snapshot, author_member_id, conflicts, imbl,
    record_conflicts,
};
use jiff::Timestamp;
use tracing::debug;

use crate::touched::{ObjIndex, Written, written_records};

/// Beyond this many touched records a batch is treated as "everything changed": one full
/// read is cheaper than thousands of record refreshes.
const FULL_REFRESH_RECORDS: usize = 2_000;

/// Everything the actor derives from the whole document.
pub(crate) struct View {
    pub(crate) snapshot: Snapshot,
    pub(crate) findings: FindingsIndex,
    objects: ObjIndex,
    pub(crate) conflicts: imbl::OrdMap<(RecordType, String), Arc<Vec<Conflict>>>,
    pub(crate) conflict_count: usize,
}

impl View {
    /// Brings the view up to the document after the changes since `before`.
    ///
    /// The cost follows the size of the change, not of the bureau: touched records are
    /// re-read, their conflicts and the findings parts they feed recomputed, and the new
    /// state shares everything else with the previous one.
    ///
    /// `known`: the changes since `before`, when the caller has them already (a received
    /// message's, serialised to be written); otherwise they are taken from the document.
    pub(crate) fn refresh(
        &mut self,
        doc: &mut AutoCommit,
        before: &[ChangeHash],
        now: Timestamp,
        known: Option<&[automerge::Change]>,
    ) {
        // The records to re-read are taken from the new changes' operations: the cost
        // follows the size of the changes. (`diff(before, after)` walks every operation of
        // the document instead, however small the change.) Reading
        // what the changes wrote also catches a change that only adds one more losing value
        // to a field, which a diff is silent about but the conflicts list must show.
        match written_records(doc, before, known, &mut self.objects) {
            Some(Written {
                records: touched,
                made,
                settings,
            }) if touched.len() <= FULL_REFRESH_RECORDS => {
                let t = std::time::Instant::now();
                let clean = self.snapshot.refresh(&*doc, &touched);
                self.objects.refresh(&*doc, &made);
                let refreshed = t.elapsed();
                for ((ty, id), clean) in touched.iter().zip(clean) {
                    // The read already visited every map the conflicts walk would, and saw
                    // no key holding several values: most records of a reconnect.
                    let list = if clean {
                        Vec::new()
                    } else {
                        self.record_conflicts(doc, *ty, id)
                    };
                    self.set_record_conflicts(*ty, id, list);
                }
                let conflicted = t.elapsed();
                if touched.iter().any(|(ty, _)| *ty == RecordType::Device) {
                    let authority = bureau_model::authority(doc.document());
                    self.snapshot.set_authority(&authority);
                }
                if settings {
                    // A changed norm makes the findings index check every meeting again
                    // (`FindingsIndex::update` compares the norms it was built with).
                    self.snapshot
                        .set_settings(bureau_model::settings_effective(doc.document()));
                }
                self.findings.update(&self.snapshot, &touched, now);
                if touched.len() > 1 {
                    debug!(
                        records = touched.len(),
                        refresh_us = refreshed.as_micros() as u64,
                        conflicts_us = (conflicted - refreshed).as_micros() as u64,
                        findings_us = (t.elapsed() - conflicted).as_micros() as u64,
                        "records refreshed"
                    );
                }
            }
            _ => *self = read_all(doc, now),
        }
    }

    fn record_conflicts(&self, doc: &AutoCommit, ty: RecordType, id: &str) -> Vec<Conflict> {
        let author_for = |actor: &automerge::ActorId| {
            doc.get_author_for_actor(actor)
                .map(|a| author_member_id(a.as_bytes()))
        };
        record_conflicts(doc, ty, id, &author_for)
    }

    fn set_record_conflicts(&mut self, ty: RecordType, id: &str, list: Vec<Conflict>) {
        let key = (ty, id.to_owned());
        let old = if list.is_empty() {
            self.conflicts.remove(&key)
        } else {
            let n = list.len();
            self.conflict_count += n;
            self.conflicts.insert(key, Arc::new(list))
        };
        self.conflict_count -= old.map_or(0, |o| o.len());
    }
}

/// Reads every record, finding and conflict of `doc`: at start, after a reload, after a
/// change too large to follow record by record.
///
/// The records read, then the findings, on this thread, the conflicts walk and the object
/// index on a second one: they visit the same fields independently, and together they are
/// most of a large bureau's start-up after automerge's own load. The findings need only the
/// records, so they are computed while the second thread still walks (the walk is the longer
/// of the two: at size l 3.3 s against the records' 2.6).
pub(crate) fn read_all(doc: &mut AutoCommit, now: Timestamp) -> View {
    let authority = bureau_model::authority(doc.document());
    let settings = bureau_model::settings_effective(doc.document());
    let doc = &*doc;
    let author_for = |actor: &automerge::ActorId| {
        doc.get_author_for_actor(actor)
            .map(|a| author_member_id(a.as_bytes()))
    };
    let (snapshot, (conflicts, conflict_count, objects)) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| {
            let t = std::time::Instant::now();
            let mut map: BTreeMap<(RecordType, String), Vec<Conflict>> = BTreeMap::new();
            for c in conflicts(doc, &author_for) {
                map.entry((c.ty, c.id.clone())).or_default().push(c);
            }
            let count = map.values().map(Vec::len).sum::<usize>();
            let parts: imbl::OrdMap<_, _> =
                map.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
            debug!(ms = t.elapsed().as_millis(), count, "conflicts read");
            let t = std::time::Instant::now();
            let objects = ObjIndex::build(doc);
            debug!(ms = t.elapsed().as_millis(), "objects indexed");
            (parts, count, objects)
        });
        let t = std::time::Instant::now();
        let mut snapshot = Snapshot::hydrate(doc);
        debug!(ms = t.elapsed().as_millis(), "records read");
        snapshot.set_authority(&authority);
        snapshot.set_settings(settings);
        let t = std::time::Instant::now();
        let findings = FindingsIndex::new(&snapshot, now);
        debug!(ms = t.elapsed().as_millis(), "findings computed");
        // A panic in the walk is a bug in the model; it must not pass unnoticed.
        let walked = walk
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        ((snapshot, findings), walked)
    });
    let (snapshot, findings) = snapshot;
    View {
        snapshot,
        findings,
        objects,
        conflicts,
        conflict_count,
    }
}
