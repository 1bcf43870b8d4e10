//! Co-drafting the charter in a real browser on two real nodes: both paused, each edits the
//! demo charter through its editor (different sentences, and the same sentence), one comments
//! on words selected in the text (the live script fills the range), the other accepts the
//! imported suggestion; once resumed, both nodes hold every edit, the comment and the
//! accepted wording once. Then the printable page is printed to PDF by Chromium and read back
//! with `pdftotext`. Two people in one document see each other: the editor's script reports
//! the caret's paragraph to its node, the other node lists it, and the open editor shows the
//! other person with their paragraph until they leave.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::wd::PrintConfiguration;

use super::*;

/// The charter's text on a node.
fn charter_text(node: &Node, id: &str) -> String {
    node.get(&format!("/api/documents/{id}")).expect(200)["text"]
        .as_str()
        .expect("a text")
        .to_owned()
}

/// The browser's session for `node`: nodes on 127.0.0.1 share the browser's cookies, whatever
/// their ports, so each node's login replaces the other's; log in again on switching.
async fn switch_to(b: &Browser, node: &Node) {
    log_in(b, node).await;
}

/// Opens the editor of document `id` on `node`, types `insert` right after the first
/// `after` in its text area, and saves.
async fn type_into_editor(b: &Browser, node: &Node, id: &str, after: &str, insert: &str) {
    b.goto(&url(node, &format!("/documents/{id}/edit"))).await;
    let at = b
        .js(&format!(
            "const t = document.getElementById('f-text'); \
             const i = t.value.indexOf({after:?}); \
             if (i < 0) return -1; \
             t.focus(); t.setSelectionRange(i + {len}, i + {len}); return i;",
            len = after.encode_utf16().count()
        ))
        .await;
    assert!(
        at.as_i64().is_some_and(|i| i >= 0),
        "{after:?} is not in the editor"
    );
    type_keys(b, insert).await;
    b.client
        .find(Locator::Css("form.editor button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait_until("the saved notice", "location.search.includes('done=saved')")
        .await;
}

/// Types `text` as key presses into whatever has the focus, where its caret is (an element's
/// send keys would move the caret to the end first).
async fn type_keys(b: &Browser, text: &str) {
    let mut keys = KeyActions::new("keyboard".to_owned());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    b.client
        .perform_actions(keys)
        .await
        .expect("typing on the keyboard");
}

/// Selects the first `words` in the document's text on the open page, as a reader's mouse
/// would.
async fn select_in_text(b: &Browser, words: &str) {
    let found = b
        .js(&format!(
            "const root = document.getElementById('doc-text'); \
             const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT); let t; \
             while ((t = w.nextNode())) {{ \
               const i = t.data.indexOf({words:?}); \
               if (i >= 0) {{ \
                 const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + {len}); \
                 const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); return true; \
               }} \
             }} return false;",
            len = words.encode_utf16().count()
        ))
        .await;
    assert_eq!(
        found,
        json!(true),
        "{words:?} is not in one piece of the text"
    );
}

#[test]
fn two_nodes_apart_edit_comment_and_accept_on_the_charter_and_both_keep_everything() {
    with_browser("documents", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--demo"]);
        let second = second_node(&a, &tmp.path().join("b"));
        log_in(&b, &a).await;
        let id = first_id(&a, "documents");
        let before = charter_text(&a, &id);
        assert!(before.contains("To deal with procedures"), "{before}");
        let mut violations = Vec::new();

        // Both laptops go offline.
        for node in [&a, &second] {
            node.post("/api/sync/pause", &json!({})).expect(200);
        }

        // On A: another sentence, and the sentence B edits too.
        type_into_editor(&b, &a, &id, "The CSB has an ", "essentially ").await;
        type_into_editor(&b, &a, &id, "Regularly reviews ", "its ").await;
        switch_to(&b, &second).await;
        // On B: one sentence of its own, and a word of that same sentence.
        type_into_editor(&b, &second, &id, "To be a ", "trusted ").await;
        type_into_editor(&b, &second, &id, "removing ", "long ").await;
        let t = charter_text(&a, &id);
        assert!(t.contains("has an essentially operational role"), "{t}");
        assert!(charter_text(&second, &id).contains("To be a trusted communication"));

        switch_to(&b, &a).await;
        // On A: a comment on words selected in the text; the live script fills the form.
        b.goto(&url(&a, &format!("/documents/{id}"))).await;
        violations.extend(b.axe("document").await);
        b.screenshots("document").await;
        select_in_text(&b, "formal working processes").await;
        b.wait_until(
            "the selected words in the comment form",
            "document.getElementById('c-quote').value === 'formal working processes'",
        )
        .await;
        let range = b
            .js(
                "return [document.querySelector('#comment-form [name=start]').value, \
                        document.querySelector('#comment-form [name=end]').value]",
            )
            .await;
        let (start, end): (usize, usize) = (
            range[0].as_str().unwrap().parse().unwrap(),
            range[1].as_str().unwrap().parse().unwrap(),
        );
        let text_a = charter_text(&a, &id);
        assert_eq!(
            text_a
                .chars()
                .skip(start)
                .take(end - start)
                .collect::<String>(),
            "formal working processes",
            "the script counts code points as the server does"
        );
        let body = b.client.find(Locator::Id("c-body")).await.unwrap();
        body.send_keys("Name the processes.").await.unwrap();
        b.client
            .find(Locator::Css("#comment-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until("the saved notice", "location.search.includes('done=saved')")
            .await;
        b.wait_until(
            "the comment beside the text",
            "document.getElementById('doc-comments').textContent.includes('Name the processes.')",
        )
        .await;

        switch_to(&b, &second).await;
        // On B: the imported suggestion ("facilitate" for "deal") accepted by its button.
        b.goto(&url(&second, &format!("/documents/{id}"))).await;
        let accepted = b
            .js(
                "const li = [...document.querySelectorAll('#doc-suggestions li.suggestion')] \
                   .find(l => l.textContent.includes('facilitate')); \
                 if (!li) return false; \
                 li.querySelector('form[action$=\"/accept\"] button').click(); return true;",
            )
            .await;
        assert_eq!(accepted, json!(true), "an accept button for the suggestion");
        b.wait_until("the saved notice", "location.search.includes('done=saved')")
            .await;
        assert!(charter_text(&second, &id).contains("To facilitate with procedures"));

        // Back online: both hold the same document with every edit.
        for node in [&a, &second] {
            node.post("/api/sync/resume", &json!({})).expect(200);
        }
        wait_until(
            "both nodes hold the same charter",
            DEADLINE,
            || a.status()["heads"] == second.status()["heads"],
            String::new,
        );
        for node in [&a, &second] {
            let d = node.get(&format!("/api/documents/{id}")).expect(200);
            let text = d["text"].as_str().unwrap();
            for words in [
                "The CSB has an essentially operational role",
                "Regularly reviews its composition, removing long non-active groups",
                "To be a trusted communication channel",
                "To facilitate with procedures",
            ] {
                assert!(text.contains(words), "{words:?} missing from {text}");
            }
            assert_eq!(text.matches("facilitate with").count(), 1, "{text}");
            let comment = d["comments"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["body"] == "Name the processes.")
                .unwrap_or_else(|| panic!("the comment is lost: {d}"));
            assert_eq!(comment["quote"], "formal working processes");
            let s = d["suggestions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["replacement"] == "facilitate")
                .unwrap();
            assert_eq!(s["status"], "accepted");
        }

        switch_to(&b, &a).await;
        // The page shows the merged text and the comment's words highlighted in it.
        b.goto(&url(&a, &format!("/documents/{id}"))).await;
        let marked = b
            .js("return [...document.querySelectorAll('#doc-text mark.comment')].map(m => m.textContent)")
            .await;
        assert!(
            marked
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "formal working processes"),
            "{marked}"
        );
        b.goto(&url(&a, &format!("/documents/{id}/compare"))).await;
        violations.extend(b.axe("document-compare").await);
        b.goto(&url(&a, &format!("/documents/{id}/edit"))).await;
        violations.extend(b.axe("document-edit").await);
        b.goto(&url(&a, "/documents")).await;
        violations.extend(b.axe("documents").await);
        b.screenshots("documents").await;
        assert_eq!(violations, Vec::<String>::new());

        // The printable page on paper: title, the merged words, the open comments.
        b.goto(&url(&a, &format!("/api/documents/{id}/export?format=html")))
            .await;
        let pdf = b
            .client
            .print(PrintConfiguration::default())
            .await
            .expect("printing the charter");
        assert!(pdf.starts_with(b"%PDF"), "not a PDF");
        let text = super::print::pdf_text(&pdf, "document", &b.shots);
        for words in [
            "CHARTER",
            "an essentially operational role",
            "To be a trusted communication channel",
            "To facilitate with procedures",
            "Name the processes.",
            "who decides what is a focal point?",
        ] {
            assert!(text.contains(words), "{words:?} not on the paper: {text}");
        }
        second.stop();
        a.stop();
    });
}

/// The text area's value, and its caret as a position in that value.
async fn editor_state(b: &Browser) -> (String, usize) {
    let v = b
        .js("const t = document.getElementById('f-text'); \
             return [t.value, Array.from(t.value.slice(0, t.selectionStart)).length, \
                     document.activeElement === t];")
        .await;
    assert_eq!(v[2], json!(true), "the text area kept the focus");
    (
        v[0].as_str().unwrap().to_owned(),
        v[1].as_u64().unwrap() as usize,
    )
}

/// Someone types in the charter's editor while a peer's edits arrive, before and after the
/// caret: each shows in the text area without a reload, no keystroke is lost and the caret
/// stays after the last one typed; saving keeps everything, on both nodes.
#[test]
fn a_peers_edit_arrives_in_the_editor_while_someone_types_and_no_keystroke_is_lost() {
    with_browser("live editor", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--demo"]);
        let second = second_node(&a, &tmp.path().join("b"));
        log_in(&b, &a).await;
        let id = first_id(&a, "documents");
        b.goto(&url(&a, &format!("/documents/{id}/edit"))).await;
        b.js("window.__notReloaded = true; return true;").await;
        let at = b
            .js("const t = document.getElementById('f-text'); \
                 const i = t.value.indexOf('logistical needs'); \
                 t.focus(); t.setSelectionRange(i, i); return i;")
            .await;
        assert!(at.as_i64().is_some_and(|i| i > 0));
        type_keys(&b, "urgent ").await;

        // The peer inserts a word near the start (before the caret) and one near the end.
        let text = charter_text(&second, &id);
        let cp = |s: &str| text[..text.find(s).unwrap()].chars().count();
        let early = cp("CHARTER");
        second
            .post(
                &format!("/api/documents/{id}/splice"),
                &json!({"pos": early, "delete": 0, "insert": "Draft: "}),
            )
            .expect(200);
        let late = charter_text(&second, &id);
        let late = late[..late.find("content implications").unwrap()]
            .chars()
            .count();
        second
            .post(
                &format!("/api/documents/{id}/splice"),
                &json!({"pos": late, "delete": 0, "insert": "possible "}),
            )
            .expect(200);
        b.wait_until(
            "both of the peer's words in the open editor",
            "document.getElementById('f-text').value.includes('Draft: CHARTER') && \
             document.getElementById('f-text').value.includes('possible content implications')",
        )
        .await;
        assert_eq!(
            b.js("return window.__notReloaded === true").await,
            json!(true),
            "no reload"
        );
        let (value, caret) = editor_state(&b).await;
        let typed = value
            .find("urgent logistical needs")
            .expect("what was typed is kept");
        assert_eq!(
            caret,
            value[..typed + "urgent ".len()].chars().count(),
            "the caret stays right after what was typed"
        );

        // Typing goes on where the caret is; then save.
        type_keys(&b, "and pressing ").await;
        let (value, _) = editor_state(&b).await;
        assert!(
            value.contains("urgent and pressing logistical needs"),
            "{value}"
        );
        b.client
            .find(Locator::Css("form.editor button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait_until("the saved notice", "location.search.includes('done=saved')")
            .await;
        wait_until(
            "both nodes hold the same charter",
            DEADLINE,
            || a.status()["heads"] == second.status()["heads"],
            String::new,
        );
        for node in [&a, &second] {
            let text = charter_text(node, &id);
            for words in [
                "Draft: CHARTER",
                "urgent and pressing logistical needs",
                "possible content implications",
            ] {
                assert!(text.contains(words), "{words:?} missing from {text}");
            }
            assert_eq!(text.matches("Draft:").count(), 1);
        }
        second.stop();
        a.stop();
    });
}

/// Who B's node lists in document `id`: `(name, paragraph)`.
fn present(node: &Node, id: &str) -> Vec<(String, i64)> {
    node.try_json(&format!("/api/documents/{id}/presence"))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or_default().to_owned(),
                p["paragraph"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

#[test]
fn two_people_in_one_document_see_each_other_and_the_paragraph_each_is_in() {
    with_browser("presence", |b| async move {
        let tmp = tempfile::tempdir().unwrap();
        let a = Node::start(&tmp.path().join("a"), &["--demo"]);
        let second = second_node(&a, &tmp.path().join("b"));
        log_in(&b, &a).await;
        let id = first_id(&a, "documents");
        b.goto(&url(&a, &format!("/documents/{id}/edit"))).await;
        // The caret goes to the third non-empty line; the script reports it at once.
        let third = b
            .js("const t = document.getElementById('f-text'); \
                 const lines = t.value.split('\\n'); let seen = 0, at = 0; \
                 for (const l of lines) { if (l.trim()) { seen++; if (seen === 3) break; } \
                   at += l.length + 1; } \
                 t.focus(); t.setSelectionRange(at + 1, at + 1); \
                 t.dispatchEvent(new Event('keyup')); return at;")
            .await;
        assert!(third.as_i64().is_some_and(|i| i > 0), "{third}");
        let start = Instant::now();
        loop {
            if present(&second, &id).iter().any(|(_, p)| *p == 2) {
                break;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "B never listed A's user in paragraph 3: {:?}\n{}",
                present(&second, &id),
                a.log_tail(30)
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // B's user opens the same document in paragraph 1 (told every second, as an editor
        // would); A's open editor shows them with the paragraph's number.
        let body = json!({"paragraph": 0, "tab": "bea"});
        let start = Instant::now();
        loop {
            second
                .request(
                    "PUT",
                    &format!("/api/documents/{id}/presence"),
                    &[
                        ("Host".to_owned(), second.host()),
                        (
                            "Authorization".to_owned(),
                            format!("Bearer {}", second.token),
                        ),
                        ("Content-Type".to_owned(), "application/json".to_owned()),
                    ],
                    body.to_string().as_bytes(),
                )
                .expect(204);
            let shown = b
                .js("const l = document.getElementById('presence-list'); \
                     return l ? l.innerText : '';")
                .await;
            let shown = shown.as_str().unwrap_or_default().to_owned();
            if shown.contains("Bea Second") {
                assert!(shown.contains("paragraph 1"), "{shown}");
                break;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "A's editor never showed B's user: {shown:?}"
            );
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        b.screenshots("document-presence").await;
        // A's user leaves the editor: B's node stops listing them.
        b.goto(&url(&a, "/documents")).await;
        let start = Instant::now();
        while present(&second, &id).iter().any(|(_, p)| *p == 2) {
            assert!(
                start.elapsed() < DEADLINE,
                "A's user is still listed after leaving: {:?}",
                present(&second, &id)
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
}
