//! Shared documents: the seed charter's brackets, comments and suggestions that keep their
//! words, three-way saves, versions and their diff, a `documents` collection made by two
//! replicas at once, and the random concurrent edits of three replicas.

use std::collections::{BTreeMap, HashMap, HashSet};

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ROOT, ReadDoc};
use proptest::collection::vec;
use proptest::prelude::*;

use super::support::*;
use crate::*;

/// The bureau's founding text as its reviewers annotated it offline.
const CHARTER: &str = include_str!("../../../../seed/charter.txt");

fn import_doc(r: &mut Replica, text: &str) -> String {
    r.ok(Edit::ImportDocument {
        title: "Charter".to_owned(),
        text: text.to_owned(),
    })
}

fn new_document(r: &mut Replica, text: &str) -> String {
    r.ok(Edit::Create(Fields::Document(DocumentFields {
        title: Some("Statement".to_owned()),
        text: Some(text.to_owned()),
        ..Default::default()
    })))
}

fn op(r: &mut Replica, id: &str, op: DocumentOp) -> Result<Applied, EditError> {
    r.apply(&Edit::Document {
        id: id.to_owned(),
        op,
    })
}

fn chars(s: &str, start: usize, end: usize) -> String {
    s.chars().skip(start).take(end - start).collect()
}

fn field_of(e: EditError) -> String {
    match e {
        EditError::Invalid { field, .. } => field,
        other => panic!("expected a refused field, got {other:?}"),
    }
}

#[test]
fn the_seed_charter_imports_its_six_brackets() {
    let mut r = Replica::init("founder");
    let id = import_doc(&mut r, CHARTER);
    let snap = r.snap();
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    let d = &snap.documents[&id];
    assert!(!d.text.contains('[') && !d.text.contains(']'), "{}", d.text);
    assert_eq!(d.comments.len(), 5, "{:#?}", d.comments);
    assert_eq!(d.suggestions.len(), 1, "{:#?}", d.suggestions);
    // Every range holds its quote, counted in code points (the charter has curly quotes,
    // dashes and bullets before some of them).
    for c in &d.comments {
        assert_eq!(chars(&d.text, c.start, c.end), c.quote, "{c:?}");
    }
    let find = |body_start: &str| {
        d.comments
            .iter()
            .find(|c| c.body.starts_with(body_start))
            .unwrap_or_else(|| panic!("no comment {body_start:?} in {:#?}", d.comments))
    };
    let titi = find("Also interface with E.S");
    assert_eq!(titi.author_name, "Titi");
    assert_eq!(
        titi.body,
        "Also interface with E.S and Other stakeholders on procedural issues ass well."
    );
    assert_eq!(
        titi.quote,
        "The Civil Society Bureau (CSB) is the interface between civil society and intergovernmental participants in WSIS"
    );
    assert!(!titi.own_line);
    assert!(d.text.contains("participants in WSIS.\n"));

    let vague = find("this is still vague");
    assert_eq!(vague.author_name, "Sean");
    assert_eq!(
        vague.quote,
        "Reflects Civil Society agenda through the convening of focal points of civil society groupings"
    );
    assert!(vague.body.ends_with("the original group of ‘families’?"));

    let question = find("non-active in CSB");
    assert_eq!(question.author_name, "");
    assert_eq!(question.body, "non-active in CSB or in WSIS?");
    assert_eq!(question.quote, "removing non-active groups");
    assert!(d.text.contains("removing non-active groups  and enabling"));

    let sentences = find("These should be turned into sentences.");
    assert_eq!(sentences.author_name, "Sean");
    assert!(sentences.own_line);
    assert_eq!(sentences.quote, "Relationships:");
    assert!(
        d.text
            .contains("Relationships:\n· Liaison with Executive Secretariat")
    );

    let themes = find("Should not the Content and Themes group");
    assert_eq!(themes.author_name, "Sean");
    assert!(themes.own_line);
    assert_eq!(
        themes.quote,
        "Reports and communicates to CS Plenary on logistical matters, consults with CS Plenary where logistical matters have content implications."
    );
    assert!(d.text.ends_with("content implications.\n"));

    let s = &d.suggestions[0];
    assert_eq!(
        (s.quote.as_str(), s.replacement.as_str()),
        ("deal", "facilitate")
    );
    assert_eq!(chars(&d.text, s.start, s.end), "deal");
    assert_eq!(s.status, SuggestionStatus::Open);
    assert!(
        d.text
            .contains("· To deal with procedures of, and, interactions")
    );

    // Round trip: the export with comments inline reads back as the same draft, and is the
    // seed but for white space inside two brackets.
    let back = export(d, ExportFormat::Bracketed, &|_| None);
    assert_eq!(import(&back), import(CHARTER));
    let seed_tidied = CHARTER
        .replace("[Sean:These", "[Sean: These")
        .replace("ass well. ]", "ass well.]")
        .replace("‘liaison’ ]", "‘liaison’]");
    assert_eq!(back, seed_tidied);

    // Markdown with footnotes and the suggestion marked in place.
    let md = export(d, ExportFormat::MarkdownComments, &|_| None);
    assert!(md.starts_with("# Charter\n\n"), "{md}");
    assert!(md.contains("To {~~deal~>facilitate~~} with"), "{md}");
    assert!(md.contains("participants in WSIS[^1]."), "{md}");
    assert!(md.contains("[^1]: **Titi**: Also interface"), "{md}");
    assert!(md.contains("[^3]: non-active in CSB or in WSIS?"), "{md}");
    let clean = export(d, ExportFormat::Markdown, &|_| None);
    assert_eq!(clean, format!("# Charter\n\n{}", d.text));
}

