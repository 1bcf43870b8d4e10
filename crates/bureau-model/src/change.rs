//! What a save from a form writes: the fields its user changed since the heads the form was
//! shown at, applied to the record as it is now, and the fields a peer changed meanwhile to
//! something else (contested, for the user to decide).
//!
//! The fields are compared by name, through their serde form, so a field added to a record's
//! `*Fields` struct takes part without being listed anywhere: there is no list of fields to
//! forget. Three kinds of value are told apart by their shape:
//! - a list of strings is a set (languages, attendees, focal points): the user's additions
//!   and removals are applied to the set as it is now, so a peer's additions and removals
//!   stay, and nothing is contested;
//! - a map (a meeting's resources, a review's decisions) is compared entry by entry, each like
//!   a single value, and contested as `field.key`;
//! - anything else is a single value: written when the user changed it and the record still
//!   holds what the form showed (or already holds the user's value); contested when a peer
//!   changed it to a third value. Long texts ([`RecordFields::LONG_TEXTS`]) are written when
//!   the user changed them, never contested: the caller saves them with
//!   [`Edit::UpdateMerging`] from the form's heads, which merges the user's words into the
//!   text as it is now, so a peer's words written meanwhile stay.

use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::edit::*;

/// The editable fields of one record type, as one value with every field optional.
pub trait RecordFields: Serialize + DeserializeOwned + Default {
    /// The long texts among the fields.
    const LONG_TEXTS: &'static [&'static str] = &[];
}

impl RecordFields for MemberFields {}
impl RecordFields for GroupFields {}
impl RecordFields for RoomFields {}
impl RecordFields for ReviewFields {
    const LONG_TEXTS: &'static [&'static str] = &["notes"];
}
impl RecordFields for MeetingFields {
    const LONG_TEXTS: &'static [&'static str] = &["agenda"];
}
impl RecordFields for BodyFields {}
impl RecordFields for InterpreterFields {}
impl RecordFields for DocumentFields {
    const LONG_TEXTS: &'static [&'static str] = &["text"];
}
impl RecordFields for NoteFields {
    const LONG_TEXTS: &'static [&'static str] = &["text"];
}

/// A field both the user and a peer changed, to different values.
#[derive(Clone, Debug, PartialEq)]
pub struct Contested {
    /// The field as the model names it; an entry of a map is `field.key`.
    pub field: String,
    /// The user's value (`null`: the user removed the entry).
    pub mine: Value,
    /// The value the record holds now (`null`: the entry is gone).
    pub theirs: Value,
}

/// What to write, and what to ask about first.
#[derive(Clone, Debug)]
pub struct Changes<F> {
    /// The fields to write; `None` where there is nothing to write. A contested field is
    /// `None` here: nothing is written for it until the user has chosen.
    pub fields: F,
    /// The fields both sides changed, in field order.
    pub contested: Vec<Contested>,
}

