//! `GET /api/search?q=TEXT`: `[{type, id, title, snippet}]` across members, groups, rooms,
//! meetings, notes and liaison bodies; case and accents aside, words matched by their start,
//! records whose title holds the words first; `limit` and `offset` as lists take them; a
//! missing or unsearchable `q` a 400 naming it.

use super::*;

/// A few records that mention Geneva in their titles or in their text.
async fn geneva(f: &Fixture) -> (String, String, String, String) {
    let room = f
        .create(
            "rooms",
            json!({"name": "Salle Genève", "capacity": 40, "equipment": ["projector"]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let meeting = f
        .create(
            "meetings",
            json!({
                "title": "Briefing before GENEVA talks",
                "start": "2026-03-02T10:00:00+01:00",
                "end": "2026-03-02T11:00:00+01:00",
                "agenda": "Logistics",
            }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let note = f
        .create(
            "notes",
            json!({
                "body_id": "es",
                "title": "Travel",
                "text": "Delegates arrive on Monday. The venue in genève opens at nine; badges at the gate.",
                "date": "2026-03-01",
            }),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = f
        .create(
            "members",
            json!({"name": "Zoé Martin", "organisation": "Réseau Genève Femmes"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (room, meeting, note, member)
}

fn hits(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|h| {
            (
                h["type"].as_str().expect("type").to_owned(),
                h["id"].as_str().expect("id").to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn search_finds_words_by_their_start_whatever_the_case_and_accents_titles_first() {
    let f = fixture().await;
    let (room, meeting, note, member) = geneva(&f).await;

    // "geneve" finds "Genève" (a title), "genève" in a text, "Genève" in an organisation;
    // "GENEVA" too, since "gene" begins it: every word matched by its start.
    let (status, headers, list) = f.call(Method::GET, "/api/search?q=gene", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(headers["x-total-count"], "4");
    let found = hits(&list);
    // Titles first (the meeting's and the room's, by title), then the texts.
    assert_eq!(
        found[..2],
        [
            ("meeting".to_owned(), meeting.clone()),
            ("room".to_owned(), room.clone())
        ],
        "{list}"
    );
    let rest: std::collections::BTreeSet<(String, String)> = found[2..].iter().cloned().collect();
    assert_eq!(
        rest,
        [
            ("member".to_owned(), member.clone()),
            ("note".to_owned(), note.clone())
        ]
        .into_iter()
        .collect(),
        "{list}"
    );
    // The shape: exactly these four fields.
    for h in list.as_array().unwrap() {
        let keys: Vec<&String> = h.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "snippet", "title", "type"], "{h}");
    }
    let by_id = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_id(&room)["title"], "Salle Genève");
    // A text's snippet is the part of it around the word found.
    let snippet = by_id(&note)["snippet"].as_str().unwrap().to_owned();
    assert!(snippet.contains("The venue in genève opens"), "{snippet}");
    assert_eq!(
        by_id(&member)["snippet"],
        "Réseau Genève Femmes",
        "the organisation that matched"
    );

    // Accents and capitals aside, both ways.
    for q in ["GENEVE", "GEN%C3%88VE", "gen%C3%A8VE", "ge%CC%80neve"] {
        let (status, list) = f.get(&format!("/api/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}: {list}");
        let found = hits(&list);
        assert!(
            found.contains(&("room".to_owned(), room.clone()))
                && found.contains(&("note".to_owned(), note.clone())),
            "{q}: {list}"
        );
        assert!(
            !found.contains(&("meeting".to_owned(), meeting.clone())),
            "{q} is not the start of GENEVA: {list}"
        );
    }
    // Only the start of a word: "eneve" is inside "Genève", and begins nothing.
    let (_, list) = f.get("/api/search?q=eneve").await;
    assert_eq!(list, json!([]));
    // Every word must match: "geneve zoé" is the member alone (her name and organisation).
    let (_, list) = f.get("/api/search?q=geneve%20zoe").await;
    assert_eq!(hits(&list), [("member".to_owned(), member.clone())]);
    // A title holding every word comes before a text that holds them.
    let (_, list) = f.get("/api/search?q=travel").await;
    assert_eq!(hits(&list), [("note".to_owned(), note.clone())]);
    // Blank or punctuation only: nothing, and no error.
    let (status, list) = f.get("/api/search?q=%20%2C").await;
    assert_eq!((status, list), (StatusCode::OK, json!([])));

    // Archived records are not found, as lists leave them out.
    let (status, _, _) = f
        .call(Method::DELETE, &format!("/api/rooms/{room}"), None)
        .await;
    assert!(status.is_success());
    let (_, list) = f.get("/api/search?q=salle").await;
    assert_eq!(list, json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn search_takes_a_window_and_refuses_what_it_cannot_search() {
    let f = fixture().await;
    geneva(&f).await;
    let (_, all) = f.get("/api/search?q=gen").await;
    let all = hits(&all);
    assert_eq!(all.len(), 4);
    let (status, headers, page) = f
        .call(Method::GET, "/api/search?q=gen&limit=1&offset=1", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-total-count"], "4");
    assert_eq!(hits(&page), all[1..2]);

    for (uri, field) in [
        ("/api/search", "q"),
        ("/api/search?limit=1", "q"),
        ("/api/search?q=a&q=b", "q"),
        ("/api/search?q=gen&limit=-1", "limit"),
        ("/api/search?q=gen&limit=100000", "limit"),
        ("/api/search?q=gen&offset=x", "offset"),
    ] {
        let (status, body) = f.get(uri).await;
        assert_field_error(status, &body, field);
    }
    let long = "a".repeat(crate::search::MAX_QUERY_CHARS + 1);
    let (status, body) = f.get(&format!("/api/search?q={long}")).await;
    assert_field_error(status, &body, "q");
    let many: Vec<String> = (0..=crate::search::MAX_TERMS)
        .map(|i| format!("w{i}"))
        .collect();
    let (status, body) = f.get(&format!("/api/search?q={}", many.join("+"))).await;
    assert_field_error(status, &body, "q");

    // The token is needed, as for every API call.
    let res = f
        .send(
            Request::builder()
                .uri("/api/search?q=gen")
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}