#[test]
fn bracket_rules_at_the_edges() {
    // A bracket with no word before it, an unclosed one, one on the first line, two on a line.
    let d = import("[Ana: first]\nOne, two [three]; four [x?] five [Bo: six]\n[ no close");
    assert_eq!(d.text, "One, two; four five\n[ no close");
    assert_eq!(d.comments[0].author_name, "Ana");
    assert_eq!((d.comments[0].start, d.comments[0].end), (0, 0));
    assert_eq!(d.suggestions.len(), 1);
    assert_eq!(
        chars(&d.text, d.suggestions[0].start, d.suggestions[0].end),
        "two"
    );
    assert_eq!(
        chars(&d.text, d.comments[1].start, d.comments[1].end),
        "four"
    );
    assert_eq!(
        chars(&d.text, d.comments[2].start, d.comments[2].end),
        "four five"
    );
    assert_eq!(d.comments[2].author_name, "Bo");
    // A colon after words that are no name: an unsigned remark.
    let d = import("Rooms [see the list: below]");
    assert_eq!(d.comments[0].author_name, "");
    assert_eq!(d.comments[0].body, "see the list: below");
    // The last line a bracket of its own, with no line break after it.
    let mut r = Replica::init("founder");
    let id = import_doc(&mut r, "Text.\n[Ana: end]");
    let snap = r.snap();
    assert_eq!(snap.documents[&id].text, "Text.");
    let back = export(&snap.documents[&id], ExportFormat::Bracketed, &|_| None);
    assert_eq!(back, "Text.\n[Ana: end]");
}

