//! "Who else is here" in a document's editor: the people on connected nodes who have the
//! document open, each with the paragraph they are in and its first words.
//!
//! The editor page renders the list as it is when the page is made; while the page is open
//! the live script reports the paragraph of the caret to `POST /documents/{id}/presence`
//! every few seconds and whenever it moves to another paragraph, and puts the list that comes
//! back in place; it says it leaves when the page is hidden or closed. Nothing of it is
//! stored (see `crate::presence`).

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bureau_model::Document;
use maud::{Markup, html};

use super::View;
use super::record::UiForm;
use crate::PresenceSeen;
use crate::presence::{others, tell, valid_tab};

/// Words of a paragraph shown beside whoever is in it.
const OPENING_WORDS: usize = 8;

/// The first words of paragraph `n` (the text's non-empty lines from 0), with an ellipsis
/// when there are more; `None` when the text has no such paragraph (it was just removed).
fn opening(text: &str, n: u32) -> Option<String> {
    let line = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .nth(usize::try_from(n).ok()?)?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = words
        .iter()
        .take(OPENING_WORDS)
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if words.len() > OPENING_WORDS {
        out.push('…');
    }
    Some(out)
}

/// The list itself: what the script replaces.
fn list(v: &View, d: &Document, seen: &[PresenceSeen]) -> Markup {
    let tr = v.tr;
    html! {
        @if seen.is_empty() {
            p.muted { (tr.t("presence-none")) }
        } @else {
            ul.presence-list {
                @for p in seen {
                    li data-paragraph=(p.paragraph) {
                        strong dir="auto" { (p.name) }
                        @if !p.device.is_empty() {
                            " " span.muted dir="auto" { "(" (p.device) ")" }
                        }
                        " · " (tr.ta("presence-paragraph", &[("number", (p.paragraph + 1).into())]))
                        @if let Some(words) = opening(&d.text, p.paragraph) {
                            " " q dir="auto" { (words) }
                        }
                    }
                }
            }
        }
    }
}

/// The editor's "who else is here" section, with the list as it is now.
pub(crate) async fn section(v: &View, d: &Document) -> Markup {
    let seen = others(&v.app, &d.id).await;
    let tr = v.tr;
    html! {
        section.presence aria-labelledby="presence-title" data-presence=(d.id) {
            h2 #presence-title { (tr.t("presence-title")) }
            div #presence-list aria-live="polite" { (list(v, d, &seen)) }
        }
    }
}

/// `POST /documents/{id}/presence` with `tab` and `paragraph` (from 0), or `tab` and `leave`:
/// the open editor's report. Answers the list of who else is here, for the script to show.
pub(crate) async fn report(v: View, Path(id): Path<String>, UiForm(form): UiForm) -> Response {
    let Some(d) = v.snap().documents.get(&id).cloned() else {
        return (StatusCode::NOT_FOUND, "id: no such document").into_response();
    };
    let tab = form.text("tab");
    if !valid_tab(&tab) {
        return (
            StatusCode::BAD_REQUEST,
            "tab: 1 to 64 letters, digits, hyphens or underscores",
        )
            .into_response();
    }
    let paragraph = if form.get("leave").is_some() {
        None
    } else {
        match form.text("paragraph").parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                return (StatusCode::BAD_REQUEST, "paragraph: a whole number").into_response();
            }
        }
    };
    if v.app.net.is_some()
        && let Err(e) = tell(&v.app, &id, &tab, paragraph).await
    {
        return e.into_response();
    }
    let seen = others(&v.app, &id).await;
    let mut res = list(&v, &d, &seen).into_string().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::opening;

    #[test]
    fn a_paragraph_is_a_non_empty_line_and_shows_its_first_words() {
        let text = "Title\n\nOne two three four five six seven eight nine\n  \nLast";
        assert_eq!(opening(text, 0).as_deref(), Some("Title"));
        assert_eq!(
            opening(text, 1).as_deref(),
            Some("One two three four five six seven eight…")
        );
        assert_eq!(opening(text, 2).as_deref(), Some("Last"));
        assert_eq!(opening(text, 3), None);
    }
}
