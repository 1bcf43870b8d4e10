//! Router tests of shared documents: the seed charter imported, commented, edited by splices
//! and by a three-way save, a suggestion accepted, versions compared with their authors,
//! exports; bad offsets, unknown ids and an observer's accept refused naming the field.

use bureau_model::{Fields, MemberFields, Role};

use super::*;

/// The bureau's founding text as its reviewers annotated it offline.
const CHARTER: &str = include_str!("../../../../seed/charter.txt");

/// The code point offset of `needle` in `text`.
fn cp(text: &str, needle: &str) -> usize {
    let byte = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {text:?}"));
    text[..byte].chars().count()
}

fn text_of(doc: &Value) -> String {
    doc["text"].as_str().expect("text").to_owned()
}

async fn import_charter(f: &Fixture) -> Value {
    let (status, _, doc) = f
        .call(
            Method::POST,
            "/api/documents/import",
            Some(json!({"title": "Charter", "text": CHARTER})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    doc
}

#[tokio::test(flavor = "multi_thread")]
async fn the_charter_is_imported_commented_edited_and_versioned() {
    let f = fixture().await;
    let doc = import_charter(&f).await;
    let id = doc["id"].as_str().unwrap().to_owned();
    let path = format!("/api/documents/{id}");
    assert_eq!(doc["comments"].as_array().unwrap().len(), 5, "{doc}");
    assert_eq!(doc["suggestions"].as_array().unwrap().len(), 1, "{doc}");
    assert!(!doc["heads"].as_array().unwrap().is_empty());
    let text = text_of(&doc);
    assert!(!text.contains('['));
    // Offsets count code points: the charter has bullets, dashes and curly quotes.
    for c in doc["comments"].as_array().unwrap() {
        let (s, e) = (
            c["start"].as_u64().unwrap() as usize,
            c["end"].as_u64().unwrap() as usize,
        );
        let quoted: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(json!(quoted), c["quote"], "{c}");
    }
    let (status, listed) = f.get("/api/documents").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ids(&listed), vec![id.clone()]);
    // The search finds it by its title and by a word of its text.
    for q in ["charter", "realisation"] {
        let (status, hits) = f.get(&format!("/api/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{hits}");
        assert!(
            hits.as_array()
                .unwrap()
                .iter()
                .any(|h| h["type"] == "document" && h["id"] == json!(id)),
            "{q}: {hits}"
        );
    }

    // A comment on words after the curly quotes, then text typed before it.
    let start = cp(&text, "Liaison with Inter-Governmental Bureau");
    let end = start + "Liaison with Inter-Governmental Bureau".chars().count();
    let (status, _, c) = f
        .call(
            Method::POST,
            &format!("{path}/comments"),
            Some(json!({"start": start, "end": end, "body": "Which of its members?"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["quote"], "Liaison with Inter-Governmental Bureau");
    assert_eq!(c["author"], FOUNDER);
    let cid = c["id"].as_str().unwrap().to_owned();
    let (_, shown) = f.get(&path).await;
    let base_heads = shown["heads"].clone();
    let (status, _, after) = f
        .call(
            Method::POST,
            &format!("{path}/splice"),
            Some(json!({"pos": 0, "delete": 0, "insert": "DRAFT – "})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let c = after["comments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == json!(cid))
        .unwrap()
        .clone();
    assert_eq!(c["start"], json!(start + 8));

    // A form shown before the splice saves a change further down: both stay.
    let edited = text.replace("operational role", "practical role");
    let (status, _, saved) = f
        .call(
            Method::POST,
            &format!("{path}/text"),
            Some(json!({"base_heads": base_heads, "text": edited})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let now = text_of(&saved);
    assert!(
        now.starts_with("DRAFT – ") && now.contains("practical role"),
        "{now}"
    );

    // Reply, resolve, reopen.
    let (status, _, v) = f
        .call(
            Method::POST,
            &format!("{path}/comments/{cid}/replies"),
            Some(json!({"body": "All of them."})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    for (action, resolved) in [("resolve", true), ("reopen", false)] {
        let (status, _, v) = f
            .call(
                Method::POST,
                &format!("{path}/comments/{cid}/{action}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let c = v["comments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == json!(cid))
            .unwrap()
            .clone();
        assert_eq!(c["resolved"], json!(resolved));
        assert_eq!(c["replies"][0]["body"], "All of them.");
    }

    // Versions around accepting the suggested wording, and the words that changed.
    let (status, _, v) = f
        .call(
            Method::POST,
            &format!("{path}/versions"),
            Some(json!({"name": "as imported"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let sid = doc["suggestions"][0]["id"].as_str().unwrap();
    let (status, _, v) = f
        .call(
            Method::POST,
            &format!("{path}/suggestions/{sid}/accept"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(
        text_of(&v).contains("· To facilitate with procedures"),
        "{v}"
    );
    assert_eq!(v["suggestions"][0]["status"], "accepted");
    let (status, _, v) = f
        .call(
            Method::POST,
            &format!("{path}/versions"),
            Some(json!({"name": "agreed"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let names: Vec<&str> = v["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["as imported", "agreed"]);
    let (status, diff) = f
        .get(&format!("{path}/diff?from=as%20imported&to=agreed"))
        .await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    let changed: Vec<(String, String, Value)> = diff["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] != "same")
        .map(|p| {
            (
                p["kind"].as_str().unwrap().to_owned(),
                p["text"].as_str().unwrap().to_owned(),
                p["authors"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            ("removed".to_owned(), "deal".to_owned(), json!([FOUNDER])),
            (
                "added".to_owned(),
                "facilitate".to_owned(),
                json!([FOUNDER])
            ),
        ]
    );
    // A version and now: nothing changed since.
    let (status, diff) = f.get(&format!("{path}/diff?from=agreed")).await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert!(
        diff["parts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["kind"] == "same")
    );

    // Exports.
    for (format, kind, want) in [
        ("md", "text/markdown", "# Charter\n\nDRAFT – "),
        (
            "md-comments",
            "text/markdown",
            "[^1]: **Titi**: Also interface",
        ),
        ("bracketed", "text/plain", "in WSIS [Titi: Also interface"),
        ("html", "text/html", "<del>"),
    ] {
        let res = f
            .send(request(
                Method::GET,
                &format!("{path}/export?format={format}"),
                None,
            ))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{format}");
        let ct = res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ct.starts_with(kind), "{format}: {ct}");
        let body = String::from_utf8(body_bytes(res).await).unwrap();
        // The accepted suggestion is no longer marked; the HTML marks none then.
        if format == "html" {
            assert!(body.contains("<h1 dir=\"auto\">Charter</h1>"), "{body}");
            assert!(body.contains("Which of its members?"), "{body}");
            continue;
        }
        assert!(body.contains(want), "{format}: {body}");
    }

    // PATCH the title and status; the document can be archived like any record.
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &path,
            Some(json!({"title": "Charter of the CSB", "status": "adopted"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        (v["title"].as_str(), v["status"].as_str()),
        (Some("Charter of the CSB"), Some("adopted"))
    );
    let (status, _, v) = f.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, listed) = f.get("/api/documents").await;
    assert!(ids(&listed).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_offsets_unknown_ids_and_an_observers_accept_name_the_field() {
    let f = fixture().await;
    let (status, _, doc) = f
        .call(
            Method::POST,
            "/api/documents",
            Some(json!({"title": "Statement", "text": "To deal [facilitate] with it."})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let id = doc["id"].as_str().unwrap().to_owned();
    let path = format!("/api/documents/{id}");
    let len = text_of(&doc).chars().count();
    let cases = [
        ("splice", json!({"pos": len + 1, "insert": "x"}), "pos"),
        ("splice", json!({"pos": 0, "delete": len + 1}), "delete"),
        ("splice", json!({"pos": -1}), "pos"),
        ("splice", json!({"insert": "x"}), "pos"),
        ("splice", json!({"pos": 0, "cursor": 1}), "cursor"),
        (
            "comments",
            json!({"start": 2, "end": len + 5, "body": "x"}),
            "end",
        ),
        (
            "comments",
            json!({"start": 4, "end": 2, "body": "x"}),
            "end",
        ),
        ("comments", json!({"start": 0, "end": 2}), "body"),
        (
            "suggestions",
            json!({"start": len + 1, "end": len + 1, "replacement": "x"}),
            "start",
        ),
        (
            "text",
            json!({"base_heads": ["zz"], "text": "x"}),
            "base_heads",
        ),
        (
            "text",
            json!({"base_heads": ["a".repeat(64)], "text": "x"}),
            "base_heads",
        ),
        ("comments/nope/resolve", Value::Null, "comment"),
        ("comments/nope/replies", json!({"body": "x"}), "comment"),
        ("suggestions/nope/accept", Value::Null, "suggestion"),
        ("versions", json!({"name": ""}), "name"),
    ];
    for (tail, body, field) in cases {
        let body = (!body.is_null()).then_some(body);
        let (status, _, v) = f.call(Method::POST, &format!("{path}/{tail}"), body).await;
        assert_field_error(status, &v, field);
    }
    for (query, field) in [
        ("from=nope", "from"),
        ("", "from"),
        ("from=now&to=nope", "from"),
    ] {
        let (status, v) = f.get(&format!("{path}/diff?{query}")).await;
        assert_field_error(status, &v, field);
    }
    let (status, v) = f.get(&format!("{path}/export?format=pdf")).await;
    assert_field_error(status, &v, "format");
    // Nothing of that was written.
    let (_, now) = f.get(&path).await;
    assert_eq!(now["heads"], doc["heads"]);
    // An unknown document is 404.
    for (method, tail) in [(Method::GET, ""), (Method::POST, "/splice")] {
        let body = (method == Method::POST).then(|| json!({"pos": 0, "insert": "x"}));
        let (status, _, v) = f
            .call(method, &format!("/api/documents/nope{tail}"), body)
            .await;
        assert_error(status, &v, StatusCode::NOT_FOUND);
    }

    // This node becomes an observer: its accept is refused, naming the suggestion.
    let (status, _, s) = f
        .call(
            Method::POST,
            &format!("{path}/suggestions"),
            Some(json!({"start": 3, "end": 7, "replacement": "facilitate"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let sid = s["id"].as_str().unwrap().to_owned();
    let applied = f
        .doc
        .edit(Edit::Create(Fields::Member(MemberFields {
            name: Some("Bea Second".to_owned()),
            ..MemberFields::default()
        })))
        .await
        .unwrap();
    let bureau_model::Applied::Record(_, bea) = applied else {
        panic!("{applied:?}");
    };
    let bea_peer = testing::peer_id('B');
    f.doc
        .edit(Edit::AddDevice {
            peer_id: bea_peer.clone(),
            member_id: bea,
            name: "Bea's laptop".to_owned(),
            role: Role::Admin,
        })
        .await
        .unwrap();
    f.doc
        .edit(Edit::SetDeviceRole {
            peer_id: peer(),
            role: Role::Observer,
        })
        .await
        .unwrap();
    let (_, before) = f.get(&path).await;
    let (status, _, v) = f
        .call(
            Method::POST,
            &format!("{path}/suggestions/{sid}/accept"),
            None,
        )
        .await;
    let err = assert_error(status, &v, StatusCode::FORBIDDEN);
    assert_eq!(err["field"], "suggestion", "{v}");
    assert_eq!(err["code"], "observer", "{v}");
    let (_, after) = f.get(&path).await;
    assert_eq!(after, before);
}
