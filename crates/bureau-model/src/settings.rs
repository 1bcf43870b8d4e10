//! The bureau-wide settings: one `settings` record at the document's root (DESIGN §6,
//! "Settings"), changed by admins only, read by every node alike.
//!
//! Invariants:
//! - **Created late, read as a union.** The map is made by the first settings change, which in
//!   a bureau founded before it existed may happen on two laptops while apart (DESIGN §6,
//!   "Objects created concurrently"). Every read takes each key from every map at the root key
//!   (`get_all`), the map `get` shows winning a key both hold; a write goes into the map where
//!   the key lives, else the one `get` shows, and creates a map only when there is none.
//! - **Admins only, without breaking the change graph** (DESIGN §6, rule 2). A settings change
//!   is applied like any other but takes effect only if its author was an admin device at the
//!   change's causal parents; [`crate::authority`]'s reading decides ([`effective`]), and what
//!   was set aside is reported as a problem. The node's own check ([`crate::check_authority`])
//!   refuses the edit before it is written.
//! - **Unknown keys are kept.** A newer release may add settings: this one reads only the keys
//!   it knows, writes only those, and leaves the rest in place.
//! - A missing or unreadable value is its default; a value out of range is its default too, so
//!   a peer cannot switch a check off by writing nonsense.
//! - Nothing here deletes a key (back to the default writes the default). A deletion leaves no
//!   value whose author the reading could weigh, so one made by a crafted node is not set
//!   aside; the threat model in ARCHITECTURE.md counts it with the other forgeries a rebuilt
//!   node can make.

use std::collections::BTreeMap;

use automerge::transaction::Transactable;
use automerge::{AutoCommit, Automerge, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use serde::{Deserialize, Serialize};

use crate::edit::{EditError, invalid};

/// The root key of the settings record.
pub const SETTINGS: &str = "settings";

/// Interpreters' working norms, as defaults a bureau may change.
///
/// Source: AIIC (International Association of Conference Interpreters), Professional
/// Standards, articles 6 and 7 (team strength), and the working conditions its agreements with
/// the United Nations apply: an interpreter works alone only for short meetings, a booth of two
/// covers a half day (up to three hours), longer days need a third; a meeting with three or more
/// languages needs at least two per booth, since each booth works from more than one language;
/// and an interpreter's day is at most about six hours in the booth.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `booth_solo_max_minutes` | 40 | longest meeting one interpreter covers alone |
/// | `booth_pair_max_minutes` | 180 | longest meeting a booth of two covers; beyond it, three |
/// | `booth_pair_from_languages` | 3 | from this many meeting languages, two per booth at any length |
/// | `interpreter_daily_minutes` | 360 | most minutes in a booth for one interpreter in a day |
pub const NORMS: [Norm; 4] = [
    Norm {
        key: "booth_solo_max_minutes",
        default: 40,
        range: (1, 600),
    },
    Norm {
        key: "booth_pair_max_minutes",
        default: 180,
        range: (1, 1440),
    },
    Norm {
        key: "booth_pair_from_languages",
        default: 3,
        range: (2, 6),
    },
    Norm {
        key: "interpreter_daily_minutes",
        default: 360,
        range: (1, 1440),
    },
];

/// One numeric setting: its key, default and accepted range (inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Norm {
    /// The key in the record and in the API.
    pub key: &'static str,
    /// Its value when unset.
    pub default: u32,
    /// The smallest and largest value accepted.
    pub range: (u32, u32),
}

/// The bureau's settings as they take effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The secret the calendar feeds' keys are made from (hex), once a feed was asked for.
    /// Never serialised: the API says only whether there is one.
    #[serde(skip)]
    pub feed_secret: Option<String>,
    /// See [`NORMS`].
    pub booth_solo_max_minutes: u32,
    /// See [`NORMS`].
    pub booth_pair_max_minutes: u32,
    /// See [`NORMS`].
    pub booth_pair_from_languages: u32,
    /// See [`NORMS`].
    pub interpreter_daily_minutes: u32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings::from_values(&BTreeMap::new())
    }
}

impl Settings {
    /// Settings from raw values by key; anything missing, of the wrong type or out of range is
    /// its default.
    pub fn from_values(values: &BTreeMap<String, ScalarValue>) -> Settings {
        let num = |key: &str| {
            let norm = NORMS
                .iter()
                .find(|n| n.key == key)
                .expect("every numeric setting has a norm");
            values
                .get(key)
                .and_then(|v| match v {
                    ScalarValue::Uint(n) => u32::try_from(*n).ok(),
                    ScalarValue::Int(n) => u32::try_from(*n).ok(),
                    _ => None,
                })
                .filter(|n| (norm.range.0..=norm.range.1).contains(n))
                .unwrap_or(norm.default)
        };
        Settings {
            feed_secret: match values.get("feed_secret") {
                Some(ScalarValue::Str(s)) if is_secret(s) => Some(s.to_string()),
                _ => None,
            },
            booth_solo_max_minutes: num("booth_solo_max_minutes"),
            booth_pair_max_minutes: num("booth_pair_max_minutes"),
            booth_pair_from_languages: num("booth_pair_from_languages"),
            interpreter_daily_minutes: num("interpreter_daily_minutes"),
        }
    }

    /// A numeric setting by key, if there is one so named.
    pub fn number(&self, key: &str) -> Option<u32> {
        Some(match key {
            "booth_solo_max_minutes" => self.booth_solo_max_minutes,
            "booth_pair_max_minutes" => self.booth_pair_max_minutes,
            "booth_pair_from_languages" => self.booth_pair_from_languages,
            "interpreter_daily_minutes" => self.interpreter_daily_minutes,
            _ => return None,
        })
    }
}

