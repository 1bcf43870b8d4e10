//! Who may change what: the role and revocation of every device as they stand once changes
//! that only an admin may make, made by someone who was not one, are set aside.
//!
//! `../shared/DESIGN.md` section 6 gives roles two rules. Rule 1 is per session and lives in
//! the document actor and the sync session: nothing an observer's or a revoked device's
//! session sends is applied. Rule 2 is here. A change that needs an admin is applied like any
//! other (refusing it would leave every later change that depends on it waiting for ever), but
//! it takes effect only if its author was an admin device at the change's causal parents.
//! [`authority`] reads the document that way and gives each device's effective standing; the
//! snapshot shows those ([`Snapshot::set_authority`]), so every node, the sync allow-list and
//! the pages all go by them.
//!
//! The rule table (the author's standing is taken at the change's causal parents):
//!
//! | a change that... | takes effect if its author was |
//! |---|---|
//! | sets the `role` of an existing device | an admin |
//! | sets or clears `revoked` of an existing device | an admin |
//! | adds a device as `admin` or `relay` (or any role this release does not know) | an admin; otherwise the device stands as an editor |
//! | adds a device again at the key of one that exists (a new map), with another role or `revoked` cleared | an admin; otherwise the earlier device's role and revocation stand |
//! | adds a device as `editor` or `observer` | any device whose changes are applied (rule 1) |
//! | writes an entry of a device's `actors` | that actor itself: an entry written by another actor names nobody |
//! | anything else | any device whose changes are applied (rule 1) |
//!
//! Beside the table:
//! - **The founding change** (the one that made `meta`) always takes effect: it names the
//!   first admin.
//! - **A bureau that names no admin** (founded by an earlier release, whose devices are
//!   editors) treats its founding device as admin, so no migration is needed and none can
//!   race; it also means a bureau can never be left without one.
//! - **Changes made before any device recorded its actors** (every change of a bureau before
//!   its first node of this release wrote) stand as the earlier release made them: its rule
//!   was that any editor may revoke, and undoing that history now would bring revoked devices
//!   back.
//! - **Concurrent demotions between admins** (a revocation, or a role other than admin)
//!   resolve by seniority: when admin X takes admin away from T while T, concurrently, takes
//!   it away from X, the one added earlier (the founding device first, then by `added_at`,
//!   then by peer id) wins and the other's change is void. So two admins can never remove
//!   each other and leave the bureau without one.
//!
//! The author of a change is the device whose `actors` set lists the change's actor (each
//! node writes a fresh actor into its own device record at its first write of a run, see
//! [`Edit::RegisterActor`](crate::Edit::RegisterActor)). Actor ids are not signatures: a
//! member who rebuilds their node can write changes under an admin's actor id; nodes of the
//! earlier release honour any editor's revocation. The threat model in ARCHITECTURE.md says
//! both.
//!
//! The nodes' local checks ([`check_authority`]) refuse such edits before they are written;
//! the web layer answers them with 403. The rule here is what holds when a node of another
//! release, or a crafted one, writes them anyway.
//!
//! Cost: the reading starts from the current values of each device's `role` and `revoked`,
//! and goes back in history only through changes that are set aside, so a bureau whose
//! devices were all changed by admins costs a few lookups per device. It runs after a change
//! that touched a device record, not after every edit.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::{ActorId, Automerge, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::edit::{Edit, EditError};
use crate::read::{Problem, Snapshot};
use crate::records::{RecordType, Role};

/// A device's effective standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standing {
    /// Its role.
    pub role: Role,
    /// Whether it is revoked.
    pub revoked: bool,
}

/// A change that only an admin may make, set aside because its author was not one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SetAside {
    /// The device whose record it changed.
    pub peer_id: String,
    /// `role` or `revoked`.
    pub field: &'static str,
    /// The change's hash.
    pub change: String,
    /// Its author (member id), if the change names one.
    pub author: Option<String>,
}

/// The effective standing of every device, and the changes set aside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Authority {
    /// Every device in the document, by peer id.
    pub devices: BTreeMap<String, Standing>,
    /// Changes that took no effect, sorted.
    pub set_aside: Vec<SetAside>,
}