#[test]
fn comments_stay_on_their_words_and_keep_their_quote() {
    let mut r = Replica::init("founder");
    let id = new_document(&mut r, "The bureau meets daily in room ‘B’.");
    // "meets daily" is 11..22.
    op(
        &mut r,
        &id,
        DocumentOp::Comment {
            start: 11,
            end: 22,
            body: "Twice on Mondays?".to_owned(),
        },
    )
    .unwrap();
    let cid = r.snap().documents[&id].comments[0].id.clone();
    op(
        &mut r,
        &id,
        DocumentOp::Splice {
            pos: 0,
            delete: 0,
            insert: "‘Civil’ ".to_owned(),
        },
    )
    .unwrap();
    op(
        &mut r,
        &id,
        DocumentOp::Splice {
            pos: 25,
            delete: 0,
            insert: "almost ".to_owned(),
        },
    )
    .unwrap();
    let d = r.snap().documents[&id].clone();
    assert_eq!(d.text, "‘Civil’ The bureau meets almost daily in room ‘B’.");
    let c = &d.comments[0];
    assert_eq!(chars(&d.text, c.start, c.end), "meets almost daily");
    assert_eq!(c.quote, "meets daily");
    assert_eq!(c.author, "founder");

    op(
        &mut r,
        &id,
        DocumentOp::Reply {
            comment: cid.clone(),
            body: "Yes.".to_owned(),
        },
    )
    .unwrap();
    op(
        &mut r,
        &id,
        DocumentOp::ResolveComment {
            comment: cid.clone(),
            resolved: true,
        },
    )
    .unwrap();
    assert!(r.snap().documents[&id].comments[0].resolved);
    op(
        &mut r,
        &id,
        DocumentOp::ResolveComment {
            comment: cid.clone(),
            resolved: false,
        },
    )
    .unwrap();
    let d = r.snap().documents[&id].clone();
    assert!(!d.comments[0].resolved);
    assert_eq!(d.comments[0].replies[0].body, "Yes.");

    // Its words deleted: the range is empty where they were, the quote still there.
    let c = &d.comments[0];
    op(
        &mut r,
        &id,
        DocumentOp::Splice {
            pos: c.start,
            delete: c.end - c.start + 1,
            insert: String::new(),
        },
    )
    .unwrap();
    let d = r.snap().documents[&id].clone();
    assert_eq!(d.text, "‘Civil’ The bureau in room ‘B’.");
    assert_eq!((d.comments[0].start, d.comments[0].end), (19, 19));
    assert_eq!(d.comments[0].quote, "meets daily");

    // Bad offsets and unknown ids name their field; nothing is written.
    let len = d.text.chars().count();
    let bad = [
        (
            DocumentOp::Splice {
                pos: len + 1,
                delete: 0,
                insert: "x".to_owned(),
            },
            "pos",
        ),
        (
            DocumentOp::Splice {
                pos: len,
                delete: 1,
                insert: String::new(),
            },
            "delete",
        ),
        (
            DocumentOp::Comment {
                start: 3,
                end: len + 1,
                body: "x".to_owned(),
            },
            "end",
        ),
        (
            DocumentOp::Comment {
                start: 5,
                end: 3,
                body: "x".to_owned(),
            },
            "end",
        ),
        (
            DocumentOp::Comment {
                start: 3,
                end: 3,
                body: "x".to_owned(),
            },
            "end",
        ),
        (
            DocumentOp::Comment {
                start: 1,
                end: 3,
                body: " ".to_owned(),
            },
            "body",
        ),
        (
            DocumentOp::Suggest {
                start: len + 2,
                end: len + 2,
                replacement: "x".to_owned(),
            },
            "start",
        ),
        (
            DocumentOp::Reply {
                comment: "nope".to_owned(),
                body: "x".to_owned(),
            },
            "comment",
        ),
        (
            DocumentOp::Accept {
                suggestion: "nope".to_owned(),
            },
            "suggestion",
        ),
        (
            DocumentOp::SaveText {
                base: vec![ChangeHash([9; 32])],
                text: "x".to_owned(),
            },
            "base_heads",
        ),
    ];
    for (o, field) in bad {
        let e = r.refused(Edit::Document {
            id: id.clone(),
            op: o,
        });
        assert_eq!(field_of(e), field);
    }
    assert!(matches!(
        r.refused(Edit::Document {
            id: "nope".to_owned(),
            op: DocumentOp::Tidy
        }),
        EditError::NotFound {
            ty: RecordType::Document,
            ..
        }
    ));
}

