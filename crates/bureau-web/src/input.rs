//! Reading untrusted JSON bodies into the model's typed fields, naming the field at fault.
//!
//! serde's derive would stop at the first error with a message about line and column; here
//! each field is read by name, so every error says which field is wrong and what it expects,
//! and unknown fields are refused rather than silently ignored.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::StatusCode;
use bureau_model::*;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// Fields the API returns that a client may send back unchanged; they are ignored on input.
const READ_ONLY: &[&str] = &[
    "id",
    "archived",
    "archived_at",
    "archived_by",
    "updated_at",
    "updated_by",
    "status_history",
    "peer_id",
    // A document's as GET answers it: changed through their own endpoints.
    "heads",
    "comments",
    "suggestions",
    "versions",
];

/// A JSON object being read field by field.
#[derive(Debug)]
pub(crate) struct Input {
    map: Map<String, Value>,
    used: BTreeSet<String>,
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Input {
    /// Parses a body that must be a JSON object.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Input, ApiError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not valid JSON: {e}"),
            )
        })?;
        match value {
            Value::Object(map) => Ok(Input {
                map,
                used: BTreeSet::new(),
            }),
            other => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body must be a JSON object, not {}", type_name(&other)),
            )),
        }
    }

    fn take(&mut self, key: &str) -> Option<&Value> {
        self.used.insert(key.to_owned());
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Refuses any field that was not read (and is not a read-only field echoed back).
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        for key in self.map.keys() {
            if !self.used.contains(key) && !READ_ONLY.contains(&key.as_str()) {
                return Err(ApiError::field(key.clone(), "unknown field"));
            }
        }
        Ok(())
    }

    pub(crate) fn str(&mut self, key: &str) -> Result<Option<String>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(ApiError::field(
                key,
                format!("expected a string, found {}", type_name(v)),
            )),
        }
    }

    pub(crate) fn req_str(&mut self, key: &str) -> Result<String, ApiError> {
        self.str(key)?
            .ok_or_else(|| ApiError::field(key, "is required"))
    }

    pub(crate) fn bool(&mut self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(ApiError::field(
                key,
                format!("expected true or false, found {}", type_name(v)),
            )),
        }
    }

    pub(crate) fn u32(&mut self, key: &str) -> Result<Option<u32>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| ApiError::field(key, format!("expected a whole number, found {n}"))),
            Some(v) => Err(ApiError::field(
                key,
                format!("expected a whole number, found {}", type_name(v)),
            )),
        }
    }

    pub(crate) fn list(&mut self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(ApiError::field(
                        key,
                        format!(
                            "expected an array of strings, found {} in it",
                            type_name(other)
                        ),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(v) => Err(ApiError::field(
                key,
                format!("expected an array of strings, found {}", type_name(v)),
            )),
        }
    }

    pub(crate) fn enumerated<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>, ApiError> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => parse(&s).map(Some).map_err(|e| ApiError::field(key, e)),
        }
    }

    /// An object `name -> enum value`.
    pub(crate) fn enum_map<T>(
        &mut self,
        key: &str,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<Option<BTreeMap<String, T>>, ApiError> {
        match self.take(key) {
            None => Ok(None),
            Some(Value::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    let field = format!("{key}.{k}");
                    let Value::String(s) = v else {
                        return Err(ApiError::field(
                            field,
                            format!("expected a string, found {}", type_name(v)),
                        ));
                    };
                    out.insert(k.clone(), parse(s).map_err(|e| ApiError::field(field, e))?);
                }
                Ok(Some(out))
            }
            Some(v) => Err(ApiError::field(
                key,
                format!("expected an object, found {}", type_name(v)),
            )),
        }
    }

    /// An object, read by `read` (every key of it must be read).
    pub(crate) fn object<T>(
        &mut self,
        key: &str,
        read: impl Fn(&mut Input) -> Result<T, ApiError>,
    ) -> Result<Option<T>, ApiError> {
        let map = match self.take(key) {
            None => return Ok(None),
            Some(Value::Object(map)) => map.clone(),
            Some(v) => {
                return Err(ApiError::field(
                    key,
                    format!("expected an object, found {}", type_name(v)),
                ));
            }
        };
        let mut inner = Input {
            map,
            used: BTreeSet::new(),
        };
        let value = read(&mut inner).map_err(|mut e| {
            if let Some(f) = &e.field {
                let full = format!("{key}.{f}");
                e.message = e.message.replacen(f.as_str(), &full, 1);
                e.field = Some(full);
            }
            e
        })?;
        inner.finish().map_err(|e| {
            let f = e.field.clone().unwrap_or_default();
            ApiError::field(format!("{key}.{f}"), "unknown field")
        })?;
        Ok(Some(value))
    }

    /// An array of objects, each read by `read`.
    pub(crate) fn objects<T>(
        &mut self,
        key: &str,
        read: impl Fn(&mut Input, &str) -> Result<T, ApiError>,
    ) -> Result<Option<Vec<T>>, ApiError> {
        let items = match self.take(key) {
            None => return Ok(None),
            Some(Value::Array(items)) => items.clone(),
            Some(v) => {
                return Err(ApiError::field(
                    key,
                    format!("expected an array of objects, found {}", type_name(v)),
                ));
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let prefix = format!("{key}[{i}]");
            let Value::Object(map) = item else {
                return Err(ApiError::field(prefix, "expected an object"));
            };
            let mut inner = Input {
                map,
                used: BTreeSet::new(),
            };
            let value = read(&mut inner, &prefix).map_err(|mut e| {
                if let Some(f) = &e.field
                    && !f.starts_with(&prefix)
                {
                    let full = format!("{prefix}.{f}");
                    e.message = e.message.replacen(f.as_str(), &full, 1);
                    e.field = Some(full);
                }
                e
            })?;
            inner.finish().map_err(|e| {
                let f = e.field.clone().unwrap_or_default();
                ApiError::field(format!("{prefix}.{f}"), "unknown field")
            })?;
            out.push(value);
        }
        Ok(Some(out))
    }
}