/// The opening words of the problem that reports a settings change set aside.
const SETTING_SET_ASIDE_PROBLEM: &str = "a settings change by someone not an admin was set aside";

/// The opening words of the problem that reports a change set aside; how
/// [`Snapshot::set_authority`] tells its own problems from the reader's.
const SET_ASIDE_PROBLEM: &str = "a change that only an admin may make was set aside";

/// Reads every device's effective standing from `doc` (see the module's rule table).
pub fn authority(doc: &Automerge) -> Authority {
    let Some(devices) = map_of(doc, &automerge::ROOT, "devices", None) else {
        return Authority::default();
    };
    let mut eval = Eval::new(doc, devices.clone());
    let heads = doc.get_heads();
    let mut out = Authority::default();
    let peers: Vec<String> = doc.keys(&devices).collect();
    for peer in &peers {
        if let Some(s) = eval.standing(peer, &heads) {
            out.devices.insert(peer.clone(), s);
        }
    }
    // A bureau that names no admin: its founding device is one.
    if let Some(founder) = eval.founder_device.clone()
        && !out
            .devices
            .values()
            .any(|s| s.role == Role::Admin && !s.revoked)
        && let Some(s) = out.devices.get_mut(&founder)
        && !s.revoked
    {
        s.role = Role::Admin;
    }
    out.set_aside = eval.set_aside.into_iter().collect();
    out
}

/// What [`admin_values`] finds: the values in effect, and each change set aside as
/// (key, change hash, author's device).
pub(crate) type AdminValues = (
    BTreeMap<String, ScalarValue>,
    Vec<(String, String, Option<String>)>,
);

/// The settings' values as they take effect (see [`crate::settings`]): for each key of every
/// map in `maps` (later maps winning a key two hold), the value written by an admin device,
/// each change by anyone else set aside and reported (key, change, author).
pub(crate) fn admin_values(doc: &Automerge, maps: &[ObjId]) -> AdminValues {
    let mut values = BTreeMap::new();
    let mut set_aside = BTreeSet::new();
    let Some(devices) = map_of(doc, &automerge::ROOT, "devices", None) else {
        return (values, Vec::new());
    };
    let mut eval = Eval::new(doc, devices);
    let heads = doc.get_heads();
    for map in maps {
        let keys: Vec<String> = doc.keys(map).collect();
        for key in keys {
            let mut cands = Vec::new();
            eval.collect_setting(map, &key, &heads, &mut cands, &mut set_aside);
            if let Some(v) = eval.winner(cands) {
                values.insert(key, v);
            }
        }
    }
    (values, set_aside.into_iter().collect())
}

/// Whether the device `me` may make `edit`, by the standing the snapshot shows (which
/// [`Snapshot::set_authority`] made effective). The edits that need an admin: revoking a
/// device, changing a role, adding an admin device. The last admin can be neither revoked nor
/// demoted.
pub fn check_authority(snap: &Snapshot, me: &str, edit: &Edit) -> Result<(), EditError> {
    // A relay (a hub) stores and forwards; the only record it writes is its own device's.
    if snap
        .devices
        .get(me)
        .is_some_and(|d| d.role == Role::Relay && !d.revoked)
    {
        let own = match edit {
            Edit::RegisterActor { peer_id } | Edit::SetDeviceAddrs { peer_id, .. } => peer_id == me,
            _ => false,
        };
        if !own {
            return Err(EditError::Forbidden {
                message: "this device is a relay (a hub): it writes nothing but its own \
                          device record"
                    .to_owned(),
            });
        }
    }
    let needs = match edit {
        Edit::RevokeDevice { .. } => "revoke a device",
        Edit::SetDeviceRole { .. } => "change a device's role",
        Edit::AddDevice {
            role: Role::Admin, ..
        } => "add an admin device",
        Edit::AddDevice {
            role: Role::Relay, ..
        } => "add a relay device",
        Edit::UpdateSettings(_) => "change the bureau's settings",
        _ => return Ok(()),
    };
    if !snap.is_admin(me) {
        return Err(EditError::Forbidden {
            message: format!("only an admin can {needs}; this device is not one"),
        });
    }
    let target = match edit {
        Edit::RevokeDevice { peer_id } => Some((peer_id, None)),
        Edit::SetDeviceRole { peer_id, role } => Some((peer_id, Some(*role))),
        _ => None,
    };
    if let Some((peer, role)) = target
        && snap.is_admin(peer)
        && role != Some(Role::Admin)
        && snap.admins().count() <= 1
    {
        return Err(EditError::LastAdmin);
    }
    Ok(())
}