#[test]
fn accepting_replaces_the_range_as_it_stands_and_once() {
    let mut r = Replica::init("founder");
    let id = new_document(&mut r, "To deal with procedures.");
    op(
        &mut r,
        &id,
        DocumentOp::Suggest {
            start: 3,
            end: 7,
            replacement: "facilitate".to_owned(),
        },
    )
    .unwrap();
    op(
        &mut r,
        &id,
        DocumentOp::Suggest {
            start: 13,
            end: 23,
            replacement: "logistics".to_owned(),
        },
    )
    .unwrap();
    let d = r.snap().documents[&id].clone();
    let (deal, procs) = (d.suggestions[0].id.clone(), d.suggestions[1].id.clone());
    // Someone edits inside the suggested range first: accepting replaces it as it is now.
    op(
        &mut r,
        &id,
        DocumentOp::Splice {
            pos: 5,
            delete: 0,
            insert: "-e-".to_owned(),
        },
    )
    .unwrap();
    let changes = r.doc.get_changes(&[]).len();
    op(
        &mut r,
        &id,
        DocumentOp::Accept {
            suggestion: deal.clone(),
        },
    )
    .unwrap();
    assert_eq!(
        r.doc.get_changes(&[]).len(),
        changes + 1,
        "the text and the suggestion's status change in one change"
    );
    op(
        &mut r,
        &id,
        DocumentOp::Reject {
            suggestion: procs.clone(),
        },
    )
    .unwrap();
    let d = r.snap().documents[&id].clone();
    assert_eq!(d.text, "To facilitate with procedures.");
    assert_eq!(d.suggestions[0].status, SuggestionStatus::Accepted);
    assert_eq!(d.suggestions[0].decided_by, "founder");
    assert_eq!(d.suggestions[1].status, SuggestionStatus::Rejected);
    assert_eq!(
        chars(&d.text, d.suggestions[1].start, d.suggestions[1].end),
        "procedures"
    );
    assert_eq!(
        field_of(r.refused(Edit::Document {
            id: id.clone(),
            op: DocumentOp::Accept {
                suggestion: deal.clone()
            }
        })),
        "suggestion"
    );
    assert_eq!(
        field_of(r.refused(Edit::Document {
            id: id.clone(),
            op: DocumentOp::Accept { suggestion: procs }
        })),
        "suggestion"
    );

    // Two nodes accept one suggestion offline: after the merge the wording is in twice, until
    // a tidy (on any node, or on both at once) keeps the same one.
    op(
        &mut r,
        &id,
        DocumentOp::Suggest {
            start: 14,
            end: 18,
            replacement: "between".to_owned(),
        },
    )
    .unwrap();
    let sid = r.snap().documents[&id]
        .suggestions
        .iter()
        .find(|s| s.replacement == "between")
        .unwrap()
        .id
        .clone();
    let between = |d: &Document| d.suggestions.iter().find(|s| s.id == sid).unwrap().clone();
    let mut a = r.fork("a", "member-a");
    let mut b = r.fork("b", "member-b");
    op(
        &mut a,
        &id,
        DocumentOp::Accept {
            suggestion: sid.clone(),
        },
    )
    .unwrap();
    op(
        &mut b,
        &id,
        DocumentOp::Accept {
            suggestion: sid.clone(),
        },
    )
    .unwrap();
    a.merge_from(&mut b);
    b.merge_from(&mut a);
    let d = a.snap().documents[&id].clone();
    assert_eq!(between(&d).applied, 2);
    assert_eq!(d.text.matches("between").count(), 2, "{}", d.text);
    op(&mut a, &id, DocumentOp::Tidy).unwrap();
    op(&mut b, &id, DocumentOp::Tidy).unwrap();
    a.merge_from(&mut b);
    b.merge_from(&mut a);
    assert_eq!(a.snap(), b.snap());
    let d = a.snap().documents[&id].clone();
    assert_eq!(d.text, "To facilitate between procedures.");
    assert_eq!(between(&d).applied, 1);
    assert_eq!(op(&mut a, &id, DocumentOp::Tidy).unwrap(), Applied::Nothing);
}

#[test]
fn a_three_way_save_and_versions_with_their_authors() {
    let mut base = Replica::init("founder");
    let id = new_document(&mut base, "The bureau meets daily. It reports weekly.");
    op(
        &mut base,
        &id,
        DocumentOp::NameVersion {
            name: "first draft".to_owned(),
        },
    )
    .unwrap();
    assert_eq!(
        field_of(base.refused(Edit::Document {
            id: id.clone(),
            op: DocumentOp::NameVersion {
                name: "first draft".to_owned()
            }
        })),
        "name"
    );
    let shown = base.doc.get_heads();
    let mut peer = base.fork("p", "member-p");
    op(
        &mut peer,
        &id,
        DocumentOp::Splice {
            pos: 35,
            delete: 6,
            insert: "monthly".to_owned(),
        },
    )
    .unwrap();
    base.merge_from(&mut peer);
    // A form shown before the peer's edit saves a change to the first sentence.
    op(
        &mut base,
        &id,
        DocumentOp::SaveText {
            base: shown.clone(),
            text: "The bureau meets twice daily. It reports weekly.".to_owned(),
        },
    )
    .unwrap();
    let d = base.snap().documents[&id].clone();
    assert_eq!(d.text, "The bureau meets twice daily. It reports monthly.");
    // Saving what the form showed, unchanged, writes nothing.
    assert_eq!(
        op(
            &mut base,
            &id,
            DocumentOp::SaveText {
                base: shown,
                text: "The bureau meets daily. It reports weekly.".to_owned()
            }
        )
        .unwrap(),
        Applied::Nothing
    );
    op(
        &mut base,
        &id,
        DocumentOp::NameVersion {
            name: "sent".to_owned(),
        },
    )
    .unwrap();
    let d = base.snap().documents[&id].clone();
    let names: Vec<&str> = d.versions.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["first draft", "sent"]);
    let heads = |name: &str| -> Vec<ChangeHash> {
        d.versions
            .iter()
            .find(|v| v.name == name)
            .unwrap()
            .heads
            .iter()
            .map(|h| h.parse().unwrap())
            .collect()
    };
    let (from, to) = (heads("first draft"), heads("sent"));
    let changes = base.doc.get_changes(&from);
    let doc = &base.doc;
    let parts = document_diff(doc, &changes, &id, &from, &to, &|actor| {
        doc.get_author_for_actor(actor)
            .map(|a| author_member_id(a.as_bytes()))
    })
    .unwrap();
    let shown: Vec<(DiffKind, &str, Vec<&str>)> = parts
        .iter()
        .map(|p| {
            (
                p.kind,
                p.text.as_str(),
                p.authors.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            (DiffKind::Same, "The bureau meets ", vec![]),
            (DiffKind::Added, "twice ", vec!["founder"]),
            (DiffKind::Same, "daily. It reports ", vec![]),
            (DiffKind::Removed, "weekly", vec!["member-p"]),
            (DiffKind::Added, "monthly", vec!["member-p"]),
            (DiffKind::Same, ".", vec![]),
        ]
    );
}

