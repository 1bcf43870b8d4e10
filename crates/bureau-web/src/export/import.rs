//! Importing members and groups from the rows of a spreadsheet: each row is matched to a
//! record that is not archived (by `id` when the file has one this bureau knows, then by
//! e-mail for members, then by name), becomes an update of the fields that differ, a new
//! record, or an error with its reason; nothing is written while any row has an error.
//!
//! Invariants:
//! - The columns a file has are the fields it sets; a column it lacks is left as it is. An
//!   empty cell clears its field (except `name`, which every row needs, and a group's `kind`
//!   and `status`, which an empty cell leaves alone).
//! - An update names only the fields whose values differ, so a file exported and imported
//!   again writes nothing.
//! - Every check the model would make on these fields is made here first (names, e-mail
//!   addresses, language codes, lengths), with the model's own checks where they are public,
//!   so a preview without errors is one the model accepts, unless the bureau changed
//!   meanwhile.

use std::collections::{BTreeMap, BTreeSet};

use bureau_model::{
    Edit, EditError, Fields, Group, GroupFields, GroupKind, GroupStatus, Member, MemberFields,
    Snapshot, check_name, is_language_code,
};
use serde::Serialize;

use super::sheet::Rows;
use super::tables::{GROUP_COLUMNS, MEMBER_COLUMNS};

/// What becomes of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Action {
    /// A new record.
    New,
    /// An existing record, changed in the fields listed (none: it already says this).
    Update,
    /// The row cannot be imported.
    Error,
}

/// Why a row cannot be imported: a kind that the UI words in the reader's language, the
/// field, and the reason in English for scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct RowError {
    /// `missing-name`, `bad-email`, `bad-language`, `unknown-kind`, `unknown-status`,
    /// `unknown-member`, `ambiguous`, `duplicate` or `invalid` (any other field check).
    pub(crate) code: &'static str,
    /// The column at fault.
    pub(crate) field: String,
    /// The value at fault, as the file has it.
    pub(crate) value: String,
    /// What is wrong, in English.
    pub(crate) message: String,
}

/// One row of the answer.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RowResult {
    /// The row's number as the spreadsheet shows it.
    pub(crate) row: usize,
    /// New, update or error.
    pub(crate) action: Action,
    /// The record's id: the one updated, or the one created once applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<String>,
    /// The record's name, as the row gives it.
    pub(crate) name: String,
    /// For an update, the fields that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) changes: Vec<&'static str>,
    /// For an error, why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<RowError>,
    /// The edit that applies the row, if anything is to be written.
    #[serde(skip)]
    pub(crate) edit: Option<Edit>,
}

/// Why a file cannot be imported at all (its columns), naming the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileError {
    pub(crate) field: String,
    pub(crate) message: String,
}

/// The collections that can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Members,
    Groups,
}

impl Target {
    pub(crate) fn parse(s: &str) -> Option<Target> {
        match s {
            "members" => Some(Target::Members),
            "groups" => Some(Target::Groups),
            _ => None,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Target::Members => "members",
            Target::Groups => "groups",
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            Target::Members => &MEMBER_COLUMNS,
            Target::Groups => &GROUP_COLUMNS,
        }
    }
}

/// The rows of a file after its header: each column's index by field name.
struct Sheet<'r> {
    columns: BTreeMap<&'static str, usize>,
    rows: &'r [(usize, Vec<String>)],
}

impl Sheet<'_> {
    /// The cell of `field` in `cells` without spaces at either end (other white space, a
    /// tab, is kept: it is in the record too); `None` when the file has no such column.
    fn cell<'c>(&self, cells: &'c [String], field: &str) -> Option<&'c str> {
        let i = *self.columns.get(field)?;
        Some(cells.get(i).map_or("", |s| s.trim_matches(' ')))
    }
}

/// Reads the header (the first row with text): each cell a field name of `target`, in any
/// case; unknown columns are ignored (a file may carry notes of its own), a field named
/// twice is refused, and `name` is required.
fn sheet(target: Target, rows: &Rows) -> Result<Sheet<'_>, FileError> {
    let Some(((_, header), rest)) = rows.rows.split_first() else {
        return Err(FileError {
            field: "file".to_owned(),
            message: "the file is empty".to_owned(),
        });
    };
    let mut columns = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_lowercase().replace([' ', '-'], "_");
        if let Some(field) = target.columns().iter().find(|c| **c == h)
            && columns.insert(*field, i).is_some()
        {
            return Err(FileError {
                field: (*field).to_owned(),
                message: format!("the column {field:?} appears twice"),
            });
        }
    }
    if !columns.contains_key("name") {
        return Err(FileError {
            field: "name".to_owned(),
            message: format!(
                "the first row names no \"name\" column; expected columns: {}",
                target.columns().join(", ")
            ),
        });
    }
    Ok(Sheet {
        columns,
        rows: rest,
    })
}

