//! Pickers: a group of checkboxes over a long list (a meeting's groups and members, a group's
//! focal points) that a delegate can narrow by typing.
//!
//! Without script a picker is a plain group of checkboxes, with the ticked ones listed first
//! (what a form already holds is what a delegate checks before adding to it), then the others
//! by name. The filter box is rendered `hidden`; `web/live.js` shows it and, as the delegate
//! types, hides the options whose label has no word beginning with each typed word (case and
//! accents aside, as the search does). The box has no name, so it is never submitted, and
//! hidden options keep their state: the form posts what it posted without the script.
//!
//! A checkbox's id follows the option's place in the list by name, not its place on the
//! page, so that ticking one and saving does not give another option its id.

use maud::{Markup, html};

use super::forms::Form;

/// A group of checkboxes sharing `name`, ticked ones first, with the filter box. `options`
/// are `(value, label)`, in the order the unticked ones are shown.
pub(crate) fn picker(
    form: &Form<'_>,
    name: &str,
    legend: &str,
    options: &[(String, String)],
    hint: Option<&str>,
) -> Markup {
    let tr = form.tr;
    let id = form.id(name);
    let numbered: Vec<(usize, &(String, String))> = options.iter().enumerate().collect();
    let (ticked, rest): (Vec<_>, Vec<_>) = numbered
        .into_iter()
        .partition(|(_, (value, _))| form.values.has(name, value));
    let filter_id = format!("{id}-filter");
    html! {
        fieldset class={(form.class(name)) " choices picker"} id=(id)
            aria-describedby=[form.described_by(name, hint.is_some())] {
            legend { (legend) }
            (form.hint_and_error(name, hint))
            div.picker-filter data-picker-filter hidden {
                label for=(filter_id) { (tr.t("picker-filter")) }
                input id=(filter_id) type="search" autocomplete="off" dir="auto"
                    aria-controls={(id) "-options"};
                p.picker-none role="status" data-picker-none=(tr.t("picker-none")) {}
            }
            @if !ticked.is_empty() {
                p.picker-ticked { (tr.ta("picker-ticked", &[("n", ticked.len().into())])) }
            }
            div.options id={(id) "-options"} {
                @for (i, (value, text)) in ticked.iter().chain(rest.iter()) {
                    @let box_id = format!("{id}-{i}");
                    div.check data-picker-option {
                        input id=(box_id) name=(name) type="checkbox" value=(value)
                            checked[form.values.has(name, value)];
                        label for=(box_id) dir="auto" { (text) }
                    }
                }
            }
        }
    }
}