/// A meeting's `booths: [{language, interpreters: [ids]}]` as the seats the model stores
/// (`<language>/<interpreter id>`); a booth with no one in it holds no seat.
fn booth_seats(inp: &mut Input) -> Result<Option<Vec<String>>, ApiError> {
    let booths = inp.objects("booths", |b, _| {
        let language = b.req_str("language")?;
        if language.contains('/') || !bureau_model::is_language_code(&language) {
            return Err(ApiError::field(
                "language",
                format!("{language:?} is not a language code such as \"fr\""),
            ));
        }
        Ok(Booth {
            language,
            interpreters: b.list("interpreters")?.unwrap_or_default(),
        })
    })?;
    Ok(booths.map(|b| booth_keys(&b)))
}

/// Reads the editable fields of a record type from a body.
pub(crate) fn fields(ty: RecordType, inp: &mut Input) -> Result<Fields, ApiError> {
    Ok(match ty {
        RecordType::Member => Fields::Member(MemberFields {
            name: inp.str("name")?,
            organisation: inp.str("organisation")?,
            email: inp.str("email")?,
            phone: inp.str("phone")?,
            languages: inp.list("languages")?,
        }),
        RecordType::Group => Fields::Group(GroupFields {
            name: inp.str("name")?,
            kind: inp.enumerated("kind", GroupKind::parse)?,
            status: inp.enumerated("status", GroupStatus::parse)?,
            focal_points: inp.list("focal_points")?,
        }),
        RecordType::Review => Fields::Review(ReviewFields {
            date: inp.str("date")?,
            status: inp.enumerated("status", ReviewStatus::parse)?,
            decisions: inp.enum_map("decisions", Decision::parse)?,
            notes: inp.str("notes")?,
        }),
        RecordType::Room => Fields::Room(RoomFields {
            name: inp.str("name")?,
            capacity: inp.u32("capacity")?,
            booths: inp.list("booths")?,
            equipment: inp.list("equipment")?,
            booth_count: inp.u32("booth_count")?,
        }),
        RecordType::Meeting => Fields::Meeting(MeetingFields {
            title: inp.str("title")?,
            kind: inp.enumerated("kind", MeetingKind::parse)?,
            start: inp.str("start")?,
            end: inp.str("end")?,
            room_id: inp.str("room_id")?,
            organiser: inp.str("organiser")?,
            languages: inp.list("languages")?,
            resources: inp.enum_map("resources", ResourceState::parse)?,
            status: inp.enumerated("status", MeetingStatus::parse)?,
            groups: inp.list("groups")?,
            members: inp.list("members")?,
            agenda: inp.str("agenda")?,
            booths: booth_seats(inp)?,
            public: inp.bool("public")?,
        }),
        RecordType::Body => Fields::Body(BodyFields {
            name: inp.str("name")?,
            description: inp.str("description")?,
        }),
        RecordType::Note => Fields::Note(NoteFields {
            body_id: inp.str("body_id")?,
            title: inp.str("title")?,
            text: inp.str("text")?,
            date: inp.str("date")?,
            content_implications: inp.bool("content_implications")?,
            plenary_consulted: inp.bool("plenary_consulted")?,
            actions: inp.objects("actions", |a, _| {
                Ok(ActionFields {
                    id: a.str("id")?,
                    text: a.str("text")?,
                    owner: a.str("owner")?,
                    due: a.str("due")?,
                    done: a.bool("done")?,
                    archived: a.bool("archived")?,
                })
            })?,
        }),
        RecordType::Document => Fields::Document(DocumentFields {
            title: inp.str("title")?,
            status: inp.enumerated("status", DocumentStatus::parse)?,
            text: inp.str("text")?,
        }),
        RecordType::Interpreter => {
            let languages = inp.object("languages", |l| {
                Ok((l.list("a")?, l.list("b")?, l.list("c")?))
            })?;
            let (a, b, c) = languages.unwrap_or_default();
            Fields::Interpreter(InterpreterFields {
                name: inp.str("name")?,
                email: inp.str("email")?,
                a_languages: a,
                b_languages: b,
                c_languages: c,
                available: inp.objects("available", |d, _| {
                    Ok(Availability {
                        date: d.req_str("date")?,
                        from: d.str("from")?,
                        to: d.str("to")?,
                    }
                    .key())
                })?,
                team: inp.str("team")?,
            })
        }
        RecordType::Device => {
            return Err(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "not_editable",
                "devices are added with invites and revoked with DELETE /api/devices/{peer_id}",
            ));
        }
    })
}

/// Converts a JSON value picked for a conflict resolution to an automerge scalar.
pub(crate) fn scalar(key: &str, v: &Value) -> Result<automerge::ScalarValue, ApiError> {
    use automerge::ScalarValue as S;
    Ok(match v {
        Value::String(s) => S::Str(s.as_str().into()),
        Value::Bool(b) => S::Boolean(*b),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                S::Uint(u)
            } else if let Some(i) = n.as_i64() {
                S::Int(i)
            } else {
                S::F64(n.as_f64().unwrap_or_default())
            }
        }
        Value::Null => S::Null,
        other => {
            return Err(ApiError::field(
                key,
                format!("expected a single value, found {}", type_name(other)),
            ));
        }
    })
}

impl Input {
    /// The raw value of a field (for conflict values, which may be of any scalar type).
    pub(crate) fn raw(&mut self, key: &str) -> Option<Value> {
        self.used.insert(key.to_owned());
        self.map.get(key).cloned()
    }
}
