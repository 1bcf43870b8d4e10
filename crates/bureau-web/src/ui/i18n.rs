//! Every text of the UI comes from a Fluent catalogue (`locales/<lang>/ui.ftl`, embedded).
//!
//! English is the reference and fallback: a message missing from another catalogue is taken
//! from English, and one missing from English shows as `⟦id⟧`, which the router tests look
//! for on every page. The language is `?lang=` on the page's address (which the answer also
//! remembers in the cookie, see `View::render`), else the `bureau_lang` cookie (set by the
//! switcher), else the first supported language of `Accept-Language`, else English.
//!
//! Dates are formatted here too, from names and patterns in the catalogues, so that each
//! locale writes them its own way without a CLDR data crate.

use std::sync::LazyLock;

use axum::http::{HeaderMap, Uri, header};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use jiff::Zoned;
use jiff::civil::{Date, Time};

/// Name of the cookie holding the chosen language.
pub(crate) const LANG_COOKIE: &str = "bureau_lang";

/// The query parameter that chooses the language on any page (`?lang=fr`).
pub(crate) const LANG_PARAM: &str = "lang";

/// A language of the UI: the six official languages of the United Nations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lang {
    /// English, the reference catalogue.
    En,
    /// French, complete.
    Fr,
    /// Spanish, complete.
    Es,
    /// Russian, complete (four plural forms).
    Ru,
    /// Chinese in simplified characters, complete (no plural forms).
    Zh,
    /// Arabic, right to left, complete (a message missing would fall back to English).
    Ar,
}

/// The catalogues, embedded in the binary, in the order of [`Lang::ALL`].
const SOURCES: [(Lang, &str); 6] = [
    (Lang::En, include_str!("../../locales/en/ui.ftl")),
    (Lang::Fr, include_str!("../../locales/fr/ui.ftl")),
    (Lang::Es, include_str!("../../locales/es/ui.ftl")),
    (Lang::Ru, include_str!("../../locales/ru/ui.ftl")),
    (Lang::Zh, include_str!("../../locales/zh/ui.ftl")),
    (Lang::Ar, include_str!("../../locales/ar/ui.ftl")),
];

impl Lang {
    /// Every language, in the order the switcher lists them.
    pub(crate) const ALL: [Lang; 6] = [Lang::En, Lang::Fr, Lang::Es, Lang::Ru, Lang::Zh, Lang::Ar];

    /// The short code, used in `?lang=`, the switcher and the cookie.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ru => "ru",
            Lang::Zh => "zh",
            Lang::Ar => "ar",
        }
    }

    /// The BCP 47 tag for `<html lang>` and the catalogue's locale: the code, but for Chinese,
    /// whose script is named so that the browser takes simplified glyphs (Han characters
    /// shared with Japanese and traditional Chinese are drawn differently in each).
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hans",
            other => other.code(),
        }
    }

    /// Writing direction for `dir=`.
    pub(crate) fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            Lang::En | Lang::Fr | Lang::Es | Lang::Ru | Lang::Zh => "ltr",
        }
    }

    /// The language's name in itself, as the switcher shows it (so that a reader who cannot
    /// read the page's language still finds their own).
    pub(crate) fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::Ru => "Русский",
            Lang::Zh => "中文",
            Lang::Ar => "العربية",
        }
    }

    /// Parses a code (`fr`, `fr-CH`, `FR`).
    pub(crate) fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The language a query string chooses with `lang=` (a link such as `/roster?lang=ar`),
    /// if it names one of the UI's languages.
    pub(crate) fn from_query(query: Option<&str>) -> Option<Lang> {
        form_urlencoded::parse(query?.as_bytes())
            .find(|(k, _)| k == LANG_PARAM)
            .and_then(|(_, v)| Lang::parse(&v))
    }

    /// The language a request asks for: `?lang=`, then the cookie, then `Accept-Language`,
    /// then English. A `lang=` naming a language the UI does not have is passed over, as
    /// `Accept-Language` is: the page comes in the next choice.
    pub(crate) fn negotiate(uri: &Uri, headers: &HeaderMap) -> Lang {
        if let Some(lang) = Lang::from_query(uri.query()) {
            return lang;
        }
        let cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == LANG_COOKIE)
            .and_then(|(_, v)| Lang::parse(v));
        if let Some(lang) = cookie {
            return lang;
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // Entries in order of preference; q-values are rarely anything but descending.
        let mut prefs: Vec<(f32, Lang)> = accept
            .split(',')
            .filter_map(|item| {
                let mut parts = item.split(';');
                let lang = Lang::parse(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((q, lang))
            })
            .collect();
        prefs.sort_by(|a, b| b.0.total_cmp(&a.0));
        prefs.first().map_or(Lang::En, |p| p.1)
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Fr => 1,
            Lang::Es => 2,
            Lang::Ru => 3,
            Lang::Zh => 4,
            Lang::Ar => 5,
        }
    }

    fn source(self) -> &'static str {
        SOURCES[self.index()].1
    }
}

