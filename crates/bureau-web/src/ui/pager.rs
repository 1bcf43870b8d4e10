//! Long lists a page at a time.
//!
//! A list of a collection grows with the bureau, and a page that rendered all of it would be
//! megabytes of HTML refetched on every change. So a list shows [`PER_PAGE`] records, and a
//! navigation after it links to the others. The page number is a query parameter of the
//! page's own URL (`page`, or one per list where a page pages two, such as `members_page`),
//! so the live script, which refetches the URL it is on, keeps showing the same page, and the
//! links keep every other parameter (filters, the day, archived records shown). A number that
//! is not one, or names no page, shows the nearest page there is rather than an error: an old
//! link to page 9 of a list that shrank still shows the list.

use std::ops::Range;

use maud::{Markup, html};

use super::View;
use super::layout::query;

/// Records on one page of a list.
pub(crate) const PER_PAGE: usize = 50;

/// Page numbers linked on each side of the current one; the first and last are always
/// linked, so any page is a few steps away whatever the length.
const AROUND: usize = 2;

/// Query parameters never carried into a page link: the notice after a write (and the
/// record an undo names) is said once, after its redirect.
const ONCE: &[&str] = &["done", "type", "id"];

/// One page of a list: which records it shows, and where the others are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pager {
    /// The query parameter that carries the page number.
    param: &'static str,
    /// The page shown, from 1.
    page: usize,
    /// Pages in the list: at least 1, for an empty list.
    pages: usize,
    /// Records in the whole list.
    total: usize,
}

impl Pager {
    /// The page the request asks for with `param`, among the pages of `total` records.
    pub(crate) fn new(v: &View, param: &'static str, total: usize) -> Pager {
        let pages = total.div_ceil(PER_PAGE).max(1);
        let asked = query(v)
            .into_iter()
            .find(|(k, _)| k == param)
            .map(|(_, value)| value);
        Pager {
            param,
            page: page_number(asked.as_deref(), pages),
            pages,
            total,
        }
    }

    /// The indices of the records on this page.
    pub(crate) fn range(&self) -> Range<usize> {
        let from = (self.page - 1) * PER_PAGE;
        from.min(self.total)..(from + PER_PAGE).min(self.total)
    }

