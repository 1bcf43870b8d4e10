//! The bureau-wide settings (`settings`): defaults, checks naming the field, only an admin's
//! changes taking effect (DESIGN §6 rule 2), keys unknown to this release kept, and the record
//! created on two laptops while apart surviving the merge with every key.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, ScalarValue};
use proptest::prelude::*;

use super::support::*;
use crate::*;

const FOUNDER: &str = "12D3KooWFounderLaptop0001";
const BEA: &str = "12D3KooWBeaLaptop00000001";

fn set(numbers: &[(&str, Option<u32>)]) -> Edit {
    Edit::UpdateSettings(SettingsFields {
        feed_secret: None,
        numbers: numbers.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
    })
}

/// Applies a settings edit that must be written.
#[track_caller]
fn write(r: &mut Replica, edit: Edit) {
    assert_eq!(r.apply(&edit), Ok(Applied::Bureau), "{edit:?}");
}

/// The settings as they take effect in a replica's document.
fn eff(r: &mut Replica) -> Settings {
    settings_effective(r.doc.document()).0
}

#[test]
fn a_bureau_has_the_default_norms_until_an_admin_changes_one() {
    let mut f = Replica::init("founder");
    let d = eff(&mut f);
    assert_eq!(d, Settings::default());
    assert_eq!(
        (
            d.booth_solo_max_minutes,
            d.booth_pair_max_minutes,
            d.booth_pair_from_languages,
            d.interpreter_daily_minutes
        ),
        (40, 180, 3, 360)
    );
    assert_eq!(d.feed_secret, None);
    write(&mut f, set(&[("booth_solo_max_minutes", Some(30))]));
    assert_eq!(eff(&mut f).booth_solo_max_minutes, 30);
    assert_eq!(
        f.snap().settings.booth_solo_max_minutes,
        30,
        "hydrate reads it"
    );
    // Back to the default.
    write(&mut f, set(&[("booth_solo_max_minutes", None)]));
    assert_eq!(eff(&mut f).booth_solo_max_minutes, 40);
    let secret = "ab".repeat(32);
    write(
        &mut f,
        Edit::UpdateSettings(SettingsFields {
            feed_secret: Some(secret.clone()),
            numbers: BTreeMap::new(),
        }),
    );
    assert_eq!(eff(&mut f).feed_secret, Some(secret));
}

#[test]
fn a_bad_setting_is_refused_naming_the_field_and_nothing_is_written() {
    let mut f = Replica::init("founder");
    let before = f.heads();
    let field = |e: EditError| match e {
        EditError::Invalid { field, .. } => field,
        other => panic!("expected a field error, got {other:?}"),
    };
    assert_eq!(
        field(f.refused(set(&[("booth_solo_max_minutes", Some(0))]))),
        "booth_solo_max_minutes"
    );
    assert_eq!(
        field(f.refused(set(&[("booth_pair_from_languages", Some(7))]))),
        "booth_pair_from_languages"
    );
    assert_eq!(
        field(f.refused(set(&[("coffee_breaks", Some(2))]))),
        "coffee_breaks"
    );
    // A booth of two covering less than one interpreter alone.
    assert_eq!(
        field(f.refused(set(&[("booth_pair_max_minutes", Some(30))]))),
        "booth_pair_max_minutes"
    );
    assert_eq!(
        field(f.refused(Edit::UpdateSettings(SettingsFields {
            feed_secret: Some("not hex".to_owned()),
            numbers: BTreeMap::new(),
        }))),
        "feed_secret"
    );
    assert_eq!(field(f.refused(set(&[]))), "settings");
    assert_eq!(f.heads(), before, "nothing was written");
}

