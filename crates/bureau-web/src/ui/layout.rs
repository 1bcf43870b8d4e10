//! The chrome every page shares: `<html lang dir>`, head, skip link, header with navigation,
//! sync state and language switcher, the notice after a write (with undo after an archive),
//! and the polite status region the live script announces updates in.
//!
//! Live regions carry `data-live` and a stable id; the script swaps them one by one.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::assets;
use super::i18n::{Lang, Tr};
use super::{View, seg};
use bureau_model::RecordType;

/// The area a page belongs to, marked as current in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Section {
    Overview,
    Roster,
    Schedule,
    /// The interpretation plan and the interpreters.
    Interpretation,
    /// My agenda: the meetings of the member this device belongs to.
    Agenda,
    Liaison,
    /// Shared documents: the charter, statements, reports.
    Documents,
    Conflicts,
    Peers,
    None,
}

impl Section {
    const ALL: [(Section, &'static str); 10] = [
        (Section::Overview, "overview"),
        (Section::Roster, "roster"),
        (Section::Schedule, "schedule"),
        (Section::Interpretation, "interpretation"),
        (Section::Agenda, "agenda"),
        (Section::Liaison, "liaison"),
        (Section::Documents, "documents"),
        (Section::Conflicts, "conflicts"),
        (Section::Peers, "peers"),
        (Section::None, "none"),
    ];

    /// The name the page carries (`data-section`), for the live script's [`chrome`] request.
    pub(crate) fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("none", |(_, n)| n)
    }

    /// The section of a name; anything else is none.
    pub(crate) fn parse(name: &str) -> Section {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map_or(Section::None, |(s, _)| *s)
    }
}

fn head(tr: Tr, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="color-scheme" content="light dark";
            title { (title) }
            link rel="stylesheet" href=(assets::url("app.css"));
            link rel="stylesheet" href=(assets::url("print.css")) media="print";
            link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
            script src=(assets::url("live.js")) defer {}
            meta name="description" content=(tr.t("app-description"));
        }
    }
}

/// A whole page: chrome around `body`.
pub(crate) fn page(v: &View, section: Section, title: &str, body: Markup) -> Markup {
    let tr = v.tr;
    let bureau = &v.snap().meta.title;
    let full_title = if bureau.is_empty() {
        title.to_owned()
    } else {
        format!("{title} · {bureau}")
    };
    let nav_item = |s: Section, href: &str, label: String| {
        html! {
            li { a href=(href) aria-current=[(s == section).then_some("page")] { (label) } }
        }
    };
    let n_conflicts = v.st.conflicts.len();
    html! {
        (DOCTYPE)
        html lang=(tr.lang().tag()) dir=(tr.lang().dir()) {
            (head(tr, &full_title))
            body data-version=(v.st.version) data-section=(section.name()) {
                a.skip href="#main" { (tr.t("skip-to-content")) }
                header.top {
                    div.bar {
                        a.brand href="/" {
                            img src=(assets::url("icon.svg")) alt="" width="28" height="28";
                            span dir="auto" { (if bureau.is_empty() { tr.t("app-name") } else { bureau.clone() }) }
                        }
                        (super::search::header_box(v))
                        div #sync-status .sync data-live { (sync_badge(v)) }
                        (language_form(v))
                    }
                    nav #nav aria-label=(tr.t("nav-label")) data-live {
                        ul {
                            (nav_item(Section::Overview, "/", tr.t("nav-overview")))
                            (nav_item(Section::Roster, "/roster", tr.t("nav-roster")))
                            (nav_item(Section::Schedule, "/schedule", tr.t("nav-schedule")))
                            (nav_item(Section::Interpretation, "/interpretation", tr.t("nav-interpretation")))
                            @if v.st.author.is_some() {
                                (nav_item(Section::Agenda, "/agenda", tr.t("agenda-title")))
                            }
                            (nav_item(Section::Liaison, "/liaison", tr.t("nav-liaison")))
                            (nav_item(Section::Documents, "/documents", tr.t("nav-documents")))
                            li {
                                a href="/conflicts" aria-current=[(section == Section::Conflicts).then_some("page")] {
                                    (tr.t("nav-conflicts"))
                                    @if n_conflicts > 0 {
                                        " " span.count { (n_conflicts) }
                                        span.visually-hidden { " " (tr.ta("conflicts-count", &[("n", n_conflicts.into())])) }
                                    }
                                }
                            }
                            (nav_item(Section::Peers, "/peers", tr.t("nav-peers")))
                        }
                    }
                }
                main #main tabindex="-1" {
                    (notice(v))
                    (body)
                }
                footer.foot {
                    p {
                        (tr.ta("footer-timezone", &[("zone", v.snap().meta.timezone.clone().into())]))
                    }
                }
                div #announce .visually-hidden role="status" aria-live="polite"
                    data-updated=(tr.t("live-updated")) {}
            }
        }
    }
}

/// The chrome alone, around an empty page: what the live script fetches for a page whose own
/// content does not follow the document (a form, a record's history, a printable report), so
/// that keeping its header current (sync state, conflict count) costs no render of the page
/// and none of the whole-document reads behind it.
pub(crate) fn chrome(v: &View, section: Section) -> Markup {
    page(v, section, &v.tr.t("app-name"), html! {})
}

/// The login page, for a request without the session (or with a wrong link).
pub(crate) fn login_page(tr: Tr, wrong_link: bool) -> Markup {
    let title = if wrong_link {
        tr.t("login-wrong-title")
    } else {
        tr.t("login-title")
    };
    html! {
        (DOCTYPE)
        html lang=(tr.lang().tag()) dir=(tr.lang().dir()) {
            (head(tr, &title))
            body {
                main #main .narrow {
                    h1 { (title) }
                    p { (tr.t("login-how")) }
                    p { code { "bureau status" } }
                }
            }
        }
    }
}

