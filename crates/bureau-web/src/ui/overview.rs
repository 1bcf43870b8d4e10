//! The overview (`/`): today's meetings, open findings, and sync state at a glance, and, above
//! them, damage to the document's files (changes that wait for changes no file holds).

use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::FindingKind;
use maud::html;

use super::View;
use super::findings;
use super::layout::{self, Section};
use super::schedule::{meeting_line, meetings_on};

/// Renders the overview.
pub(crate) fn page(v: &View) -> Response {
    let tr = v.tr;
    let today = v.today();
    let meetings = meetings_on(v, today);
    let all_findings: Vec<_> = v.st.findings.iter().collect();
    // Findings grouped by kind, schedule clashes first: they need action soonest.
    let mut kinds: Vec<FindingKind> = all_findings.iter().map(|f| f.kind).collect();
    kinds.dedup();
    let n_conflicts = v.st.conflicts.len();
    let title = tr.t("overview-title");
    let body = html! {
        h1 { (title) }
        p.lead {
            (tr.date_long(today)) " · "
            (tr.ta("venue-time", &[("zone", v.snap().meta.timezone.clone().into())]))
        }
        // Changes on disk that cannot apply yet (see `bureau_doc::Damage`): nothing is lost as
        // long as they are kept, and a peer brings back what they wait for.
        div #damage data-live {
            @if let Some(damage) = &v.st.damage {
                section.notice.warn role="alert" aria-labelledby="damage-h" {
                    h2 #damage-h { (tr.t("overview-damage-title")) }
                    p {
                        (tr.ta("overview-damage", &[
                            ("n", damage.queued_changes.into()),
                            ("files", tr.list(&damage.files).into()),
                        ]))
                    }
                }
            }
        }
        div.cards.overview {
            section.card #today data-live aria-labelledby="today-h" {
                h2 #today-h { (tr.t("overview-today")) }
                @if meetings.is_empty() {
                    p.empty { (tr.t("overview-no-meetings")) }
                } @else {
                    ul.meetings {
                        @for (m, start, end) in &meetings {
                            li { (meeting_line(v, m, start, end, true)) }
                        }
                    }
                }
                p { a href="/schedule" { (tr.t("overview-open-schedule")) } }
            }
            section.card #sync data-live aria-labelledby="sync-h" {
                h2 #sync-h { (tr.t("overview-sync")) }
                (super::peers::summary(v))
                p {
                    @if n_conflicts == 0 {
                        (tr.t("conflicts-none-short"))
                    } @else {
                        a href="/conflicts" { (tr.ta("conflicts-count", &[("n", n_conflicts.into())])) }
                    }
                }
            }
            section.card.wide #findings data-live aria-labelledby="findings-h" {
                h2 #findings-h { (tr.ta("overview-findings", &[("n", all_findings.len().into())])) }
                @if all_findings.is_empty() {
                    p.empty { (tr.t("overview-no-findings")) }
                }
                @for kind in &kinds {
                    @let of_kind: Vec<_> = all_findings.iter().copied().filter(|f| f.kind == *kind).collect();
                    details open[of_kind.len() <= 6] {
                        summary {
                            (tr.t(&format!("kind-{}", findings::kind_name(*kind))))
                            " " span.count { (of_kind.len()) }
                        }
                        (findings::list(v, &of_kind, None))
                    }
                }
            }
        }
    };
    v.render(
        StatusCode::OK,
        layout::page(v, Section::Overview, &title, body),
    )
}
