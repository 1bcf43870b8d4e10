//! Form bodies in, form fields out.
//!
//! A form is shown from a [`FormData`] (the record's values, or what the user typed) and a
//! [`FormErrors`] (empty, or what the model refused). Every field has a `<label>`, its hint
//! and error are tied to it with `aria-describedby`, and an invalid field says so with
//! `aria-invalid`; a summary at the top links to each error. Required fields are marked with
//! `aria-required` rather than `required`, so that the server's messages, in the reader's
//! language, are the ones people see.
//!
//! An edit form also carries the heads it was rendered at ([`Form::originals`]); saving
//! compares what was submitted with the record as it was then (see [`super::record`]). A
//! field both the user and a peer changed is shown with the other value and a choice
//! ([`Form::contests`]). A field that holds several values at once (a conflict in the
//! document) is marked beside it with each value, its author and a button that keeps it
//! ([`Form::conflicts`]); the buttons submit a resolve form outside the record's own form
//! (forms cannot nest), named by their `form` attribute.

use maud::{Markup, html};

use super::i18n::Tr;
use super::record::{ConflictMark, Contest, THEIRS_PREFIX, keep_name};

/// A submitted (or prefilled) form: name/value pairs in order, repeated names allowed.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    /// Parses an `application/x-www-form-urlencoded` body.
    pub(crate) fn parse(bytes: &[u8]) -> FormData {
        FormData {
            pairs: form_urlencoded::parse(bytes).into_owned().collect(),
        }
    }

    /// The first value of a field.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a field, or empty.
    pub(crate) fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// The first value, trimmed, or `None` when blank.
    pub(crate) fn opt(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// Every non-empty value of a repeated field (checkbox lists).
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Whether a checkbox was ticked.
    pub(crate) fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Whether `value` is among the values of `name`.
    pub(crate) fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    /// Replaces every value of a field with one.
    pub(crate) fn set(&mut self, name: &str, value: impl Into<String>) {
        self.remove(name);
        self.push(name, value);
    }

    /// Removes every value of a field.
    pub(crate) fn remove(&mut self, name: &str) {
        self.pairs.retain(|(k, _)| k != name);
    }

    /// Removes every field whose name starts with `prefix`.
    pub(crate) fn remove_prefixed(&mut self, prefix: &str) {
        self.pairs.retain(|(k, _)| !k.starts_with(prefix));
    }

    /// Adds a value.
    pub(crate) fn push(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Adds each value of a list.
    pub(crate) fn push_all<S: AsRef<str>>(&mut self, name: &str, values: &[S]) {
        for v in values {
            self.push(name, v.as_ref());
        }
    }

    /// Adds a checkbox's value when `on`.
    pub(crate) fn push_flag(&mut self, name: &str, on: bool) {
        if on {
            self.push(name, "on");
        }
    }
}

/// Error messages by form field, in the order they were found.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormErrors {
    errors: Vec<(String, String)>,
}

impl FormErrors {
    /// Records an error for a field (the first one per field is kept).
    pub(crate) fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.errors.push((field.to_owned(), message.into()));
        }
    }

    /// The error of a field.
    pub(crate) fn get(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// No errors.
    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// All errors as one sentence, for error pages.
    pub(crate) fn summary(&self) -> String {
        self.errors
            .iter()
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Turns the model's English validation messages into the reader's language. Messages the
/// catalogue has no pattern for are shown as the model wrote them.
pub(crate) fn localize_error(tr: Tr, message: &str) -> String {
    let id = if message == "is required" || message == "must not be empty" {
        "err-required"
    } else if message.contains("must end after it starts") {
        "err-end-before-start"
    } else if message.contains("cannot last more than") {
        "err-too-long-meeting"
    } else if message.contains("is not a date-time") {
        "err-datetime"
    } else if message.contains("is not a date like") {
        "err-date"
    } else if message.contains("is not an e-mail address") {
        "err-email"
    } else if message.starts_with("is longer than") {
        "err-too-long"
    } else if message.contains("single line") {
        "err-single-line"
    } else if message.contains("invisible or text-direction character") {
        "err-invisible"
    } else if message.contains("is not a language code") {
        "err-language"
    } else if message.contains("must be at most") {
        "err-capacity"
    } else if message.starts_with("no ") && message.contains(" with id ") {
        "err-unknown-ref"
    } else if message.contains("is not a peer address") {
        "err-address"
    } else {
        return message.to_owned();
    };
    tr.t(id)
}

/// A select longer than this gets a box that narrows it ([`select_filter`]).
pub(crate) const LONG_SELECT: usize = 10;

/// The box above a long select (`select_id`) that keeps only the options with a word
/// beginning with each word typed: shown by the live script, and without a name, so the form
/// sends the same.
pub(crate) fn select_filter(tr: Tr, select_id: &str) -> Markup {
    html! {
        div.select-filter data-select-filter=(select_id) hidden {
            input type="search" id={(select_id) "-find"} autocomplete="off"
                aria-label=(tr.t("picker-filter")) aria-controls=(select_id)
                placeholder=(tr.t("picker-filter"));
        }
    }
}

/// A form being shown: values to fill in and errors to show next to their fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Form<'a> {
    /// The reader's language.
    pub(crate) tr: Tr,
    /// Values shown in the fields.
    pub(crate) values: &'a FormData,
    /// Errors shown next to the fields.
    pub(crate) errors: &'a FormErrors,
    /// Prefix of element ids, so that two forms on one page do not clash.
    pub(crate) prefix: &'a str,
    /// Fields a peer changed while the user did too, shown beside them with a choice.
    pub(crate) contests: &'a [Contest],
    /// Fields holding several values at once, each shown beside its field with a button
    /// per value.
    pub(crate) conflicts: &'a [ConflictMark],
}

/// The kind of a one-line input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Input {
    Text,
    Email,
    Tel,
    Date,
    Time,
    Number,
}