fn err(code: &'static str, field: &str, value: &str, message: impl Into<String>) -> RowError {
    RowError {
        code,
        field: field.to_owned(),
        value: value.to_owned(),
        message: message.into(),
    }
}

fn model_err(e: EditError, value: &str) -> RowError {
    match e {
        EditError::Invalid { field, message } => RowError {
            code: "invalid",
            field,
            value: value.to_owned(),
            message,
        },
        other => err("invalid", "", value, other.to_string()),
    }
}

/// A short single line, as the model checks organisations, e-mail addresses and phones.
fn check_short(field: &str, v: &str) -> Result<(), RowError> {
    if v.chars().count() > bureau_model::SHORT_MAX {
        return Err(err(
            "invalid",
            field,
            v,
            format!("is longer than {} characters", bureau_model::SHORT_MAX),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\t') {
        return Err(err(
            "invalid",
            field,
            v,
            "must be a single line without control characters",
        ));
    }
    Ok(())
}

fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Language codes, separated by `;`, `,` or spaces; lower-cased, each checked.
fn languages(field: &str, cell: &str) -> Result<Vec<String>, RowError> {
    let mut out = BTreeSet::new();
    for code in cell
        .split([';', ',', ' ', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // The primary subtag is lower case; the others keep theirs (zh-Hans).
        let code = match code.split_once('-') {
            Some((primary, rest)) => format!("{}-{rest}", primary.to_lowercase()),
            None => code.to_lowercase(),
        };
        if !is_language_code(&code) {
            return Err(err(
                "bad-language",
                field,
                &code,
                format!("{code:?} is not a language code (like en, fr or pt-BR)"),
            ));
        }
        out.insert(code);
    }
    if out.len() > bureau_model::SET_MAX {
        return Err(err(
            "invalid",
            field,
            "",
            format!("at most {} entries", bureau_model::SET_MAX),
        ));
    }
    Ok(out.into_iter().collect())
}

fn sorted(list: &[String]) -> Vec<String> {
    let mut l = list.to_vec();
    l.sort();
    l.dedup();
    l
}

fn fold(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Plans the import of `rows` into `target`.
pub(crate) fn plan(
    snap: &Snapshot,
    target: Target,
    rows: &Rows,
) -> Result<Vec<RowResult>, FileError> {
    let sheet = sheet(target, rows)?;
    Ok(match target {
        Target::Members => plan_members(snap, &sheet),
        Target::Groups => plan_groups(snap, &sheet),
    })
}

fn result(row: usize, name: &str) -> RowResult {
    RowResult {
        row,
        action: Action::Error,
        id: None,
        name: name.to_owned(),
        changes: Vec::new(),
        error: None,
        edit: None,
    }
}

fn failed(mut r: RowResult, e: RowError) -> RowResult {
    r.action = Action::Error;
    r.error = Some(e);
    r.edit = None;
    r
}

/// A key of a record, and the value a row wants it to have.
type Key<'k, T> = (&'k dyn Fn(&T) -> String, String);

/// Which record a row names, among `live` records, by a key in the order given; `Err` when a
/// key names several.
fn find<'a, T>(live: &[&'a T], keys: &[Key<'_, T>]) -> Result<Option<&'a T>, String> {
    for (key, want) in keys {
        if want.is_empty() {
            continue;
        }
        let found: Vec<&&T> = live.iter().filter(|r| key(r) == *want).collect();
        match found.len() {
            0 => {}
            1 => return Ok(Some(found[0])),
            n => return Err(format!("{n} records match {want:?}")),
        }
    }
    Ok(None)
}

fn plan_members(snap: &Snapshot, sheet: &Sheet<'_>) -> Vec<RowResult> {
    let live: Vec<&Member> = snap
        .members
        .values()
        .map(|m| &**m)
        .filter(|m| !m.stamp.archived)
        .collect();
    // Records and keys already taken by an earlier row of the file.
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut new_keys: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (row, cells) in sheet.rows {
        let name = sheet.cell(cells, "name").unwrap_or_default();
        let r = result(*row, name);
        out.push(
            match member_row(&live, sheet, cells, &mut taken, &mut new_keys) {
                Ok((action, id, changes, edit)) => RowResult {
                    action,
                    id,
                    changes,
                    edit,
                    ..r
                },
                Err(e) => failed(r, e),
            },
        );
    }
    out
}

type Planned = (Action, Option<String>, Vec<&'static str>, Option<Edit>);

fn member_row(
    live: &[&Member],
    sheet: &Sheet<'_>,
    cells: &[String],
    taken: &mut BTreeSet<String>,
    new_keys: &mut BTreeSet<String>,
) -> Result<Planned, RowError> {
    let name = sheet.cell(cells, "name").unwrap_or_default();
    if name.is_empty() {
        return Err(err("missing-name", "name", "", "every row needs a name"));
    }
    check_name("name", name).map_err(|e| model_err(e, name))?;
    let email = sheet.cell(cells, "email");
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        check_short("email", email)?;
        let ok = email
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !email.contains(' '));
        if !ok {
            return Err(err(
                "bad-email",
                "email",
                email,
                format!("{email:?} is not an e-mail address"),
            ));
        }
    }
    for field in ["organisation", "phone"] {
        if let Some(v) = sheet.cell(cells, field) {
            check_short(field, v)?;
        }
    }
    let langs = match sheet.cell(cells, "languages") {
        Some(cell) => Some(languages("languages", cell)?),
        None => None,
    };
    let id = sheet.cell(cells, "id").unwrap_or_default().to_owned();
    let row_email = fold(email.unwrap_or_default());
    // Two people may share a name: a member with another e-mail address than the row's is
    // not matched by name.
    let same_name = |m: &Member| {
        if row_email.is_empty() || m.email.is_empty() || fold(&m.email) == row_email {
            fold(&m.name)
        } else {
            String::new()
        }
    };
    let found = find(
        live,
        &[
            (&|m: &Member| m.id.clone(), id),
            (&|m: &Member| fold(&m.email), row_email.clone()),
            (&same_name, fold(name)),
        ],
    )
    .map_err(|m| err("ambiguous", "name", name, m))?;
    let wanted = MemberFields {
        name: Some(name.to_owned()),
        organisation: sheet.cell(cells, "organisation").map(str::to_owned),
        email: email.map(str::to_owned),
        phone: sheet.cell(cells, "phone").map(str::to_owned),
        languages: langs,
    };
    match found {
        Some(m) => {
            if !taken.insert(m.id.clone()) {
                return Err(err(
                    "duplicate",
                    "name",
                    name,
                    "an earlier row of the file is the same member",
                ));
            }
            let mut f = MemberFields::default();
            let mut changes = Vec::new();
            let mut differs = |field: &'static str, new: &Option<String>, old: &str| {
                new.as_deref()
                    .filter(|n| *n != old.trim_matches(' '))
                    .map(|n| {
                        changes.push(field);
                        n.to_owned()
                    })
            };
            f.name = differs("name", &wanted.name, &m.name);
            f.organisation = differs("organisation", &wanted.organisation, &m.organisation);
            f.email = differs("email", &wanted.email, &m.email);
            f.phone = differs("phone", &wanted.phone, &m.phone);
            if let Some(l) = wanted.languages.filter(|l| *l != sorted(&m.languages)) {
                changes.push("languages");
                f.languages = Some(l);
            }
            let edit = (!changes.is_empty()).then(|| Edit::Update {
                id: m.id.clone(),
                fields: Fields::Member(f),
            });
            Ok((Action::Update, Some(m.id.clone()), changes, edit))
        }
        None => {
            let key = match email.filter(|e| !e.is_empty()) {
                Some(e) => format!("email:{}", fold(e)),
                None => format!("name:{}", fold(name)),
            };
            if !new_keys.insert(key) {
                return Err(err(
                    "duplicate",
                    "name",
                    name,
                    "an earlier row of the file is the same new member",
                ));
            }
            Ok((
                Action::New,
                None,
                Vec::new(),
                Some(Edit::Create(Fields::Member(wanted))),
            ))
        }
    }
}

fn plan_groups(snap: &Snapshot, sheet: &Sheet<'_>) -> Vec<RowResult> {
    let live: Vec<&Group> = snap
        .groups
        .values()
        .map(|g| &**g)
        .filter(|g| !g.stamp.archived)
        .collect();
    let members: Vec<&Member> = snap
        .members
        .values()
        .map(|m| &**m)
        .filter(|m| !m.stamp.archived)
        .collect();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut new_names: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for (row, cells) in sheet.rows {
        let name = sheet.cell(cells, "name").unwrap_or_default();
        let r = result(*row, name);
        out.push(
            match group_row(&live, &members, sheet, cells, &mut taken, &mut new_names) {
                Ok((action, id, changes, edit)) => RowResult {
                    action,
                    id,
                    changes,
                    edit,
                    ..r
                },
                Err(e) => failed(r, e),
            },
        );
    }
    out
}

/// A choice of a closed set by its wire name, in any case, with spaces for hyphens.
fn choice<T>(
    cell: Option<&str>,
    parse: impl Fn(&str) -> Result<T, String>,
    code: &'static str,
    field: &str,
) -> Result<Option<T>, RowError> {
    match cell.filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) => parse(&c.to_lowercase().replace(' ', "-"))
            .map(Some)
            .map_err(|m| err(code, field, c, m)),
    }
}

