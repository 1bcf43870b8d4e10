//! The catalogues of the six languages: complete, parsed, every id used by the code, nothing
//! left in English, each language's plural forms and dates; and `?lang=` choosing the
//! language on any page.

use std::collections::BTreeSet;

use super::*;

/// Messages that are only a pattern of arguments and punctuation, or a name: no words of any
/// language in them.
const PATTERNS: [&str; 9] = [
    "app-name",
    "date-long",
    "date-short",
    "date-time",
    "error-in-field",
    "interp-combination",
    "interp-day-title",
    "list-separator",
    "resource-with-state",
];

/// Messages a language writes exactly as English does, as the same word (not left
/// untranslated): French and Spanish share a few words with English ("Description",
/// "Caucus", "no"). Nothing else may equal its English.
const SAME_AS_ENGLISH: [(Lang, &[&str]); 2] = [
    (
        Lang::Fr,
        &[
            "field-contact",
            "field-date",
            "field-description",
            "field-note",
            "field-notes",
            "field-organisation",
            "group-kind-caucus",
            "liaison-title",
            "meeting-kind-bureau",
            "meeting-kind-caucus",
            "meeting-kind-liaison",
            "nav-liaison",
            "pager-page",
            "type-note",
        ],
    ),
    (
        Lang::Es,
        &[
            "error-prefix",
            "group-kind-caucus",
            "meeting-kind-caucus",
            "no",
            "role-editor",
            "value-no",
        ],
    ),
];

/// Ids the code builds from a value (`format!("kind-{}", ...)`) rather than naming them.
fn generated_ids() -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for k in MeetingKind::ALL {
        ids.push(format!("meeting-kind-{}", k.as_str()));
    }
    for s in MeetingStatus::ALL {
        ids.push(format!("meeting-status-{}", s.as_str()));
    }
    for k in GroupKind::ALL {
        ids.push(format!("group-kind-{}", k.as_str()));
        ids.push(format!("group-kind-plural-{}", k.as_str()));
    }
    for s in GroupStatus::ALL {
        ids.push(format!("group-status-{}", s.as_str()));
    }
    for s in StatusEvent::ALL {
        ids.push(format!("status-event-{}", s.as_str()));
    }
    for d in Decision::ALL {
        ids.push(format!("decision-{}", d.as_str()));
    }
    for r in Role::ALL {
        ids.push(format!("role-{}", r.as_str()));
    }
    for r in ResourceState::ALL {
        ids.push(format!("resource-state-{}", r.as_str()));
    }
    for t in RecordType::ALL {
        ids.push(format!("type-{}", t.as_str()));
    }
    for n in bureau_model::NORMS {
        ids.push(format!("settings-{}", n.key.replace('_', "-")));
    }
    for k in [
        FindingKind::RoomDoubleBooked,
        FindingKind::MemberDoubleBooked,
        FindingKind::InterpretationNotCovered,
        FindingKind::ArchivedReference,
        FindingKind::GroupWithoutFocalPoint,
        FindingKind::ReviewOverdue,
        FindingKind::GroupInactive,
        FindingKind::PlenaryConsultationPending,
        FindingKind::ActionOverdue,
        FindingKind::BoothsTooFew,
        FindingKind::BoothTeamTooSmall,
        FindingKind::InterpreterDoubleBooked,
        FindingKind::InterpreterUnavailable,
        FindingKind::InterpreterLanguageMismatch,
        FindingKind::RelayNeeded,
        FindingKind::InterpreterOverloaded,
    ] {
        ids.push(format!("kind-{}", super::super::findings::kind_name(k)));
    }
    for which in ["room", "group"] {
        ids.push(format!("finding-archived-{which}"));
        ids.push(format!("finding-unknown-{which}"));
    }
    for n in 1..=7 {
        ids.push(format!("weekday-{n}"));
        ids.push(format!("weekday-short-{n}"));
    }
    for n in 1..=12 {
        ids.push(format!("month-{n}"));
        ids.push(format!("month-short-{n}"));
    }
    // The notice after a write (`?done=`).
    for d in [
        "created", "saved", "archived", "restored", "resolved", "already", "recorded", "admitted",
        "merged", "paused", "resumed", "dialled", "revoked", "role", "bundle",
    ] {
        ids.push(format!("done-{d}"));
    }
    for v in [
        "create", "update", "archive", "restore", "resolve", "add", "revoke", "migrate", "import",
    ] {
        ids.push(format!("history-verb-{v}"));
    }
    for (_, v) in crate::ui::conflicts::history::DOCUMENT_VERBS {
        ids.push(format!("history-doc-{v}"));
    }
    // A record's fields by their serde names, in histories and conflicts, where the form has
    // no label of the same id.
    for f in [
        "room-id",
        "body-id",
        "archived",
        "decisions",
        "actions",
        "versions",
        "comments",
        "suggestions",
    ] {
        ids.push(format!("field-{f}"));
    }
    // Language names (`Tr::language`): the six official languages and a few more.
    for code in ["ar", "zh", "en", "fr", "ru", "es", "pt", "de", "it", "sw"] {
        ids.push(format!("language-{code}"));
    }
    ids
}