/// Whether the device `me` may make an invite for a device of `role`, for the existing member
/// `member_id` or (with `None`) for a new person. Admins invite anyone as anything; editors
/// invite editors and observers who are new people, and devices of their own member; an
/// observer invites no one (the inviting node writes the new device, and an observer's node
/// writes nothing).
pub fn check_invite(
    snap: &Snapshot,
    me: &str,
    role: Role,
    member_id: Option<&str>,
) -> Result<(), EditError> {
    let Some(dev) = snap.devices.get(me).filter(|d| !d.revoked) else {
        return Err(EditError::Forbidden {
            message: "this node is not a device of the bureau, so it cannot invite".to_owned(),
        });
    };
    if matches!(dev.role, Role::Observer | Role::Relay) {
        let what = if dev.role == Role::Relay {
            "a relay (a hub)"
        } else {
            "an observer"
        };
        return Err(EditError::Forbidden {
            message: format!("this device is {what}: it cannot invite"),
        });
    }
    let admin = snap.is_admin(me);
    if matches!(role, Role::Admin | Role::Relay) && !admin {
        let what = if role == Role::Relay {
            "a relay"
        } else {
            "an admin"
        };
        return Err(EditError::Forbidden {
            message: format!("only an admin can invite {what} device"),
        });
    }
    if let Some(m) = member_id {
        if snap.members.get(m).is_none_or(|m| m.stamp.archived) {
            return Err(crate::edit::invalid(
                "member_id",
                format!("no member with id {m:?} in the bureau"),
            ));
        }
        if m != dev.member_id && !admin {
            return Err(EditError::Forbidden {
                message: "only an admin can invite a device for another member; you can invite \
                          new people and devices of your own"
                    .to_owned(),
            });
        }
    }
    Ok(())
}

impl Snapshot {
    /// Puts the settings as they take effect ([`crate::settings_effective`]) in place of those
    /// read, and reports each settings change set aside as a problem.
    pub fn set_settings(
        &mut self,
        (settings, set_aside): (crate::Settings, Vec<(String, String, Option<String>)>),
    ) {
        self.settings = settings;
        self.problems
            .retain(|p| !p.message.starts_with(SETTING_SET_ASIDE_PROBLEM));
        for (key, change, author) in set_aside {
            self.problems.push(Problem {
                record: None,
                path: format!("{}.{key}", crate::SETTINGS),
                message: format!(
                    "{SETTING_SET_ASIDE_PROBLEM}: change {change} by {} was not made by an admin device",
                    author.as_deref().unwrap_or("an unknown author")
                ),
            });
        }
        self.problems.sort_by(|a, b| a.path.cmp(&b.path));
    }

    /// Whether `peer` is an unrevoked admin device.
    pub fn is_admin(&self, peer: &str) -> bool {
        self.devices
            .get(peer)
            .is_some_and(|d| d.role == Role::Admin && !d.revoked)
    }

    /// The unrevoked admin devices.
    pub fn admins(&self) -> impl Iterator<Item = &crate::records::Device> {
        self.devices
            .values()
            .map(|d| &**d)
            .filter(|d| d.role == Role::Admin && !d.revoked)
    }

