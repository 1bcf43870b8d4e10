//! Bad input through the real HTTP server: every row is refused with the right status and an
//! error naming the field (or code), and none of them changes the document.

use serde_json::{Value, json};

use crate::support::{Node, api_error};

/// Which headers a row sends besides its body's `Content-Type`.
#[derive(Debug, Clone)]
enum Hdr {
    /// `Host` and the right token.
    Default,
    /// `Host`, no token.
    NoToken,
    /// `Host`, this `Authorization` value.
    Auth(&'static str),
    /// This `Host` (`{port}` is replaced by the node's port), the right token.
    Host(&'static str),
    /// No `Host` header at all, the right token.
    NoHost,
    /// The default headers plus this one (`{port}` replaced).
    Extra(&'static str, &'static str),
}

#[derive(Debug)]
struct Row {
    what: &'static str,
    method: &'static str,
    path: String,
    hdr: Hdr,
    body: Vec<u8>,
    status: u16,
    code: &'static str,
    /// The `field` the error must name (`None`: the error must name no field).
    field: Option<&'static str>,
    /// Substrings the message must contain.
    message: &'static [&'static str],
}

fn row(
    what: &'static str,
    method: &'static str,
    path: impl Into<String>,
    body: impl Into<Vec<u8>>,
    status: u16,
    code: &'static str,
    field: Option<&'static str>,
) -> Row {
    Row {
        what,
        method,
        path: path.into(),
        hdr: Hdr::Default,
        body: body.into(),
        status,
        code,
        field,
        message: &[],
    }
}

impl Row {
    fn hdr(mut self, hdr: Hdr) -> Row {
        self.hdr = hdr;
        self
    }
    fn says(mut self, message: &'static [&'static str]) -> Row {
        self.message = message;
        self
    }
}

/// A 400 naming `field`.
fn bad_field(
    what: &'static str,
    method: &'static str,
    path: impl Into<String>,
    body: &Value,
    field: &'static str,
) -> Row {
    row(
        what,
        method,
        path,
        body.to_string(),
        400,
        "invalid_field",
        Some(field),
    )
}

fn first_id(node: &Node, collection: &str) -> Value {
    let list = node.get(&format!("/api/{collection}")).expect(200);
    list.as_array()
        .and_then(|l| l.first())
        .cloned()
        .unwrap_or_else(|| panic!("the demo bureau has no {collection}: {list}"))
}