impl<F> Changes<F> {
    /// Whether a field (or an entry of it) is contested.
    pub fn is_contested(&self, field: &str) -> bool {
        self.contested.iter().any(|c| {
            c.field == field
                || c.field
                    .strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    }
}

/// Compares what a form submitted with the record as the form showed it (`base`, read at the
/// form's heads) and as it is now. All three are in the same form: the caller makes `base`
/// and `now` the way it makes `submitted`, so a value the form shows differently from the
/// document (a time in the venue's zone) compares equal when it is equal.
pub fn changes<F: RecordFields>(
    submitted: &F,
    base: &F,
    now: &F,
) -> Result<Changes<F>, serde_json::Error> {
    let (submitted, base, now) = (object(submitted)?, object(base)?, object(now)?);
    let mut out = Map::new();
    let mut contested = Vec::new();
    for (field, mine) in &submitted {
        let was = base.get(field).unwrap_or(&Value::Null);
        let is = now.get(field).unwrap_or(&Value::Null);
        let write = match mine {
            Value::Null => None,
            _ if mine == was => None,
            Value::Array(items) if items.iter().all(Value::is_string) => set_edit(items, was, is),
            Value::Object(entries) => map_edit(field, entries, was, is, &mut contested),
            _ if is == was => Some(mine.clone()),
            _ if is == mine => None,
            _ if F::LONG_TEXTS.contains(&field.as_str()) => Some(mine.clone()),
            _ => {
                contested.push(Contested {
                    field: field.clone(),
                    mine: mine.clone(),
                    theirs: is.clone(),
                });
                None
            }
        };
        out.insert(field.clone(), write.unwrap_or(Value::Null));
    }
    Ok(Changes {
        fields: serde_json::from_value(Value::Object(out))?,
        contested,
    })
}

fn object<F: Serialize>(fields: &F) -> Result<Map<String, Value>, serde_json::Error> {
    match serde_json::to_value(fields)? {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

fn strings(v: &Value) -> BTreeSet<&str> {
    match v {
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

/// The user's additions and removals applied to the set as it is now; `None` when that
/// leaves it as it is.
fn set_edit(mine: &[Value], was: &Value, is: &Value) -> Option<Value> {
    let mine: BTreeSet<&str> = mine.iter().filter_map(Value::as_str).collect();
    let (was, is) = (strings(was), strings(is));
    let mut result = is.clone();
    result.extend(mine.difference(&was));
    for removed in was.difference(&mine) {
        result.remove(removed);
    }
    (result != is).then(|| Value::from(result.into_iter().collect::<Vec<_>>()))
}

/// Each entry the user changed (added, changed, removed), applied to the map as it is now
/// unless a peer changed the same entry to something else (contested). `None` when that
/// leaves the map as it is.
fn map_edit(
    field: &str,
    mine: &Map<String, Value>,
    was: &Value,
    is: &Value,
    contested: &mut Vec<Contested>,
) -> Option<Value> {
    let empty = Map::new();
    let was = was.as_object().unwrap_or(&empty);
    let is = is.as_object().unwrap_or(&empty);
    let mut result = is.clone();
    let keys: BTreeSet<&String> = mine.keys().chain(was.keys()).collect();
    for key in keys {
        let (m, w, i) = (mine.get(key), was.get(key), is.get(key));
        if m == w || m == i {
            continue;
        }
        if i == w {
            match m {
                Some(v) => result.insert(key.clone(), v.clone()),
                None => result.remove(key),
            };
        } else {
            contested.push(Contested {
                field: format!("{field}.{key}"),
                mine: m.cloned().unwrap_or(Value::Null),
                theirs: i.cloned().unwrap_or(Value::Null),
            });
        }
    }
    (result != *is).then_some(Value::Object(result))
}

/// A field's name and, for an entry of a map (`field.key`), the entry's key. Field names have
/// no dots; keys may.
fn split(field: &str) -> (&str, Option<&str>) {
    match field.split_once('.') {
        Some((name, key)) => (name, Some(key)),
        None => (field, None),
    }
}

/// The value of a field, or of an entry of a map field (`field.key`), in serde's form;
/// `null` when it has none.
pub fn field_value<F: Serialize>(fields: &F, field: &str) -> Value {
    let (name, key) = split(field);
    let Ok(all) = object(fields) else {
        return Value::Null;
    };
    let value = all.get(name).cloned().unwrap_or(Value::Null);
    match key {
        None => value,
        Some(k) => value.get(k).cloned().unwrap_or(Value::Null),
    }
}

/// Makes a field (or an entry of a map field) of `mine` what it is in `now`: the user chose
/// the value a peer wrote over their own. Comparing then finds nothing to write for it.
pub fn take_theirs<F: RecordFields>(
    mine: &mut F,
    now: &F,
    field: &str,
) -> Result<(), serde_json::Error> {
    let (name, key) = split(field);
    let mut all = object(mine)?;
    let theirs = field_value(now, name);
    match key {
        None => {
            all.insert(name.to_owned(), theirs);
        }
        Some(k) => {
            let entry = theirs.get(k).cloned();
            if let Some(Value::Object(map)) = all.get_mut(name) {
                match entry {
                    Some(v) => map.insert(k.to_owned(), v),
                    None => map.remove(k),
                };
            }
        }
    }
    *mine = serde_json::from_value(Value::Object(all))?;
    Ok(())
}

/// Writes the user's value of a contested field (or map entry) after all: they chose it over
/// the other value, which the caller has checked is still the one they were shown.
pub fn keep_mine<F: RecordFields>(
    changes: &mut Changes<F>,
    mine: &F,
    now: &F,
    field: &str,
) -> Result<(), serde_json::Error> {
    changes.contested.retain(|c| c.field != field);
    let (name, key) = split(field);
    let mut out = object(&changes.fields)?;
    let value = match key {
        None => field_value(mine, name),
        Some(k) => {
            let mut map = match out.get(name) {
                Some(Value::Object(m)) => m.clone(),
                _ => field_value(now, name)
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            };
            match field_value(mine, name).get(k) {
                Some(v) => map.insert(k.to_owned(), v.clone()),
                None => map.remove(k),
            };
            Value::Object(map)
        }
    };
    out.insert(name.to_owned(), value);
    changes.fields = serde_json::from_value(Value::Object(out))?;
    Ok(())
}