/// A bureau founded before documents existed: its root has no `documents` map.
fn older_bureau() -> Replica {
    let mut r = Replica::init("founder");
    r.doc.delete(ROOT, "documents").unwrap();
    r.doc.commit();
    assert!(r.doc.get(ROOT, "documents").unwrap().is_none());
    r
}

#[test]
fn two_replicas_each_creating_the_first_document_keep_both() {
    let mut base = older_bureau();
    let mut a = base.fork("a", "member-a");
    let mut b = base.fork("b", "member-b");
    let da = new_document(&mut a, "From A.");
    let db = new_document(&mut b, "From B.");
    a.merge_from(&mut b);
    b.merge_from(&mut a);
    // automerge shows one of the two maps at the key; both are read.
    assert_eq!(a.doc.get_all(ROOT, "documents").unwrap().len(), 2);
    for r in [&mut a, &mut b] {
        let snap = r.snap();
        assert_eq!(snap.documents.len(), 2);
        assert!(snap.problems.is_empty(), "{:?}", snap.problems);
        // Each is edited where it lives, and both can be commented on.
        op(
            r,
            &da,
            DocumentOp::Comment {
                start: 0,
                end: 4,
                body: "Which A?".to_owned(),
            },
        )
        .unwrap();
        op(
            r,
            &db,
            DocumentOp::Splice {
                pos: 6,
                delete: 0,
                insert: "!".to_owned(),
            },
        )
        .unwrap();
    }
    a.merge_from(&mut b);
    b.merge_from(&mut a);
    assert_eq!(a.snap(), b.snap());
    let snap = a.snap();
    assert_eq!(snap.documents[&da].comments.len(), 2);
    assert_eq!(snap.documents[&db].text, "From B!!.");
    // A record touched in the hidden map is re-read there too.
    let mut refreshed = base.snap();
    base.merge_from(&mut a);
    refreshed.refresh(
        &base.doc,
        &[
            (RecordType::Document, da.clone()),
            (RecordType::Document, db.clone()),
        ],
    );
    assert_eq!(refreshed.documents, base.snap().documents);
    // Its history and conflicts are found in whichever map it lives.
    let changes = base.doc.get_changes(&[]);
    for d in [&da, &db] {
        let h = history(&base.doc, &changes, RecordType::Document, d).unwrap();
        assert!(
            h.iter().any(|e| e.message.starts_with("create document")),
            "{h:?}"
        );
    }
}