#[test]
fn bad_input_is_refused_with_the_field_named_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let mut node = Node::start(&tmp.path().join("node"), &["--demo"]);

    let member = first_id(&node, "members");
    let member_id = member["id"].as_str().unwrap().to_owned();
    let body_id = first_id(&node, "bodies")["id"].as_str().unwrap().to_owned();
    let meeting = first_id(&node, "meetings");
    let meeting_id = meeting["id"].as_str().unwrap().to_owned();
    let meeting_end = meeting["end"].as_str().unwrap().to_owned();
    // The demo bureau holds the charter, its brackets read into remarks and a suggestion.
    let charter = first_id(&node, "documents");
    assert_eq!(
        charter["comments"].as_array().map(Vec::len),
        Some(5),
        "{charter}"
    );
    assert_eq!(
        charter["suggestions"][0]["replacement"],
        json!("facilitate"),
        "{charter}"
    );
    let valid_member = json!({"name": "Would Be Written", "organisation": "Probe"});

    let oversized = {
        // A valid object, so that only its size can be the reason for refusing it.
        let mut b = br#"{"title":"big","text":""#.to_vec();
        b.resize(b.len() + 1024 * 1024 + 1, b'a');
        b.extend_from_slice(br#""}"#);
        b
    };

    let rows =
        vec![
        // ---- the body is not a JSON object ----
        row(
            "malformed JSON",
            "POST",
            "/api/members",
            r#"{"name": "#,
            400,
            "invalid_json",
            None,
        )
        .says(&["not valid JSON"]),
        row(
            "trailing garbage after the object",
            "POST",
            "/api/members",
            r#"{"name":"A"} x"#,
            400,
            "invalid_json",
            None,
        ),
        row(
            "empty body",
            "POST",
            "/api/members",
            "",
            400,
            "invalid_json",
            None,
        ),
        row(
            "body is an array",
            "POST",
            "/api/members",
            r#"[{"name":"A"}]"#,
            400,
            "invalid_json",
            None,
        )
        .says(&["object", "array"]),
        row(
            "body is a string",
            "PATCH",
            format!("/api/members/{member_id}"),
            r#""Amina""#,
            400,
            "invalid_json",
            None,
        )
        .says(&["object"]),
        // ---- fields ----
        bad_field(
            "missing required field",
            "POST",
            "/api/members",
            &json!({}),
            "name",
        )
        .says(&["required"]),
        bad_field(
            "blank required field",
            "POST",
            "/api/members",
            &json!({"name": "   "}),
            "name",
        ),
        bad_field(
            "name with a line break",
            "POST",
            "/api/members",
            &json!({"name": "Two\nLines"}),
            "name",
        ),
        bad_field(
            "wrongly typed field (capacity as a word)",
            "POST",
            "/api/rooms",
            &json!({"name": "Room Z", "capacity": "ten"}),
            "capacity",
        )
        .says(&["whole number"]),
        bad_field(
            "negative capacity",
            "POST",
            "/api/rooms",
            &json!({"name": "Room Z", "capacity": -3}),
            "capacity",
        ),
        bad_field(
            "name as a number",
            "POST",
            "/api/members",
            &json!({"name": 42}),
            "name",
        )
        .says(&["string"]),
        bad_field(
            "languages as a string instead of an array",
            "POST",
            "/api/members",
            &json!({"name": "A", "languages": "en"}),
            "languages",
        ),
        bad_field(
            "unknown field",
            "POST",
            "/api/members",
            &json!({"name": "A", "nickname": "Al"}),
            "nickname",
        )
        .says(&["unknown field"]),
        bad_field(
            "unknown field on PATCH",
            "PATCH",
            format!("/api/members/{member_id}"),
            &json!({"nickname": "Al"}),
            "nickname",
        ),
        bad_field(
            "unknown enum value",
            "POST",
            "/api/groups",
            &json!({"name": "Chess", "kind": "club"}),
            "kind",
        )
        .says(&["club", "family", "caucus", "working-group"]),
        bad_field(
            "meeting ends before it starts",
            "POST",
            "/api/meetings",
            &json!({"title": "Backwards", "start": "2025-11-16T10:00:00+01:00",
                    "end": "2025-11-16T09:00:00+01:00"}),
            "end",
        )
        .says(&["end after it starts"]),
        bad_field(
            "meeting ends when it starts",
            "POST",
            "/api/meetings",
            &json!({"title": "Instant", "start": "2025-11-16T10:00:00+01:00",
                    "end": "2025-11-16T10:00:00+01:00"}),
            "end",
        ),
        bad_field(
            "meeting moved to start at its stored end",
            "PATCH",
            format!("/api/meetings/{meeting_id}"),
            &json!({"start": meeting_end}),
            "start",
        ),
        bad_field(
            "unparseable date-time",
            "POST",
            "/api/meetings",
            &json!({"title": "Vague", "start": "next tuesday", "end": "2025-11-16T10:00:00+01:00"}),
            "start",
        )
        .says(&["next tuesday"]),
        bad_field(
            "unknown room id in a meeting",
            "POST",
            "/api/meetings",
            &json!({"title": "Nowhere", "start": "2025-11-16T09:00:00+01:00",
                    "end": "2025-11-16T10:00:00+01:00", "room_id": "no-such-room"}),
            "room_id",
        )
        .says(&["no-such-room"]),
        bad_field(
            "bad language code",
            "POST",
            "/api/members",
            &json!({"name": "A", "languages": ["English"]}),
            "languages",
        )
        .says(&["English"]),
        bad_field(
            "bad e-mail address",
            "POST",
            "/api/members",
            &json!({"name": "A", "email": "not-an-email"}),
            "email",
        ),
        bad_field(
            "review with a bad date",
            "POST",
            "/api/reviews",
            &json!({"date": "16/11/2025"}),
            "date",
        )
        .says(&["16/11/2025"]),
        bad_field(
            "note action with an unknown owner",
            "POST",
            "/api/notes",
            &json!({"body_id": body_id, "title": "Liaison",
                    "actions": [{"text": "Follow up", "owner": "nobody-at-all"}]}),
            "actions[0].owner",
        ),
        bad_field(
            "note action with an unknown field",
            "POST",
            "/api/notes",
            &json!({"body_id": body_id, "title": "Liaison",
                    "actions": [{"text": "Follow up", "colour": "red"}]}),
            "actions[0].colour",
        ),
        bad_field(
            "note for an unknown body",
            "POST",
            "/api/notes",
            &json!({"body_id": "no-such-body", "title": "Liaison"}),
            "body_id",
        ),
        bad_field(
            "resolving a conflict that does not exist",
            "POST",
            "/api/conflicts/resolve",
            &json!({"type": "member", "id": member_id, "field": "name", "value": "X"}),
            "field",
        )
        .says(&["no conflict"]),
        bad_field(
            "resolving on an unknown record type",
            "POST",
            "/api/conflicts/resolve",
            &json!({"type": "planet", "id": member_id, "field": "name", "value": "X"}),
            "type",
        ),
        row(
            "list with archived=maybe",
            "GET",
            "/api/members?archived=maybe",
            "",
            400,
            "invalid_field",
            Some("archived"),
        ),
        row(
            "devices are not created through the API",
            "POST",
            "/api/devices",
            r#"{"name":"x"}"#,
            405,
            "not_editable",
            None,
        ),
        // ---- unknown things ----
        row(
            "unknown record id (GET)",
            "GET",
            "/api/members/no-such-member",
            "",
            404,
            "not_found",
            None,
        ),
        row(
            "unknown record id (PATCH)",
            "PATCH",
            "/api/members/no-such-member",
            r#"{"name":"Ghost"}"#,
            404,
            "not_found",
            None,
        ),
        row(
            "unknown record id (DELETE)",
            "DELETE",
            "/api/meetings/no-such-meeting",
            "",
            404,
            "not_found",
            None,
        ),
        row(
            "unknown record id (restore)",
            "POST",
            "/api/rooms/no-such-room/restore",
            "",
            404,
            "not_found",
            None,
        ),
        row(
            "unknown collection (GET)",
            "GET",
            "/api/widgets",
            "",
            404,
            "not_found",
            None,
        ),
        row(
            "unknown collection (POST)",
            "POST",
            "/api/widgets",
            r#"{"name":"x"}"#,
            404,
            "not_found",
            None,
        ),
        row(
            // Outside /api an unknown address is an HTML page (the UI's 404, tested with the
            // pages); under /api it is JSON.
            "unknown nested path in the API",
            "GET",
            "/api/no/such/page",
            "",
            404,
            "not_found",
            None,
        ),
        // ---- size ----
        row(
            "body over 1 MiB",
            "POST",
            "/api/notes",
            oversized,
            413,
            "too_large",
            None,
        ),
        // ---- authentication and the local-UI guards ----
        row(
            "missing token",
            "GET",
            "/api/status",
            "",
            401,
            "unauthorized",
            None,
        )
        .hdr(Hdr::NoToken),
        row(
            "missing token on a write",
            "POST",
            "/api/members",
            valid_member.to_string(),
            401,
            "unauthorized",
            None,
        )
        .hdr(Hdr::NoToken),
        row(
            "wrong token",
            "POST",
            "/api/members",
            valid_member.to_string(),
            401,
            "unauthorized",
            None,
        )
        .hdr(Hdr::Auth("Bearer 0000000000000000000000000000000000000000000000000000000000000000")),
        row(
            "token in the wrong scheme",
            "GET",
            "/api/members",
            "",
            401,
            "unauthorized",
            None,
        )
        .hdr(Hdr::Auth("Basic dXNlcjpwYXNz")),
        row(
            "foreign Host header",
            "GET",
            "/api/status",
            "",
            403,
            "forbidden_host",
            None,
        )
        .hdr(Hdr::Host("evil.example:{port}")),
        row(
            "foreign Host header on a write",
            "POST",
            "/api/members",
            valid_member.to_string(),
            403,
            "forbidden_host",
            None,
        )
        .hdr(Hdr::Host("attacker.example")),
        row(
            "loopback Host with another port",
            "GET",
            "/api/status",
            "",
            403,
            "forbidden_host",
            None,
        )
        .hdr(Hdr::Host("127.0.0.1:1")),
        row(
            "no Host header",
            "GET",
            "/api/status",
            "",
            403,
            "forbidden_host",
            None,
        )
        .hdr(Hdr::NoHost),
        row(
            "foreign Origin on a POST",
            "POST",
            "/api/members",
            valid_member.to_string(),
            403,
            "forbidden_origin",
            None,
        )
        .hdr(Hdr::Extra("Origin", "http://evil.example")),
        row(
            "opaque Origin on a DELETE",
            "DELETE",
            format!("/api/members/{member_id}"),
            "",
            403,
            "forbidden_origin",
            None,
        )
        .hdr(Hdr::Extra("Origin", "null")),
        row(
            "same host but https Origin on a PATCH",
            "PATCH",
            format!("/api/members/{member_id}"),
            r#"{"name":"Renamed"}"#,
            403,
            "forbidden_origin",
            None,
        )
        .hdr(Hdr::Extra("Origin", "https://127.0.0.1:{port}")),
        row(
            "cross-site fetch metadata on a POST",
            "POST",
            "/api/members",
            valid_member.to_string(),
            403,
            "forbidden_origin",
            None,
        )
        .hdr(Hdr::Extra("Sec-Fetch-Site", "cross-site")),
    ];

    // The node's own start-up writes are done before the document is compared.
    node.wait_settled();
    let before = node.status();
    let members_before = node.get("/api/members?archived=true").expect(200);
    let port = node.addr.port().to_string();
    let mut failures = Vec::new();
    for r in &rows {
        let fill = |s: &str| s.replace("{port}", &port);
        let mut headers = match &r.hdr {
            Hdr::Default | Hdr::Extra(..) => node.default_headers(),
            Hdr::NoToken => vec![("Host".to_owned(), node.host())],
            Hdr::Auth(a) => vec![
                ("Host".to_owned(), node.host()),
                ("Authorization".to_owned(), (*a).to_owned()),
            ],
            Hdr::Host(h) => vec![
                ("Host".to_owned(), fill(h)),
                ("Authorization".to_owned(), format!("Bearer {}", node.token)),
            ],
            Hdr::NoHost => vec![("Authorization".to_owned(), format!("Bearer {}", node.token))],
        };
        if let Hdr::Extra(k, v) = &r.hdr {
            headers.push(((*k).to_owned(), fill(v)));
        }
        if !r.body.is_empty() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        let res = node.request(r.method, &r.path, &headers, &r.body);
        let mut problems = Vec::new();
        if res.status != r.status {
            problems.push(format!("status {} (want {})", res.status, r.status));
        }
        match serde_json::from_slice::<Value>(&res.body) {
            Ok(_) => {
                let e = api_error(&res);
                if e.code != r.code {
                    problems.push(format!("code {:?} (want {:?})", e.code, r.code));
                }
                if e.field.as_deref() != r.field {
                    problems.push(format!("field {:?} (want {:?})", e.field, r.field));
                }
                if let Some(f) = r.field
                    && !e.message.contains(f)
                {
                    problems.push(format!("message {:?} does not name {f:?}", e.message));
                }
                for m in r.message {
                    if !e.message.contains(m) {
                        problems.push(format!("message {:?} lacks {m:?}", e.message));
                    }
                }
            }
            Err(e) => problems.push(format!("body is not JSON ({e}): {:?}", res.text())),
        }
        if !res
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json"))
        {
            problems.push(format!("content-type {:?}", res.header("content-type")));
        }
        if res.status == 401 && res.header("www-authenticate") != Some("Bearer") {
            problems.push("401 without WWW-Authenticate: Bearer".to_owned());
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{} ({} {}): {}\n    body: {}",
                r.what,
                r.method,
                r.path,
                problems.join("; "),
                res.text().chars().take(300).collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows misbehaved:\n  {}",
        failures.len(),
        rows.len(),
        failures.join("\n  ")
    );

    // Nothing was written by any row: same heads, same records.
    let after = node.status();
    assert_eq!(
        before["heads"], after["heads"],
        "a refused request changed the document"
    );
    assert!(
        !before["heads"].as_array().unwrap().is_empty(),
        "the demo bureau has heads"
    );
    assert_eq!(
        members_before,
        node.get("/api/members?archived=true").expect(200),
        "a refused request changed the members"
    );
    // The node is alive and still serves reads and writes.
    assert!(node.is_alive(), "the node died during the bad-input table");
    let created = node
        .post("/api/members", &json!({"name": "After The Table"}))
        .expect(201);
    assert_eq!(created["name"], "After The Table");
    assert_ne!(node.status()["heads"], before["heads"]);
    node.stop();
}
