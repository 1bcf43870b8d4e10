//! `bundle`: a change bundle as `bureau bundle import` and `POST /api/bundle` take it, imported
//! by a real document actor of a bureau.
//!
//! The first input byte picks the way in. 0: the rest is the bundle file itself (whatever
//! fails to parse or whose signature does not hold is refused there). Otherwise: the rest is
//! the payload, sealed and signed here by an editor device of the bureau, so that mutations
//! reach what comes after the signature: the inflation guard, the split into changes and the
//! actor's import inside the input guard. Nothing may panic; the actor must answer after.

use std::time::Duration;

use bureau_doc::{DocConfig, DocHandle};
use bureau_model::{Edit, InitBureau, Role};
use bureau_net::Identity;
use bureau_net::bundle::{BundleKey, import, seal, seal_key};
use bureau_store::Store;

use crate::common::{BUREAU, runtime, scratch_dir};

/// The founder's member id.
const FOUNDER: &str = "founder";

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let dir = scratch_dir();
    let store = Store::open(dir.path()).expect("the store opens on a fresh directory");
    let files = store.files();
    let me = Identity::generate();
    let signer = Identity::generate();
    runtime().block_on(async {
        let mut config = DocConfig::new(me.peer_id());
        config.check_stored = Some(bureau_sync::guard::check_stored);
        let (doc, thread) = DocHandle::open(store, config)
            .await
            .expect("the actor starts");
        doc.edit(Edit::Init(InitBureau {
            bureau_id: BUREAU.to_owned(),
            title: "Fuzz bureau".to_owned(),
            timezone: "UTC".to_owned(),
            founder_id: FOUNDER.to_owned(),
            founder_name: "Ada Founder".to_owned(),
            device: Some((me.peer_id(), "laptop".to_owned())),
        }))
        .await
        .expect("the bureau is founded");
        doc.edit(Edit::AddDevice {
            peer_id: signer.peer_id(),
            member_id: FOUNDER.to_owned(),
            name: "other laptop".to_owned(),
            role: Role::Editor,
        })
        .await
        .expect("the signer's device is added");
        let bundle = if sel == 0 {
            rest.to_vec()
        } else {
            let key = BundleKey::generate();
            let copy = seal_key(&key.secret, &me.peer_id()).expect("a device's peer id");
            seal(&signer, BUREAU, &key, &[(me.peer_id(), copy)], rest)
        };
        let _ = import(&doc, &me, &files, &bundle).await;
        tokio::time::timeout(Duration::from_secs(60), doc.save())
            .await
            .expect("the actor answers in time")
            .expect("the actor is running");
        drop(doc);
        thread.join().expect("the actor thread ends cleanly");
    });
}
