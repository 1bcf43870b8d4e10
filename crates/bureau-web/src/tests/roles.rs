//! Router tests of roles: only an admin revokes devices, changes roles, invites an admin or a
//! device for another member (403 with a message for anyone else, the document untouched),
//! the last admin keeps its role (409), and the peers page shows the controls to admins only
//! and refuses their posts from anyone else.

use bureau_model::{Fields, MemberFields, Role};

use super::*;

/// Bea's laptop, a second device of the bureau.
fn bea_peer() -> String {
    testing::peer_id('B')
}

/// Adds Bea (a member) with her laptop as an editor; answers her member id.
pub(super) async fn add_bea(f: &Fixture) -> String {
    let applied = f
        .doc
        .edit(Edit::Create(Fields::Member(MemberFields {
            name: Some("Bea Second".to_owned()),
            ..MemberFields::default()
        })))
        .await
        .expect("Bea");
    let bureau_model::Applied::Record(_, bea) = applied else {
        panic!("no member made: {applied:?}");
    };
    f.doc
        .edit(Edit::AddDevice {
            peer_id: bea_peer(),
            member_id: bea.clone(),
            name: "Bea's laptop".to_owned(),
            role: Role::Editor,
        })
        .await
        .expect("Bea's laptop");
    bea
}

/// Makes Bea's laptop the admin and this node's device an editor, as an admin would.
pub(super) async fn hand_admin_to_bea(f: &Fixture) {
    for (peer_id, role) in [(bea_peer(), Role::Admin), (peer(), Role::Editor)] {
        f.doc
            .edit(Edit::SetDeviceRole { peer_id, role })
            .await
            .expect("an admin changes roles");
    }
}

fn device_path(peer: &str) -> String {
    format!("/api/devices/{peer}")
}