fn sync_badge(v: &View) -> Markup {
    let tr = v.tr;
    // The records are the view saved at the last run while the document loads: edits and
    // sync wait until it has, which the badge says rather than a sync state.
    if v.st.loading {
        // After a stop that did not save the view (a kill, a flat battery) the records are
        // older than what the node acknowledged: the badge says so, not only "as saved".
        let key = if v.st.loading_older {
            "sync-loading-older"
        } else {
            "sync-loading"
        };
        return html! { span.badge.info role="status" { (tr.t(key)) } };
    }
    let Some(net) = &v.net else {
        return html! { a.badge.muted href="/peers" { (tr.t("sync-off")) } };
    };
    let connected = net.peers.iter().filter(|p| p.connected).count();
    let in_sync = net
        .peers
        .iter()
        .filter(|p| p.connected && p.in_sync)
        .count();
    let (class, text) = if net.paused {
        ("badge warn", tr.t("sync-paused"))
    } else if connected == 0 {
        ("badge muted", tr.t("sync-offline"))
    } else if in_sync == connected {
        (
            "badge ok",
            tr.ta("sync-in-sync", &[("n", connected.into())]),
        )
    } else {
        (
            "badge info",
            tr.ta("sync-syncing", &[("n", connected.into())]),
        )
    };
    html! { a class=(class) href="/peers" { (text) } }
}

fn language_form(v: &View) -> Markup {
    let tr = v.tr;
    html! {
        form.lang method="post" action="/lang" {
            input type="hidden" name="back" value=(v.here);
            label for="lang-select" { (tr.t("language-label")) }
            select #lang-select name="lang" {
                @for l in Lang::ALL {
                    option value=(l.code()) lang=(l.tag()) selected[l == tr.lang()] { (l.native_name()) }
                }
            }
            button type="submit" { (tr.t("language-apply")) }
        }
    }
}

/// The query parameters of the current request.
pub(crate) fn query(v: &View) -> Vec<(String, String)> {
    v.here
        .split_once('?')
        .map(|(_, q)| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// One query parameter of the current request.
pub(crate) fn query_param(v: &View, name: &str) -> Option<String> {
    query(v)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// What the last write did, said once after its redirect; after an archive, with an undo.
fn notice(v: &View) -> Markup {
    let tr = v.tr;
    let Some(done) = query_param(v, "done") else {
        return html! {};
    };
    let id = format!("done-{done}");
    if !tr.has(&id) {
        return html! {};
    }
    // The undo names a record by type and id taken from the address, which anyone can write
    // (a link in a message): it is offered only for a type a page may name and an id of a
    // record that exists and is archived, and its address is built from those, encoded.
    let undo = match (done.as_str(), query_param(v, "type"), query_param(v, "id")) {
        ("archived", Some(ty), Some(rid)) => super::parse_type(&ty)
            .filter(|t| v.archived(*t, &rid) == Some(true))
            .map(|t| (t, rid)),
        _ => None,
    };
    html! {
        div.notice role="status" {
            @if let Some((ty, rid)) = &undo {
                p {
                    (tr.ta("done-archived-named", &[("name", v.record_name(*ty, rid).into())]))
                }
                form method="post" action={"/records/" (ty.as_str()) "/" (seg(rid)) "/restore"} {
                    button type="submit" { (tr.t("undo")) }
                }
            } @else {
                p { (tr.t(&id)) }
            }
        }
    }
}

/// A record's archive button (or restore button when archived) and history link; and the
/// forms its page's conflict marks submit, which must sit outside the record's form.
pub(crate) fn record_tools(v: &View, ty: RecordType, id: &str, archived: bool) -> Markup {
    let tr = v.tr;
    html! {
        (super::conflicts::resolve_forms(v, ty, id))
        div.tools {
            a href={"/history/" (ty.as_str()) "/" (seg(id))} { (tr.t("history-link")) }
            @if archived {
                form method="post" action={"/records/" (ty.as_str()) "/" (seg(id)) "/restore"} {
                    button type="submit" { (tr.t("restore")) }
                }
            } @else {
                form method="post" action={"/records/" (ty.as_str()) "/" (seg(id)) "/archive"} {
                    button.secondary type="submit" { (tr.t("archive")) }
                }
            }
        }
    }
}

/// An inline SVG (the invite's QR code), labelled for assistive technology.
pub(crate) fn svg(svg: &str, label: &str) -> Markup {
    let body = svg.find("<svg").map_or(svg, |i| &svg[i..]);
    let escaped = html! { (label) }.into_string();
    let labelled = body.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\" "),
        1,
    );
    PreEscaped(labelled)
}

/// The chevron of a "previous" (`back`) or "next" link, pointing the way the reader's
/// language reads: in a right-to-left page "previous" points right. The glyph is chosen here
/// and held left to right, since the browser would otherwise mirror it again (U+2039 and
/// U+203A are mirrored in right-to-left text).
pub(crate) fn chevron(tr: Tr, back: bool) -> Markup {
    let rtl = tr.0.dir() == "rtl";
    let glyph = if back != rtl { "‹" } else { "›" };
    html! { span.chevron dir="ltr" aria-hidden="true" { (glyph) } }
}

/// A table's column headers, each a catalogue message.
pub(crate) fn column_heads(tr: Tr, ids: &[&str]) -> Markup {
    html! {
        thead { tr {
            @for id in ids { th scope="col" { (tr.t(id)) } }
        } }
    }
}