/// The member an entry of a focal point list names: by id, e-mail or name; of several with
/// that name, the one the group already has.
fn focal_point(members: &[&Member], current: &[String], entry: &str) -> Result<String, RowError> {
    let by = |key: &dyn Fn(&Member) -> bool| -> Vec<String> {
        members
            .iter()
            .filter(|m| key(m))
            .map(|m| m.id.clone())
            .collect()
    };
    let want = fold(entry);
    for found in [
        by(&|m| m.id == entry),
        by(&|m| !m.email.is_empty() && fold(&m.email) == want),
        by(&|m| fold(&m.name) == want),
    ] {
        match found.len() {
            0 => continue,
            1 => return Ok(found[0].clone()),
            _ => {
                let ours: Vec<&String> = found.iter().filter(|id| current.contains(id)).collect();
                if let [one] = ours[..] {
                    return Ok(one.clone());
                }
                return Err(err(
                    "ambiguous",
                    "focal_points",
                    entry,
                    format!(
                        "{} members are called {entry:?}; write their e-mail address instead",
                        found.len()
                    ),
                ));
            }
        }
    }
    Err(err(
        "unknown-member",
        "focal_points",
        entry,
        format!("no member is called {entry:?} (import the members first)"),
    ))
}

fn group_row(
    live: &[&Group],
    members: &[&Member],
    sheet: &Sheet<'_>,
    cells: &[String],
    taken: &mut BTreeSet<String>,
    new_names: &mut BTreeSet<String>,
) -> Result<Planned, RowError> {
    let name = sheet.cell(cells, "name").unwrap_or_default();
    if name.is_empty() {
        return Err(err("missing-name", "name", "", "every row needs a name"));
    }
    check_name("name", name).map_err(|e| model_err(e, name))?;
    let kind = choice(
        sheet.cell(cells, "kind"),
        GroupKind::parse,
        "unknown-kind",
        "kind",
    )?;
    let status = choice(
        sheet.cell(cells, "status"),
        GroupStatus::parse,
        "unknown-status",
        "status",
    )?;
    let id = sheet.cell(cells, "id").unwrap_or_default().to_owned();
    let found = find(
        live,
        &[
            (&|g: &Group| g.id.clone(), id),
            (&|g: &Group| fold(&g.name), fold(name)),
        ],
    )
    .map_err(|m| err("ambiguous", "name", name, m))?;
    let current: &[String] = found.map_or(&[], |g| &g.focal_points);
    let focal_points = match sheet.cell(cells, "focal_points") {
        Some(cell) => {
            let mut ids = BTreeSet::new();
            for entry in split_list(cell) {
                ids.insert(focal_point(members, current, &entry)?);
            }
            Some(ids.into_iter().collect::<Vec<_>>())
        }
        None => None,
    };
    match found {
        Some(g) => {
            if !taken.insert(g.id.clone()) {
                return Err(err(
                    "duplicate",
                    "name",
                    name,
                    "an earlier row of the file is the same group",
                ));
            }
            let mut f = GroupFields::default();
            let mut changes = Vec::new();
            if name != g.name.trim_matches(' ') {
                changes.push("name");
                f.name = Some(name.to_owned());
            }
            if let Some(k) = kind.filter(|k| *k != g.kind) {
                changes.push("kind");
                f.kind = Some(k);
            }
            if let Some(s) = status.filter(|s| *s != g.status) {
                changes.push("status");
                f.status = Some(s);
            }
            if let Some(fps) = focal_points.filter(|f| *f != sorted(&g.focal_points)) {
                changes.push("focal_points");
                f.focal_points = Some(fps);
            }
            let edit = (!changes.is_empty()).then(|| Edit::Update {
                id: g.id.clone(),
                fields: Fields::Group(f),
            });
            Ok((Action::Update, Some(g.id.clone()), changes, edit))
        }
        None => {
            if !new_names.insert(fold(name)) {
                return Err(err(
                    "duplicate",
                    "name",
                    name,
                    "an earlier row of the file is the same new group",
                ));
            }
            Ok((
                Action::New,
                None,
                Vec::new(),
                Some(Edit::Create(Fields::Group(GroupFields {
                    name: Some(name.to_owned()),
                    kind,
                    status,
                    focal_points,
                }))),
            ))
        }
    }
}