/// The text of the crate's non-test sources.
fn code_text() -> String {
    fn walk(dir: &std::path::Path, out: &mut String) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name == "tests" || name == "tests.rs" {
                continue;
            }
            if path.is_dir() {
                walk(&path, out);
            } else if name.ends_with(".rs") {
                out.push_str(&std::fs::read_to_string(&path).expect("a source file"));
            }
        }
    }
    let mut out = String::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut out,
    );
    out
}

/// Every catalogue parses, defines each id once and exactly the ids of English; and every id
/// of English is used by the code: named in a source file (`"id"`), or built from a value
/// the code knows ([`generated_ids`]).
#[test]
fn every_catalogue_parses_and_has_every_id_the_code_uses_and_no_other() {
    let en: BTreeSet<String> = message_ids(Lang::En).into_iter().collect();
    for lang in Lang::ALL {
        assert_eq!(
            parse_errors(lang),
            Vec::<String>::new(),
            "{lang:?} catalogue has syntax errors"
        );
        let ids = message_ids(lang);
        let set: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(
            set.len(),
            ids.len(),
            "{lang:?} catalogue defines an id twice"
        );
        assert_eq!(
            en.difference(&set).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in {lang:?}"
        );
        assert_eq!(
            set.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in {lang:?}"
        );
    }
    let generated: BTreeSet<String> = generated_ids().into_iter().collect();
    for id in &generated {
        assert!(en.contains(id), "no message {id} in the English catalogue");
    }
    let code = code_text();
    let unused: Vec<&String> = en
        .iter()
        .filter(|id| !generated.contains(*id) && !code.contains(&format!("\"{id}\"")))
        .collect();
    assert_eq!(
        unused,
        Vec::<&String>::new(),
        "messages no code uses (remove them, or list the ids the code builds in generated_ids)"
    );
}

/// Arguments for formatting any message.
fn sample_args(n: i64) -> Vec<(&'static str, fluent_bundle::FluentValue<'static>)> {
    vec![
        ("n", n.into()),
        ("connected", n.into()),
        ("in_sync", n.into()),
        ("groups", n.into()),
        ("members", n.into()),
        ("day", n.into()),
    ]
}

/// Whether a character is in a language's script.
type InScript = fn(char) -> bool;

/// No message of another language is its English text, but the patterns and the same words
/// listed; and every message of Russian, Chinese and Arabic is in its script (none falls back
/// to English, which an Arabic page would mark as a left-to-right run).
#[test]
fn no_message_is_left_in_english_and_each_is_in_its_script() {
    let scripts: [(Lang, InScript); 3] = [
        (Lang::Ru, |c| ('\u{0400}'..='\u{04FF}').contains(&c)),
        (Lang::Zh, |c| ('\u{4E00}'..='\u{9FFF}').contains(&c)),
        (Lang::Ar, |c| ('\u{0600}'..='\u{06FF}').contains(&c)),
    ];
    let en = Tr(Lang::En);
    let mut left = Vec::new();
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let tr = Tr(lang);
        let same_word = SAME_AS_ENGLISH
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or(&[][..], |(_, ids)| *ids);
        for id in message_ids(Lang::En) {
            let args = sample_args(5);
            let text = tr.ta(&id, &args);
            if text == en.ta(&id, &args)
                && !PATTERNS.contains(&id.as_str())
                && !same_word.contains(&id.as_str())
            {
                left.push(format!("{lang:?} {id}: {text}"));
            }
            assert!(!text.contains('\u{2066}'), "{id} is shown in English");
            if let Some((_, in_script)) = scripts.iter().find(|(l, _)| *l == lang) {
                assert!(
                    PATTERNS.contains(&id.as_str()) || text.chars().any(in_script),
                    "{id} has no {lang:?} letters: {text}"
                );
            }
        }
        // The same-word list names only messages that are the same.
        for id in same_word {
            assert_eq!(
                tr.t(id),
                en.t(id),
                "{lang:?} {id} differs from English: take it off SAME_AS_ENGLISH"
            );
        }
    }
    assert_eq!(left, Vec::<String>::new(), "messages left in English");
}

