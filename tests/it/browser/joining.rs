//! A new laptop joins the bureau from its own web page (`/join`), as a delegate without a
//! terminal would: a wrong code is named beside its field and joins nothing; the short code
//! read aloud, with the inviter's address, joins, the node starts again on the bureau joined,
//! and the same browser finds that bureau's roster there.

use super::*;

/// The inviter's TCP address on loopback, as its Peers page shows it.
fn tcp_address(node: &Node) -> String {
    node.status()["listen"]
        .as_array()
        .expect("listen addresses")
        .iter()
        .filter_map(Value::as_str)
        .find(|a| a.starts_with("/ip4/127.0.0.1/tcp/"))
        .expect("a TCP address on loopback")
        .to_owned()
}

/// Fills the join form and sends it.
async fn send_join(b: &Browser, code: &str, name: &str, peer: &str) {
    b.js(&format!(
        "document.getElementById('f-code').value = {code:?}; \
         document.getElementById('f-name').value = {name:?}; \
         document.getElementById('f-peer').value = {peer:?}; \
         document.querySelector('form[action=\"/join\"] button[type=submit]').click(); \
         return true;"
    ))
    .await;
}

#[test]
fn a_new_laptop_joins_the_bureau_from_its_join_page() {
    with_browser("join page", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--name", "Amina Diallo"]);
        let a_bureau = a.status()["bureau_id"].as_str().unwrap().to_owned();
        let made = a
            .post("/api/invites", &json!({"role": "editor"}))
            .expect(201);
        let code = made["code"].as_str().expect("a short code").to_owned();
        // The new laptop's node, started before its owner was invited.
        let new = Node::start(&tmp.path().join("new"), &[]);
        let own = new.status()["bureau_id"].as_str().unwrap().to_owned();
        log_in(&b, &new).await;
        b.goto(&url(&new, "/join")).await;

        let (nameplate, words) = code.split_once('-').unwrap();
        let wrong = if words == "acorn-acorn" {
            format!("{nameplate}-actor-actor")
        } else {
            format!("{nameplate}-acorn-acorn")
        };
        send_join(&b, &wrong, "Bob Mensah", &tcp_address(&a)).await;
        b.wait_until(
            "the wrong code is named beside its field",
            "document.getElementById('f-code') && \
             document.getElementById('f-code').getAttribute('aria-invalid') === 'true'",
        )
        .await;
        assert_eq!(new.status()["bureau_id"], own.as_str(), "nothing joined");

        send_join(&b, &code, "Bob Mensah", &tcp_address(&a)).await;
        b.wait_until(
            "the page says the laptop joined",
            "document.querySelector('main [role=status]') !== null && \
             document.querySelector('main [role=status]').textContent.includes('Bob Mensah')",
        )
        .await;
        wait_until(
            "the new laptop holds the bureau joined",
            DEADLINE * 2,
            || {
                new.try_json("/api/status").is_some_and(|st| {
                    st["bureau_id"] == a_bureau.as_str() && st["heads"] == a.status()["heads"]
                })
            },
            || format!("A: {}\nnew: {}", a.log_tail(30), new.log_tail(30)),
        );
        // The same browser, on the same address, reads the bureau joined.
        b.goto(&url(&new, "/roster")).await;
        b.wait_until(
            "the roster of the bureau joined",
            "document.body.innerText.includes('Amina Diallo') && \
             document.body.innerText.includes('Bob Mensah')",
        )
        .await;
        b.screenshots("joined-roster").await;
    });
}