    /// Puts the effective standing of [`authority`] in place of the values read, and reports
    /// each change set aside as a problem of its device. Devices not in `a` are left as read.
    pub fn set_authority(&mut self, a: &Authority) {
        for (peer, s) in &a.devices {
            if let Some(d) = self.devices.get(peer)
                && (d.role != s.role || d.revoked != s.revoked)
            {
                let mut d = (**d).clone();
                d.role = s.role;
                d.revoked = s.revoked;
                self.devices.insert(peer.clone(), std::sync::Arc::new(d));
            }
        }
        self.problems
            .retain(|p| !p.message.starts_with(SET_ASIDE_PROBLEM));
        for x in &a.set_aside {
            self.problems.push(Problem {
                record: Some((RecordType::Device, x.peer_id.clone())),
                path: format!("devices.{}.{}", x.peer_id, x.field),
                message: format!(
                    "{SET_ASIDE_PROBLEM}: change {} by {} was not made by an admin device",
                    x.change,
                    x.author.as_deref().unwrap_or("an unknown author")
                ),
            });
        }
        self.problems.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// One value of a field as it stands: the value, the operation that wrote it (counter and
/// actor, automerge's order among concurrent values) and the change that holds it.
#[derive(Clone, Debug)]
struct Cand {
    value: ScalarValue,
    op: (u64, ActorId),
    change: ChangeHash,
}

/// One evaluation over one document: memoised standings and change metadata.
struct Eval<'a> {
    doc: &'a Automerge,
    devices: ObjId,
    /// The change that made `meta`.
    founding: Option<ChangeHash>,
    /// The device made in the founding change.
    founder_device: Option<String>,
    /// Which device each actor belongs to (from the `actors` entries each actor wrote itself).
    actor_device: HashMap<ActorId, String>,
    standings: HashMap<(String, Vec<ChangeHash>), Option<Standing>>,
    admin_at: HashMap<ChangeHash, bool>,
    legacy: HashMap<Vec<ChangeHash>, bool>,
    meta: HashMap<ChangeHash, (ActorId, Vec<ChangeHash>, Option<String>)>,
    set_aside: BTreeSet<SetAside>,
}

impl<'a> Eval<'a> {
    fn new(doc: &'a Automerge, devices: ObjId) -> Eval<'a> {
        let founding =
            map_of(doc, &automerge::ROOT, "meta", None).and_then(|meta| doc.hash_for_opid(&meta));
        let mut actor_device = HashMap::new();
        let mut founder_device = None;
        for peer in doc.keys(&devices) {
            let Some(dev) = map_of(doc, &devices, &peer, None) else {
                continue;
            };
            if founding.is_some() && doc.hash_for_opid(&dev) == founding {
                founder_device = Some(peer.clone());
            }
            let Some(actors) = map_of(doc, &dev, "actors", None) else {
                continue;
            };
            for item in doc.map_range(&actors, ..) {
                let Ok(actor) = ActorId::try_from(item.key.as_ref()) else {
                    continue;
                };
                // Only an entry the actor wrote itself names its device.
                if let ObjId::Id(_, writer, _) = item.id()
                    && writer == actor
                {
                    actor_device.entry(actor).or_insert_with(|| peer.clone());
                }
            }
        }
        Eval {
            doc,
            devices,
            founding,
            founder_device,
            actor_device,
            standings: HashMap::new(),
            admin_at: HashMap::new(),
            legacy: HashMap::new(),
            meta: HashMap::new(),
            set_aside: BTreeSet::new(),
        }
    }

    /// A change's actor, dependencies and author.
    fn meta(&mut self, c: ChangeHash) -> (ActorId, Vec<ChangeHash>, Option<String>) {
        if let Some(m) = self.meta.get(&c) {
            return m.clone();
        }
        let m = match self.doc.get_change_meta_by_hash(&c) {
            Some(m) => {
                let mut deps = m.deps.clone();
                deps.sort();
                (
                    m.actor.clone().into_owned(),
                    deps,
                    m.author
                        .as_ref()
                        .map(|a| crate::author_member_id(a.as_bytes())),
                )
            }
            None => (ActorId::from(&[0u8][..]), Vec::new(), None),
        };
        self.meta.insert(c, m.clone());
        m
    }

    /// The device at `peer` as it stood at `heads`, or `None` if there was none.
    fn standing(&mut self, peer: &str, heads: &[ChangeHash]) -> Option<Standing> {
        let mut heads = heads.to_vec();
        heads.sort();
        let key = (peer.to_owned(), heads);
        if let Some(s) = self.standings.get(&key) {
            return *s;
        }
        // Recursion always goes to strictly earlier heads; the placeholder only guards
        // against a document whose graph says otherwise.
        self.standings.insert(key.clone(), None);
        let heads = &key.1;
        let s = map_of(self.doc, &self.devices.clone(), peer, Some(heads)).map(|obj| {
            let role = self
                .field(peer, &obj, "role", heads)
                .and_then(|v| v.as_str().and_then(|s| Role::parse(s).ok()))
                .unwrap_or_default();
            let revoked = self
                .field(peer, &obj, "revoked", heads)
                .is_some_and(|v| matches!(v, ScalarValue::Boolean(true)));
            Standing { role, revoked }
        });
        self.standings.insert(key, s);
        s
    }

    /// The value of a device's `role` or `revoked` as it stood at `heads`, changes set aside
    /// left out.
    fn field(
        &mut self,
        peer: &str,
        obj: &ObjId,
        key: &'static str,
        heads: &[ChangeHash],
    ) -> Option<ScalarValue> {
        let mut cands = Vec::new();
        self.collect(peer, obj, key, heads, &mut cands);
        self.winner(cands)
    }

    /// Of the values that stand, the one that wins: a value some other one's change descends
    /// from was overwritten by it (or by something its author saw), so only the causally
    /// latest stand; of concurrent ones, automerge's winner, the greatest operation id.
    fn winner(&mut self, mut cands: Vec<Cand>) -> Option<ScalarValue> {
        let mut seen = HashSet::new();
        cands.retain(|c| seen.insert(c.op.clone()));
        if cands.len() > 1 {
            let changes: Vec<ChangeHash> = cands.iter().map(|c| c.change).collect();
            let stale: Vec<bool> = cands
                .iter()
                .map(|c| {
                    changes
                        .iter()
                        .any(|&other| other != c.change && self.is_ancestor(c.change, other))
                })
                .collect();
            let mut i = 0;
            cands.retain(|_| {
                i += 1;
                !stale[i - 1]
            });
        }
        cands
            .into_iter()
            .max_by(|a, b| a.op.cmp(&b.op))
            .map(|c| c.value)
    }

    /// The scalar values at `key` of `obj` as they stand at `heads` (concurrent ones all), each
    /// with the op and the change that wrote it: what the collectors weigh.
    fn candidates(&self, obj: &ObjId, key: &str, heads: &[ChangeHash]) -> Vec<Cand> {
        self.doc
            .get_all_at(obj, key, heads)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(v, id)| {
                let Value::Scalar(value) = v else {
                    return None;
                };
                let ObjId::Id(counter, actor, _) = &id else {
                    return None;
                };
                let change = self.doc.hash_for_opid(&id)?;
                Some(Cand {
                    value: value.into_owned(),
                    op: (*counter, actor.clone()),
                    change,
                })
            })
            .collect()
    }