/// The plural categories a language has (CLDR) and those each of its plurals must give.
fn plural_forms(lang: Lang) -> (&'static [&'static str], &'static [&'static str]) {
    match lang {
        Lang::En => (&["one", "other"], &["one", "other"]),
        Lang::Fr | Lang::Es => (&["one", "many", "other"], &["one", "other"]),
        Lang::Ru => (
            &["one", "few", "many", "other"],
            &["one", "few", "many", "other"],
        ),
        Lang::Zh => (&["other"], &["other"]),
        Lang::Ar => (
            &["zero", "one", "two", "few", "many", "other"],
            &["zero", "one", "two", "few", "many", "other"],
        ),
    }
}

/// The plural form `n` takes in `lang`, as Fluent chooses it.
fn plural_category(lang: Lang, n: i64) -> String {
    let source = "x = { $n ->\n [zero] zero\n [one] one\n [two] two\n [few] few\n [many] many\n *[other] other\n}\n";
    let res = fluent_bundle::FluentResource::try_new(source.to_owned()).expect("parses");
    let id: unic_langid::LanguageIdentifier = lang.tag().parse().expect("a language tag");
    let mut bundle = fluent_bundle::FluentBundle::new(vec![id]);
    bundle.add_resource(res).expect("added");
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("n", n);
    let pattern = bundle.get_message("x").and_then(|m| m.value()).expect("x");
    let mut errors = Vec::new();
    bundle
        .format_pattern(pattern, Some(&args), &mut errors)
        .into_owned()
}

/// Every plural in every catalogue gives each form its language needs (Arabic six, Russian
/// four, Chinese only `other`) and none it does not have; an exact number (`[0]`, `[24]`)
/// comes before the form it falls in, since Fluent takes the first variant that matches (24
/// is Russian "few").
#[test]
fn every_plural_has_the_forms_of_its_language() {
    for lang in Lang::ALL {
        let (has, needs) = plural_forms(lang);
        let source = super::super::i18n::source_of(lang);
        let mut id = String::new();
        let mut keys: Option<Vec<&str>> = None;
        let mut on_day = false;
        for line in source.lines() {
            if let Some((name, _)) = line.split_once(" = ") {
                id = name.to_owned();
            }
            let trimmed = line.trim_start();
            if trimmed.starts_with('}') {
                let keys = keys.take().expect("a selector's end after its start");
                // French picks "1er" by the day of the month: not a count.
                if !on_day {
                    check_plural(lang, &id, &keys, has, needs);
                }
            } else if let Some(keys) = &mut keys
                && let Some(key) = trimmed
                    .trim_start_matches('*')
                    .strip_prefix('[')
                    .and_then(|k| k.split_once(']'))
            {
                keys.push(key.0);
            }
            // A selector starts (also right after another ends: "}, { $members ->").
            if line.trim_end().ends_with("->") {
                keys = Some(Vec::new());
                on_day = line.trim_end().ends_with("{ $day ->");
            }
        }
        assert!(keys.is_none(), "a selector is not closed in {lang:?}");
    }
}

/// One plural's variant keys: the forms `lang` needs, none it does not have, and no exact
/// number after the form it falls in (it would never be reached).
fn check_plural(lang: Lang, id: &str, keys: &[&str], has: &[&str], needs: &[&str]) {
    let forms: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| k.parse::<i64>().is_err())
        .collect();
    for f in needs {
        assert!(
            forms.contains(f),
            "{id} ({lang:?}) has no [{f}] form: {keys:?}"
        );
    }
    for f in &forms {
        assert!(
            has.contains(f),
            "{id} ({lang:?}) has a [{f}] form: {keys:?}"
        );
    }
    for (at, key) in keys.iter().enumerate() {
        if let Ok(n) = key.parse::<i64>() {
            let form = plural_category(lang, n);
            assert!(
                !keys[..at].contains(&form.as_str()),
                "{id} ({lang:?}): [{n}] comes after [{form}], which takes it"
            );
        }
    }
}

/// Arabic counts in six forms.
#[test]
fn arabic_plurals_by_number() {
    let tr = Tr(Lang::Ar);
    let count = |n: i64| tr.ta("findings-count", &[("n", n.into())]);
    assert_eq!(
        [
            count(0),
            count(1),
            count(2),
            count(3),
            count(11),
            count(100)
        ],
        [
            "لا تنبيهات",
            "تنبيه واحد",
            "تنبيهان",
            "3 تنبيهات",
            "11 تنبيهًا",
            "100 تنبيه"
        ]
    );
    assert_eq!(tr.ta("invite-hours", &[("n", 24.into())]), "يوم واحد");
}