    /// This page's records out of the whole list.
    pub(crate) fn slice<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let r = self.range();
        all.get(r).unwrap_or_default()
    }

    /// The address of page `n`: `path` with the request's other parameters, in their order,
    /// and this list's page number last (none for the first page, whose address is the plain
    /// one). Every part is percent-encoded again, whatever the request held.
    fn href(&self, v: &View, path: &str, n: usize) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, value) in query(v) {
            if k != self.param && !ONCE.contains(&k.as_str()) {
                q.append_pair(&k, &value);
            }
        }
        if n > 1 {
            q.append_pair(self.param, &n.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The page numbers to link, in order; `None` where some are left out.
    fn numbers(&self) -> Vec<Option<usize>> {
        let near = self.page.saturating_sub(AROUND).max(1)..=(self.page + AROUND).min(self.pages);
        let mut out = Vec::new();
        let mut last = 0;
        for n in std::iter::once(1)
            .chain(near)
            .chain(std::iter::once(self.pages))
        {
            if n <= last {
                continue;
            }
            // A gap of one page links that page: "…" would take as much room.
            if n == last + 2 {
                out.push(Some(last + 1));
            } else if n > last + 2 {
                out.push(None);
            }
            out.push(Some(n));
            last = n;
        }
        out
    }

    /// The navigation between the pages of the list at `path` (the page's own path), named
    /// after the list's heading `list`; nothing when the list fits on one page.
    pub(crate) fn nav(&self, v: &View, path: &str, list: &str) -> Markup {
        if self.pages <= 1 {
            return html! {};
        }
        let tr = v.tr;
        let range = self.range();
        let status = tr.ta(
            "pager-status",
            &[
                ("page", self.page.into()),
                ("pages", self.pages.into()),
                ("from", (range.start + 1).into()),
                ("to", range.end.into()),
                ("total", self.total.into()),
            ],
        );
        html! {
            nav.pager aria-label=(tr.ta("pager-label", &[("list", list.to_owned().into())])) {
                p.pager-status { (status) }
                @if self.page > 1 {
                    a.pager-step rel="prev" href=(self.href(v, path, self.page - 1)) {
                        (super::layout::chevron(tr, true)) " " (tr.t("pager-previous"))
                    }
                }
                ul {
                    @for n in self.numbers() {
                        @match n {
                            Some(n) => li {
                                a href=(self.href(v, path, n))
                                    aria-label=(tr.ta("pager-page", &[("page", n.into())]))
                                    aria-current=[(n == self.page).then_some("page")] { (n) }
                            },
                            None => li.gap aria-hidden="true" { "…" },
                        }
                    }
                }
                @if self.page < self.pages {
                    a.pager-step rel="next" href=(self.href(v, path, self.page + 1)) {
                        (tr.t("pager-next")) " " (super::layout::chevron(tr, false))
                    }
                }
            }
        }
    }
}

/// The page a parameter names among `pages`: a number past the end (however many digits) is
/// the last page; no number, zero or anything but digits is the first.
fn page_number(asked: Option<&str>, pages: usize) -> usize {
    let Some(s) = asked.map(str::trim) else {
        return 1;
    };
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return 1;
    }
    s.parse::<usize>().unwrap_or(usize::MAX).clamp(1, pages)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pager(page: usize, total: usize) -> Pager {
        Pager {
            param: "page",
            page,
            pages: total.div_ceil(PER_PAGE).max(1),
            total,
        }
    }

    #[test]
    fn page_numbers_out_of_range_or_malformed_show_a_page_that_exists() {
        assert_eq!(page_number(None, 3), 1);
        assert_eq!(page_number(Some("2"), 3), 2);
        assert_eq!(page_number(Some(" 3 "), 3), 3);
        assert_eq!(page_number(Some("4"), 3), 3);
        assert_eq!(page_number(Some("99999999999999999999999999"), 3), 3);
        assert_eq!(page_number(Some("0"), 3), 1);
        assert_eq!(page_number(Some("-2"), 3), 1);
        assert_eq!(page_number(Some("2.5"), 3), 1);
        assert_eq!(page_number(Some("two"), 3), 1);
        assert_eq!(page_number(Some(""), 3), 1);
        assert_eq!(page_number(Some("7"), 1), 1);
    }

    #[test]
    fn a_page_holds_its_share_of_the_list() {
        assert_eq!(pager(1, 0).range(), 0..0);
        assert_eq!(pager(1, 120).range(), 0..50);
        assert_eq!(pager(3, 120).range(), 100..120);
        assert_eq!(pager(2, 100).range(), 50..100);
        let all: Vec<usize> = (0..120).collect();
        assert_eq!(pager(3, 120).slice(&all), &all[100..]);
    }

    #[test]
    fn the_first_last_and_nearby_pages_are_linked() {
        let nums = |page, total| pager(page, total).numbers();
        assert_eq!(nums(1, 120), vec![Some(1), Some(2), Some(3)]);
        assert_eq!(
            nums(1, 2000 * PER_PAGE),
            vec![Some(1), Some(2), Some(3), None, Some(2000)]
        );
        assert_eq!(
            nums(10, 20 * PER_PAGE),
            vec![
                Some(1),
                None,
                Some(8),
                Some(9),
                Some(10),
                Some(11),
                Some(12),
                None,
                Some(20)
            ]
        );
        assert_eq!(nums(4, 6 * PER_PAGE), (1..=6).map(Some).collect::<Vec<_>>());
        // No gap of a single page: it is linked instead.
        assert_eq!(nums(5, 8 * PER_PAGE), (1..=8).map(Some).collect::<Vec<_>>());
    }
}
