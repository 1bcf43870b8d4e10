//! Roles as every node reads them (`authority`): changes that only an admin may make take
//! effect only when their author was an admin at the change's parents; concurrent demotions
//! between admins keep the senior; a bureau that names no admin has its founder as one; the
//! local check refuses what would be set aside and keeps the last admin.

use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, Value};

use super::support::*;
use crate::*;

/// The founder's device in every test bureau (`Replica::init`).
const FOUNDER: &str = "12D3KooWFounderLaptop0001";
const BEA: &str = "12D3KooWBeaLaptop00000001";
const CHO: &str = "12D3KooWChoLaptop00000001";

/// The effective standing of every device of a replica's document.
fn standing(r: &mut Replica) -> Authority {
    authority(r.doc.document())
}

fn role_of(a: &Authority, peer: &str) -> (Role, bool) {
    let s = a.devices.get(peer).expect("the device is in the document");
    (s.role, s.revoked)
}

#[test]
fn the_founder_is_an_admin_and_records_its_actor() {
    let mut f = Replica::init("founder");
    let snap = f.snap();
    let dev = snap.devices.get(FOUNDER).expect("the founder's device");
    assert_eq!(dev.role, Role::Admin);
    assert_eq!(dev.actors, vec![f.doc.get_actor().to_hex_string()]);
    assert_eq!(role_of(&standing(&mut f), FOUNDER), (Role::Admin, false));
    // Recording the actor again writes nothing.
    assert_eq!(
        f.apply(&Edit::RegisterActor {
            peer_id: FOUNDER.to_owned()
        }),
        Ok(Applied::Nothing)
    );
}

#[test]
fn an_editors_revocation_and_role_change_take_no_effect() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    // Bea's node, of another release or rebuilt, writes what only an admin may.
    bea.ok(Edit::RevokeDevice {
        peer_id: FOUNDER.to_owned(),
    });
    bea.ok(Edit::SetDeviceRole {
        peer_id: BEA.to_owned(),
        role: Role::Admin,
    });
    // The values as written say otherwise: the changes are in the document.
    let raw = bea.snap();
    assert!(raw.devices.get(FOUNDER).unwrap().revoked);
    assert_eq!(raw.devices.get(BEA).unwrap().role, Role::Admin);
    f.merge_from(&mut bea);
    for r in [&mut bea, &mut f] {
        let a = standing(r);
        assert_eq!(role_of(&a, FOUNDER), (Role::Admin, false));
        assert_eq!(role_of(&a, BEA), (Role::Editor, false));
        assert_eq!(a.set_aside.len(), 2, "{:?}", a.set_aside);
        assert!(
            a.set_aside
                .iter()
                .all(|x| x.author.as_deref() == Some("base-1"))
        );
    }
    let a = standing(&mut f);
    // The snapshot shows the standing, and reports what was set aside.
    let mut snap = f.snap();
    snap.set_authority(&a);
    assert!(!snap.devices.get(FOUNDER).unwrap().revoked);
    assert_eq!(snap.devices.get(BEA).unwrap().role, Role::Editor);
    let reported: Vec<&str> = snap
        .problems
        .iter()
        .filter(|p| p.message.contains("only an admin"))
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(
        reported,
        [
            format!("devices.{BEA}.role").as_str(),
            &format!("devices.{FOUNDER}.revoked")
        ]
    );
    // Set again, the problems are replaced, not doubled.
    snap.set_authority(&a);
    assert_eq!(
        snap.problems
            .iter()
            .filter(|p| p.message.contains("only an admin"))
            .count(),
        2
    );

    // The admin's own revocation of Bea takes effect, and so do later admin changes to the
    // fields Bea wrote.
    f.ok(Edit::RevokeDevice {
        peer_id: BEA.to_owned(),
    });
    let a = standing(&mut f);
    assert!(role_of(&a, BEA).1, "the admin revoked Bea");
    assert_eq!(role_of(&a, FOUNDER), (Role::Admin, false));
}

#[test]
fn an_admin_can_make_another_admin_who_then_acts_as_one() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    let mut cho = device(&mut f, "Cho", CHO, Role::Editor);
    bea.merge_from(&mut f);
    cho.merge_from(&mut f);
    f.ok(Edit::SetDeviceRole {
        peer_id: BEA.to_owned(),
        role: Role::Admin,
    });
    bea.merge_from(&mut f);
    bea.ok(Edit::SetDeviceRole {
        peer_id: CHO.to_owned(),
        role: Role::Observer,
    });
    // Cho's own attempt, concurrent, to make itself admin is set aside.
    cho.ok(Edit::SetDeviceRole {
        peer_id: CHO.to_owned(),
        role: Role::Admin,
    });
    f.merge_from(&mut bea);
    f.merge_from(&mut cho);
    let a = standing(&mut f);
    assert_eq!(role_of(&a, BEA), (Role::Admin, false));
    assert_eq!(role_of(&a, CHO), (Role::Observer, false));
    assert_eq!(a.set_aside.len(), 1, "{:?}", a.set_aside);
    assert_eq!(a.set_aside[0].peer_id, CHO);
}