/// Russian counts in four forms: 1 and 21 (not 11) one; 2 and 22 few; 5, 11 and 25 many.
#[test]
fn russian_plurals_by_number() {
    let tr = Tr(Lang::Ru);
    let count = |n: i64| tr.ta("findings-count", &[("n", n.into())]);
    assert_eq!(
        [1, 2, 5, 21, 22, 25, 11].map(count),
        [
            "1 замечание",
            "2 замечания",
            "5 замечаний",
            "21 замечание",
            "22 замечания",
            "25 замечаний",
            "11 замечаний",
        ]
    );
    let hours = |n: i64| tr.ta("invite-hours", &[("n", n.into())]);
    assert_eq!(
        [1, 2, 5, 21, 24, 168].map(hours),
        ["1 час", "2 часа", "5 часов", "21 час", "1 день", "1 неделя"]
    );
    assert_eq!(
        tr.ta("overview-findings", &[("n", 0.into())]),
        "Ничто не требует внимания"
    );
    assert_eq!(
        tr.ta("overview-findings", &[("n", 22.into())]),
        "22 замечания требуют внимания"
    );
    // Chinese has one form, whatever the number.
    let zh = Tr(Lang::Zh);
    assert_eq!(zh.ta("findings-count", &[("n", 1.into())]), "1项提示");
    assert_eq!(zh.ta("findings-count", &[("n", 2.into())]), "2项提示");
    assert_eq!(zh.ta("invite-hours", &[("n", 24.into())]), "1天");
}

/// Dates and lists as each language writes them.
#[test]
fn dates_and_lists_in_each_language() {
    let first = jiff::civil::date(2026, 12, 1);
    let d = jiff::civil::date(2025, 11, 17);
    let long = |l: Lang| Tr(l).date_long(first);
    let short = |l: Lang| Tr(l).date_short(first);
    assert_eq!(long(Lang::En), "Tuesday 1 December 2026");
    assert_eq!(long(Lang::Fr), "mardi 1er décembre 2026");
    assert_eq!(long(Lang::Es), "martes, 1 de diciembre de 2026");
    assert_eq!(long(Lang::Ru), "вторник, 1 декабря 2026 г.");
    assert_eq!(long(Lang::Zh), "2026年12月1日星期二");
    assert_eq!(long(Lang::Ar), "الثلاثاء 1 ديسمبر 2026");
    assert_eq!(short(Lang::Es), "mar. 1 dic.");
    assert_eq!(short(Lang::Ru), "вт, 1 дек.");
    assert_eq!(short(Lang::Zh), "12月1日周二");
    assert_eq!(Tr(Lang::En).date_long(d), "Monday 17 November 2025");
    assert_eq!(Tr(Lang::Fr).date_long(d), "lundi 17 novembre 2025");
    assert_eq!(Tr(Lang::Ar).date_long(d), "الاثنين 17 نوفمبر 2025");
    assert_eq!(Tr(Lang::Fr).date_short(d), "lun. 17 nov.");
    assert_eq!(Tr(Lang::Ru).date_long(d), "понедельник, 17 ноября 2025 г.");
    assert_eq!(Tr(Lang::Es).date_long(d), "lunes, 17 de noviembre de 2025");
    let at = jiff::civil::date(2026, 12, 1)
        .at(9, 30, 0, 0)
        .to_zoned(jiff::tz::TimeZone::UTC)
        .unwrap();
    assert_eq!(Tr(Lang::Zh).date_time(&at), "2026年12月1日星期二 09:30");
    assert_eq!(
        Tr(Lang::Ru).date_time(&at),
        "вторник, 1 декабря 2026 г., 09:30"
    );
    assert_eq!(Tr(Lang::Zh).list(&["甲", "乙", "丙"]), "甲、乙、丙");
    assert_eq!(Tr(Lang::Ar).list(&["أ", "ب", "ج"]), "أ، ب، ج");
    assert_eq!(Tr(Lang::Es).list(&["a", "b"]), "a, b");
}