/// A feed secret as the record holds it: 64 lowercase hex digits (32 random bytes).
fn is_secret(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// What a settings edit changes: a setting not named is left as it is; a numeric one named
/// with `None` goes back to its default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SettingsFields {
    /// A new feed secret (64 hex digits); every feed key made from the old one stops working.
    pub feed_secret: Option<String>,
    /// Numeric settings by key (see [`NORMS`]).
    pub numbers: BTreeMap<String, Option<u32>>,
}

impl SettingsFields {
    /// Whether the edit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.feed_secret.is_none() && self.numbers.is_empty()
    }
}

/// Every map at the root key, in `get_all`'s order (the one `get` shows last).
fn maps<D: ReadDoc>(doc: &D) -> Vec<ObjId> {
    doc.get_all(automerge::ROOT, SETTINGS)
        .unwrap_or_default()
        .into_iter()
        .filter(|(v, _)| matches!(v, Value::Object(ObjType::Map)))
        .map(|(_, id)| id)
        .collect()
}

/// The raw values of every key, the union of every map (a later map in `get_all`'s order wins
/// a key both hold), with no regard to who wrote them: what a node of the earlier release, or
/// a document without devices, shows. [`effective`] is what takes effect.
pub fn raw_values<D: ReadDoc>(doc: &D) -> BTreeMap<String, ScalarValue> {
    let mut out = BTreeMap::new();
    for map in maps(doc) {
        for item in doc.map_range(&map, ..) {
            if let Value::Scalar(v) = item.value.into_value() {
                out.insert(item.key.to_string(), v.into_owned());
            }
        }
    }
    out
}

/// The settings as they take effect, and the settings changes set aside (key, change hash,
/// author member id) because their author was not an admin.
pub fn effective(doc: &Automerge) -> (Settings, Vec<(String, String, Option<String>)>) {
    let maps = maps(doc);
    if maps.is_empty() {
        return (Settings::default(), Vec::new());
    }
    let (values, set_aside) = crate::authority::admin_values(doc, &maps);
    (Settings::from_values(&values), set_aside)
}

/// Writes a settings edit into the open transaction, after checking every value; the caller
/// commits. `current` is the settings in effect, for the checks between values.
pub(crate) fn write(
    doc: &mut AutoCommit,
    fields: &SettingsFields,
    current: &Settings,
) -> Result<bool, EditError> {
    if fields.is_empty() {
        return Err(invalid("settings", "name at least one setting to change"));
    }
    if let Some(s) = &fields.feed_secret
        && !is_secret(s)
    {
        return Err(invalid("feed_secret", "must be 64 lowercase hex digits"));
    }
    let mut after = current.clone();
    for (key, value) in &fields.numbers {
        let Some(norm) = NORMS.iter().find(|n| n.key == key) else {
            return Err(invalid(
                key,
                format!(
                    "is not a setting; the settings are {}",
                    NORMS.map(|n| n.key).join(", ")
                ),
            ));
        };
        let v = value.unwrap_or(norm.default);
        if !(norm.range.0..=norm.range.1).contains(&v) {
            return Err(invalid(
                key,
                format!("must be from {} to {}", norm.range.0, norm.range.1),
            ));
        }
        match norm.key {
            "booth_solo_max_minutes" => after.booth_solo_max_minutes = v,
            "booth_pair_max_minutes" => after.booth_pair_max_minutes = v,
            "booth_pair_from_languages" => after.booth_pair_from_languages = v,
            _ => after.interpreter_daily_minutes = v,
        }
    }
    if after.booth_pair_max_minutes < after.booth_solo_max_minutes {
        let key = if fields.numbers.contains_key("booth_pair_max_minutes") {
            "booth_pair_max_minutes"
        } else {
            "booth_solo_max_minutes"
        };
        return Err(invalid(
            key,
            "a booth of two must cover at least as long a meeting as one interpreter alone",
        ));
    }
    let all = maps(&*doc);
    let target = |doc: &mut AutoCommit, key: &str| -> ObjId {
        // The map where the key lives, else the one `get` shows, else a new one.
        if let Some(m) = all
            .iter()
            .rev()
            .find(|m| matches!(doc.get(*m, key), Ok(Some(_))))
        {
            return m.clone();
        }
        match all.last() {
            Some(m) => m.clone(),
            None => match doc.get(automerge::ROOT, SETTINGS) {
                Ok(Some((Value::Object(ObjType::Map), m))) => m,
                _ => doc
                    .put_object(automerge::ROOT, SETTINGS, ObjType::Map)
                    .expect("the root is a map"),
            },
        }
    };
    let mut wrote = false;
    if let Some(s) = &fields.feed_secret {
        let m = target(doc, "feed_secret");
        doc.put(&m, "feed_secret", s.as_str())
            .expect("putting into a map cannot fail");
        wrote = true;
    }
    for (key, value) in &fields.numbers {
        // Back to the default is written as the default, never as a deletion: a deleted key
        // leaves nothing whose author the reading could weigh (rule 2).
        let v =
            value.unwrap_or_else(|| NORMS.iter().find(|n| n.key == key).map_or(0, |n| n.default));
        let m = target(doc, key);
        doc.put(&m, key.as_str(), ScalarValue::Uint(u64::from(v)))
            .expect("putting into a map cannot fail");
        wrote = true;
    }
    Ok(wrote)
}