    /// The values of a settings key that stand at `heads`: each written by an admin device,
    /// or, for one that was not, whatever stood before its change.
    fn collect_setting(
        &mut self,
        obj: &ObjId,
        key: &str,
        heads: &[ChangeHash],
        out: &mut Vec<Cand>,
        set_aside: &mut BTreeSet<(String, String, Option<String>)>,
    ) {
        for Cand { value, op, change } in self.candidates(obj, key, heads) {
            if Some(change) == self.founding || self.admin_at(change) {
                out.push(Cand { value, op, change });
                continue;
            }
            let (_, deps, author) = self.meta(change);
            set_aside.insert((key.to_owned(), change.to_string(), author));
            // A map made in this very change held nothing before it.
            if self.doc.hash_for_opid(obj) != Some(change) {
                self.collect_setting(obj, key, &deps, out, set_aside);
            }
        }
    }

    fn collect(
        &mut self,
        peer: &str,
        obj: &ObjId,
        key: &'static str,
        heads: &[ChangeHash],
        out: &mut Vec<Cand>,
    ) {
        for Cand { value, op, change } in self.candidates(obj, key, heads) {
            if self.allowed(peer, obj, key, &value, change) {
                out.push(Cand { value, op, change });
                continue;
            }
            let (_, deps, author) = self.meta(change);
            self.set_aside.insert(SetAside {
                peer_id: peer.to_owned(),
                field: key,
                change: change.to_string(),
                author,
            });
            if self.doc.hash_for_opid(obj) == Some(change) {
                // The device's map is new in this change: what stands is the device that was
                // at this key before it, or a new editor that is not revoked.
                let prev = self.standing(peer, &deps);
                let value = match key {
                    "role" => {
                        ScalarValue::Str(prev.map_or(Role::Editor, |p| p.role).as_str().into())
                    }
                    _ => ScalarValue::Boolean(prev.is_some_and(|p| p.revoked)),
                };
                out.push(Cand { value, op, change });
            } else {
                self.collect(peer, obj, key, &deps, out);
            }
        }
    }

