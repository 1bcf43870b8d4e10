//! The bureau's settings page (`/settings`): the interpretation norms the planner weighs
//! meetings by, shown to everyone and changed by admins (DESIGN §6, "Settings"), and the
//! calendar feeds: the programme's address, and an admin's button that turns them on or makes
//! new addresses. [`feed_link`] gives a room's, group's or member's feed on their pages.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{Edit, NORMS, SettingsFields};
use maud::{Markup, html};

use super::forms::{Form, FormData, FormErrors, Input};
use super::layout::{self, Section};
use super::{Outcome, View, error_page, read_form, see_other, submit};
use crate::feeds::api::rotate_edit;
use crate::feeds::{Feed, feed_url, settings_secret};

/// The current values as a prefilled form.
fn current(v: &View) -> FormData {
    let s = &v.snap().settings;
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for n in NORMS {
        if let Some(value) = s.number(n.key) {
            ser.append_pair(n.key, &value.to_string());
        }
    }
    FormData::parse(ser.finish().as_bytes())
}

fn settings_page(v: &View, form: &FormData, errors: &FormErrors, status: StatusCode) -> Response {
    let tr = v.tr;
    let title = tr.t("settings-title");
    let admin = v.snap().is_admin(&v.st.peer_id);
    let f = Form::new(tr, form, errors);
    let s = &v.snap().settings;
    let body = html! {
        h1 { (title) }
        p { (tr.t("settings-explain")) }
        section.card aria-labelledby="settings-norms-h" {
            h2 #settings-norms-h { (tr.t("settings-interpretation")) }
            p.hint { (tr.t("settings-source")) }
            @if admin {
                form method="post" action="/settings" novalidate {
                    (f.summary())
                    @for n in NORMS {
                        (f.input(Input::Number, n.key, &tr.t(&format!("settings-{}", n.key.replace('_', "-"))), false,
                            Some(&tr.ta("settings-hint", &[("default", n.default.into()), ("min", n.range.0.into()), ("max", n.range.1.into())]))))
                    }
                    div.buttons { button type="submit" { (tr.t("settings-save")) } }
                }
            } @else {
                p.notice.warn { (tr.t("settings-admin-only")) }
                dl {
                    @for n in NORMS {
                        dt { (tr.t(&format!("settings-{}", n.key.replace('_', "-")))) }
                        dd { (s.number(n.key).unwrap_or(n.default)) }
                    }
                }
            }
        }
        (extra_sections(v))
    };
    v.render(status, layout::page(v, Section::Peers, &title, body))
}

/// Sections of other settings, below the norms: the calendar feeds.
fn extra_sections(v: &View) -> Markup {
    let tr = v.tr;
    let admin = v.snap().is_admin(&v.st.peer_id);
    let on = settings_secret(v.snap()).is_some();
    html! {
        section.card #feeds aria-labelledby="settings-feeds-h" {
            h2 #settings-feeds-h { (tr.t("feeds-title")) }
            p { (tr.t("feeds-explain")) }
            @if on {
                p { strong { (tr.t("feeds-programme")) } }
                (feed_link(v, &Feed::Programme))
            } @else {
                p.notice { (tr.t("feeds-off")) }
            }
            @if admin {
                form method="post" action="/settings/feeds/rotate" {
                    @if on { p.hint { (tr.t("feeds-rotate-hint")) } }
                    div.buttons {
                        button type="submit" {
                            (if on { tr.t("feeds-rotate") } else { tr.t("feeds-turn-on") })
                        }
                    }
                }
            } @else if !on {
                p.hint { (tr.t("feeds-off-not-admin")) }
            }
        }
    }
}