/// Logs in through the link and answers the cookie pair.
pub(super) async fn log_in(f: &Fixture) -> String {
    let res = f
        .send(
            bare(Method::GET, &format!("/?token={TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().trim().to_owned()
}

/// A browser's form post with the node's own `Origin` and a session cookie.
pub(super) fn form_post(uri: &str, cookie: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    bare(Method::POST, uri)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

pub(super) async fn page(f: &Fixture, uri: &str, cookie: &str) -> (StatusCode, String) {
    let res = f
        .send(
            bare(Method::GET, uri)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let status = res.status();
    (status, String::from_utf8(body_bytes(res).await).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn the_founder_is_admin_and_changes_roles_but_not_the_last_admins() {
    let f = fixture().await;
    let (status, me) = f.get(&device_path(&peer())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "admin", "{me}");
    assert_eq!(me["actors"].as_array().map(Vec::len), Some(1), "{me}");

    // The only admin keeps its role.
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &device_path(&peer()),
            Some(json!({"role": "editor"})),
        )
        .await;
    let err = assert_error(status, &v, StatusCode::CONFLICT);
    assert_eq!(err["code"], "last_admin", "{v}");
    assert!(
        err["message"].as_str().unwrap().contains("last admin"),
        "{v}"
    );
    // Bad input names the field; an unknown device is 404.
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &device_path(&peer()),
            Some(json!({"role": "boss"})),
        )
        .await;
    assert_field_error(status, &v, "role");
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &device_path(&testing::peer_id('Z')),
            Some(json!({"role": "observer"})),
        )
        .await;
    assert_error(status, &v, StatusCode::NOT_FOUND);

    add_bea(&f).await;
    for role in ["observer", "admin"] {
        let (status, _, v) = f
            .call(
                Method::PATCH,
                &device_path(&bea_peer()),
                Some(json!({ "role": role })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["role"], role, "{v}");
    }
    // With a second admin, the founder may step down.
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &device_path(&peer()),
            Some(json!({"role": "editor"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["role"], "editor");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_non_admin_cannot_revoke_change_roles_or_invite_beyond_its_own() {
    let f = fixture().await;
    let bea = add_bea(&f).await;
    hand_admin_to_bea(&f).await;
    let heads = f.doc.state().heads.clone();

    let (status, _, v) = f
        .call(Method::DELETE, &device_path(&bea_peer()), None)
        .await;
    let err = assert_error(status, &v, StatusCode::FORBIDDEN);
    assert_eq!(err["code"], "not_admin", "{v}");
    assert!(
        err["message"].as_str().unwrap().contains("only an admin"),
        "{v}"
    );
    for role in ["editor", "observer", "admin"] {
        let (status, _, v) = f
            .call(
                Method::PATCH,
                &device_path(&bea_peer()),
                Some(json!({ "role": role })),
            )
            .await;
        assert_eq!(
            assert_error(status, &v, StatusCode::FORBIDDEN)["code"],
            "not_admin"
        );
    }
    // Nor its own role back.
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &device_path(&peer()),
            Some(json!({"role": "admin"})),
        )
        .await;
    assert_error(status, &v, StatusCode::FORBIDDEN);
    // Invites: an admin device, or a device for another member, are an admin's to make.
    for body in [
        json!({"role": "admin"}),
        json!({"role": "editor", "member_id": bea}),
    ] {
        let (status, _, v) = f.call(Method::POST, "/api/invites", Some(body)).await;
        assert_eq!(
            assert_error(status, &v, StatusCode::FORBIDDEN)["code"],
            "not_admin"
        );
    }
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/invites",
            Some(json!({"role": "editor", "member_id": "ghost"})),
        )
        .await;
    assert_field_error(status, &v, "member_id");
    // A new person, or a device of its own member, it may invite (this node runs no
    // network, so the answer is that there is none).
    for body in [
        json!({"role": "editor"}),
        json!({"role": "observer", "member_id": FOUNDER}),
    ] {
        let (status, _, v) = f.call(Method::POST, "/api/invites", Some(body)).await;
        assert_eq!(
            assert_error(status, &v, StatusCode::SERVICE_UNAVAILABLE)["code"],
            "no_network"
        );
    }
    assert_eq!(
        f.doc.state().heads,
        heads,
        "a refused request wrote nothing"
    );
    let snap = f.doc.state().snapshot.clone();
    let bea_device = snap.devices.get(&bea_peer()).unwrap();
    assert_eq!((bea_device.role, bea_device.revoked), (Role::Admin, false));

    // The peers page shows no revoke or role control, says why, and refuses the posts.
    let cookie = log_in(&f).await;
    let (status, html) = page(&f, "/peers", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("/revoke\""), "a revoke form is shown");
    assert!(!html.contains("/role\""), "a role form is shown");
    assert!(
        html.contains("Only an admin can revoke devices or change roles."),
        "the page does not say why"
    );
    let revoke = format!("/peers/devices/{}/revoke", bea_peer());
    let res = f.send(form_post(&revoke, &cookie, &[])).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let role = format!("/peers/devices/{}/role", bea_peer());
    let res = f
        .send(form_post(&role, &cookie, &[("role", "observer")]))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(f.doc.state().heads, heads, "a refused form wrote nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_sees_and_uses_the_controls_on_the_peers_page() {
    let f = fixture().await;
    add_bea(&f).await;
    let cookie = log_in(&f).await;
    let (status, html) = page(&f, "/peers", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let revoke = format!("/peers/devices/{}/revoke", bea_peer());
    let role = format!("/peers/devices/{}/role", bea_peer());
    assert!(
        html.contains(&format!("action=\"{revoke}\"")),
        "no revoke form"
    );
    assert!(html.contains(&format!("action=\"{role}\"")), "no role form");
    // Its own device has no revoke button.
    assert!(!html.contains(&format!("/peers/devices/{}/revoke", peer())));

    let res = f
        .send(form_post(&role, &cookie, &[("role", "observer")]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        f.doc
            .state()
            .snapshot
            .devices
            .get(&bea_peer())
            .unwrap()
            .role,
        Role::Observer
    );
    // Its own role, as the last admin: refused, with the reason.
    let own = format!("/peers/devices/{}/role", peer());
    let res = f
        .send(form_post(&own, &cookie, &[("role", "editor")]))
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let res = f.send(form_post(&revoke, &cookie, &[])).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        f.doc
            .state()
            .snapshot
            .devices
            .get(&bea_peer())
            .unwrap()
            .revoked
    );
}
