//! Peers and devices: who is connected and in sync, invites (code and QR, for a new person or
//! an existing member), revoking a device and changing its role (admins only: the controls
//! are not shown to others, and their posts are refused), pausing and resuming sync, adding
//! a peer by address, and carrying changes on a file: a sealed bundle to download, and an
//! upload form that imports one.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Multipart, Path};
use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::{Device, Edit, EditError, Role};
use maud::{Markup, html};

use super::forms::{Form, FormData, FormErrors, Input, localize_error};
use super::layout::{self, Section};
use super::pager::Pager;
use super::seg;
use super::{Outcome, View, error_page, read_form, see_other, submit};
use crate::{NetworkStatus, PeerInfo};

/// Invite validity choices, in hours.
const INVITE_HOURS: &[u32] = &[1, 24, 168];

fn peers_of(v: &View) -> &[PeerInfo] {
    v.net.as_ref().map_or(&[], |n| &n.peers)
}

fn short(id: &str) -> String {
    if id.len() > 16 {
        format!("{}…{}", &id[..8], &id[id.len() - 6..])
    } else {
        id.to_owned()
    }
}

/// The sync state in a few lines, for the overview.
pub(crate) fn summary(v: &View) -> Markup {
    let tr = v.tr;
    let Some(net) = &v.net else {
        return html! { p { (tr.t("sync-not-running")) } };
    };
    let peers = peers_of(v);
    let connected: Vec<&PeerInfo> = peers.iter().filter(|p| p.connected).collect();
    let in_sync = connected.iter().filter(|p| p.in_sync).count();
    html! {
        @if net.paused {
            p { span.badge.warn { (tr.t("sync-paused")) } " " (tr.t("sync-paused-explain")) }
        } @else if connected.is_empty() {
            p { (tr.t("sync-offline")) }
        } @else {
            p { (tr.ta("sync-summary", &[("connected", connected.len().into()), ("in_sync", in_sync.into())])) }
        }
        @if !connected.is_empty() {
            ul.plain {
                @for p in &connected {
                    li dir="auto" {
                        (p.name.clone().unwrap_or_else(|| short(&p.peer_id)))
                        " · "
                        @if p.in_sync { (tr.t("peer-in-sync")) } @else { (tr.t("peer-syncing")) }
                    }
                }
            }
        }
        p { a href="/peers" { (tr.t("peers-open")) } }
    }
}

fn status_section(v: &View, net: &NetworkStatus) -> Markup {
    let tr = v.tr;
    let paused = net.paused;
    let listen = &net.listen;
    html! {
        h2 #status-h { (tr.t("peers-this-device")) }
        dl.facts {
            dt { (tr.t("peers-peer-id")) }
            dd { code.wrap { (v.st.peer_id) } }
            dt { (tr.t("peers-listening")) }
            dd { @for a in listen { code.wrap { (a) } br; } }
            dt { (tr.t("peers-sync")) }
            dd {
                @if paused { span.badge.warn { (tr.t("sync-paused")) } } @else { span.badge.ok { (tr.t("sync-running")) } }
            }
        }
        @if paused {
            form method="post" action="/peers/resume" { button type="submit" { (tr.t("sync-resume")) } }
        } @else {
            form method="post" action="/peers/pause" {
                button.secondary type="submit" { (tr.t("sync-pause")) }
                p.hint { (tr.t("sync-pause-hint")) }
            }
        }
    }
}