/// A feed's links, for a record's page: nothing while the bureau has no feed secret. The
/// address with its key opens the full feed on this node's own address; where the venue
/// listener runs, a programme's, room's or group's public feed is offered there too, as a
/// phone on the venue's network reaches it (public meetings only, no key).
pub(crate) fn feed_link(v: &View, feed: &Feed<'_>) -> Markup {
    let Some(secret) = settings_secret(v.snap()) else {
        return html! {};
    };
    let tr = v.tr;
    let url = feed_url(&v.base, &secret, feed);
    let webcal = url.replacen("http://", "webcal://", 1);
    let venue: Vec<String> = match (&v.app.config.venue, feed) {
        (Some(venue), Feed::Programme | Feed::Room(_) | Feed::Group(_)) => {
            super::peers::venue_bases(v, venue)
                .into_iter()
                .map(|base| {
                    format!("{base}{}", feed.url_path())
                        .replacen("https://", "webcal://", 1)
                        .replacen("http://", "webcal://", 1)
                })
                .collect()
        }
        _ => Vec::new(),
    };
    html! {
        div.feed {
            p {
                a href=(webcal) { (tr.t("feeds-subscribe")) }
                " · "
                a href=(url) download { (tr.t("feeds-download")) }
            }
            details.feed-address {
                summary { (tr.t("feeds-address")) }
                input type="text" readonly dir="ltr" value=(url) aria-label=(tr.t("feeds-address"));
                p.hint { (tr.t("feeds-address-hint")) }
                (qr(&webcal, &tr.t("feeds-qr")))
            }
            @for phone in &venue {
                details.feed-address {
                    summary { (tr.t("feeds-venue")) }
                    p { a href=(phone) dir="ltr" { code { (phone) } } }
                    p.hint { (tr.t("feeds-venue-hint")) }
                    (qr(phone, &tr.t("feeds-venue-qr")))
                }
            }
        }
    }
}

/// A QR code of `text` with its caption, or nothing when the text is too long for one.
fn qr(text: &str, caption: &str) -> Markup {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => html! {
            figure.qr {
                (layout::svg(&code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(160, 160).build(), caption))
                figcaption { (caption) }
            }
        },
        Err(_) => html! {},
    }
}

/// `POST /settings/feeds/rotate`: a new feed secret (the first turns the feeds on).
pub(crate) async fn rotate_feeds(v: View) -> Response {
    let edit = match rotate_edit() {
        Ok(e) => e,
        Err(e) => return error_page(&v, e.status, &e.message),
    };
    match submit(&v, edit, &str::to_owned).await {
        Outcome::Done(_) => see_other("/settings#feeds"),
        Outcome::Invalid(errors) => {
            let message = errors.summary();
            error_page(&v, StatusCode::UNPROCESSABLE_ENTITY, &message)
        }
        Outcome::Failed(status, message) => error_page(&v, status, &message),
    }
}

/// `GET /settings`.
pub(crate) async fn page(v: View) -> Response {
    settings_page(&v, &current(&v), &FormErrors::default(), StatusCode::OK)
}

/// `POST /settings` with the numeric settings; a blank one goes back to its default.
pub(crate) async fn save(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let mut errors = FormErrors::default();
    let mut fields = SettingsFields::default();
    for n in NORMS {
        let value = match form.opt(n.key) {
            None => None,
            Some(text) => match text.parse::<u32>() {
                Ok(x) => Some(x),
                Err(_) => {
                    errors.add(
                        n.key,
                        v.tr.ta(
                            "settings-err-range",
                            &[("min", n.range.0.into()), ("max", n.range.1.into())],
                        ),
                    );
                    continue;
                }
            },
        };
        // Only what changed is written, so a save leaves the others' values and authors alone.
        if value.unwrap_or(n.default) != v.snap().settings.number(n.key).unwrap_or(n.default) {
            fields.numbers.insert(n.key.to_owned(), value);
        }
    }
    if !errors.is_empty() {
        return settings_page(&v, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if fields.is_empty() {
        return see_other("/settings");
    }
    match submit(&v, Edit::UpdateSettings(fields), &str::to_owned).await {
        Outcome::Done(_) => see_other("/settings"),
        Outcome::Invalid(errors) => {
            settings_page(&v, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Outcome::Failed(status, message) => error_page(&v, status, &message),
    }
}