    /// Whether the write of `value` to `key` of `peer`'s device `obj` in `change` takes
    /// effect (the module's rule table).
    fn allowed(
        &mut self,
        peer: &str,
        obj: &ObjId,
        key: &str,
        value: &ScalarValue,
        change: ChangeHash,
    ) -> bool {
        if Some(change) == self.founding {
            return true;
        }
        let (_, deps, _) = self.meta(change);
        if self.doc.hash_for_opid(obj) == Some(change) {
            // Added (or added again) in this change.
            let prev = self.standing(peer, &deps);
            let free = match (key, prev) {
                ("role", None) => matches!(
                    value.as_str().map(Role::parse),
                    Some(Ok(Role::Editor | Role::Observer))
                ),
                ("role", Some(p)) => value.as_str() == Some(p.role.as_str()),
                (_, None) => true,
                (_, Some(p)) => matches!(value, ScalarValue::Boolean(b) if *b == p.revoked),
            };
            return free || self.admin_at(change);
        }
        if !self.admin_at(change) {
            return false;
        }
        !(takes_admin_away(key, value) && self.void_by_seniority(peer, change))
    }

    /// Whether the author of `change` was an admin device at its parents (or the change was
    /// made before any device recorded its actors).
    fn admin_at(&mut self, change: ChangeHash) -> bool {
        if let Some(&a) = self.admin_at.get(&change) {
            return a;
        }
        // Recursion never comes back to the same change; the placeholder is for a graph
        // that says otherwise.
        self.admin_at.insert(change, false);
        let (actor, deps, _) = self.meta(change);
        let a = self.legacy(&deps)
            || self
                .actor_device
                .get(&actor)
                .cloned()
                .is_some_and(|dev| self.is_admin(&dev, &deps));
        self.admin_at.insert(change, a);
        a
    }

    /// Whether `peer` was an unrevoked admin at `heads`.
    fn is_admin(&mut self, peer: &str, heads: &[ChangeHash]) -> bool {
        match self.standing(peer, heads) {
            None => false,
            Some(s) if s.revoked => false,
            Some(s) if s.role == Role::Admin => true,
            Some(_) => self.founder_device.as_deref() == Some(peer) && !self.admin_named(heads),
        }
    }

    /// Whether some device at `heads` was an unrevoked admin.
    fn admin_named(&mut self, heads: &[ChangeHash]) -> bool {
        let peers: Vec<String> = self.doc.keys_at(&self.devices, heads).collect();
        for peer in peers {
            // Only a device whose record says admin can be one: its standing is worked
            // out only then.
            let says_admin = map_of(self.doc, &self.devices, &peer, Some(heads))
                .map(|obj| self.doc.get_all_at(&obj, "role", heads).unwrap_or_default())
                .is_some_and(|vals| {
                    vals.iter().any(|(v, _)| {
                        matches!(v, Value::Scalar(s) if s.as_str() == Some(Role::Admin.as_str()))
                    })
                });
            if says_admin
                && self
                    .standing(&peer, heads)
                    .is_some_and(|s| s.role == Role::Admin && !s.revoked)
            {
                return true;
            }
        }
        false
    }