#[test]
fn a_node_of_the_previous_release_keeps_a_documents_key_it_does_not_know() {
    // The previous release knows no `documents`; to it the key is like any unknown root key
    // of a newer node: read around, kept, passed on. So is one this release does not know.
    let mut r = Replica::init("founder");
    let id = import_doc(&mut r, CHARTER);
    let extra = r
        .doc
        .put_object(ROOT, "interpreters", automerge::ObjType::Map)
        .unwrap();
    r.doc.put(&extra, "i1", "someone").unwrap();
    r.doc.commit();
    let before = r.snap();
    r.ok(new_member("Someone"));
    let mut other = r.fork("o", "member-o");
    other.ok(new_member("Else"));
    r.merge_from(&mut other);
    assert!(matches!(r.doc.get(ROOT, "interpreters"), Ok(Some(_))));
    assert_eq!(r.snap().documents[&id], before.documents[&id]);
    // A `documents` key holding something odd is a problem, and the rest is read.
    let mut odd = Replica::init("founder");
    odd.doc.put(ROOT, "documents", "not a map").unwrap();
    odd.doc.commit();
    let snap = odd.snap();
    assert!(snap.problems.iter().any(|p| p.path == "documents"));
    assert_eq!(snap.members["founder"].name, "Founder");
    // Cursors a peer wrote that are not of the text: a problem, the range empty.
    let mut r = Replica::init("founder");
    let id = new_document(&mut r, "Some words.");
    op(
        &mut r,
        &id,
        DocumentOp::Comment {
            start: 0,
            end: 4,
            body: "x".to_owned(),
        },
    )
    .unwrap();
    let cid = r.snap().documents[&id].comments[0].id.clone();
    let (_, rec) = crate::read::find_record(&r.doc, RecordType::Document, &id).unwrap();
    let comments = crate::read::map_at(&r.doc, &rec, "comments").unwrap();
    let c = crate::read::map_at(&r.doc, &comments, &cid).unwrap();
    r.doc.put(&c, "start", "999@abcd").unwrap();
    r.doc.commit();
    let snap = r.snap();
    assert_eq!(
        (
            snap.documents[&id].comments[0].start,
            snap.documents[&id].comments[0].end
        ),
        (0, 0)
    );
    assert!(
        snap.problems.iter().any(|p| p.path.contains("comments.")),
        "{:?}",
        snap.problems
    );
}

// ---- random concurrent edits ----------------------------------------------------------------

const WORDS: &[&str] = &[
    "civil ",
    "‘society’",
    " · ",
    "bureau",
    "é",
    "\n",
    "plenary. ",
];

#[derive(Clone, Debug)]
enum DOp {
    NewDocument,
    Splice {
        doc: u8,
        pos: u16,
        del: u8,
        word: u8,
    },
    Comment {
        doc: u8,
        pos: u16,
        len: u8,
    },
    Suggest {
        doc: u8,
        pos: u16,
        len: u8,
        word: u8,
    },
    Accept {
        doc: u8,
        which: u8,
    },
    Reject {
        doc: u8,
        which: u8,
    },
    Resolve {
        doc: u8,
        which: u8,
        resolved: bool,
    },
    /// A form shown `back` edits ago saves its text with one change.
    Save {
        doc: u8,
        back: u8,
        pos: u16,
        del: u8,
        word: u8,
    },
    Tidy {
        doc: u8,
    },
}

fn dop() -> impl Strategy<Value = DOp> {
    let w = 0..WORDS.len() as u8;
    prop_oneof![
        1 => Just(DOp::NewDocument),
        6 => (any::<u8>(), any::<u16>(), 0..6u8, w.clone()).prop_map(|(doc, pos, del, word)| DOp::Splice { doc, pos, del, word }),
        3 => (any::<u8>(), any::<u16>(), 1..12u8).prop_map(|(doc, pos, len)| DOp::Comment { doc, pos, len }),
        3 => (any::<u8>(), any::<u16>(), 0..8u8, w.clone()).prop_map(|(doc, pos, len, word)| DOp::Suggest { doc, pos, len, word }),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(doc, which)| DOp::Accept { doc, which }),
        1 => (any::<u8>(), any::<u8>()).prop_map(|(doc, which)| DOp::Reject { doc, which }),
        1 => (any::<u8>(), any::<u8>(), any::<bool>()).prop_map(|(doc, which, resolved)| DOp::Resolve { doc, which, resolved }),
        3 => (any::<u8>(), 0..6u8, any::<u16>(), 0..6u8, w).prop_map(|(doc, back, pos, del, word)| DOp::Save { doc, back, pos, del, word }),
        1 => any::<u8>().prop_map(|doc| DOp::Tidy { doc }),
    ]
}

/// The ids of the characters of a document's text (the operations that inserted them), in
/// order, at `heads` (now when `None`).
fn char_ids(doc: &AutoCommit, id: &str, heads: Option<&[ChangeHash]>) -> Vec<ObjId> {
    let (_, rec) = crate::read::find_record(doc, RecordType::Document, id).unwrap();
    let t = crate::text::text_obj(doc, &rec, "text").unwrap();
    let items: Vec<_> = match heads {
        Some(h) => doc.list_range_at(&t, .., h).map(|i| i.id()).collect(),
        None => doc.list_range(&t, ..).map(|i| i.id()).collect(),
    };
    items
}

