//! Shared documents in the UI: the list and a document's pages in every language, the text
//! with its comments and suggestions in place, every form of the page, the editor saving by
//! merge while a peer edits, the comparison of versions, and an observer's read-only page.

use super::*;

const CHARTER: &str = include_str!("../../../../../seed/charter.txt");

/// The charter imported into the UI's bureau, with a version named; its id.
async fn charter(ui: &Ui) -> String {
    let id = edit(
        &ui.doc,
        Edit::ImportDocument {
            title: "Charter".to_owned(),
            text: CHARTER.to_owned(),
        },
    )
    .await;
    ui.doc
        .edit(Edit::Document {
            id: id.clone(),
            op: DocumentOp::NameVersion {
                name: "imported".to_owned(),
            },
        })
        .await
        .unwrap();
    id
}

fn document(ui: &Ui, id: &str) -> Document {
    ui.snap().documents[id].as_ref().clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn document_pages_render_in_every_language_with_the_remarks_in_place() {
    let ui = ui().await;
    let id = charter(&ui).await;
    let pages = [
        "/documents".to_owned(),
        "/documents/new".to_owned(),
        format!("/documents/{id}"),
        format!("/documents/{id}/edit"),
        format!("/documents/{id}/compare"),
        format!("/documents/{id}/compare?from=imported&to=now"),
        format!("/history/document/{id}"),
    ];
    for lang in Lang::ALL {
        for uri in &pages {
            let (status, _, html) = ui.send(get_in(uri, lang)).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "{uri} in {lang:?}: {}",
                excerpt(&html)
            );
            assert_clean_page(uri, &html, lang);
        }
    }
    // In the navigation, marked current on the list.
    let html = ui.page("/documents").await;
    let nav = around(&html, "nav");
    assert!(
        nav.contains("href=\"/documents\" aria-current=\"page\""),
        "{nav}"
    );
    assert!(html.contains(&format!("href=\"/documents/{id}\"")));

    // The text holds the commented words highlighted, each with its numbered mark linking to
    // the comment beside it; the suggestion as the old word struck and the new one inserted.
    let d = document(&ui, &id);
    let html = ui.page(&format!("/documents/{id}")).await;
    let text = part(&html, "doc-text", "</div>");
    assert_eq!(
        text.matches("<mark class=\"comment").count(),
        d.comments.len(),
        "{text}"
    );
    for c in &d.comments {
        assert!(
            text.contains(&format!("href=\"#comment-{}\"", c.id)),
            "{text}"
        );
        assert!(html.contains(&format!("id=\"comment-{}\"", c.id)));
    }
    assert!(
        text.contains(
            "<del class=\"suggestion\"><span class=\"visually-hidden\">Deleted: </span>deal</del>"
        ),
        "{text}"
    );
    assert!(text.contains("facilitate</ins>"), "{text}");
    let aside = part(&html, "doc-comments", "</section>");
    assert!(aside.contains("Titi"), "{aside}");
    assert!(
        aside.contains("who decides what is a focal point?"),
        "{aside}"
    );
    // Exports, and the forms of an editor's device.
    for format in ["md", "md-comments", "html"] {
        assert!(html.contains(&format!("/api/documents/{id}/export?format={format}")));
    }
    for action in ["comments", "suggestions", "versions", "edit"] {
        assert!(
            html.contains(&format!("/documents/{id}/{action}\"")),
            "{action}"
        );
    }
    // Search finds it and links to its page.
    let html = ui.page("/search?q=charter").await;
    assert!(
        html.contains(&format!("href=\"/documents/{id}\"")),
        "{}",
        excerpt(&html)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn comments_replies_suggestions_and_versions_through_the_pages_forms() {
    let ui = ui().await;
    let id = charter(&ui).await;
    let base = format!("/documents/{id}");
    let n_comments = document(&ui, &id).comments.len();

    // A comment on words typed as they are written (no selection: no start and end).
    let loc = ui
        .post_ok(
            &format!("{base}/comments"),
            &[
                ("quote", "operational role"),
                ("start", ""),
                ("end", ""),
                ("body", "Say which operations."),
            ],
        )
        .await;
    assert!(loc.starts_with(&format!("{base}?done=saved")), "{loc}");
    let d = document(&ui, &id);
    assert_eq!(d.comments.len(), n_comments + 1);
    let c = d
        .comments
        .iter()
        .find(|c| c.body == "Say which operations.")
        .unwrap();
    assert_eq!(c.quote, "operational role");
    let chars: Vec<char> = d.text.chars().collect();
    assert_eq!(
        chars[c.start..c.end].iter().collect::<String>(),
        "operational role"
    );
    assert_eq!(c.author, ui.doc.state().author.clone().unwrap());
    // A selection's start and end win over the first place the words are.
    let second = d.text.match_indices("civil society").nth(1).unwrap().0;
    let start = d.text[..second].chars().count();
    let (s, e) = (start.to_string(), (start + 13).to_string());
    ui.post_ok(
        &format!("{base}/comments"),
        &[
            ("quote", "civil society"),
            ("start", &s),
            ("end", &e),
            ("body", "Which part?"),
        ],
    )
    .await;
    let d = document(&ui, &id);
    let c2 = d.comments.iter().find(|c| c.body == "Which part?").unwrap();
    assert_eq!((c2.start, c2.end), (start, start + 13));

    // Words that are not in the text, and an empty comment: the form again, each error
    // beside its field, what was typed kept.
    let html = ui
        .post_invalid(
            &format!("{base}/comments"),
            &[("quote", "no such words"), ("body", "Kept")],
        )
        .await;
    assert_field_error(&html, "c-quote", Some("no such words"));
    assert!(html.contains("Kept"));
    let html = ui
        .post_invalid(
            &format!("{base}/comments"),
            &[("quote", "operational role"), ("body", " ")],
        )
        .await;
    assert_field_error(&html, "c-body", None);
    assert_clean_page("comment refused", &html, Lang::En);

    // Reply, resolve, reopen.
    let cid = c.id.clone();
    ui.post_ok(
        &format!("{base}/comments/{cid}/replies"),
        &[("body", "Logistics only.")],
    )
    .await;
    let html = ui
        .post_invalid(&format!("{base}/comments/{cid}/replies"), &[("body", "")])
        .await;
    assert_field_error(&html, &format!("r-{cid}-body"), None);
    ui.post_ok(&format!("{base}/comments/{cid}/resolve"), &[])
        .await;
    let d = document(&ui, &id);
    let c = d.comments.iter().find(|c| c.id == cid).unwrap();
    assert!(c.resolved);
    assert_eq!(c.replies[0].body, "Logistics only.");
    let html = ui.page(&base).await;
    assert!(
        !part(&html, "doc-text", "</div>").contains(&format!("#comment-{cid}")),
        "a resolved comment is not marked in the text"
    );
    assert!(html.contains(&format!("/comments/{cid}/reopen\"")));
    ui.post_ok(&format!("{base}/comments/{cid}/reopen"), &[])
        .await;
    assert!(
        !document(&ui, &id)
            .comments
            .iter()
            .any(|c| c.id == cid && c.resolved)
    );

    // Suggest, then accept: the text changes where the words are now.
    ui.post_ok(
        &format!("{base}/suggestions"),
        &[("quote", "realisation"), ("replacement", "embodiment")],
    )
    .await;
    let d = document(&ui, &id);
    let sid = d
        .suggestions
        .iter()
        .find(|s| s.replacement == "embodiment")
        .unwrap()
        .id
        .clone();
    let html = ui.page(&base).await;
    assert!(html.contains("realisation</del>"), "{}", excerpt(&html));
    ui.post_ok(&format!("{base}/suggestions/{sid}/accept"), &[])
        .await;
    let d = document(&ui, &id);
    assert!(d.text.contains("the embodiment of the present stage"));
    assert!(!d.text.contains("realisation"));
    // Accepting again is refused with the reason, nothing written.
    let (status, _, html) = ui
        .send(post(&format!("{base}/suggestions/{sid}/accept"), &[]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", excerpt(&html));
    assert_eq!(document(&ui, &id).text, d.text);
    // Reject the imported one: it stays, rejected, and the word with it.
    let deal = d
        .suggestions
        .iter()
        .find(|s| s.replacement == "facilitate")
        .unwrap()
        .id
        .clone();
    ui.post_ok(&format!("{base}/suggestions/{deal}/reject"), &[])
        .await;
    let d = document(&ui, &id);
    assert_eq!(
        d.suggestions.iter().find(|s| s.id == deal).unwrap().status,
        SuggestionStatus::Rejected
    );
    assert!(d.text.contains("To deal with"));
    // An unknown suggestion is refused.
    let (status, _, _) = ui
        .send(post(&format!("{base}/suggestions/nope/accept"), &[]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Name a version; the same name again is refused beside the field.
    ui.post_ok(&format!("{base}/versions"), &[("name", "after review")])
        .await;
    let html = ui
        .post_invalid(&format!("{base}/versions"), &[("name", "after review")])
        .await;
    assert_field_error(&html, "v-name", Some("after review"));

    // Compare: the accepted words with who wrote them; an unknown version is refused.
    let html = ui
        .page(&format!("{base}/compare?from=imported&to=after+review"))
        .await;
    let me = ui.snap().members[&ui.doc.state().author.clone().unwrap()]
        .name
        .clone();
    assert!(
        html.contains("<span class=\"visually-hidden\">Deleted: </span>realisation</del>"),
        "{}",
        excerpt(&html)
    );
    assert!(html.contains("embodiment</ins>"));
    assert!(html.contains(&format!("(by {me})")), "{me}");
    let (status, _, html) = ui.send(get(&format!("{base}/compare?from=nothing"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&html, "f-from", None);

    // Title and status through the record's form.
    let form = form_of(&ui.page(&base).await, &base);
    let mut fields = form.clone();
    set_field(&mut fields, "status", "adopted");
    set_field(&mut fields, "title", "Charter of the bureau");
    ui.post_ok(&base, &pairs(&fields)).await;
    let d = document(&ui, &id);
    assert_eq!(d.title, "Charter of the bureau");
    assert_eq!(d.status, DocumentStatus::Adopted);

    // A new document, plain and from a bracketed draft.
    let loc = ui
        .post_ok(
            "/documents",
            &[
                ("title", "Statement"),
                ("text", "We welcome [Ana: good] it."),
            ],
        )
        .await;
    let new_id = loc
        .trim_start_matches("/documents/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(document(&ui, &new_id).text, "We welcome [Ana: good] it.");
    let loc = ui
        .post_ok(
            "/documents",
            &[
                ("title", "Statement"),
                ("text", "We welcome [Ana: good] it."),
                ("bracketed", "on"),
            ],
        )
        .await;
    let imported = loc
        .trim_start_matches("/documents/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let d = document(&ui, &imported);
    assert_eq!(d.text, "We welcome it.");
    assert_eq!(d.comments[0].author_name, "Ana");
    let html = ui
        .post_invalid("/documents", &[("title", ""), ("text", "x")])
        .await;
    assert_field_error(&html, "f-title", None);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_editor_saves_by_merge_and_keeps_what_a_peer_wrote_meanwhile() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _ta) = open(&tmp.path().join("a"), 'A').await;
    let (b, _tb) = open(&tmp.path().join("b"), 'B').await;
    init(&a).await;
    add_bea_with_laptop(&a).await;
    let id = edit(
        &a,
        Edit::Create(Fields::Document(DocumentFields {
            title: Some("Statement".to_owned()),
            status: None,
            text: Some("First sentence here. Second sentence here.".to_owned()),
        })),
    )
    .await;
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    let cancel = CancellationToken::new();
    let app = app_over(&a, &cancel);
    let url = format!("/documents/{id}/edit");
    let (status, _, html) = send_to(&app, get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    let mut fields = form_of(&html, &format!("/documents/{id}/text"));
    assert!(fields.iter().any(|(k, v)| k == "heads" && !v.is_empty()));

    // While the editor is open, the peer edits the second sentence.
    b.edit(Edit::Document {
        id: id.clone(),
        op: DocumentOp::Splice {
            pos: 21,
            delete: 6,
            insert: "Another".to_owned(),
        },
    })
    .await
    .unwrap();
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    assert_eq!(
        a.state().snapshot.documents[&id].text,
        "First sentence here. Another sentence here."
    );

    // The user edits the first sentence in the form shown before and saves.
    set_field(
        &mut fields,
        "text",
        "First sentence, amended. Second sentence here.",
    );
    let (status, headers, html) = send_to(
        &app,
        post(&format!("/documents/{id}/text"), &pairs(&fields)),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", excerpt(&html));
    assert_eq!(
        headers[header::LOCATION],
        format!("/documents/{id}?done=saved").as_str()
    );
    let text = a.state().snapshot.documents[&id].text.clone();
    assert_eq!(text, "First sentence, amended. Another sentence here.");
    sync_directly((&a, &peer('A')), (&b, &peer('B'))).await;
    assert_eq!(b.state().snapshot.documents[&id].text, text);

    // Heads this node does not have: 409, nothing written.
    set_field(&mut fields, "heads", &"ab".repeat(32));
    let (status, _, _) = send_to(
        &app,
        post(&format!("/documents/{id}/text"), &pairs(&fields)),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(a.state().snapshot.documents[&id].text, text);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_observer_reads_the_document_without_controls_and_its_posts_are_refused() {
    let ui = ui().await;
    let id = charter(&ui).await;
    let bea = edit(
        &ui.doc,
        Edit::Create(Fields::Member(MemberFields {
            name: Some("Bea Admin".to_owned()),
            ..MemberFields::default()
        })),
    )
    .await;
    ui.doc
        .edit(Edit::AddDevice {
            peer_id: peer('B'),
            member_id: bea,
            name: "Bea's laptop".to_owned(),
            role: Role::Admin,
        })
        .await
        .unwrap();
    ui.doc
        .edit(Edit::SetDeviceRole {
            peer_id: peer('A'),
            role: Role::Observer,
        })
        .await
        .unwrap();
    let base = format!("/documents/{id}");
    let html = ui.page(&base).await;
    assert_clean_page(&base, &html, Lang::En);
    assert!(html.contains("facilitate</ins>"), "the remarks are shown");
    for control in [
        "/comments\"",
        "/suggestions\"",
        "/versions\"",
        "/accept\"",
        "/resolve\"",
        "/replies\"",
        "/edit\"",
        "/archive\"",
    ] {
        assert!(!html.contains(control), "an observer is offered {control}");
    }
    assert!(!ui.page("/documents").await.contains("/documents/new"));
    let before = document(&ui, &id);
    let sid = before.suggestions[0].id.clone();
    let cid = before.comments[0].id.clone();
    for (uri, fields) in [
        (format!("{base}/suggestions/{sid}/accept"), vec![]),
        (
            format!("{base}/comments"),
            vec![("quote", "operational role"), ("body", "No")],
        ),
        (format!("{base}/comments/{cid}/resolve"), vec![]),
        (format!("{base}/versions"), vec![("name", "mine")]),
    ] {
        let (status, _, html) = ui.send(post(&uri, &fields)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{uri}: {}", excerpt(&html));
    }
    assert_eq!(document(&ui, &id), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_editor_gets_the_splices_since_its_heads() {
    let ui = ui().await;
    let id = charter(&ui).await;
    let html = ui.page(&format!("/documents/{id}/edit")).await;
    assert!(html.contains(&format!("data-editor=\"{id}\"")));
    let form = form_of(&html, &format!("/documents/{id}/text"));
    let heads = form.iter().find(|(k, _)| k == "heads").unwrap().1.clone();
    let before = document(&ui, &id).text;
    // Nothing changed: no splice, the same heads.
    let url = format!("/documents/{id}/splices?since={heads}");
    let v: serde_json::Value = serde_json::from_str(&ui.page(&url).await).unwrap();
    assert_eq!(v["splices"], serde_json::json!([]));
    assert_eq!(v["heads"], heads.as_str());
    // Two edits far apart: two splices that turn the text shown into the text now.
    for (pos, insert) in [(1, "Draft "), (before.chars().count(), "\nEnd.")] {
        ui.doc
            .edit(Edit::Document {
                id: id.clone(),
                op: DocumentOp::Splice {
                    pos,
                    delete: 0,
                    insert: insert.to_owned(),
                },
            })
            .await
            .unwrap();
    }
    let v: serde_json::Value = serde_json::from_str(&ui.page(&url).await).unwrap();
    let splices = v["splices"].as_array().unwrap();
    assert_eq!(splices.len(), 2, "{v}");
    let mut chars: Vec<char> = before.chars().collect();
    for s in splices.iter().rev() {
        let pos = s["pos"].as_u64().unwrap() as usize;
        let delete = s["delete"].as_u64().unwrap() as usize;
        chars.splice(pos..pos + delete, s["insert"].as_str().unwrap().chars());
    }
    assert_eq!(
        chars.into_iter().collect::<String>(),
        document(&ui, &id).text
    );
    assert_eq!(v["heads"], ui.doc.state().heads.join(",").as_str());
    // Heads this node lacks, or none: refused.
    let (status, _, _) = ui
        .send(get(&format!(
            "/documents/{id}/splices?since={}",
            "ab".repeat(32)
        )))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _, _) = ui.send(get(&format!("/documents/{id}/splices"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_documents_history_lists_its_edits_and_versions_by_author_in_the_readers_language() {
    let ui = ui().await;
    let id = charter(&ui).await;
    ui.doc
        .edit(Edit::Document {
            id: id.clone(),
            op: DocumentOp::Splice {
                pos: 0,
                delete: 0,
                insert: "Draft ".to_owned(),
            },
        })
        .await
        .unwrap();
    ui.doc
        .edit(Edit::Document {
            id: id.clone(),
            op: DocumentOp::NameVersion {
                name: "Before the plenary".to_owned(),
            },
        })
        .await
        .unwrap();
    let html = ui.page(&format!("/history/document/{id}")).await;
    let table = table_of(&html);
    assert!(table.contains("Named a version"), "{table}");
    assert!(table.contains("Before the plenary"), "{table}");
    assert!(table.contains("Edited the text"), "{table}");
    assert!(!table.contains(&format!("in document {id}")), "{table}");
    assert!(!table.contains("&quot;heads&quot;"), "no raw JSON: {table}");
    assert!(table.contains("Ada Founder"), "by author: {table}");
    // The imported brackets are listed as comments by their authors.
    assert!(table.contains("(Titi)"), "{table}");
    let html = ui
        .send(get_in(&format!("/history/document/{id}"), Lang::Fr))
        .await
        .2;
    assert!(html.contains("A nommé une version"), "{}", table_of(&html));
}

/// The page's first table.
fn table_of(html: &str) -> &str {
    let start = html.find("<table").expect("a table");
    let end = html[start..]
        .find("</table>")
        .map_or(html.len(), |e| start + e + 8);
    &html[start..end]
}