/// One bundle per language, built on first use.
static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    Lang::ALL
        .iter()
        .map(|lang| {
            let res = FluentResource::try_new(lang.source().to_owned())
                .unwrap_or_else(|(res, _errors)| res);
            let id: unic_langid::LanguageIdentifier = lang
                .tag()
                .parse()
                .expect("the languages' tags are valid identifiers");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Fluent would wrap every argument in FSI/PDI marks; the markup isolates user
            // text with `dir=auto` and <bdi> instead, and the marks upset copy and paste.
            bundle.set_use_isolating(false);
            // A duplicate id keeps the first definition; the catalogue tests forbid them.
            let _ = bundle.add_resource(res);
            bundle
        })
        .collect()
});

/// Translates for one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tr(pub(crate) Lang);

impl Tr {
    /// The language.
    pub(crate) fn lang(self) -> Lang {
        self.0
    }

    /// Whether a message exists in this language or in English.
    pub(crate) fn has(self, id: &str) -> bool {
        BUNDLES[self.0.index()].has_message(id) || BUNDLES[0].has_message(id)
    }

    /// The message `id` without arguments.
    pub(crate) fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with arguments.
    pub(crate) fn ta(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        self.format(id, Some(&fa))
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        for (i, bundle) in [&BUNDLES[self.0.index()], &BUNDLES[0]]
            .into_iter()
            .enumerate()
        {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::debug!(id, ?errors, "a catalogue message did not format cleanly");
                }
                // English standing in on a right-to-left page is isolated as a left-to-right
                // run (LRI ... PDI), so that its words and punctuation stay in order.
                if i == 1 && self.0.dir() == "rtl" && self.0 != Lang::En {
                    return format!("\u{2066}{text}\u{2069}");
                }
                return text.into_owned();
            }
        }
        format!("⟦{id}⟧")
    }

    /// A language code's name in this language (`fr` → "French"); a code with subtags the
    /// catalogue does not name by the name of its language (`zh-Hans` → "Chinese", `pt-BR` →
    /// "Portuguese"); the code itself when its language is unnamed.
    pub(crate) fn language(self, code: &str) -> String {
        let primary = code.split('-').next().unwrap_or_default();
        [code, primary]
            .into_iter()
            .map(|c| format!("language-{c}"))
            .find(|id| self.has(id))
            .map_or_else(|| code.to_owned(), |id| self.t(&id))
    }

    /// `Monday 17 November 2025`, in this locale.
    pub(crate) fn date_long(self, d: Date) -> String {
        self.date_with("date-long", d)
    }

    /// `Mon 17 Nov`, in this locale.
    pub(crate) fn date_short(self, d: Date) -> String {
        self.date_with("date-short", d)
    }

    fn date_with(self, pattern: &str, d: Date) -> String {
        let wd = d.weekday().to_monday_one_offset();
        let m = d.month();
        self.ta(
            pattern,
            &[
                ("weekday", self.t(&format!("weekday-{wd}")).into()),
                (
                    "weekday_short",
                    self.t(&format!("weekday-short-{wd}")).into(),
                ),
                ("day", i64::from(d.day()).into()),
                ("month", self.t(&format!("month-{m}")).into()),
                ("month_short", self.t(&format!("month-short-{m}")).into()),
                // A string, so that Fluent does not group the year's digits ("2,025").
                ("year", d.year().to_string().into()),
            ],
        )
    }

    /// Items of a list in a sentence or a cell, with this language's separator (Arabic
    /// writes `،`, not the Latin comma).
    pub(crate) fn list<S: AsRef<str>>(self, items: &[S]) -> String {
        let sep = self.t("list-separator");
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(&sep)
    }

    /// `09:30`: every catalogue uses the 24-hour clock, as conference venues do.
    pub(crate) fn time(self, t: Time) -> String {
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    /// Date and time of an instant in the venue's zone.
    pub(crate) fn date_time(self, z: &Zoned) -> String {
        self.ta(
            "date-time",
            &[
                ("date", self.date_long(z.date()).into()),
                ("time", self.time(z.time()).into()),
            ],
        )
    }
}

/// Message ids defined by a catalogue's source (lines `id = ...`), for the tests.
#[cfg(test)]
pub(crate) fn message_ids(lang: Lang) -> Vec<String> {
    lang.source()
        .lines()
        .filter_map(|l| {
            let (id, _) = l.split_once(" =")?;
            let ok = id.chars().next()?.is_ascii_alphabetic()
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            ok.then(|| id.to_owned())
        })
        .collect()
}

/// A catalogue's source, for the tests.
#[cfg(test)]
pub(crate) fn source_of(lang: Lang) -> &'static str {
    lang.source()
}

/// Whether a catalogue parses without errors, for the tests.
#[cfg(test)]
pub(crate) fn parse_errors(lang: Lang) -> Vec<String> {
    match FluentResource::try_new(lang.source().to_owned()) {
        Ok(_) => Vec::new(),
        Err((_, errors)) => errors.iter().map(|e| format!("{e:?}")).collect(),
    }
}