    /// Whether no device at `heads` had recorded an actor: the bureau had seen no node of
    /// this release yet.
    fn legacy(&mut self, heads: &[ChangeHash]) -> bool {
        if let Some(&l) = self.legacy.get(heads) {
            return l;
        }
        let peers: Vec<String> = self.doc.keys_at(&self.devices, heads).collect();
        let l = !peers.iter().any(|peer| {
            map_of(self.doc, &self.devices, peer, Some(heads))
                .and_then(|dev| map_of(self.doc, &dev, "actors", Some(heads)))
                .is_some_and(|actors| self.doc.length_at(&actors, heads) > 0)
        });
        self.legacy.insert(heads.to_vec(), l);
        l
    }

    /// Whether `change`, which takes admin away from `target`, is void because `target` is
    /// the senior admin and took admin away from the change's author concurrently.
    fn void_by_seniority(&mut self, target: &str, change: ChangeHash) -> bool {
        let (actor, deps, _) = self.meta(change);
        let Some(author) = self.actor_device.get(&actor).cloned() else {
            return false;
        };
        if author == target || !self.is_admin(target, &deps) || !self.senior(target, &author) {
            return false;
        }
        let Some(author_obj) = map_of(self.doc, &self.devices, &author, None) else {
            return false;
        };
        for key in ["revoked", "role"] {
            let values = self.doc.get_all(&author_obj, key).unwrap_or_default();
            for (v, id) in values {
                let Value::Scalar(v) = v else { continue };
                let ObjId::Id(_, writer, _) = &id else {
                    continue;
                };
                if !takes_admin_away(key, &v)
                    || self.actor_device.get(writer).map(String::as_str) != Some(target)
                {
                    continue;
                }
                let Some(theirs) = self.doc.hash_for_opid(&id) else {
                    continue;
                };
                if !self.is_ancestor(change, theirs) && !self.is_ancestor(theirs, change) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether device `a` was added before device `b`: the founding device first, then by
    /// `added_at`, then by peer id.
    fn senior(&self, a: &str, b: &str) -> bool {
        let founder = self.founder_device.as_deref();
        if founder == Some(a) {
            return true;
        }
        if founder == Some(b) {
            return false;
        }
        let added = |p: &str| {
            map_of(self.doc, &self.devices, p, None)
                .and_then(|o| match self.doc.get(&o, "added_at") {
                    Ok(Some((Value::Scalar(s), _))) => s.as_str().map(str::to_owned),
                    _ => None,
                })
                .unwrap_or_default()
        };
        (added(a), a) < (added(b), b)
    }

    /// Whether change `a` is an ancestor of change `b`.
    fn is_ancestor(&mut self, a: ChangeHash, b: ChangeHash) -> bool {
        let mut stack = self.meta(b).1;
        let mut seen = HashSet::new();
        while let Some(c) = stack.pop() {
            if c == a {
                return true;
            }
            if seen.insert(c) {
                stack.extend(self.meta(c).1);
            }
        }
        false
    }
}

/// Whether writing `value` to `key` takes admin away from a device (a revocation, or a role
/// other than admin).
fn takes_admin_away(key: &str, value: &ScalarValue) -> bool {
    match key {
        "revoked" => matches!(value, ScalarValue::Boolean(true)),
        "role" => value.as_str() != Some(Role::Admin.as_str()),
        _ => false,
    }
}

/// The map at `key` of `obj`, now or at `heads`.
fn map_of(doc: &Automerge, obj: &ObjId, key: &str, heads: Option<&[ChangeHash]>) -> Option<ObjId> {
    let got = match heads {
        Some(h) => doc.get_at(obj, key, h),
        None => doc.get(obj, key),
    };
    match got {
        Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
        _ => None,
    }
}