#[test]
fn an_editors_settings_change_takes_no_effect_and_is_reported() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    // The local check refuses it...
    let mut snap = bea.snap();
    snap.set_authority(&authority(bea.doc.document()));
    assert!(matches!(
        check_authority(
            &snap,
            BEA,
            &set(&[("interpreter_daily_minutes", Some(600))])
        ),
        Err(EditError::Forbidden { .. })
    ));
    assert!(
        check_authority(
            &snap,
            FOUNDER,
            &set(&[("interpreter_daily_minutes", Some(600))])
        )
        .is_ok()
    );
    // ...and a node of another release, or a rebuilt one, that writes it anyway is set aside.
    write(&mut bea, set(&[("interpreter_daily_minutes", Some(600))]));
    assert_eq!(
        bea.snap().settings.interpreter_daily_minutes,
        600,
        "the raw reading shows the value written"
    );
    f.merge_from(&mut bea);
    for r in [&mut bea, &mut f] {
        let (s, aside) = settings_effective(r.doc.document());
        assert_eq!(s.interpreter_daily_minutes, 360);
        assert_eq!(aside.len(), 1, "{aside:?}");
        assert_eq!(aside[0].0, "interpreter_daily_minutes");
    }
    let mut snap = f.snap();
    snap.set_settings(settings_effective(f.doc.document()));
    snap.set_settings(settings_effective(f.doc.document()));
    let reported: Vec<&str> = snap
        .problems
        .iter()
        .filter(|p| p.message.contains("settings change"))
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(
        reported,
        ["settings.interpreter_daily_minutes"],
        "once, not twice"
    );

    // The admin's later value takes effect; so does one the admin wrote before the editor's.
    write(&mut f, set(&[("interpreter_daily_minutes", Some(300))]));
    assert_eq!(eff(&mut f).interpreter_daily_minutes, 300);
    write(&mut f, set(&[("booth_solo_max_minutes", Some(35))]));
    bea.merge_from(&mut f);
    write(&mut bea, set(&[("booth_solo_max_minutes", Some(20))]));
    f.merge_from(&mut bea);
    assert_eq!(
        eff(&mut f).booth_solo_max_minutes,
        35,
        "what stood before the editor's change stands"
    );
}

#[test]
fn keys_this_release_does_not_know_are_kept_and_nonsense_is_the_default() {
    let mut f = Replica::init("founder");
    write(&mut f, set(&[("booth_pair_max_minutes", Some(200))]));
    // A newer release's setting, and a value out of range, written straight into the record.
    let map = match f.doc.get(automerge::ROOT, SETTINGS).unwrap() {
        Some((automerge::Value::Object(ObjType::Map), m)) => m,
        other => panic!("the settings map: {other:?}"),
    };
    f.doc.put(&map, "plenary_quorum", 12_u64).unwrap();
    f.doc
        .put(&map, "booth_solo_max_minutes", ScalarValue::Uint(100_000))
        .unwrap();
    f.doc.commit();
    assert_eq!(
        eff(&mut f).booth_solo_max_minutes,
        40,
        "out of range: the default"
    );
    write(&mut f, set(&[("interpreter_daily_minutes", Some(400))]));
    let raw = settings_raw_values(&f.doc);
    assert_eq!(raw.get("plenary_quorum"), Some(&ScalarValue::Uint(12)));
    assert_eq!(eff(&mut f).booth_pair_max_minutes, 200);
    assert_eq!(eff(&mut f).interpreter_daily_minutes, 400);
}

proptest! {
    /// Two admins' laptops, in a bureau founded before the settings existed, each create the
    /// record while apart; after merging either way both hold every key either wrote, with the
    /// same value on both sides for a key both wrote.
    #[test]
    fn settings_created_apart_all_survive_the_merge(
        a_keys in proptest::sample::subsequence(NORMS.map(|n| n.key).to_vec(), 1..=4),
        b_keys in proptest::sample::subsequence(NORMS.map(|n| n.key).to_vec(), 1..=4),
        a_first in any::<bool>(),
    ) {
        let mut f = Replica::init("founder");
        let mut bea = device(&mut f, "Bea", BEA, Role::Admin);
        bea.merge_from(&mut f);
        // Values that pass every check between settings whatever the subset.
        let value = |key: &str, side: u32| match key {
            "booth_solo_max_minutes" => 30 + side,
            "booth_pair_max_minutes" => 200 + side,
            "booth_pair_from_languages" => 4 + side,
            _ => 300 + side,
        };
        let a_set: Vec<(&str, Option<u32>)> = a_keys.iter().map(|k| (*k, Some(value(k, 0)))).collect();
        let b_set: Vec<(&str, Option<u32>)> = b_keys.iter().map(|k| (*k, Some(value(k, 1)))).collect();
        write(&mut f, set(&a_set));
        write(&mut bea, set(&b_set));
        let (first, second) = if a_first { (&mut f, &mut bea) } else { (&mut bea, &mut f) };
        first.merge_from(second);
        second.merge_from(first);
        let (s1, s2) = (eff(first), eff(second));
        prop_assert_eq!(&s1, &s2);
        for key in a_keys.iter().chain(&b_keys) {
            let got = s1.number(key).unwrap();
            let mut allowed = Vec::new();
            if a_keys.contains(key) { allowed.push(value(key, 0)); }
            if b_keys.contains(key) { allowed.push(value(key, 1)); }
            prop_assert!(allowed.contains(&got), "{key}: {got} not one of {allowed:?}");
        }
    }
}
