//! Router tests of a node started after a kill that followed an edit: the view it saved
//! before that edit is shown while the document loads, marked as older, and the member
//! acknowledged just before the kill is answered by id once the load is done (its page asks
//! to reload in a moment), never as a 404.

use std::path::Path;

use super::roles::{log_in, page};
use super::*;

/// The application over `dir`'s files, with `config`.
async fn fixture_at(tmp: tempfile::TempDir, config: DocConfig) -> Fixture {
    let store = bureau_store::Store::open(tmp.path()).expect("store");
    let (doc, thread) = DocHandle::open(store, config).await.expect("actor");
    Fixture::over(
        doc,
        thread,
        tmp,
        WebConfig::loopback(TOKEN.to_owned(), PORT),
    )
}

/// Stops the node as a clean stop does: the router and every handle go, the actor saves its
/// view and ends.
async fn stop(f: Fixture) -> tempfile::TempDir {
    let Fixture {
        app,
        doc,
        cancel,
        _thread,
        _tmp,
    } = f;
    cancel.cancel();
    drop((app, doc));
    tokio::task::spawn_blocking(move || _thread.join())
        .await
        .expect("join task")
        .expect("the actor thread did not panic");
    _tmp
}

fn view_file(dir: &Path) -> std::path::PathBuf {
    dir.join("state").join("view.bin")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_older_view_is_marked_and_a_record_written_after_it_is_answered_once_loaded() {
    let f = fixture().await;
    f.create("members", json!({"name": "Before the view"}))
        .await;
    let tmp = stop(f).await;
    // What a kill leaves: the view of the files before the next run's edit.
    let old = std::fs::read(view_file(tmp.path())).expect("a clean stop saves the view");
    let f = fixture_at(tmp, DocConfig::new(peer())).await;
    let last = f
        .create("members", json!({"name": "Acknowledged Last"}))
        .await;
    let id = last["id"].as_str().expect("an id").to_owned();
    let tmp = stop(f).await;
    std::fs::write(view_file(tmp.path()), &old).unwrap();

    let (gate, held) = std::sync::mpsc::channel();
    let f = fixture_at(tmp, DocConfig::new(peer()).with_load_gate(held)).await;
    let (status, st) = f.get("/api/status").await;
    assert_eq!(status, StatusCode::OK, "{st}");
    assert_eq!(st["loading"], true, "{st}");
    assert_eq!(st["loading_older"], true, "{st}");
    let cookie = log_in(&f).await;
    let (status, html) = page(&f, "/roster", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("showing an earlier state"),
        "the badge says the records are older"
    );
    assert!(!html.contains("Acknowledged Last"));
    // Its page is not a 404 either: the node asks to reload in a moment.
    let res = f
        .send(
            bare(Method::GET, &format!("/roster/members/{id}"))
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()[header::RETRY_AFTER], "2");
    let html = String::from_utf8(body_bytes(res).await).unwrap();
    assert!(html.contains("still loading"), "the page says why");

    // Asked for by id, the member the older view lacks waits for the load: not a 404.
    let mut one = Box::pin(f.send(request(Method::GET, &format!("/api/members/{id}"), None)));
    assert!(
        tokio::time::timeout(Duration::from_millis(300), &mut one)
            .await
            .is_err(),
        "answered before the document had loaded"
    );
    gate.send(()).expect("the load waits at the gate");
    let (status, _, member) = parts(one.await).await;
    assert_eq!(status, StatusCode::OK, "{member}");
    assert_eq!(member["name"], "Acknowledged Last");
    let (_, st) = f.get("/api/status").await;
    assert_eq!(st["loading"], false, "{st}");
    assert_eq!(st["loading_older"], false, "{st}");
    // A record that is nowhere is still a 404, loaded or not.
    let (status, _) = f.get("/api/members/no-such-member").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, html) = page(&f, &format!("/roster/members/{id}"), &cookie).await;
    assert_eq!(status, StatusCode::OK, "the member's page once loaded");
    assert!(html.contains("Acknowledged Last"));
    stop(f).await;
}