#[test]
fn an_admin_device_added_by_an_editor_stands_as_an_editor() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    let member = bea.ok(new_member("Cho"));
    bea.ok(Edit::AddDevice {
        peer_id: CHO.to_owned(),
        member_id: member,
        name: "Cho's laptop".to_owned(),
        role: Role::Admin,
    });
    let a = standing(&mut bea);
    assert_eq!(role_of(&a, CHO), (Role::Editor, false));
    // An editor adding an editor or observer is what editors do: nothing is set aside.
    let mut f2 = Replica::init("founder");
    let mut bea2 = device(&mut f2, "Bea", BEA, Role::Editor);
    let member = bea2.ok(new_member("Cho"));
    bea2.ok(Edit::AddDevice {
        peer_id: CHO.to_owned(),
        member_id: member,
        name: "Cho's laptop".to_owned(),
        role: Role::Observer,
    });
    let a = standing(&mut bea2);
    assert_eq!(role_of(&a, CHO), (Role::Observer, false));
    assert!(a.set_aside.is_empty(), "{:?}", a.set_aside);
}

#[test]
fn an_editor_adding_a_revoked_device_again_does_not_bring_it_back() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    let member = f.ok(new_member("Cho"));
    f.ok(Edit::AddDevice {
        peer_id: CHO.to_owned(),
        member_id: member.clone(),
        name: "Cho's laptop".to_owned(),
        role: Role::Editor,
    });
    f.ok(Edit::RevokeDevice {
        peer_id: CHO.to_owned(),
    });
    bea.merge_from(&mut f);
    bea.ok(Edit::AddDevice {
        peer_id: CHO.to_owned(),
        member_id: member,
        name: "Cho's laptop".to_owned(),
        role: Role::Editor,
    });
    assert!(!bea.snap().devices.get(CHO).unwrap().revoked, "as written");
    let a = standing(&mut bea);
    assert_eq!(role_of(&a, CHO), (Role::Editor, true));
}

#[test]
fn concurrent_revocations_between_admins_keep_the_senior() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Admin);
    bea.merge_from(&mut f);
    assert_eq!(role_of(&standing(&mut bea), BEA), (Role::Admin, false));
    // Offline, each revokes the other.
    f.ok(Edit::RevokeDevice {
        peer_id: BEA.to_owned(),
    });
    bea.ok(Edit::RevokeDevice {
        peer_id: FOUNDER.to_owned(),
    });
    f.merge_from(&mut bea);
    bea.merge_from(&mut f);
    for r in [&mut f, &mut bea] {
        let a = standing(r);
        assert_eq!(
            role_of(&a, FOUNDER),
            (Role::Admin, false),
            "the founder stays"
        );
        assert_eq!(role_of(&a, BEA), (Role::Admin, true));
    }
    // The same with demotions instead of revocations.
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Admin);
    bea.merge_from(&mut f);
    f.ok(Edit::SetDeviceRole {
        peer_id: BEA.to_owned(),
        role: Role::Editor,
    });
    bea.ok(Edit::SetDeviceRole {
        peer_id: FOUNDER.to_owned(),
        role: Role::Observer,
    });
    f.merge_from(&mut bea);
    let a = standing(&mut f);
    assert_eq!(role_of(&a, FOUNDER), (Role::Admin, false));
    assert_eq!(role_of(&a, BEA), (Role::Editor, false));
    // Not concurrent: a revocation made after the other's takes no effect because its
    // author was already revoked, whoever is senior.
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Admin);
    bea.merge_from(&mut f);
    bea.ok(Edit::RevokeDevice {
        peer_id: FOUNDER.to_owned(),
    });
    f.merge_from(&mut bea);
    let a = standing(&mut f);
    assert_eq!(
        role_of(&a, FOUNDER),
        (Role::Admin, true),
        "Bea was an admin"
    );
}

/// A bureau as the earlier release founded it: the founder's device an editor, no device
/// with recorded actors.
fn earlier_release_bureau() -> Replica {
    let mut f = Replica::init("founder");
    let devices = match f.doc.get(automerge::ROOT, "devices").unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        other => panic!("no devices map: {other:?}"),
    };
    let dev = match f.doc.get(&devices, FOUNDER).unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        other => panic!("no founder device: {other:?}"),
    };
    f.doc.put(&dev, "role", "editor").unwrap();
    f.doc.delete(&dev, "actors").unwrap();
    f.doc.commit();
    f
}

