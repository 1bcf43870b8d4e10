//! The document as it was at some heads, as a [`ReadDoc`]: every read goes to automerge's
//! `*_at` variant with those heads.
//!
//! An edit form carries the heads it was rendered at; saving compares what was submitted with
//! the record as it was then ([`crate::Snapshot::record_at`]). Reading through this view walks
//! only the record's own objects; a fork of the document at those heads would copy the whole
//! document on every save.

use std::ops::RangeBounds;

use automerge::hydrate;
use automerge::iter::{DocIter, Keys, ListRange, MapRange, Spans, Values};
use automerge::marks::{Mark, MarkSet};
use automerge::{
    AutomergeError, Change, ChangeHash, Cursor, CursorPosition, MoveCursor, ObjId, ObjType,
    Parents, Prop, ReadDoc, Stats, TextEncoding, Value,
};

/// `doc` as it was at `heads`. Reads that name heads of their own keep them.
#[derive(Debug)]
pub struct AtHeads<'a, D> {
    /// The document, as it is now.
    pub doc: &'a D,
    /// The heads to read at; each must be a change of `doc` (see [`AtHeads::new`]).
    pub heads: &'a [ChangeHash],
}

impl<'a, D: ReadDoc> AtHeads<'a, D> {
    /// A view of `doc` at `heads`, or `None` if one of them is not a change `doc` holds
    /// (automerge would read an unknown head as if it were absent, which is not "as it was").
    pub fn new(doc: &'a D, heads: &'a [ChangeHash]) -> Option<Self> {
        heads
            .iter()
            .all(|h| doc.get_change_by_hash(h).is_some())
            .then_some(AtHeads { doc, heads })
    }

    fn or_mine<'h>(&'h self, heads: Option<&'h [ChangeHash]>) -> Option<&'h [ChangeHash]> {
        Some(heads.unwrap_or(self.heads))
    }
}

impl<D: ReadDoc> ReadDoc for AtHeads<'_, D> {
    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents_at(obj, self.heads)
    }

    fn parents_at<O: AsRef<ObjId>>(
        &self,
        obj: O,
        heads: &[ChangeHash],
    ) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents_at(obj, heads)
    }

    fn keys<O: AsRef<ObjId>>(&self, obj: O) -> Keys<'_> {
        self.doc.keys_at(obj, self.heads)
    }

    fn keys_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Keys<'_> {
        self.doc.keys_at(obj, heads)
    }

    fn iter_at<O: AsRef<ObjId>>(&self, obj: O, heads: Option<&[ChangeHash]>) -> DocIter<'_> {
        self.doc.iter_at(obj, self.or_mine(heads))
    }

    fn map_range<'a, O: AsRef<ObjId>, R: RangeBounds<String> + 'a>(
        &'a self,
        obj: O,
        range: R,
    ) -> MapRange<'a> {
        self.doc.map_range_at(obj, range, self.heads)
    }

    fn map_range_at<'a, O: AsRef<ObjId>, R: RangeBounds<String> + 'a>(
        &'a self,
        obj: O,
        range: R,
        heads: &[ChangeHash],
    ) -> MapRange<'a> {
        self.doc.map_range_at(obj, range, heads)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> ListRange<'_> {
        self.doc.list_range_at(obj, range, self.heads)
    }

    fn list_range_at<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
        heads: &[ChangeHash],
    ) -> ListRange<'_> {
        self.doc.list_range_at(obj, range, heads)
    }

    fn values<O: AsRef<ObjId>>(&self, obj: O) -> Values<'_> {
        self.doc.values_at(obj, self.heads)
    }

    fn values_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Values<'_> {
        self.doc.values_at(obj, heads)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        self.doc.length_at(obj, self.heads)
    }

    fn length_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> usize {
        self.doc.length_at(obj, heads)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Result<ObjType, AutomergeError> {
        // An object's type is fixed when it is made.
        self.doc.object_type(obj)
    }

    fn marks<O: AsRef<ObjId>>(&self, obj: O) -> Result<Vec<Mark>, AutomergeError> {
        self.doc.marks_at(obj, self.heads)
    }

    fn marks_at<O: AsRef<ObjId>>(
        &self,
        obj: O,
        heads: &[ChangeHash],
    ) -> Result<Vec<Mark>, AutomergeError> {
        self.doc.marks_at(obj, heads)
    }

    fn get_marks<O: AsRef<ObjId>>(
        &self,
        obj: O,
        index: usize,
        heads: Option<&[ChangeHash]>,
    ) -> Result<MarkSet, AutomergeError> {
        self.doc.get_marks(obj, index, self.or_mine(heads))
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        self.doc.text_at(obj, self.heads)
    }

    fn text_at<O: AsRef<ObjId>>(
        &self,
        obj: O,
        heads: &[ChangeHash],
    ) -> Result<String, AutomergeError> {
        self.doc.text_at(obj, heads)
    }

    fn spans<O: AsRef<ObjId>>(&self, obj: O) -> Result<Spans<'_>, AutomergeError> {
        self.doc.spans_at(obj, self.heads)
    }

    fn spans_at<O: AsRef<ObjId>>(
        &self,
        obj: O,
        heads: &[ChangeHash],
    ) -> Result<Spans<'_>, AutomergeError> {
        self.doc.spans_at(obj, heads)
    }

    fn get_cursor<O: AsRef<ObjId>, I: Into<CursorPosition>>(
        &self,
        obj: O,
        position: I,
        at: Option<&[ChangeHash]>,
    ) -> Result<Cursor, AutomergeError> {
        self.doc.get_cursor(obj, position, self.or_mine(at))
    }

    fn get_cursor_moving<O: AsRef<ObjId>, I: Into<CursorPosition>>(
        &self,
        obj: O,
        position: I,
        at: Option<&[ChangeHash]>,
        move_cursor: MoveCursor,
    ) -> Result<Cursor, AutomergeError> {
        self.doc
            .get_cursor_moving(obj, position, self.or_mine(at), move_cursor)
    }

    fn get_cursor_position<O: AsRef<ObjId>>(
        &self,
        obj: O,
        cursor: &Cursor,
        at: Option<&[ChangeHash]>,
    ) -> Result<usize, AutomergeError> {
        self.doc.get_cursor_position(obj, cursor, self.or_mine(at))
    }

    fn get<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_at(obj, prop, self.heads)
    }

    fn get_at<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
        heads: &[ChangeHash],
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_at(obj, prop, heads)
    }

    fn hydrate<O: AsRef<ObjId>>(
        &self,
        obj: O,
        heads: Option<&[ChangeHash]>,
    ) -> Result<hydrate::Value, AutomergeError> {
        self.doc.hydrate(obj, self.or_mine(heads))
    }

    fn get_all<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_all_at(obj, prop, self.heads)
    }

    fn get_all_at<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
        heads: &[ChangeHash],
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_all_at(obj, prop, heads)
    }

    fn get_missing_deps(&self, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        self.doc.get_missing_deps(heads)
    }

    fn get_change_by_hash(&self, hash: &ChangeHash) -> Option<Change> {
        self.doc.get_change_by_hash(hash)
    }

    fn stats(&self) -> Stats {
        self.doc.stats()
    }

    fn text_encoding(&self) -> TextEncoding {
        self.doc.text_encoding()
    }
}
