//! Spreadsheets through the API: `GET /api/export/{collection}.{csv,xlsx}` and
//! `POST /api/import/{members,groups}?dry_run=`: a file exported and imported again writes
//! nothing, a file carries a bureau's members and groups to another, every kind of row error
//! is listed with its field and nothing is written while there is one, rows match by id,
//! e-mail or name, and bad requests are 4xx naming the field.

use super::*;
use crate::export::sheet::XLSX_TYPE;

/// A request with a file body of the given content type.
fn upload(uri: &str, content_type: &str, body: Vec<u8>) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .expect("request")
}

impl Fixture {
    async fn export(&self, file: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self
            .send(request(Method::GET, &format!("/api/export/{file}"), None))
            .await;
        let status = res.status();
        let headers = res.headers().clone();
        (status, headers, body_bytes(res).await)
    }

    async fn import(
        &self,
        collection: &str,
        dry_run: bool,
        content_type: &str,
        file: Vec<u8>,
    ) -> (StatusCode, Value) {
        let uri = format!("/api/import/{collection}?dry_run={dry_run}");
        let res = self.send(upload(&uri, content_type, file)).await;
        let (status, _, v) = parts(res).await;
        (status, v)
    }

    fn heads(&self) -> Vec<String> {
        self.doc.state().heads.clone()
    }
}

/// Members and groups with what a spreadsheet gets wrong most: accents and other scripts,
/// phone numbers starting with `+`, names starting with `=`, `-` and `@`, commas, quotes,
/// a name with an apostrophe first, several focal points.
/// How many changes the node's document holds, read from `GET /api/doc`.
async fn change_count(f: &Fixture) -> usize {
    let res = f.send(request(Method::GET, "/api/doc", None)).await;
    let bytes = body_bytes(res).await;
    let mut doc = automerge::AutoCommit::load(&bytes).expect("a document");
    doc.get_changes(&[]).len()
}