struct World {
    reps: Vec<Replica>,
    /// Each replica's past heads, newest last, for forms shown a while ago.
    past: Vec<Vec<Vec<ChangeHash>>>,
    /// Every document made, and every comment with the characters of its quote.
    documents: HashSet<String>,
    quotes: HashMap<String, Vec<ObjId>>,
}

fn pick<T>(items: &[T], i: u8) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i as usize % items.len()])
}

fn run(w: &mut World, i: usize, o: &DOp) -> Result<(), TestCaseError> {
    let snap = w.reps[i].snap();
    let docs: Vec<_> = snap.documents.values().cloned().collect();
    let r = &mut w.reps[i];
    let heads_before = r.doc.get_heads();
    let result = match o {
        DOp::NewDocument => {
            let id = new_document(r, "The bureau · meets.");
            w.documents.insert(id);
            Ok(())
        }
        DOp::Splice {
            doc,
            pos,
            del,
            word,
        } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            let len = d.text.chars().count();
            let pos = *pos as usize % (len + 1);
            let del = (*del as usize).min(len - pos);
            op(
                r,
                &d.id,
                DocumentOp::Splice {
                    pos,
                    delete: del,
                    insert: WORDS[*word as usize].to_owned(),
                },
            )
            .map(|_| ())
        }
        DOp::Comment { doc, pos, len } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            let n = d.text.chars().count();
            if n == 0 {
                return Ok(());
            }
            let start = *pos as usize % n;
            let end = (start + *len as usize).min(n);
            op(
                r,
                &d.id,
                DocumentOp::Comment {
                    start,
                    end,
                    body: "why?".to_owned(),
                },
            )
            .map(|_| {
                let after = r.snap();
                let c = after.documents[&d.id]
                    .comments
                    .iter()
                    .find(|c| !w.quotes.contains_key(&c.id) && c.author == r.author)
                    .cloned();
                if let Some(c) = c {
                    let ids = char_ids(&r.doc, &d.id, None);
                    w.quotes.insert(c.id.clone(), ids[c.start..c.end].to_vec());
                }
            })
        }
        DOp::Suggest {
            doc,
            pos,
            len,
            word,
        } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            let n = d.text.chars().count();
            let start = *pos as usize % (n + 1);
            let end = (start + *len as usize).min(n);
            let res = op(
                r,
                &d.id,
                DocumentOp::Suggest {
                    start,
                    end,
                    replacement: WORDS[*word as usize].to_owned(),
                },
            );
            match res {
                // The same words again, or nothing for nothing: refused, by design.
                Err(EditError::Invalid { field, .. }) if field == "replacement" => Ok(()),
                other => other.map(|_| ()),
            }
        }
        DOp::Accept { doc, which } | DOp::Reject { doc, which } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            let Some(s) = pick(&d.suggestions, *which) else {
                return Ok(());
            };
            let o2 = if matches!(o, DOp::Accept { .. }) {
                DocumentOp::Accept {
                    suggestion: s.id.clone(),
                }
            } else {
                DocumentOp::Reject {
                    suggestion: s.id.clone(),
                }
            };
            match op(r, &d.id, o2) {
                // Already decided, or its words deleted: refused, naming it.
                Err(EditError::Invalid { field, .. }) if field == "suggestion" => Ok(()),
                other => other.map(|_| ()),
            }
        }
        DOp::Resolve {
            doc,
            which,
            resolved,
        } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            let Some(c) = pick(&d.comments, *which) else {
                return Ok(());
            };
            op(
                r,
                &d.id,
                DocumentOp::ResolveComment {
                    comment: c.id.clone(),
                    resolved: *resolved,
                },
            )
            .map(|_| ())
        }
        DOp::Save {
            doc,
            back,
            pos,
            del,
            word,
        } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            let past = &w.past[i];
            let base = past[past.len().saturating_sub(1 + *back as usize)].clone();
            // The form showed the text as it was then (empty if the document was not there).
            let Some(old) = crate::read::find_record(&r.doc, RecordType::Document, &d.id)
                .and_then(|(_, rec)| crate::text::text_obj(&r.doc, &rec, "text"))
                .and_then(|t| text_of(&r.doc, &t, &base))
            else {
                return Ok(());
            };
            let mut cs: Vec<char> = old.chars().collect();
            let pos = *pos as usize % (cs.len() + 1);
            let del = (*del as usize).min(cs.len() - pos);
            cs.splice(pos..pos + del, WORDS[*word as usize].chars());
            op(
                r,
                &d.id,
                DocumentOp::SaveText {
                    base,
                    text: cs.into_iter().collect(),
                },
            )
            .map(|_| ())
        }
        DOp::Tidy { doc } => {
            let Some(d) = pick(&docs, *doc) else {
                return Ok(());
            };
            op(r, &d.id, DocumentOp::Tidy).map(|_| ())
        }
    };
    prop_assert!(result.is_ok(), "{o:?} on replica {i}: {result:?}");
    w.past[i].push(heads_before);
    let snap = w.reps[i].snap();
    prop_assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    for d in snap.documents.values() {
        let n = d.text.chars().count();
        for c in &d.comments {
            prop_assert!(c.start <= c.end && c.end <= n, "{c:?} in {n}");
        }
    }
    Ok(())
}