/// Language names in the reader's language; a code with subtags by its language's name.
#[test]
fn language_names_in_the_readers_language() {
    let names = |code: &str| Lang::ALL.map(|l| Tr(l).language(code));
    assert_eq!(
        names("zh"),
        [
            "Chinese",
            "chinois",
            "chino",
            "китайский",
            "中文",
            "الصينية"
        ]
    );
    assert_eq!(
        names("es"),
        [
            "Spanish",
            "espagnol",
            "español",
            "испанский",
            "西班牙文",
            "الإسبانية"
        ]
    );
    assert_eq!(Tr(Lang::Ru).language("zh-Hans"), "китайский");
    assert_eq!(Tr(Lang::Es).language("pt-BR"), "portugués");
    assert_eq!(Tr(Lang::Zh).language("xx"), "xx");
    // The switcher names each language in itself.
    assert_eq!(
        Lang::ALL.map(Lang::native_name),
        [
            "English",
            "Français",
            "Español",
            "Русский",
            "中文",
            "العربية"
        ]
    );
}

/// `?lang=` chooses the language of any page, over the cookie and `Accept-Language`, and
/// the answer remembers it as the switcher does; a code the UI does not have is passed over.
#[tokio::test(flavor = "multi_thread")]
async fn the_address_chooses_the_language_and_it_is_remembered() {
    let ui = ui().await;
    for lang in Lang::ALL {
        for uri in ["/", "/roster", "/schedule?view=list", "/no/such/page"] {
            let sep = if uri.contains('?') { '&' } else { '?' };
            let with = format!("{uri}{sep}lang={}", lang.code());
            // The cookie says French: the address wins.
            let (status, headers, html) = ui.send(get_in(&with, Lang::Fr)).await;
            assert!(
                status == StatusCode::OK || status == StatusCode::NOT_FOUND,
                "{with}: {status}"
            );
            assert_clean_page(&with, &html, lang);
            let cookies: Vec<&str> = headers
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            assert!(
                cookies
                    .iter()
                    .any(|c| c.starts_with(&format!("bureau_lang={};", lang.code()))
                        && c.contains("SameSite=Strict")),
                "{with}: {cookies:?}"
            );
            // The switcher's way back leaves `lang=` out, or it would undo the switch.
            let back = form_of(&html, "/lang")
                .into_iter()
                .find(|(k, _)| k == "back")
                .map(|(_, v)| v)
                .expect("the switcher's way back");
            assert!(!back.contains("lang="), "{with}: back to {back}");
            assert_eq!(back.split('?').next(), uri.split('?').next(), "{with}");
        }
    }
    // Arabic by the address: right to left.
    let html = ui.page("/liaison?lang=ar").await;
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    let html = ui.page("/liaison?lang=zh").await;
    assert!(html.contains("<html lang=\"zh-Hans\" dir=\"ltr\">"));
    // A language the UI does not have: the cookie's, and nothing remembered.
    let (status, headers, html) = ui.send(get_in("/roster?lang=de", Lang::Ru)).await;
    assert_eq!(status, StatusCode::OK);
    assert_clean_page("/roster?lang=de", &html, Lang::Ru);
    assert!(headers.get(header::SET_COOKIE).is_none(), "{headers:?}");
    // Without a cookie, the address over Accept-Language; the login page too.
    let req = Request::builder()
        .uri("/roster?lang=es")
        .header(header::HOST, HOST)
        .header(header::ACCEPT_LANGUAGE, "fr")
        .body(Body::empty())
        .unwrap();
    let (status, _, html) = ui.send(req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        html.contains("<html lang=\"es\" dir=\"ltr\">"),
        "{}",
        excerpt(&html)
    );
    assert!(html.contains(&Tr(Lang::Es).t("login-title")));
    // Accept-Language alone picks among the six.
    for (accept, lang) in [
        ("zh-CN,zh;q=0.9", Lang::Zh),
        ("ru-RU, en;q=0.5", Lang::Ru),
        ("es-419", Lang::Es),
    ] {
        let req = Request::builder()
            .uri("/roster")
            .header(header::HOST, HOST)
            .header(header::COOKIE, session())
            .header(header::ACCEPT_LANGUAGE, accept)
            .body(Body::empty())
            .unwrap();
        let html = ui.send(req).await.2;
        assert_clean_page("/roster", &html, lang);
    }
    // The schedule's language filter is `language=`: `lang=` there is the UI's.
    let html = ui
        .page(&format!(
            "/schedule?day={}&view=list&lang=ru&language=ar",
            ui.today
        ))
        .await;
    assert_clean_page("/schedule", &html, Lang::Ru);
    assert!(
        html.contains("<select id=\"filter-language\" name=\"language\">"),
        "{}",
        excerpt(&html)
    );
}