fn peers_table(v: &View) -> Markup {
    let tr = v.tr;
    let peers = peers_of(v);
    html! {
        h2 #peers-h { (tr.t("peers-title")) " " span.count { (peers.len()) } }
        @if peers.is_empty() { p.empty { (tr.t("peers-none")) } } @else {
            div.scroll tabindex="0" role="region" aria-labelledby="peers-h" {
                table.stack {
                    (layout::column_heads(tr, &["peers-device", "peers-member", "peers-connection", "peers-last-sync", "peers-address"]))
                    tbody {
                        @for p in peers {
                            tr {
                                th scope="row" dir="auto" {
                                    (p.name.clone().unwrap_or_else(|| tr.t("peers-unknown-device")))
                                    br; code.small { (short(&p.peer_id)) }
                                }
                                td dir="auto" data-label=(tr.t("peers-member")) { (p.member_id.as_deref().map(|m| v.member_name(m)).unwrap_or_default()) }
                                td data-label=(tr.t("peers-connection")) {
                                    @if p.revoked { span.badge.warn { (tr.t("device-revoked")) } }
                                    @else if p.connected {
                                        span.badge.ok { (tr.t("peer-connected")) } " "
                                        @if p.in_sync { span.badge.ok { (tr.t("peer-in-sync")) } }
                                        @else { span.badge.info { (tr.t("peer-syncing")) } }
                                    } @else { span.badge.muted { (tr.t("peer-offline")) } }
                                }
                                td data-label=(tr.t("peers-last-sync")) { (p.last_sync.as_deref().and_then(|t| v.zoned(t)).map(|z| tr.date_time(&z)).unwrap_or_else(|| tr.t("never"))) }
                                td data-label=(tr.t("peers-address")) { code.wrap.small { (p.addr.as_deref().unwrap_or_default()) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Whether this node's device is an admin: only then are revoke and role controls shown.
fn is_admin(v: &View) -> bool {
    v.snap().is_admin(&v.st.peer_id)
}

/// The roles a device of this node may give in an invite, or to a device.
fn roles_for(v: &View) -> Vec<(String, String)> {
    let admin = is_admin(v);
    Role::ALL
        .iter()
        .filter(|r| admin || !matches!(**r, Role::Admin | Role::Relay))
        .map(|r| {
            (
                r.as_str().to_owned(),
                v.tr.t(&format!("role-{}", r.as_str())),
            )
        })
        .collect()
}

/// Whom an invite may be for: a new person, or a member (any, for an admin; an editor's
/// own), by name.
fn invitees(v: &View) -> Vec<(String, String)> {
    let snap = v.snap();
    let own = snap
        .devices
        .get(&v.st.peer_id)
        .map(|d| d.member_id.clone())
        .unwrap_or_default();
    let admin = is_admin(v);
    let mut members: Vec<(String, String)> = snap
        .members
        .values()
        .filter(|m| !m.stamp.archived && (admin || m.id == own))
        .map(|m| (m.id.clone(), m.name.clone()))
        .collect();
    members.sort_by(|a, b| (a.1.to_lowercase(), &a.0).cmp(&(b.1.to_lowercase(), &b.0)));
    let mut out = vec![(String::new(), v.tr.t("invite-member-new"))];
    out.extend(members);
    out
}

fn devices_table(v: &View) -> Markup {
    let tr = v.tr;
    let admin = is_admin(v);
    let roles = roles_for(v);
    let mut devices: Vec<&Device> = v.snap().devices.values().map(|r| &**r).collect();
    devices.sort_by(|a, b| (a.revoked, &a.name).cmp(&(b.revoked, &b.name)));
    let pager = Pager::new(v, "devices_page", devices.len());
    html! {
        h2 #devices-h { (tr.t("devices-title")) " " span.count { (devices.len()) } }
        div.scroll tabindex="0" role="region" aria-labelledby="devices-h" {
            table.stack {
                (layout::column_heads(tr, &["peers-device", "peers-member", "field-role", "devices-added", "field-status"]))
                tbody {
                    @for d in pager.slice(&devices) {
                        tr {
                            th scope="row" dir="auto" {
                                (d.name)
                                @if d.peer_id == v.st.peer_id { " " span.badge.info { (tr.t("devices-this")) } }
                                br; code.small { (short(&d.peer_id)) }
                            }
                            td dir="auto" data-label=(tr.t("peers-member")) { (v.member_name(&d.member_id)) }
                            td data-label=(tr.t("field-role")) {
                                @if admin && !d.revoked {
                                    @let id = format!("role-{}", d.peer_id);
                                    form.role method="post" action={"/peers/devices/" (seg(&d.peer_id)) "/role"} {
                                        label.visually-hidden for=(id) { (tr.ta("device-role-named", &[("name", d.name.clone().into())])) }
                                        select #(id) name="role" {
                                            @for (value, label) in &roles {
                                                option value=(value) selected[*value == d.role.as_str()] { (label) }
                                            }
                                        }
                                        " "
                                        button.small.secondary type="submit" { (tr.t("device-role-change")) }
                                    }
                                } @else {
                                    (tr.t(&format!("role-{}", d.role.as_str())))
                                }
                            }
                            td data-label=(tr.t("devices-added")) { (v.zoned(&d.added_at).map(|z| tr.date_long(z.date())).unwrap_or_default()) }
                            td data-label=(tr.t("field-status")) {
                                @if d.revoked { span.badge.warn { (tr.t("device-revoked")) } }
                                @else if d.peer_id == v.st.peer_id { span.badge.ok { (tr.t("device-active")) } }
                                @else if !admin { span.badge.ok { (tr.t("device-active")) } }
                                @else {
                                    form method="post" action={"/peers/devices/" (seg(&d.peer_id)) "/revoke"} {
                                        button.small.danger type="submit" aria-label=(tr.ta("device-revoke-named", &[("name", d.name.clone().into())])) {
                                            (tr.t("device-revoke"))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pager.nav(v, "/peers", &tr.t("devices-title")))
        p { a href="/settings" { (tr.t("settings-link")) } }
        @if !admin { p.hint { (tr.t("device-admin-only")) } }
    }
}

/// What the page shows beside the usual: a fresh invite, and the two forms' state.
#[derive(Debug, Default)]
struct Extra {
    /// The invite, its expiry as shown, the role, and the member's name for a member's invite.
    invite: Option<(crate::InviteMade, String, Role, Option<String>)>,
    /// The invites this node keeps, for the list.
    invites: Vec<crate::InviteListed>,
    dial: (FormData, FormErrors),
    invite_form: (FormData, FormErrors),
}

async fn peers_page(v: &View, mut extra: Extra, status: StatusCode) -> Response {
    if let Some(net) = &v.app.net {
        extra.invites = net.invites().await.unwrap_or_default();
    }
    let tr = v.tr;
    let title = tr.t("peers-page-title");
    let mut dial = Form::new(tr, &extra.dial.0, &extra.dial.1);
    dial.prefix = "dial";
    let mut inv = Form::new(tr, &extra.invite_form.0, &extra.invite_form.1);
    inv.prefix = "inv";
    let roles = roles_for(v);
    let invitees = invitees(v);
    let may_invite = v
        .snap()
        .devices
        .get(&v.st.peer_id)
        .is_some_and(|d| !d.revoked && d.role != Role::Observer);
    let hours: Vec<(String, String)> = INVITE_HOURS
        .iter()
        .map(|h| (h.to_string(), tr.ta("invite-hours", &[("n", (*h).into())])))
        .collect();
    let body = html! {
        h1 { (title) }
        @if let Some((made, expires, role, member)) = &extra.invite {
            section.card.invite aria-labelledby="invite-result-h" {
                h2 #invite-result-h { (tr.t("invite-ready")) }
                @if let Some(name) = member {
                    p { (tr.ta("invite-explain-member", &[("name", name.clone().into()), ("role", tr.t(&format!("role-{}", role.as_str())).into()), ("until", expires.clone().into())])) }
                } @else {
                    p { (tr.ta("invite-explain", &[("role", tr.t(&format!("role-{}", role.as_str())).into()), ("until", expires.clone().into())])) }
                }
                p.invite-code {
                    (tr.t("invite-code")) " "
                    bdi { strong.short-code { (made.code) } }
                }
                p { (tr.t("invite-code-hint")) }
                p { (tr.t("invite-join-hint")) }
                @if member.is_some() {
                    pre.command { "bureau join " (made.code) }
                } @else {
                    pre.command { "bureau join " (made.code) " --name \"…\"" }
                }
                div.invite-code {
                    label for="invite-link" { (tr.t("invite-link")) }
                    textarea #invite-link readonly rows="4" { (made.link) }
                    p.hint { (tr.t("invite-link-hint")) }
                }
                @if let Ok(qr) = qrcode::QrCode::new(made.link.as_bytes()) {
                    figure.qr {
                        (layout::svg(&qr.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build(), &tr.t("invite-qr")))
                        figcaption { (tr.t("invite-qr")) }
                    }
                }
            }
        }
        p { a href="/board" { (tr.t("board-title")) } }
        @match &v.net {
            None => {
                p.notice.warn { (tr.t("sync-not-running")) }
            }
            Some(net) => {
                div.cards {
                    section.card #peer-status data-live aria-labelledby="status-h" { (status_section(v, net)) }
                    section.card aria-labelledby="dial-h" {
                        h2 #dial-h { (tr.t("dial-title")) }
                        form method="post" action="/peers/dial" novalidate {
                            (dial.summary())
                            (dial.input(Input::Text, "addr", &tr.t("field-address"), true, Some(&tr.t("hint-address"))))
                            div.buttons { button type="submit" { (tr.t("dial-button")) } }
                        }
                    }
                    @if super::join::may_join(v) {
                        section.card aria-labelledby="join-h" {
                            h2 #join-h { (tr.t("join-title")) }
                            p { (tr.t("join-offer")) }
                            p { a href="/join" { (tr.t("join-title")) } }
                        }
                    }
                    section.card aria-labelledby="invite-h" {
                        h2 #invite-h { (tr.t("invite-title")) }
                        @if may_invite {
                            form method="post" action="/peers/invite" novalidate {
                                (inv.summary())
                                (inv.select("member", &tr.t("invite-member"), &invitees, Some(&tr.t("invite-member-hint"))))
                                div.row {
                                    (inv.select("role", &tr.t("field-role"), &roles, None))
                                    (inv.select("hours", &tr.t("field-valid-for"), &hours, None))
                                }
                                div.buttons { button type="submit" { (tr.t("invite-button")) } }
                            }
                        } @else {
                            p { (tr.t("invite-observer")) }
                        }
                    }
                }
                section.card #bundle aria-labelledby="bundle-h" { (bundle_section(v)) }
                @if !extra.invites.is_empty() {
                    section.card #invites aria-labelledby="invites-h" {
                        h2 #invites-h { (tr.t("invites-title")) }
                        (invites_table(v, &extra.invites))
                    }
                }
                section.card #doctor data-live aria-labelledby="doctor-h" { (doctor_section(v, net)) }
                section #peer-table data-live { (peers_table(v)) }
            }
        }
        @if let Some(venue) = &v.app.config.venue {
            section.card #venue aria-labelledby="venue-h" { (venue_section(v, venue)) }
        }
        section #devices data-live { (devices_table(v)) }
        section.card aria-labelledby="sessions-h" {
            h2 #sessions-h { (tr.t("sessions-title")) }
            p { (tr.t("sessions-explain")) }
            div.buttons {
                form method="post" action="/logout" {
                    button.secondary type="submit" { (tr.t("logout-button")) }
                }
                form method="post" action="/logout/all" {
                    button.danger type="submit" { (tr.t("logout-all-button")) }
                }
            }
            p.hint { (tr.t("logout-all-hint")) }
        }
    };
    v.render(status, layout::page(v, Section::Peers, &title, body))
}

/// The venue listener's addresses as a phone would open them (`http://203.0.113.5:8080`,
/// no trailing slash). A listener on every interface is named by this node's own non-loopback
/// IPv4 addresses, as its peer-to-peer listeners found them (a phone on the venue's network can
/// type or scan those).
pub(crate) fn venue_bases(v: &View, venue: &crate::VenueAddress) -> Vec<String> {
    let scheme = if venue.tls { "https" } else { "http" };
    let port = venue.addr.port();
    let mut ips: Vec<std::net::IpAddr> = Vec::new();
    if venue.addr.ip().is_unspecified() {
        for listen in v.net.iter().flat_map(|n| n.listen.iter()) {
            let ip = listen
                .strip_prefix("/ip4/")
                .and_then(|rest| rest.split('/').next())
                .and_then(|ip| ip.parse::<std::net::Ipv4Addr>().ok());
            if let Some(ip) = ip.filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
                && !ips.contains(&ip.into())
            {
                ips.push(ip.into());
            }
        }
    } else {
        ips.push(venue.addr.ip());
    }
    ips.iter()
        .map(|ip| format!("{scheme}://{}", std::net::SocketAddr::new(*ip, port)))
        .collect()
}

/// The venue listener's address for phones, as a link and a QR code.
fn venue_section(v: &View, venue: &crate::VenueAddress) -> Markup {
    let tr = v.tr;
    let urls: Vec<String> = venue_bases(v, venue)
        .into_iter()
        .map(|base| format!("{base}/"))
        .collect();
    html! {
        h2 #venue-h { (tr.t("peers-venue-title")) }
        p { (tr.t("peers-venue-explain")) }
        @for url in &urls {
            p { a href=(url) { code { (url) } } }
            @if let Ok(qr) = qrcode::QrCode::new(url.as_bytes()) {
                figure.qr {
                    (layout::svg(&qr.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).build(), &tr.t("peers-venue-qr")))
                    figcaption { (tr.t("peers-venue-qr")) }
                }
            }
        }
    }
}

/// The invites this node keeps: what each was for, until when, and what became of it (a
/// burned one says so: someone guessed its code).
fn invites_table(v: &View, invites: &[crate::InviteListed]) -> Markup {
    let tr = v.tr;
    let name = |m: &Option<String>| match m {
        Some(id) => v
            .snap()
            .members
            .get(id)
            .map_or_else(|| id.clone(), |r| r.name.clone()),
        None => tr.t("invite-member-new"),
    };
    html! {
        table {
            thead { tr {
                th scope="col" { (tr.t("invite-member")) }
                th scope="col" { (tr.t("field-role")) }
                th scope="col" { (tr.t("invites-until")) }
                th scope="col" { (tr.t("invites-state")) }
            } }
            tbody {
                @for i in invites {
                    tr {
                        td { bdi { (name(&i.member_id)) } }
                        td { (tr.t(&format!("role-{}", i.role))) }
                        td {
                            (jiff::Timestamp::from_second(i.expires_at)
                                .map(|t| tr.date_time(&t.to_zoned(v.tz.clone())))
                                .unwrap_or_default())
                        }
                        td {
                            @match i.state.as_str() {
                                "open" => {
                                    (tr.t("invites-open")) " "
                                    @if let Some(code) = &i.code { bdi { code { (code) } } }
                                    @if i.wrong > 0 {
                                        " " (tr.ta("invites-wrong", &[("n", i.wrong.into())]))
                                    }
                                }
                                "burned" => {
                                    strong { (tr.ta("invites-burned", &[("n", i.wrong.into())])) }
                                }
                                "used" => { (tr.t("invites-used")) }
                                _ => { (tr.t("invites-expired")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn default_extra() -> Extra {
    let mut e = Extra::default();
    e.invite_form.0.push("role", Role::Editor.as_str());
    e.invite_form.0.push("hours", "24");
    e
}

/// `GET /peers`.
pub(crate) async fn page(v: View) -> Response {
    peers_page(&v, default_extra(), StatusCode::OK).await
}

fn no_network(v: &View) -> Response {
    error_page(
        v,
        StatusCode::SERVICE_UNAVAILABLE,
        &v.tr.t("sync-not-running"),
    )
}

/// The bundle card: a link that downloads a bundle of every change (for a device that may
/// make one: an observer's would be refused everywhere) and a form that uploads one.
fn bundle_section(v: &View) -> Markup {
    let tr = v.tr;
    let may_export = v
        .snap()
        .devices
        .get(&v.st.peer_id)
        .is_some_and(|d| !d.revoked && d.role != Role::Observer);
    html! {
        h2 #bundle-h { (tr.t("bundle-title")) }
        p { (tr.t("bundle-explain")) }
        @if may_export {
            p { a href="/api/bundle" download { (tr.t("bundle-download")) } }
        }
        form method="post" action="/peers/bundle" enctype="multipart/form-data" {
            div.field {
                label for="bundle-file" { (tr.t("bundle-file")) }
                input #bundle-file type="file" name="file" required;
            }
            div.buttons { button type="submit" { (tr.t("bundle-import-button")) } }
        }
    }
}

/// `POST /peers/bundle`: imports the bundle uploaded as `file` (`multipart/form-data`). A
/// refusal is an error page saying why, in the reader's language with the node's words after.
pub(crate) async fn import_bundle(
    v: View,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Some(net) = v.app.net.clone() else {
        return no_network(&v);
    };
    let mut file = None;
    if let Ok(mut mp) = mp {
        while let Ok(Some(field)) = mp.next_field().await {
            if field.name() == Some("file") {
                file = field.bytes().await.ok().filter(|b| !b.is_empty());
                break;
            }
        }
    }
    let Some(file) = file else {
        return error_page(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            &v.tr.t("bundle-no-file"),
        );
    };
    match net.bundle_import(file.to_vec()).await {
        Ok(_) => see_other("/peers?done=bundle"),
        Err(e) => {
            let e = crate::ApiError::from(e);
            let msg = v.tr.ta("bundle-refused", &[("message", e.message.into())]);
            error_page(&v, e.status, &msg)
        }
    }
}

/// `POST /peers/dial` with `addr`.
pub(crate) async fn dial(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(net) = v.app.net.clone() else {
        return no_network(&v);
    };
    let addr = form.text("addr").trim().to_owned();
    let mut errors = FormErrors::default();
    if addr.is_empty() {
        errors.add("addr", v.tr.t("err-required"));
    } else if let Err(e) = net.dial(addr).await {
        errors.add("addr", localize_error(v.tr, &e.message));
    }
    if errors.is_empty() {
        return see_other("/peers?done=dialled");
    }
    let mut extra = default_extra();
    extra.dial = (form, errors);
    peers_page(&v, extra, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn set_paused(v: View, paused: bool) -> Response {
    let Some(net) = v.app.net.clone() else {
        return no_network(&v);
    };
    match net.set_paused(paused).await {
        Ok(()) => see_other(if paused {
            "/peers?done=paused"
        } else {
            "/peers?done=resumed"
        }),
        Err(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.message),
    }
}

/// `POST /peers/pause`.
pub(crate) async fn pause(v: View) -> Response {
    set_paused(v, true).await
}

/// The doctor's lines: why this laptop may not be syncing, and what to do.
fn doctor_section(v: &View, net: &NetworkStatus) -> Markup {
    let tr = v.tr;
    let lines = crate::doctor::lines(tr, &v.app, Some(net));
    html! {
        h2 #doctor-h { (tr.t("doctor-title")) }
        @if lines.is_empty() {
            p { (tr.t("doctor-ok")) }
        } @else {
            ul.doctor {
                @for l in &lines {
                    li data-cause=(l.cause) {
                        strong dir="auto" { (l.says) }
                        br;
                        (l.next)
                    }
                }
            }
        }
    }
}

/// `GET /board`: who has the latest (see [`crate::board`]), a member a row group, each device
/// a row; refreshed live like the peers page.
pub(crate) async fn board(v: View) -> Response {
    let tr = v.tr;
    let title = tr.t("board-title");
    let members = crate::board::board(&v.app).await;
    let n_current = members
        .iter()
        .flat_map(|m| &m.devices)
        .filter(|d| d.state == "current" && !d.this)
        .count();
    let n_devices = members
        .iter()
        .flat_map(|m| &m.devices)
        .filter(|d| !d.this)
        .count();
    let when = |at: &Option<String>| {
        at.as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map(|t| tr.date_time(&t.to_zoned(v.tz.clone())))
    };
    let body = html! {
        p.crumbs { a href="/peers" { (tr.t("peers-page-title")) } }
        h1 { (title) }
        p { (tr.t("board-explain")) }
        div #board data-live {
            p.summary role="status" {
                @if n_devices == 0 { (tr.t("board-none")) }
                @else { (tr.ta("board-summary", &[("n", n_current.into()), ("total", n_devices.into())])) }
            }
            div.scroll tabindex="0" role="region" aria-labelledby="board-h" {
                table.stack #board-table {
                    caption #board-h .visually-hidden { (title) }
                    thead { tr {
                        th scope="col" { (tr.t("board-member")) }
                        th scope="col" { (tr.t("board-device")) }
                        th scope="col" { (tr.t("board-state")) }
                        th scope="col" { (tr.t("board-when")) }
                    } }
                    tbody {
                        @for m in &members {
                            @if m.devices.is_empty() {
                                tr {
                                    th scope="row" dir="auto" { (m.name) }
                                    td colspan="3" { (tr.t("board-no-device")) }
                                }
                            }
                            @for (i, d) in m.devices.iter().enumerate() {
                                tr data-state=(d.state) {
                                    @if i == 0 {
                                        th scope="row" rowspan=(m.devices.len()) dir="auto" { (m.name) }
                                    }
                                    td dir="auto" data-label=(tr.t("board-device")) {
                                        bdi { (d.name) }
                                        @if d.this { " " span.badge.muted { (tr.t("board-this")) } }
                                    }
                                    td data-label=(tr.t("board-state")) {
                                        @match (d.state, d.behind_by) {
                                            ("current", _) if d.this => { (tr.t("board-this-has")) }
                                            ("current", _) => { span.badge.ok { (tr.t("board-current")) } }
                                            ("behind", Some(n)) => { span.badge.warn { (tr.ta("board-behind", &[("n", n.into())])) } }
                                            _ => { span.badge.muted { (tr.t("board-unknown")) } }
                                        }
                                        @if let Some(via) = &d.via {
                                            " " (tr.ta("board-via", &[("name", via.clone().into())]))
                                        }
                                    }
                                    td data-label=(tr.t("board-when")) {
                                        @if let Some(w) = when(&d.last_sync) { (w) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(&v, Section::Peers, &title, body),
    )
}

/// `POST /peers/resume`.
pub(crate) async fn resume(v: View) -> Response {
    set_paused(v, false).await
}

/// `POST /peers/invite` with `member` (empty for a new person), `role` and `hours`. The
/// answer is the page with the code, not a redirect: the code is a one-time secret that
/// should not sit in a URL or be made again by a reload.
pub(crate) async fn invite(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(net) = v.app.net.clone() else {
        return no_network(&v);
    };
    let mut errors = FormErrors::default();
    let role = Role::parse(&form.text("role")).ok();
    if role.is_none() {
        errors.add("role", v.tr.t("err-choice"));
    }
    let hours = form
        .get("hours")
        .and_then(|h| h.parse::<u32>().ok())
        .filter(|h| INVITE_HOURS.contains(h));
    if hours.is_none() {
        errors.add("hours", v.tr.t("err-choice"));
    }
    let mut member = Some(form.text("member").trim().to_owned()).filter(|m| !m.is_empty());
    // A hub is a device of the admin who sets it up, not a person of its own.
    if role == Some(Role::Relay) && member.is_none() {
        member = v.st.author.clone();
    }
    let member_name = member
        .as_ref()
        .and_then(|m| v.snap().members.get(m).map(|r| r.name.clone()));
    if member.is_some()
        && !invitees(&v)
            .iter()
            .any(|(id, _)| Some(id) == member.as_ref())
    {
        errors.add(
            "member",
            if member_name.is_some() {
                v.tr.t("invite-member-own-only")
            } else {
                v.tr.t("err-choice")
            },
        );
    }
    if role == Some(Role::Admin) && !is_admin(&v) {
        errors.add("role", v.tr.t("invite-admin-only"));
    }
    let (Some(role), Some(hours), true) = (role, hours, errors.is_empty()) else {
        let mut extra = default_extra();
        extra.invite_form = (form, errors);
        return peers_page(&v, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // The model's rule is the one that decides; the checks above only word its refusals.
    if let Err(e) = bureau_model::check_invite(v.snap(), &v.st.peer_id, role, member.as_deref()) {
        let status = crate::ApiError::from(e).status;
        return error_page(&v, status, &v.tr.t("invite-observer"));
    }
    match net
        .invite_for(
            role,
            Duration::from_secs(u64::from(hours) * 3600),
            member.clone(),
        )
        .await
    {
        Ok(made) => {
            let expires = jiff::Timestamp::from_second(made.expires_at)
                .map(|t| v.tr.date_time(&t.to_zoned(v.tz.clone())))
                .unwrap_or_default();
            let mut extra = default_extra();
            extra.invite = Some((made, expires, role, member_name));
            peers_page(&v, extra, StatusCode::OK).await
        }
        Err(e) => {
            let mut extra = default_extra();
            let mut errors = FormErrors::default();
            errors.add("role", e.message);
            extra.invite_form = (form, errors);
            peers_page(&v, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /peers/devices/{peer_id}/revoke`. Never this node's own device: a node that revoked
/// itself could write nothing again and nothing it holds could undo it.
pub(crate) async fn revoke(v: View, Path(peer_id): Path<String>) -> Response {
    if peer_id == v.st.peer_id {
        return error_page(&v, StatusCode::CONFLICT, &v.tr.t("device-revoke-self"));
    }
    if let Some(refused) = admin_only(
        &v,
        &Edit::RevokeDevice {
            peer_id: peer_id.clone(),
        },
    ) {
        return refused;
    }
    match submit(&v, Edit::RevokeDevice { peer_id }, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other("/peers?done=revoked"),
        Outcome::Invalid(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// The error page for an edit only an admin may make, when this device may not make it: 403
/// for a device that is not an admin, 409 for the last admin's own role.
fn admin_only(v: &View, edit: &Edit) -> Option<Response> {
    match bureau_model::check_authority(v.snap(), &v.st.peer_id, edit) {
        Ok(()) => None,
        Err(EditError::LastAdmin) => Some(error_page(
            v,
            StatusCode::CONFLICT,
            &v.tr.t("device-last-admin"),
        )),
        Err(_) => Some(error_page(
            v,
            StatusCode::FORBIDDEN,
            &v.tr.t("device-admin-only"),
        )),
    }
}

/// `POST /peers/devices/{peer_id}/role` with `role`: an admin changes what a device may do.
pub(crate) async fn set_role(
    v: View,
    Path(peer_id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Ok(role) = Role::parse(&form.text("role")) else {
        return error_page(&v, StatusCode::BAD_REQUEST, &v.tr.t("err-choice"));
    };
    let edit = Edit::SetDeviceRole { peer_id, role };
    if let Some(refused) = admin_only(&v, &edit) {
        return refused;
    }
    match submit(&v, edit, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other("/peers?done=role"),
        Outcome::Invalid(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}