/// Merges everyone into everyone, in the order `perm`.
fn full_round(reps: &mut [Replica], perm: [usize; 3]) {
    for &x in &perm {
        for &y in &perm {
            if x != y {
                merge_at(reps, x, y);
            }
        }
    }
}

const PERMS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn concurrent_document_edits_converge_and_keep_their_anchors(
        ops in vec((0..3usize, dop()), 0..50),
        merges in vec((0..3usize, any::<bool>()), 0..6),
        order in 0..6usize,
    ) {
        let mut base = older_bureau();
        let reps = vec![base.fork("a", "member-a"), base.fork("b", "member-b"), base.fork("c", "member-c")];
        let mut w = World { reps, past: vec![Vec::new(); 3], documents: HashSet::new(), quotes: HashMap::new() };
        for i in 0..3 {
            let heads = w.reps[i].doc.get_heads();
            w.past[i].push(heads);
        }
        // Two replicas each make the bureau's first document offline.
        run(&mut w, 0, &DOp::NewDocument)?;
        run(&mut w, 1, &DOp::NewDocument)?;
        for (n, (i, o)) in ops.iter().enumerate() {
            run(&mut w, *i, o)?;
            // Now and then a partial exchange, as laptops meet.
            if n % 5 == 4 && !merges.is_empty() {
                let (into, other) = merges[(n / 5) % merges.len()];
                let from = (into + 1 + usize::from(other)) % 3;
                merge_at(&mut w.reps, into, from);
            }
        }
        full_round(&mut w.reps, PERMS[order]);
        // Concurrent accepts are tidied by whichever node sees them; then everyone has it.
        let ids: Vec<String> = w.reps[0].snap().documents.keys().cloned().collect();
        for id in &ids {
            let _ = op(&mut w.reps[order % 3], id, DocumentOp::Tidy);
        }
        full_round(&mut w.reps, PERMS[(order + 1) % 6]);
        let snaps: Vec<Snapshot> = w.reps.iter().map(Replica::snap).collect();
        prop_assert_eq!(&snaps[0], &snaps[1]);
        prop_assert_eq!(&snaps[0], &snaps[2]);
        let snap = &snaps[0];
        prop_assert!(snap.problems.is_empty(), "{:?}", snap.problems);
        // No document made offline is lost.
        for id in &w.documents {
            prop_assert!(snap.documents.contains_key(id), "document {id} lost");
        }
        let comments: BTreeMap<&str, (&str, &Comment)> = snap
            .documents
            .values()
            .flat_map(|d| d.comments.iter().map(move |c| (c.id.as_str(), (d.id.as_str(), c))))
            .collect();
        for (cid, quote_ids) in &w.quotes {
            let (doc_id, c) = comments[cid.as_str()];
            let now = char_ids(&w.reps[0].doc, doc_id, None);
            let at: HashMap<&ObjId, usize> = now.iter().enumerate().map(|(i, id)| (id, i)).collect();
            // Every character of its quote still there lies inside its range; if none was
            // deleted, the quote reads there in order.
            let places: Vec<usize> = quote_ids.iter().filter_map(|q| at.get(q).copied()).collect();
            for p in &places {
                prop_assert!(c.start <= *p && *p < c.end, "comment {cid}: char at {p} outside {}..{}", c.start, c.end);
            }
            if places.len() == quote_ids.len() {
                let text: Vec<char> = snap.documents[doc_id].text.chars().collect();
                let mut it = text[c.start..c.end].iter();
                prop_assert!(c.quote.chars().all(|q| it.any(|t| *t == q)), "{c:?}");
            }
        }
        for d in snap.documents.values() {
            for s in &d.suggestions {
                prop_assert!(s.applied <= 1, "suggestion applied {} times: {s:?}", s.applied);
            }
        }
    }
}
