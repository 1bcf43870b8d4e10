//! The spreadsheets page: export links for every list and format, the import form that
//! uploads a file (multipart, as a browser sends it), the preview in the reader's language
//! with each row's action or error, and writing the previewed rows.

use super::*;

const BOUNDARY: &str = "----bureau-test-boundary";

/// The import form as a browser posts it: the collection and the file.
fn upload(collection: &str, filename: &str, file: &[u8], lang: Lang) -> Request<Body> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"collection\"\r\n\r\n{collection}\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Request::builder()
        .method(Method::POST)
        .uri("/roster/spreadsheets/preview")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(
            header::COOKIE,
            format!("{}; bureau_lang={}", session(), lang.code()),
        )
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_offers_every_list_in_both_formats_and_an_upload_form_in_every_language() {
    let ui = ui().await;
    let roster = ui.page("/roster").await;
    assert!(
        roster.contains("href=\"/roster/spreadsheets\""),
        "{}",
        excerpt(&roster)
    );
    for lang in Lang::ALL {
        let (status, _, html) = ui.send(get_in("/roster/spreadsheets", lang)).await;
        assert_eq!(status, StatusCode::OK);
        assert_clean_page("/roster/spreadsheets", &html, lang);
        for list in ["members", "groups", "rooms", "meetings"] {
            for ext in ["csv", "xlsx"] {
                assert!(
                    html.contains(&format!("href=\"/api/export/{list}.{ext}\"")),
                    "{lang:?} {list}.{ext}"
                );
            }
        }
        assert!(html.contains("enctype=\"multipart/form-data\""));
        assert!(html.contains("type=\"file\""));
    }
    // The links work with the browser's session, not only with the token.
    let (status, headers, body) = ui.send(get("/api/export/rooms.csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(body.contains("Room C"), "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_uploaded_file_is_previewed_in_the_readers_language_and_written_once_clean() {
    let ui = ui().await;
    let members_before = ui.snap().members.len();
    // Errors first: the preview says what is wrong, in French, and offers no way to write.
    let bad = "name,email,languages\nBea Delegate,bea@example.org,\n,x@example.org,\nZoé,pas-une-adresse,\nYan,,xx-!\n";
    let (status, _, html) = ui
        .send(upload("members", "membres.csv", bad.as_bytes(), Lang::Fr))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", excerpt(&html));
    assert_clean_page("/roster/spreadsheets/preview", &html, Lang::Fr);
    assert!(
        html.contains("Ce que ferait l’import"),
        "{}",
        excerpt(&html)
    );
    assert!(
        html.contains("La ligne n’a pas de nom."),
        "{}",
        excerpt(&html)
    );
    assert!(
        html.contains("« pas-une-adresse » n’est pas une adresse électronique."),
        "{}",
        excerpt(&html)
    );
    assert!(
        html.contains("« xx-! » n’est pas un code de langue"),
        "{}",
        excerpt(&html)
    );
    // Bea is matched by name: the file gives her an address and, with its empty cell, no
    // languages.
    assert!(
        html.contains("Modifie Courriel, Langues."),
        "{}",
        excerpt(&html)
    );
    assert!(html.contains("Rien n’est écrit tant qu’une ligne comporte une erreur."));
    assert!(!html.contains("action=\"/roster/spreadsheets/apply\""));
    assert_eq!(ui.snap().members.len(), members_before);

    // A clean file, as XLSX (recognised by its content, whatever the browser calls it).
    let table = crate::export::sheet::Table {
        name: "members",
        header: vec!["name", "email", "phone"],
        rows: vec![
            vec!["Bea Delegate".into(), "bea@example.org".into(), "".into()],
            vec![
                "Dia New".into(),
                "dia@example.org".into(),
                "+41 22 000".into(),
            ],
            vec!["Eli New".into(), "".into(), "".into()],
        ],
    };
    let xlsx = crate::export::sheet::to_xlsx(&table).unwrap();
    let (status, _, html) = ui
        .send(upload("members", "members.xlsx", &xlsx, Lang::En))
        .await;
    assert_eq!(status, StatusCode::OK, "{}", excerpt(&html));
    assert!(html.contains(">New<"), "{}", excerpt(&html));
    assert!(html.contains("Changes E-mail."), "{}", excerpt(&html));
    assert_eq!(
        ui.snap().members.len(),
        members_before,
        "a preview writes nothing"
    );
    let fields = form_of(&html, "/roster/spreadsheets/apply");
    let loc = ui
        .post_ok("/roster/spreadsheets/apply", &pairs(&fields))
        .await;
    assert_eq!(loc, "/roster/spreadsheets?written=3");
    let snap = ui.snap();
    assert_eq!(snap.members.len(), members_before + 2);
    let dia = snap.members.values().find(|m| m.name == "Dia New").unwrap();
    assert_eq!(dia.phone, "+41 22 000");
    assert_eq!(snap.members[&ui.ids.bea].email, "bea@example.org");
    let html = ui.page(&loc).await;
    assert!(html.contains("Rows written: 3."), "{}", excerpt(&html));

    // The same file again changes nothing, and says so.
    let (_, _, html) = ui
        .send(upload("members", "members.xlsx", &xlsx, Lang::En))
        .await;
    assert!(
        html.contains("The file changes nothing"),
        "{}",
        excerpt(&html)
    );
    assert!(!html.contains("action=\"/roster/spreadsheets/apply\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_or_unreadable_file_is_an_error_beside_the_file_field() {
    let ui = ui().await;
    let (status, _, html) = ui.send(upload("groups", "empty.csv", b"", Lang::En)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("Choose a CSV or XLSX file to import."),
        "{}",
        excerpt(&html)
    );
    assert!(html.contains("aria-invalid=\"true\""), "{}", excerpt(&html));
    let (status, _, html) = ui
        .send(upload("groups", "latin1.csv", b"name\nZo\xe9\n", Lang::En))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("The file could not be read."),
        "{}",
        excerpt(&html)
    );
    assert!(html.contains("UTF-8"), "{}", excerpt(&html));
    // The groups choice is kept for the next try.
    assert!(
        html.contains("value=\"groups\" checked"),
        "{}",
        excerpt(&html)
    );
    // Not a multipart body at all.
    let (status, _, _) = ui
        .send(post("/roster/spreadsheets/preview", &[("file", "x")]))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