async fn roster(f: &Fixture) -> (String, String) {
    let amina = f
        .create(
            "members",
            json!({"name": "Amina Diallo", "organisation": "Réseau Femmes, Afrique de l'Ouest",
                   "email": "amina@example.org", "phone": "+221 77 000 00 00", "languages": ["fr", "en"]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let li = f
        .create(
            "members",
            json!({"name": "李华", "organisation": "=HYPERLINK(\"http://x\")", "email": "",
                   "phone": "-", "languages": ["zh-Hans"]}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    f.create(
        "members",
        json!({"name": "@handle \"Quoted\"", "organisation": "'Apostrophe first", "languages": []}),
    )
    .await;
    f.create(
        "members",
        json!({"name": "'Ali", "organisation": "+ plus", "phone": "\t12"}),
    )
    .await;
    f.create(
        "groups",
        json!({"name": "Gender Caucus", "kind": "caucus", "focal_points": [amina.clone(), li.clone()]}),
    )
    .await;
    f.create(
        "groups",
        json!({"name": "Health WG", "kind": "working-group", "status": "inactive"}),
    )
    .await;
    (amina, li)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_exported_and_imported_again_writes_nothing() {
    let f = fixture().await;
    roster(&f).await;
    for (ext, ct) in [("csv", "text/csv"), ("xlsx", XLSX_TYPE)] {
        for collection in ["members", "groups"] {
            let (status, headers, file) = f.export(&format!("{collection}.{ext}")).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                headers[header::CONTENT_DISPOSITION],
                format!("attachment; filename=\"{collection}.{ext}\"")
            );
            let before = f.heads();
            let (status, v) = f.import(collection, false, ct, file).await;
            assert_eq!(status, StatusCode::OK, "{ext} {collection}: {v}");
            assert_eq!(v["applied"], true, "{v}");
            assert_eq!(v["written"], 0, "{ext} {collection}: {v}");
            let rows = v["rows"].as_array().unwrap();
            let expected = if collection == "members" { 5 } else { 2 };
            assert_eq!(rows.len(), expected, "{v}");
            for r in rows {
                assert_eq!(r["action"], "update", "{r}");
                assert!(r.get("changes").is_none(), "{r}");
            }
            assert_eq!(f.heads(), before, "{ext} {collection} wrote something");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn csv_starts_with_a_bom_and_guards_formulas_and_xlsx_holds_text_as_text() {
    let f = fixture().await;
    roster(&f).await;
    let (status, headers, csv) = f.export("members.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "no byte order mark");
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    assert!(text.contains(",'+221 77 000 00 00,"), "{text}");
    assert!(text.contains(",'-,"), "{text}");
    assert!(text.contains("\"'@handle \"\"Quoted\"\"\""), "{text}");
    assert!(text.contains(",'\t12,"), "{text}");
    // An apostrophe that guards nothing is the name's own, written as it is.
    assert!(text.contains(",'Ali,'+ plus,"), "{text}");
    assert!(text.contains("'Apostrophe first"), "{text}");
    assert!(!text.contains("''Apostrophe"), "{text}");
    let (status, headers, xlsx) = f.export("members.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], XLSX_TYPE);
    let rows = crate::export::sheet::read_xlsx(&xlsx).expect("xlsx");
    let cells: Vec<String> = rows.rows.iter().flat_map(|(_, c)| c.clone()).collect();
    for want in [
        "=HYPERLINK(\"http://x\")",
        "+221 77 000 00 00",
        "-",
        "@handle \"Quoted\"",
        "\t12",
        "'Ali",
        "李华",
    ] {
        assert!(cells.iter().any(|c| c == want), "{want:?} not in {cells:?}");
    }
    for collection in ["rooms", "meetings", "groups"] {
        for ext in ["csv", "xlsx"] {
            let (status, _, _) = f.export(&format!("{collection}.{ext}")).await;
            assert_eq!(status, StatusCode::OK, "{collection}.{ext}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bureaus_members_and_groups_move_to_another_through_either_format() {
    for (ext, ct) in [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX_TYPE)] {
        let from = fixture().await;
        roster(&from).await;
        let to = fixture().await;
        for collection in ["members", "groups"] {
            let (_, _, file) = from.export(&format!("{collection}.{ext}")).await;
            // The preview says what would happen and writes nothing.
            let before = to.heads();
            let (status, v) = to.import(collection, true, ct, file.clone()).await;
            assert_eq!(status, StatusCode::OK, "{v}");
            assert_eq!(v["applied"], false);
            // The founder is in both (the test bureaus share the founding member's id):
            // matched by id, with nothing to change. Everyone else is new.
            for r in v["rows"].as_array().unwrap() {
                if r["id"] == FOUNDER {
                    assert_eq!(r["action"], "update", "{r}");
                } else {
                    assert_eq!(r["action"], "new", "{r}");
                    assert!(r.get("id").is_none(), "{r}");
                }
            }
            assert_eq!(to.heads(), before);
            let (status, v) = to.import(collection, false, ct, file).await;
            assert_eq!(status, StatusCode::OK, "{v}");
            assert_eq!(v["applied"], true);
            for r in v["rows"].as_array().unwrap() {
                assert_eq!(
                    r["action"],
                    if r["id"] == FOUNDER { "update" } else { "new" }
                );
                assert!(r["id"].is_string(), "{r}");
            }
        }
        // The other bureau's lists read as the first's, ids aside.
        for collection in ["members", "groups"] {
            let (_, _, a) = from.export(&format!("{collection}.csv")).await;
            let (_, _, b) = to.export(&format!("{collection}.csv")).await;
            let without_ids = |bytes: Vec<u8>| -> Vec<Vec<String>> {
                crate::export::sheet::read_csv(&bytes)
                    .unwrap()
                    .rows
                    .into_iter()
                    .map(|(_, cells)| cells[1..].to_vec())
                    .collect()
            };
            assert_eq!(without_ids(a), without_ids(b), "{ext} {collection}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_match_by_id_email_or_name_and_only_changed_fields_are_written() {
    let f = fixture().await;
    let (amina, li) = roster(&f).await;
    // Amina by e-mail (new name), Li by name (new organisation), a new member, and a row
    // naming Amina's id with no other change: the same record twice is refused below.
    let csv = "name,email,organisation\r\n\
               Amina D.,AMINA@example.org,\"Réseau Femmes, Afrique de l'Ouest\"\r\n\
               李华,,UN Women\r\n\
               Bob New,bob@example.org,\r\n";
    let before = change_count(&f).await;
    let (status, v) = f.import("members", false, "text/csv", csv.into()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        change_count(&f).await,
        before + 1,
        "the import's three rows are one change"
    );
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows[0]["row"], 2);
    assert_eq!(rows[0]["action"], "update");
    assert_eq!(rows[0]["id"], amina.as_str());
    // Matched whatever the case of the address; the file's spelling is written.
    assert_eq!(rows[0]["changes"], json!(["name", "email"]));
    assert_eq!(rows[1]["id"], li.as_str());
    assert_eq!(rows[1]["changes"], json!(["organisation"]));
    assert_eq!(rows[2]["action"], "new");
    assert_eq!(v["written"], 3);
    let snap = f.doc.state().snapshot.clone();
    let a = snap.members.get(&amina).unwrap();
    assert_eq!(a.name, "Amina D.");
    // The columns the file lacks stay as they were.
    assert_eq!(a.phone, "+221 77 000 00 00");
    assert_eq!(a.languages.len(), 2);
    let bob = rows[2]["id"].as_str().unwrap();
    assert_eq!(snap.members.get(bob).unwrap().email, "bob@example.org");

    // A group by id, renamed, its focal points by e-mail and name.
    let caucus = snap
        .groups
        .values()
        .find(|g| g.name == "Gender Caucus")
        .unwrap()
        .id
        .clone();
    let csv = format!(
        "id;name;kind;focal_points\n{caucus};Women's Caucus;Caucus;\"amina@example.org; Bob New\"\n"
    );
    let (status, v) = f.import("groups", false, "text/csv", csv.into()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["rows"][0]["changes"],
        json!(["name", "focal_points"]),
        "{v}"
    );
    let g = f.doc.state().snapshot.groups.get(&caucus).unwrap().clone();
    assert_eq!(g.name, "Women's Caucus");
    let mut fps = g.focal_points.clone();
    fps.sort();
    let mut want = vec![amina.clone(), bob.to_owned()];
    want.sort();
    assert_eq!(fps, want);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_preview_lists_every_kind_of_row_error_and_nothing_is_written_while_one_remains() {
    let f = fixture().await;
    roster(&f).await;
    // Two members called the same, neither with an e-mail: a row naming them is ambiguous.
    f.create("members", json!({"name": "Sam Twin"})).await;
    f.create("members", json!({"name": "Sam Twin"})).await;
    let csv = "name,email,languages,phone\n\
               ,nobody@example.org,,\n\
               Bad Mail,not-an-address,,\n\
               Bad Lang,,en; klingon,\n\
               Sam Twin,,,\n\
               \u{202E}Reversed,,,\n\
               New Person,new@example.org,,\n\
               New Person,new@example.org,,\n\
               Long Phone,,,\"line\nbreak\"\n\
               Fine Person,fine@example.org,en,\n";
    let before = f.heads();
    let (status, v) = f.import("members", true, "text/csv", csv.into()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let got: Vec<(u64, String, String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["action"].as_str().unwrap().to_owned(),
                r["error"]["code"].as_str().unwrap_or_default().to_owned(),
                r["error"]["field"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(u64, String, String, String)> = [
        (2, "error", "missing-name", "name"),
        (3, "error", "bad-email", "email"),
        (4, "error", "bad-language", "languages"),
        (5, "error", "ambiguous", "name"),
        (6, "error", "invalid", "name"),
        (7, "new", "", ""),
        (8, "error", "duplicate", "name"),
        (9, "error", "invalid", "phone"),
        // Rows are counted as a spreadsheet shows them: the line break quoted inside
        // row 9 does not make another row.
        (10, "new", "", ""),
    ]
    .into_iter()
    .map(|(r, a, c, fl)| (r, a.to_owned(), c.to_owned(), fl.to_owned()))
    .collect();
    assert_eq!(got, want, "{v}");
    assert_eq!(v["rows"][2]["error"]["value"], "klingon");
    assert!(
        v["rows"][1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not-an-address")
    );
    // Applying it is refused whole.
    let (status, v) = f.import("members", false, "text/csv", csv.into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["applied"], false);
    assert_eq!(v["error"]["code"], "import_errors");
    assert_eq!(f.heads(), before);

    let csv = "name,kind,status,focal_points\n\
               Odd Kind,federation,,\n\
               Odd Status,caucus,dormant,\n\
               No Such Focal,caucus,,Nobody Known\n\
               Twin Focal,caucus,,Sam Twin\n\
               ,caucus,,\n\
               Gender Caucus,caucus,,\n\
               gender caucus,other,,\n\
               New Group,working group,active,Amina Diallo; amina@example.org\n";
    let (status, v) = f.import("groups", true, "text/csv", csv.into()).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let codes: Vec<(String, String)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["error"]["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("error", "unknown-kind"),
        ("error", "unknown-status"),
        ("error", "unknown-member"),
        ("error", "ambiguous"),
        ("error", "missing-name"),
        ("update", ""),
        ("error", "duplicate"),
        ("new", ""),
    ]
    .into_iter()
    .map(|(a, c)| (a.to_owned(), c.to_owned()))
    .collect();
    assert_eq!(codes, want, "{v}");
    assert_eq!(v["rows"][0]["error"]["field"], "kind");
    assert_eq!(v["rows"][2]["error"]["field"], "focal_points");
    assert_eq!(v["rows"][2]["error"]["value"], "Nobody Known");
    let (status, _) = f.import("groups", false, "text/csv", csv.into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(f.heads(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_are_refused_naming_what_is_wrong() {
    let f = fixture().await;
    for file in ["members.pdf", "devices.csv", "members", "notes.xlsx"] {
        let (status, _, body) = f.export(file).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{file}");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "not_found");
    }
    let csv = || b"name\nAda\n".to_vec();
    let (status, v) = f.import("rooms", true, "text/csv", csv()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    let (status, v) = f.import("members", true, "application/json", csv()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{v}");
    assert_eq!(v["error"]["field"], "content-type");
    let res = f
        .send(upload(
            "/api/import/members?dry_run=maybe",
            "text/csv",
            csv(),
        ))
        .await;
    let (status, _, v) = parts(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["field"], "dry_run");
    let (status, v) = f
        .import("members", true, "text/csv", b"email\nx@y\n".to_vec())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["field"], "name");
    let (status, v) = f
        .import("members", true, "text/csv", b"name\nZo\xe9\n".to_vec())
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "file");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("UTF-8"),
        "{v}"
    );
    let (status, v) = f.import("members", true, XLSX_TYPE, csv()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "file");
    let (status, v) = f.import("members", true, "text/csv", Vec::new()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"]["field"], "file");
    // Without the token, nothing.
    let req = Request::builder()
        .uri("/api/export/members.csv")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    assert_eq!(f.send(req).await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(f.member_count(), 1);
}