impl Input {
    fn as_str(self) -> &'static str {
        match self {
            Input::Text => "text",
            Input::Email => "email",
            Input::Tel => "tel",
            Input::Date => "date",
            Input::Time => "time",
            Input::Number => "number",
        }
    }
}

impl<'a> Form<'a> {
    /// A form without a prefix.
    pub(crate) fn new(tr: Tr, values: &'a FormData, errors: &'a FormErrors) -> Form<'a> {
        Form {
            tr,
            values,
            errors,
            prefix: "f",
            contests: &[],
            conflicts: &[],
        }
    }

    /// The hidden inputs an edit form carries: the heads it was rendered at, the fields it
    /// asks about and the other values it showed (see [`super::record`]); nothing for a new
    /// record's form.
    pub(crate) fn originals(&self) -> Markup {
        html! {
            @for (k, v) in &self.values.pairs {
                @if k == "heads" || k == "contested" || k.starts_with(THEIRS_PREFIX) {
                    input type="hidden" name=(k) value=(v);
                }
            }
            @if !self.contests.is_empty() {
                div.notice.warn role="alert" { (self.tr.t("contest-summary")) }
            }
            @if !self.conflicts.is_empty() {
                div.notice.warn {
                    (self.tr.t("conflict-marks-summary")) " "
                    a href="/conflicts" { (self.tr.t("conflict-marks-all")) }
                }
            }
        }
    }

    /// The element id of the mark of a field's `i`-th conflict.
    fn mark_id(&self, name: &str, i: usize) -> String {
        format!("{}-conflict-{i}", self.id(name))
    }

    /// The values of a field that holds several at once, who wrote each, and a button that
    /// keeps it.
    fn conflicts_of(&self, name: &str) -> Markup {
        let tr = self.tr;
        html! {
            @for (i, m) in self.conflicts.iter().filter(|m| m.form_field == name).enumerate() {
                @let id = self.mark_id(name, i);
                div.contest.conflict-mark id=(id) role="group" aria-labelledby={(id) "-h"} {
                    p id={(id) "-h"} { (tr.t("conflict-mark")) }
                    ul {
                        @for (j, (value, by)) in m.values.iter().enumerate() {
                            li {
                                strong.value id={(id) "-v" (j)} dir="auto" { (value) }
                                " "
                                span.author id={(id) "-a" (j)} { (tr.ta("conflict-by", &[("name", by.clone().into())])) }
                                @if j == 0 { " " span.badge.muted { (tr.t("conflict-shown")) } }
                                " "
                                button.secondary type="submit" form=(m.form_id) name="choice" value=(j)
                                    aria-describedby={(id) "-v" (j) " " (id) "-a" (j)} {
                                    (tr.t("conflict-keep"))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// What a peer wrote in a field the user changed too, and the choice between them.
    fn contests_of(&self, name: &str) -> Markup {
        html! {
            @for (i, c) in self.contests.iter().filter(|c| c.form_field == name).enumerate() {
                @let id = format!("{}-contest-{i}", self.id(name));
                @let keep = keep_name(&c.field);
                @let chosen = self.values.get(&keep);
                div.contest role="group" aria-labelledby={(id) "-h"} {
                    p id={(id) "-h"} {
                        (self.tr.ta("contest-changed-meanwhile", &[("name", c.by.clone().into())]))
                        " " strong dir="auto" { (c.theirs) }
                    }
                    div.options {
                        div.check {
                            input id={(id) "-mine"} type="radio" name=(keep) value="mine" checked[chosen == Some("mine")];
                            label for={(id) "-mine"} { (self.tr.t("contest-keep-mine")) }
                        }
                        div.check {
                            input id={(id) "-theirs"} type="radio" name=(keep) value="theirs" checked[chosen == Some("theirs")];
                            label for={(id) "-theirs"} { (self.tr.t("contest-keep-theirs")) }
                        }
                    }
                }
            }
        }
    }

    /// The element id of a field.
    pub(crate) fn id(&self, name: &str) -> String {
        format!("{}-{name}", self.prefix)
    }

    /// `aria-describedby` for a field with an optional hint and its error.
    pub(crate) fn described_by(&self, name: &str, hint: bool) -> Option<String> {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{}-hint", self.id(name)));
        }
        if self.errors.get(name).is_some() {
            ids.push(format!("{}-error", self.id(name)));
        }
        let marks = self.conflicts.iter().filter(|m| m.form_field == name);
        for i in 0..marks.count() {
            ids.push(format!("{}-h", self.mark_id(name, i)));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn label(&self, name: &str, label: &str, required: bool) -> Markup {
        html! {
            label for=(self.id(name)) {
                (label)
                @if required { " " span.req { (self.tr.t("field-required")) } }
            }
        }
    }

    /// A field's hint and error, with the ids [`Form::described_by`] names.
    pub(crate) fn hint_and_error(&self, name: &str, hint: Option<&str>) -> Markup {
        html! {
            @if let Some(h) = hint { p.hint id={(self.id(name)) "-hint"} { (h) } }
            (self.conflicts_of(name))
            (self.contests_of(name))
            @if let Some(e) = self.errors.get(name) {
                p.error id={(self.id(name)) "-error"} {
                    span.visually-hidden { (self.tr.t("error-prefix")) " " }
                    (e)
                }
            }
        }
    }

    /// `field`, and `invalid` when the field has an error.
    pub(crate) fn class(&self, name: &str) -> &'static str {
        if self.errors.get(name).is_some() {
            "field invalid"
        } else {
            "field"
        }
    }

    /// A one-line input.
    pub(crate) fn input(
        &self,
        kind: Input,
        name: &str,
        label: &str,
        required: bool,
        hint: Option<&str>,
    ) -> Markup {
        let invalid = self.errors.get(name).is_some();
        html! {
            div class=(self.class(name)) {
                (self.label(name, label, required))
                (self.hint_and_error(name, hint))
                input id=(self.id(name)) name=(name) type=(kind.as_str())
                    value=(self.values.text(name))
                    dir=[(kind == Input::Text).then_some("auto")]
                    min=[(kind == Input::Number).then_some("0")]
                    aria-required=[required.then_some("true")]
                    aria-invalid=[invalid.then_some("true")]
                    aria-describedby=[self.described_by(name, hint.is_some())];
            }
        }
    }

    /// A multi-line text.
    pub(crate) fn textarea(
        &self,
        name: &str,
        label: &str,
        rows: u32,
        hint: Option<&str>,
    ) -> Markup {
        let invalid = self.errors.get(name).is_some();
        html! {
            div class=(self.class(name)) {
                (self.label(name, label, false))
                (self.hint_and_error(name, hint))
                textarea id=(self.id(name)) name=(name) rows=(rows) dir="auto"
                    aria-invalid=[invalid.then_some("true")]
                    aria-describedby=[self.described_by(name, hint.is_some())]
                    // HTML drops one new line right after the start tag, so a text that
                    // starts with a new line keeps it.
                    { "\n" (self.values.text(name)) }
            }
        }
    }

    /// A drop-down list of `(value, label)`.
    pub(crate) fn select(
        &self,
        name: &str,
        label: &str,
        options: &[(String, String)],
        hint: Option<&str>,
    ) -> Markup {
        let current = self.values.text(name);
        let invalid = self.errors.get(name).is_some();
        html! {
            div class=(self.class(name)) {
                (self.label(name, label, false))
                (self.hint_and_error(name, hint))
                @if options.len() > LONG_SELECT { (select_filter(self.tr, &self.id(name))) }
                select id=(self.id(name)) name=(name)
                    aria-invalid=[invalid.then_some("true")]
                    aria-describedby=[self.described_by(name, hint.is_some())] {
                    @for (value, text) in options {
                        option value=(value) selected[*value == current] { (text) }
                    }
                }
            }
        }
    }

    /// One checkbox.
    pub(crate) fn checkbox(&self, name: &str, label: &str, hint: Option<&str>) -> Markup {
        html! {
            div class={(self.class(name)) " check"} {
                input id=(self.id(name)) name=(name) type="checkbox" value="on"
                    checked[self.values.checked(name)]
                    aria-describedby=[self.described_by(name, hint.is_some())];
                label for=(self.id(name)) { (label) }
                (self.hint_and_error(name, hint))
            }
        }
    }

    /// A group of checkboxes sharing one name, in a fieldset.
    pub(crate) fn checkboxes(
        &self,
        name: &str,
        legend: &str,
        options: &[(String, String)],
        hint: Option<&str>,
    ) -> Markup {
        html! {
            fieldset class={(self.class(name)) " choices"} id=(self.id(name))
                aria-describedby=[self.described_by(name, hint.is_some())] {
                legend { (legend) }
                (self.hint_and_error(name, hint))
                div.options {
                    @for (i, (value, text)) in options.iter().enumerate() {
                        @let id = format!("{}-{i}", self.id(name));
                        div.check {
                            input id=(id) name=(name) type="checkbox" value=(value)
                                checked[self.values.has(name, value)];
                            label for=(id) dir="auto" { (text) }
                        }
                    }
                }
            }
        }
    }

    /// A group of radio buttons in a fieldset.
    pub(crate) fn radios(
        &self,
        name: &str,
        legend: Markup,
        options: &[(String, String)],
    ) -> Markup {
        html! {
            fieldset class={(self.class(name)) " choices inline"} {
                legend { (legend) }
                (self.hint_and_error(name, None))
                div.options {
                    @for (i, (value, text)) in options.iter().enumerate() {
                        @let id = format!("{}-{i}", self.id(name));
                        div.check {
                            input id=(id) name=(name) type="radio" value=(value)
                                checked[self.values.has(name, value)];
                            label for=(id) { (text) }
                        }
                    }
                }
            }
        }
    }

    /// "Title: Fill this in." when the field has a name in the catalogue, else the message.
    fn summary_line(&self, field: &str, message: &str) -> String {
        let id = format!("field-{}", field.replace('_', "-"));
        if self.tr.has(&id) {
            self.tr.ta(
                "error-in-field",
                &[
                    ("field", self.tr.t(&id).into()),
                    ("message", message.to_owned().into()),
                ],
            )
        } else {
            message.to_owned()
        }
    }

    /// The list of errors at the top of a form, each linking to its field.
    pub(crate) fn summary(&self) -> Markup {
        html! {
            @if !self.errors.is_empty() {
                div.error-summary role="alert" id="error-summary" tabindex="-1" {
                    h2 { (self.tr.t("error-summary")) }
                    ul {
                        @for (field, message) in &self.errors.errors {
                            li { a href={"#" (self.id(field))} { (self.summary_line(field, message)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The options of a closed set of values: each value's wire name, labelled by the catalogue's
/// `{prefix}-{name}` message.
pub(crate) fn choices<T: Copy>(
    tr: Tr,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    prefix: &str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|&value| {
            let name = name(value);
            (name.to_owned(), tr.t(&format!("{prefix}-{name}")))
        })
        .collect()
}

/// Language choices for a form: the six UN languages, then any other code in use.
pub(crate) fn language_options(
    tr: Tr,
    in_use: impl IntoIterator<Item = String>,
) -> Vec<(String, String)> {
    let mut codes: Vec<String> = ["ar", "zh", "en", "fr", "ru", "es"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut extra: Vec<String> = in_use.into_iter().filter(|c| !codes.contains(c)).collect();
    extra.sort();
    extra.dedup();
    codes.extend(extra);
    codes
        .into_iter()
        .map(|c| {
            let label = format!("{} ({c})", tr.language(&c));
            (c, label)
        })
        .collect()
}

/// The languages ticked in a form plus those typed in its "other" box.
pub(crate) fn languages_from(form: &FormData, name: &str) -> Vec<String> {
    let mut langs = form.all(name);
    let other = form.text(&format!("{name}_other"));
    langs.extend(
        other
            .split([' ', ',', ';'])
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    langs.sort();
    langs.dedup();
    langs
}

/// Words of a free list (equipment), split on commas or new lines.
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}
