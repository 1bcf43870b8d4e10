//! The interpretation planner over HTTP: `/api/interpreters` and a meeting's `booths` in the
//! API (the contract's shapes, refusals naming the field), the plan, the sheet, an
//! interpreter's form and day, and seating from the plan's form, which keeps a seat a peer
//! added meanwhile; every page in every language.

use super::*;

fn json_req(method: Method, uri: &str, body: Option<serde_json::Value>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::COOKIE, session())
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap()
}

impl Ui {
    async fn api(
        &self,
        method: Method,
        uri: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let (status, _, text) = self.send(json_req(method, uri, body)).await;
        let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        (status, value)
    }
}

#[track_caller]
fn refused_field(status: StatusCode, body: &serde_json::Value, field: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], serde_json::json!(field), "{body}");
}

/// Two interpreters through the API, seated in the first meeting's French booth.
async fn planned(ui: &Ui) -> (String, String) {
    let (status, nadia) = ui
        .api(
            Method::POST,
            "/api/interpreters",
            Some(serde_json::json!({
                "name": "Nadia Haddad",
                "email": "nadia@example.org",
                "languages": {"a": ["fr"], "b": ["en"], "c": ["ar"]},
                "available": [{"date": ui.today.to_string()}, {"date": "2030-01-02", "from": "09:00", "to": "13:00"}],
                "team": "Geneva pool",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{nadia}");
    assert_eq!(
        nadia["languages"],
        serde_json::json!({"a": ["fr"], "b": ["en"], "c": ["ar"]})
    );
    assert_eq!(
        nadia["available"],
        serde_json::json!([
            {"date": ui.today.to_string()},
            {"date": "2030-01-02", "from": "09:00", "to": "13:00"},
        ])
    );
    let (_, omar) = ui
        .api(
            Method::POST,
            "/api/interpreters",
            Some(
                serde_json::json!({"name": "Omar Farouk", "languages": {"a": ["ar"], "c": ["en"]}}),
            ),
        )
        .await;
    let (nadia, omar) = (
        nadia["id"].as_str().unwrap().to_owned(),
        omar["id"].as_str().unwrap().to_owned(),
    );
    // Omar does not work into French: a mismatch.
    let (status, meeting) = ui
        .api(
            Method::PATCH,
            &format!("/api/meetings/{}", ui.ids.first),
            Some(
                serde_json::json!({"booths": [{"language": "fr", "interpreters": [nadia, omar]}]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{meeting}");
    let mut both = vec![nadia.clone(), omar.clone()];
    both.sort();
    assert_eq!(
        meeting["booths"],
        serde_json::json!([{"language": "fr", "interpreters": both}])
    );
    (nadia, omar)
}

#[tokio::test(flavor = "multi_thread")]
async fn interpreters_and_booths_follow_the_api_contract() {
    let ui = ui().await;
    let (nadia, omar) = planned(&ui).await;
    // The planner's findings carry the meeting, the booth's language and the interpreter.
    let (_, found) = ui.api(Method::GET, "/api/findings", None).await;
    let mismatch = found
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "interpreter-language-mismatch")
        .unwrap_or_else(|| panic!("{found}"));
    assert_eq!(
        mismatch["refs"],
        serde_json::json!([
            {"type": "meeting", "id": ui.ids.first},
            {"type": "language", "id": "fr"},
            {"type": "interpreter", "id": omar},
        ])
    );
    let (status, list) = ui.api(Method::GET, "/api/interpreters", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    let (status, _) = ui
        .api(
            Method::PATCH,
            &format!("/api/interpreters/{omar}"),
            Some(serde_json::json!({"languages": {"b": ["fr"]}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, one) = ui
        .api(Method::GET, &format!("/api/interpreters/{omar}"), None)
        .await;
    assert_eq!(one["languages"]["b"], serde_json::json!(["fr"]));
    // French is now his B language: the mismatch is gone.
    let (_, found) = ui.api(Method::GET, "/api/findings", None).await;
    assert!(
        !found
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "interpreter-language-mismatch"),
        "{found}"
    );
    assert_eq!(
        one["languages"]["a"],
        serde_json::json!(["ar"]),
        "untouched"
    );
    // Archived like any record, and restored.
    let (status, archived) = ui
        .api(Method::DELETE, &format!("/api/interpreters/{omar}"), None)
        .await;
    assert_eq!(
        (status, &archived["archived"]),
        (StatusCode::OK, &serde_json::json!(true))
    );
    let (_, list) = ui.api(Method::GET, "/api/interpreters", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, _) = ui
        .api(
            Method::POST,
            &format!("/api/interpreters/{omar}/restore"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Bad input names the field and writes nothing.
    for (body, field) in [
        (
            serde_json::json!({"name": "X", "languages": {"a": ["english"]}}),
            "languages.a",
        ),
        (
            serde_json::json!({"name": "X", "languages": {"d": ["en"]}}),
            "languages.d",
        ),
        (
            serde_json::json!({"name": "X", "languages": ["en"]}),
            "languages",
        ),
        (
            serde_json::json!({"name": "X", "available": [{"date": "2025-13-01"}]}),
            "available",
        ),
        (
            serde_json::json!({"name": "X", "available": [{"from": "09:00"}]}),
            "available[0].date",
        ),
        (serde_json::json!({"name": ""}), "name"),
    ] {
        let (status, err) = ui.api(Method::POST, "/api/interpreters", Some(body)).await;
        refused_field(status, &err, field);
    }
    for (booths, field) in [
        (
            serde_json::json!([{"language": "fr", "interpreters": ["nobody"]}]),
            "booths",
        ),
        (
            serde_json::json!([{"language": "fr/x", "interpreters": [nadia]}]),
            "booths[0].language",
        ),
        (
            serde_json::json!([{"interpreters": [nadia]}]),
            "booths[0].language",
        ),
        (serde_json::json!({"fr": [nadia]}), "booths"),
    ] {
        let (status, err) = ui
            .api(
                Method::PATCH,
                &format!("/api/meetings/{}", ui.ids.first),
                Some(serde_json::json!({ "booths": booths })),
            )
            .await;
        refused_field(status, &err, field);
    }
    let (_, list) = ui.api(Method::GET, "/api/interpreters", None).await;
    assert_eq!(list.as_array().unwrap().len(), 2, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_plan_sheet_and_an_interpreters_day_in_every_language() {
    let ui = ui().await;
    let (nadia, omar) = planned(&ui).await;
    let day = ui.today;
    let pages = [
        format!("/interpretation?date={day}"),
        format!("/interpretation/sheet?date={day}"),
        "/interpretation/interpreters/new".to_owned(),
        format!("/interpretation/interpreters/{nadia}"),
        format!("/interpretation/interpreters/{nadia}/day?date={day}"),
        format!("/interpretation/meetings/{}", ui.ids.first),
    ];
    for lang in Lang::ALL {
        for uri in &pages {
            let (status, _, html) = ui.send(get_in(uri, lang)).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert_clean_page(uri, &html, lang);
        }
    }
    let plan = ui.page(&format!("/interpretation?date={day}")).await;
    for text in ["Caucus strategy", "Nadia Haddad", "Omar Farouk", "Room C"] {
        assert!(plan.contains(text), "{text}: {}", excerpt(&plan));
    }
    // Omar in the French booth: the mismatch is beside the meeting, in words.
    assert!(
        plan.contains("does not work into that language"),
        "{}",
        excerpt(&plan)
    );
    let sheet = ui.page(&format!("/interpretation/sheet?date={day}")).await;
    assert!(sheet.contains("Nadia Haddad") && !sheet.contains("Assign interpreters"));
    let mine = ui
        .page(&format!(
            "/interpretation/interpreters/{nadia}/day?date={day}"
        ))
        .await;
    assert!(
        mine.contains("Caucus strategy") && mine.contains("90 min"),
        "{}",
        excerpt(&mine)
    );
    assert!(mine.contains("Omar Farouk"), "her booth colleague");
    let other_day = day.tomorrow().unwrap();
    let free = ui
        .page(&format!(
            "/interpretation/interpreters/{nadia}/day?date={other_day}"
        ))
        .await;
    assert!(free.contains("No assignment on this day."));
    assert!(free.contains("Not available on this day."));
    let _ = omar;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_interpreter_form_creates_and_refuses_with_errors_beside_the_fields() {
    let ui = ui().await;
    let base = "/interpretation/interpreters";
    let page = ui
        .post_invalid(
            base,
            &[
                ("name", "Li Na"),
                ("a_languages", "zh"),
                ("available", "tomorrow morning"),
            ],
        )
        .await;
    assert!(
        page.contains("“tomorrow morning” is not a day"),
        "{}",
        excerpt(&page)
    );
    let at = ui
        .post_ok(
            base,
            &[
                ("name", "Li Na"),
                ("a_languages", "zh"),
                ("b_languages", "en"),
                ("c_languages_other", "fr"),
                ("available", "2030-01-02\n2030-01-03 9:00-12:30"),
                ("team", "Beijing team"),
            ],
        )
        .await;
    let li = ui
        .doc
        .state()
        .snapshot
        .interpreters
        .values()
        .find(|i| i.name == "Li Na")
        .cloned()
        .expect("created");
    assert!(at.starts_with(&format!("{base}/{}", li.id)), "{at}");
    assert_eq!(li.languages.c, ["fr"]);
    assert_eq!(
        li.available
            .iter()
            .map(Availability::key)
            .collect::<Vec<_>>(),
        ["2030-01-02", "2030-01-03/09:00-12:30"]
    );
    let page = ui.page(&format!("{base}/{}", li.id)).await;
    assert!(
        page.contains("2030-01-03 09:00-12:30"),
        "{}",
        excerpt(&page)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn seating_from_the_plan_keeps_a_seat_a_peer_added_meanwhile() {
    let ui = ui().await;
    let (nadia, omar) = planned(&ui).await;
    let uri = format!("/interpretation/meetings/{}", ui.ids.first);
    let form = ui.page(&uri).await;
    assert!(
        form.contains(&booth_key("fr", &nadia)),
        "{}",
        excerpt(&form)
    );
    // A third interpreter, seated by a peer after the form was shown.
    let (_, karim) = ui
        .api(
            Method::POST,
            "/api/interpreters",
            Some(serde_json::json!({"name": "Karim", "languages": {"a": ["ar"], "b": ["en"], "c": ["fr"]}})),
        )
        .await;
    let karim = karim["id"].as_str().unwrap().to_owned();
    ui.doc
        .edit(Edit::Update {
            id: ui.ids.first.clone(),
            fields: Fields::Meeting(MeetingFields {
                booths: Some(vec![
                    booth_key("fr", &nadia),
                    booth_key("fr", &omar),
                    booth_key("ar", &karim),
                ]),
                ..MeetingFields::default()
            }),
        })
        .await
        .expect("the peer's seat");
    // The form as shown: Nadia and Omar in French; the reader unticks Omar, ticks nobody new.
    let shown_nadia = booth_key("fr", &nadia);
    let shown_omar = booth_key("fr", &omar);
    let at = ui
        .post_ok(
            &uri,
            &[
                ("shown", &shown_nadia),
                ("shown", &shown_omar),
                ("seat", &shown_nadia),
            ],
        )
        .await;
    assert!(at.starts_with("/interpretation?date="), "{at}");
    let booths = ui.doc.state().snapshot.meetings[&ui.ids.first]
        .booths
        .clone();
    assert_eq!(
        booths,
        [
            Booth {
                language: "ar".into(),
                interpreters: vec![karim]
            },
            Booth {
                language: "fr".into(),
                interpreters: vec![nadia]
            },
        ]
    );
}