#[test]
fn a_bureau_that_names_no_admin_has_its_founder_as_admin() {
    let mut f = earlier_release_bureau();
    assert_eq!(f.snap().devices.get(FOUNDER).unwrap().role, Role::Editor);
    assert_eq!(role_of(&standing(&mut f), FOUNDER), (Role::Admin, false));
    // An earlier release's editor revoked a device before any node of this release wrote:
    // that stands, as it did.
    let member = f.ok(new_member("Cho"));
    f.ok(Edit::AddDevice {
        peer_id: CHO.to_owned(),
        member_id: member,
        name: "Cho's laptop".to_owned(),
        role: Role::Editor,
    });
    let bea_member = f.ok(new_member("Bea"));
    f.ok(Edit::AddDevice {
        peer_id: BEA.to_owned(),
        member_id: bea_member.clone(),
        name: "Bea's laptop".to_owned(),
        role: Role::Editor,
    });
    let mut old_bea = f.fork("old-bea", &bea_member);
    old_bea.ok(Edit::RevokeDevice {
        peer_id: CHO.to_owned(),
    });
    f.merge_from(&mut old_bea);
    assert_eq!(role_of(&standing(&mut f), CHO), (Role::Editor, true));
    // Once a node of this release has written, an editor's revocation takes no effect, and
    // the founder, still named no admin, is one.
    f.ok(Edit::RegisterActor {
        peer_id: FOUNDER.to_owned(),
    });
    old_bea.merge_from(&mut f);
    old_bea.ok(Edit::RevokeDevice {
        peer_id: FOUNDER.to_owned(),
    });
    f.merge_from(&mut old_bea);
    let a = standing(&mut f);
    assert_eq!(role_of(&a, FOUNDER), (Role::Admin, false));
    // Once an admin is named, the founder is what its record says.
    f.ok(Edit::SetDeviceRole {
        peer_id: BEA.to_owned(),
        role: Role::Admin,
    });
    let a = standing(&mut f);
    assert_eq!(role_of(&a, BEA), (Role::Admin, false));
    assert_eq!(role_of(&a, FOUNDER), (Role::Editor, false));
}

#[test]
fn only_admins_pass_the_local_check_and_the_last_admin_stays() {
    let mut f = Replica::init("founder");
    let _bea = device(&mut f, "Bea", BEA, Role::Editor);
    let mut snap = f.snap();
    snap.set_authority(&standing(&mut f));
    let revoke = |p: &str| Edit::RevokeDevice {
        peer_id: p.to_owned(),
    };
    let set = |p: &str, role| Edit::SetDeviceRole {
        peer_id: p.to_owned(),
        role,
    };
    assert_eq!(check_authority(&snap, FOUNDER, &revoke(BEA)), Ok(()));
    assert_eq!(
        check_authority(&snap, FOUNDER, &set(BEA, Role::Observer)),
        Ok(())
    );
    for edit in [
        revoke(FOUNDER),
        set(FOUNDER, Role::Editor),
        set(BEA, Role::Admin),
        Edit::AddDevice {
            peer_id: CHO.to_owned(),
            member_id: "m".to_owned(),
            name: "x".to_owned(),
            role: Role::Admin,
        },
    ] {
        match check_authority(&snap, BEA, &edit) {
            Err(EditError::Forbidden { message }) => {
                assert!(message.contains("only an admin"), "{message}");
            }
            other => panic!("{edit:?} by an editor: {other:?}"),
        }
    }
    // The only admin cannot step down or be revoked.
    assert_eq!(
        check_authority(&snap, FOUNDER, &set(FOUNDER, Role::Editor)),
        Err(EditError::LastAdmin)
    );
    assert_eq!(
        check_authority(&snap, FOUNDER, &revoke(FOUNDER)),
        Err(EditError::LastAdmin)
    );
    // With a second admin it can.
    f.ok(set(BEA, Role::Admin));
    let mut snap = f.snap();
    snap.set_authority(&standing(&mut f));
    assert_eq!(
        check_authority(&snap, FOUNDER, &set(FOUNDER, Role::Editor)),
        Ok(())
    );
}

