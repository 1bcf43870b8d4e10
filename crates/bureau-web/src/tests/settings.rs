//! Router tests of the bureau-wide settings: `GET, PATCH /api/settings` and the `/settings`
//! page; values checked naming the field, nothing written on a refusal, and only an admin's
//! changes accepted (403 and the document untouched for anyone else).

use super::roles::{add_bea, form_post, hand_admin_to_bea, log_in, page};
use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_reads_and_changes_the_norms_and_bad_values_name_their_field() {
    let f = fixture().await;
    let (status, v) = f.get("/api/settings").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let norms = &v["interpretation"];
    assert_eq!(norms["booth_solo_max_minutes"]["value"], 40, "{v}");
    assert_eq!(norms["booth_pair_max_minutes"]["default"], 180, "{v}");
    assert_eq!(norms["booth_pair_from_languages"]["min"], 2, "{v}");
    assert_eq!(norms["interpreter_daily_minutes"]["max"], 1440, "{v}");
    assert_eq!(v["feed_secret_set"], false);
    assert_eq!(v["can_change"], true, "the founder's device is an admin");

    let (status, _, v) = f
        .call(
            Method::PATCH,
            "/api/settings",
            Some(json!({"booth_solo_max_minutes": 30, "interpreter_daily_minutes": 300})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["interpretation"]["booth_solo_max_minutes"]["value"], 30);
    assert_eq!(
        f.doc.state().snapshot.settings.interpreter_daily_minutes,
        300
    );

    let heads = f.doc.state().heads.clone();
    for (body, field) in [
        (
            json!({"booth_solo_max_minutes": 0}),
            "booth_solo_max_minutes",
        ),
        (
            json!({"booth_solo_max_minutes": "forty"}),
            "booth_solo_max_minutes",
        ),
        (
            json!({"booth_pair_from_languages": 9}),
            "booth_pair_from_languages",
        ),
        (
            json!({"booth_pair_max_minutes": 20}),
            "booth_pair_max_minutes",
        ),
        (json!({"coffee": 1}), "coffee"),
        (json!({"feed_secret": "00"}), "feed_secret"),
        (json!({}), "settings"),
    ] {
        let (status, _, v) = f
            .call(Method::PATCH, "/api/settings", Some(body.clone()))
            .await;
        let err = assert_error(status, &v, StatusCode::BAD_REQUEST);
        assert!(
            err["message"].as_str().unwrap().starts_with(field),
            "{body}: {v}"
        );
    }
    assert_eq!(f.doc.state().heads, heads, "a refused change wrote nothing");

    // null is the default again.
    let (status, _, v) = f
        .call(
            Method::PATCH,
            "/api/settings",
            Some(json!({"booth_solo_max_minutes": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["interpretation"]["booth_solo_max_minutes"]["value"], 40);
    assert_eq!(
        v["interpretation"]["interpreter_daily_minutes"]["value"],
        300
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_settings_page_saves_an_admins_values_and_shows_errors_in_place() {
    let f = fixture().await;
    let cookie = log_in(&f).await;
    let (status, html) = page(&f, "/settings", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"name="booth_pair_max_minutes""#), "{html}");
    assert!(html.contains(r#"value="180""#), "{html}");

    let res = f
        .send(form_post(
            "/settings",
            &cookie,
            &[
                ("booth_solo_max_minutes", "45"),
                ("booth_pair_max_minutes", "180"),
                ("booth_pair_from_languages", ""),
                ("interpreter_daily_minutes", "360"),
            ],
        ))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(f.doc.state().snapshot.settings.booth_solo_max_minutes, 45);

    let heads = f.doc.state().heads.clone();
    let res = f
        .send(form_post(
            "/settings",
            &cookie,
            &[
                ("booth_solo_max_minutes", "abc"),
                ("interpreter_daily_minutes", "0"),
            ],
        ))
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = String::from_utf8(body_bytes(res).await).unwrap();
    assert!(html.contains(r#"aria-invalid="true""#), "{html}");
    assert!(html.contains("booth_solo_max_minutes-error"), "{html}");
    assert_eq!(f.doc.state().heads, heads);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_that_is_not_an_admin_cannot_change_the_settings() {
    let f = fixture().await;
    add_bea(&f).await;
    hand_admin_to_bea(&f).await;
    let heads = f.doc.state().heads.clone();
    let (status, v) = f.get("/api/settings").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["can_change"], false, "{v}");
    let (status, _, v) = f
        .call(
            Method::PATCH,
            "/api/settings",
            Some(json!({"booth_solo_max_minutes": 30})),
        )
        .await;
    let err = assert_error(status, &v, StatusCode::FORBIDDEN);
    assert_eq!(err["code"], "not_admin", "{v}");

    let cookie = log_in(&f).await;
    let (status, html) = page(&f, "/settings", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("<form method=\"post\" action=\"/settings\""),
        "{html}"
    );
    let res = f
        .send(form_post(
            "/settings",
            &cookie,
            &[("booth_solo_max_minutes", "30")],
        ))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(f.doc.state().heads, heads, "nothing was written");
}