#[test]
fn editors_invite_new_people_and_their_own_devices_admins_anyone() {
    let mut f = Replica::init("founder");
    let bea = device(&mut f, "Bea", BEA, Role::Editor);
    let _obs = device(&mut f, "Obi", CHO, Role::Observer);
    let mut snap = f.snap();
    snap.set_authority(&standing(&mut f));
    let bea_member = bea.author.clone();
    let forbidden = |r: Result<(), EditError>| match r {
        Err(EditError::Forbidden { message }) => message,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Editors: new people as editors or observers, and their own devices.
    assert_eq!(check_invite(&snap, BEA, Role::Editor, None), Ok(()));
    assert_eq!(check_invite(&snap, BEA, Role::Observer, None), Ok(()));
    assert_eq!(
        check_invite(&snap, BEA, Role::Editor, Some(&bea_member)),
        Ok(())
    );
    let m = forbidden(check_invite(&snap, BEA, Role::Admin, None));
    assert!(m.contains("only an admin"), "{m}");
    let m = forbidden(check_invite(&snap, BEA, Role::Editor, Some("founder")));
    assert!(m.contains("another member"), "{m}");
    // Observers invite no one.
    let m = forbidden(check_invite(&snap, CHO, Role::Observer, None));
    assert!(m.contains("observer"), "{m}");
    // Admins: anyone, as anything.
    assert_eq!(
        check_invite(&snap, FOUNDER, Role::Admin, Some(&bea_member)),
        Ok(())
    );
    // A member that does not exist is the field's fault.
    match check_invite(&snap, FOUNDER, Role::Editor, Some("ghost")) {
        Err(EditError::Invalid { field, .. }) => assert_eq!(field, "member_id"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_device_made_admin_acts_as_one_in_its_next_run() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    let _cho = device(&mut f, "Cho", CHO, Role::Editor);
    bea.merge_from(&mut f);
    bea.ok(Edit::RevokeDevice {
        peer_id: CHO.to_owned(),
    });
    f.merge_from(&mut bea);
    assert_eq!(role_of(&standing(&mut f), CHO), (Role::Editor, false));
    f.ok(Edit::SetDeviceRole {
        peer_id: BEA.to_owned(),
        role: Role::Admin,
    });
    // Bea's node starts again: a new actor, recorded before its first change.
    let mut bea = f.fork("bea-2", &bea.author.clone());
    bea.ok(Edit::RegisterActor {
        peer_id: BEA.to_owned(),
    });
    bea.ok(Edit::RevokeDevice {
        peer_id: CHO.to_owned(),
    });
    f.merge_from(&mut bea);
    let a = standing(&mut f);
    assert_eq!(role_of(&a, BEA), (Role::Admin, false));
    assert_eq!(role_of(&a, CHO), (Role::Editor, true), "{:?}", a.set_aside);
}

#[test]
fn a_relay_is_added_by_an_admin_only_and_writes_nothing_but_its_own_device() {
    let mut f = Replica::init("founder");
    let mut bea = device(&mut f, "Bea", BEA, Role::Editor);
    let mut snap = f.snap();
    snap.set_authority(&standing(&mut f));
    let forbidden = |r: Result<(), EditError>| match r {
        Err(EditError::Forbidden { message }) => message,
        other => panic!("expected a refusal, got {other:?}"),
    };
    // Only an admin invites or adds a relay; an editor's relay stands as an editor.
    let m = forbidden(check_invite(&snap, BEA, Role::Relay, None));
    assert!(m.contains("only an admin can invite a relay"), "{m}");
    assert_eq!(check_invite(&snap, FOUNDER, Role::Relay, None), Ok(()));
    let hub = bea.ok(new_member("Hub"));
    bea.ok(Edit::AddDevice {
        peer_id: CHO.to_owned(),
        member_id: hub,
        name: "The hub".to_owned(),
        role: Role::Relay,
    });
    assert_eq!(role_of(&standing(&mut bea), CHO), (Role::Editor, false));
    // An admin's relay is one, and it may write its own device record only.
    let mut f = Replica::init("founder");
    let _hub = device(&mut f, "Hub", CHO, Role::Relay);
    assert_eq!(role_of(&standing(&mut f), CHO), (Role::Relay, false));
    let mut snap = f.snap();
    snap.set_authority(&standing(&mut f));
    let own = Edit::SetDeviceAddrs {
        peer_id: CHO.to_owned(),
        addrs: vec!["/ip4/203.0.113.1/tcp/4001".to_owned()],
        protocols: Vec::new(),
    };
    assert_eq!(check_authority(&snap, CHO, &own), Ok(()));
    let m = forbidden(check_authority(&snap, CHO, &new_member("Mallory")));
    assert!(m.contains("relay"), "{m}");
    let other = Edit::SetDeviceAddrs {
        peer_id: FOUNDER.to_owned(),
        addrs: Vec::new(),
        protocols: Vec::new(),
    };
    assert!(check_authority(&snap, CHO, &other).is_err());
    let m = forbidden(check_invite(&snap, CHO, Role::Editor, None));
    assert!(m.contains("relay"), "{m}");
}
