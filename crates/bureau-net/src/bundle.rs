//! Sealed change bundles: the file format, and the keys that open it.
//!
//! A bundle carries a payload (the changes, framed by `bureau-doc`) encrypted with a bundle key
//! of the bureau (XChaCha20-Poly1305) and signed by the exporting device's identity key
//! (Ed25519, through libp2p's keypair). A bundle key is 32 random bytes; the document holds it
//! only sealed to each device's public key: an anonymous sealed box (libsodium's
//! `crypto_box_seal`, X25519 with XSalsa20-Poly1305) to the X25519 key that the device's
//! Ed25519 identity key converts to, so a device opens it with its identity key alone.
//!
//! Layout (lengths big-endian):
//!
//! ```text
//! "BUREAUB1"
//! u16 len, bureau id          the bureau the changes are of
//! u16 len, signer's public key libp2p protobuf encoding: the peer id follows from it
//! u16 len, key id             which of the bureau's bundle keys encrypts it
//! u16 count, then per device:  the key sealed to each device it is for, as the document holds
//!   u16 len, peer id           it: an importer that has not yet received the key's record
//!   u16 len, sealed key        (it never met the exporter) opens its own copy
//! 24 bytes nonce
//! u32 len, ciphertext         the payload, with everything above as associated data
//! u16 len, signature          over every byte before it
//! ```
//!
//! Invariants:
//! - Every byte of a bundle is covered by the signature (the signature by itself): any byte
//!   flipped is refused by [`read`] before any decryption is attempted.
//! - Nothing is allocated for a length before it is checked against the bytes there are, and a
//!   bundle over [`MAX_BUNDLE`] is refused unread.
//! - Reading never panics, whatever the bytes.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use libp2p::PeerId;
use libp2p::identity::PublicKey;
use sha2::Digest;

use bureau_doc::{DocError, DocHandle};

use crate::Identity;

/// The first bytes of every bundle, version included.
pub const MAGIC: &[u8; 8] = b"BUREAUB1";

/// The largest bundle read: as much as the sync guard lets a peer's changes inflate to.
pub const MAX_BUNDLE: usize = 64 * 1024 * 1024;

/// Why a bundle, or a sealed key, was refused. The messages are for people; [`Self::reason`]
/// names the case in a word for the API.
#[derive(Clone, Debug, thiserror::Error, PartialEq, Eq)]
pub enum BundleError {
    /// Not a bundle at all, or cut short.
    #[error("the file is not a bureau bundle ({0})")]
    Malformed(&'static str),
    /// Larger than [`MAX_BUNDLE`].
    #[error("the bundle is larger than {MAX_BUNDLE} bytes")]
    TooLarge,
    /// The signature does not match the bytes: changed on the way, or forged.
    #[error("the bundle was changed after it was signed (its signature does not match)")]
    Tampered,
    /// The signer's key is not an Ed25519 key.
    #[error("the bundle's signer key is not a device key")]
    BadSigner,
    /// None of the keys tried opens the bundle.
    #[error(
        "this device holds no key that opens the bundle (it was made for devices this one is not among, or after this device was revoked)"
    )]
    NoKey,
    /// The peer id given to seal a key to is not an Ed25519 peer id.
    #[error("{0:?} is not a device's peer id")]
    BadPeer(String),
}

impl BundleError {
    /// The case in a word, for the API's `error` field.
    pub fn reason(&self) -> &'static str {
        match self {
            BundleError::Malformed(_) => "malformed",
            BundleError::TooLarge => "too_large",
            BundleError::Tampered => "tampered",
            BundleError::BadSigner => "not_member",
            BundleError::NoKey => "no_key",
            BundleError::BadPeer(_) => "bad_peer",
        }
    }
}

/// A bundle key: its id (as the document names it) and the secret.
#[derive(Clone)]
pub struct BundleKey {
    /// The id of the key's record in the document.
    pub id: String,
    /// The XChaCha20-Poly1305 key.
    pub secret: [u8; 32],
}

impl std::fmt::Debug for BundleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleKey").field("id", &self.id).finish()
    }
}

impl BundleKey {
    /// A new random key with a new random id.
    pub fn generate() -> BundleKey {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source is available");
        BundleKey {
            id: crate::random_hex(16),
            secret,
        }
    }
}

/// The device's X25519 public key, from its Ed25519 key inside its peer id.
fn x25519_public(peer_id: &str) -> Result<crypto_box::PublicKey, BundleError> {
    let bad = || BundleError::BadPeer(peer_id.to_owned());
    let peer: PeerId = peer_id.parse().map_err(|_| bad())?;
    // An Ed25519 peer id is the identity multihash of the protobuf-encoded public key.
    let mh = peer.as_ref();
    if mh.code() != 0 {
        return Err(bad());
    }
    let public = PublicKey::try_decode_protobuf(mh.digest()).map_err(|_| bad())?;
    let ed = public.try_into_ed25519().map_err(|_| bad())?;
    let point = curve25519_dalek::edwards::CompressedEdwardsY(ed.to_bytes())
        .decompress()
        .ok_or_else(bad)?;
    Ok(crypto_box::PublicKey::from(
        point.to_montgomery().to_bytes(),
    ))
}

/// Seals `key`'s secret to the device `peer_id`: only that device's identity key opens it.
pub fn seal_key(secret: &[u8; 32], peer_id: &str) -> Result<Vec<u8>, BundleError> {
    let public = x25519_public(peer_id)?;
    public
        .seal(&mut crypto_box::aead::OsRng, secret)
        .map_err(|_| BundleError::BadPeer(peer_id.to_owned()))
}

impl Identity {
    /// This device's X25519 secret: the scalar its Ed25519 secret expands to (RFC 8032), the
    /// one whose public point [`x25519_public`] derives from the peer id.
    fn x25519_secret(&self) -> crypto_box::SecretKey {
        let ed = self
            .keypair
            .clone()
            .try_into_ed25519()
            .expect("identities are ed25519");
        let h = sha2::Sha512::digest(ed.secret().as_ref());
        let mut scalar = [0u8; 32];
        scalar.copy_from_slice(&h[..32]);
        scalar[0] &= 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        crypto_box::SecretKey::from(scalar)
    }

    /// Opens a key sealed to this device by [`seal_key`]; `None` if it was sealed to another
    /// device or is damaged.
    pub fn open_sealed_key(&self, sealed: &[u8]) -> Option<[u8; 32]> {
        let plain = self.x25519_secret().unseal(sealed).ok()?;
        plain.try_into().ok()
    }
}

/// Encrypts `payload` with `key` for the bureau `bureau_id` and signs it with `identity`;
/// `sealed` are the key's sealed copies (peer id, sealed key), carried in the header.
pub fn seal(
    identity: &Identity,
    bureau_id: &str,
    key: &BundleKey,
    sealed: &[(String, Vec<u8>)],
    payload: &[u8],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 256 + sealed.len() * 128);
    out.extend_from_slice(MAGIC);
    put16(&mut out, bureau_id.as_bytes());
    put16(&mut out, &identity.keypair.public().encode_protobuf());
    put16(&mut out, key.id.as_bytes());
    let count = u16::try_from(sealed.len()).expect("a bureau has fewer than 65536 devices");
    out.extend_from_slice(&count.to_be_bytes());
    for (peer, copy) in sealed {
        put16(&mut out, peer.as_bytes());
        put16(&mut out, copy);
    }
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).expect("the operating system's random source is available");
    out.extend_from_slice(&nonce);
    let cipher = XChaCha20Poly1305::new((&key.secret).into());
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: payload,
                aad: &out,
            },
        )
        .expect("XChaCha20-Poly1305 encrypts any length a bundle can have");
    out.extend_from_slice(&(ct.len() as u32).to_be_bytes());
    out.extend_from_slice(&ct);
    let sig = identity
        .keypair
        .sign(&out)
        .expect("ed25519 signing cannot fail");
    put16(&mut out, &sig);
    out
}

fn put16(out: &mut Vec<u8>, b: &[u8]) {
    let len = u16::try_from(b.len()).expect("bundle header fields are short");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(b);
}

/// A bundle whose signature holds: who signed it, for which bureau, with which key; not yet
/// decrypted.
#[derive(Debug)]
pub struct Envelope<'a> {
    /// The bureau the bundle says it is of.
    pub bureau_id: String,
    /// The peer id of the device that signed it.
    pub signer: String,
    /// The id of the bundle key that encrypts it.
    pub key_id: String,
    /// The key sealed to each device it is for (peer id, sealed key).
    pub sealed: Vec<(String, Vec<u8>)>,
    aad: &'a [u8],
    nonce: &'a [u8],
    ciphertext: &'a [u8],
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], BundleError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(BundleError::Malformed(what))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn field16(&mut self, what: &'static str) -> Result<&'a [u8], BundleError> {
        let n = self.take(2, what)?;
        let n = u16::from_be_bytes([n[0], n[1]]) as usize;
        self.take(n, what)
    }
}

/// Reads a bundle and checks its signature. The bureau, the signer's standing and the key are
/// for the caller to check ([`Envelope::open`]).
pub fn read(bytes: &[u8]) -> Result<Envelope<'_>, BundleError> {
    if bytes.len() > MAX_BUNDLE {
        return Err(BundleError::TooLarge);
    }
    let mut r = Reader { bytes, at: 0 };
    if r.take(MAGIC.len(), "no bundle header")? != MAGIC {
        return Err(BundleError::Malformed("no bundle header"));
    }
    let bureau = r.field16("cut short in the bureau id")?;
    let signer = r.field16("cut short in the signer's key")?;
    let key_id = r.field16("cut short in the key id")?;
    let count = r.take(2, "cut short in the sealed keys")?;
    let count = u16::from_be_bytes([count[0], count[1]]);
    let mut sealed = Vec::new();
    for _ in 0..count {
        let peer = r.field16("cut short in the sealed keys")?;
        let copy = r.field16("cut short in the sealed keys")?;
        sealed.push((peer, copy));
    }
    let nonce = r.take(24, "cut short in the nonce")?;
    let aad = &bytes[..r.at];
    let len = r.take(4, "cut short before the changes")?;
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let ciphertext = r.take(len, "cut short in the changes")?;
    let signed = &bytes[..r.at];
    let sig = r.field16("cut short in the signature")?;
    if r.at != bytes.len() {
        return Err(BundleError::Malformed("bytes after the signature"));
    }
    // Any change to the header is a change to what the signature covers: a flipped byte in
    // the signer's key names another key, under which the signature fails too.
    let public = PublicKey::try_decode_protobuf(signer).map_err(|_| BundleError::Tampered)?;
    if public.clone().try_into_ed25519().is_err() {
        return Err(BundleError::BadSigner);
    }
    if !public.verify(signed, sig) {
        return Err(BundleError::Tampered);
    }
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|_| BundleError::Tampered);
    Ok(Envelope {
        bureau_id: text(bureau)?,
        signer: public.to_peer_id().to_base58(),
        key_id: text(key_id)?,
        sealed: sealed
            .into_iter()
            .map(|(p, c)| Ok((text(p)?, c.to_vec())))
            .collect::<Result<_, BundleError>>()?,
        aad,
        nonce,
        ciphertext,
    })
}

impl Envelope<'_> {
    /// The copy of the key sealed to `peer_id` that the bundle carries, if any.
    pub fn sealed_to(&self, peer_id: &str) -> Option<&[u8]> {
        self.sealed
            .iter()
            .find(|(p, _)| p == peer_id)
            .map(|(_, c)| c.as_slice())
    }

    /// Decrypts the payload with the key's secret.
    pub fn open(&self, secret: &[u8; 32]) -> Result<Vec<u8>, BundleError> {
        XChaCha20Poly1305::new(secret.into())
            .decrypt(
                XNonce::from_slice(self.nonce),
                Payload {
                    msg: self.ciphertext,
                    aad: self.aad,
                },
            )
            .map_err(|_| BundleError::NoKey)
    }
}

/// Refused bundle, as the document layer reports it: the case in a word and a sentence.
fn refused(e: BundleError) -> DocError {
    DocError::BundleRefused {
        reason: e.reason(),
        message: e.to_string(),
    }
}

/// The key this device exports with: one sealed to every unrevoked device and to no revoked
/// one (so its making follows every revocation this node knows, and every device this node
/// knows can open it), the newest such; or a new one, sealed to every unrevoked device and
/// added to the document. With its sealed copies, for the bundle's header.
async fn current_key(
    doc: &DocHandle,
    identity: &Identity,
    devices: &[(String, bool)],
) -> Result<(BundleKey, Vec<(String, Vec<u8>)>), DocError> {
    let me = identity.peer_id();
    // Devices whose peer id holds no Ed25519 key can be sealed to by nobody; they count
    // neither way.
    let sealable = |p: &str| x25519_public(p).is_ok();
    let unrevoked: Vec<&str> = devices
        .iter()
        .filter(|(p, revoked)| !revoked && sealable(p))
        .map(|(p, _)| p.as_str())
        .collect();
    let revoked: Vec<&str> = devices
        .iter()
        .filter(|(_, revoked)| *revoked)
        .map(|(p, _)| p.as_str())
        .collect();
    let mut keys = doc.bundle_keys().await?;
    keys.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    for k in keys {
        if revoked.iter().any(|p| k.sealed.contains_key(*p))
            || !unrevoked.iter().all(|p| k.sealed.contains_key(*p))
        {
            continue;
        }
        let Some(secret) = k.sealed.get(&me).and_then(|c| identity.open_sealed_key(c)) else {
            continue;
        };
        let copies = k.sealed.into_iter().collect();
        return Ok((BundleKey { id: k.id, secret }, copies));
    }
    let key = BundleKey::generate();
    let mut sealed = std::collections::BTreeMap::new();
    for p in unrevoked {
        sealed.insert(p.to_owned(), seal_key(&key.secret, p).map_err(refused)?);
    }
    doc.add_bundle_key(bureau_model::BundleKeyRecord {
        id: key.id.clone(),
        created_at: jiff::Timestamp::now().to_string(),
        created_by: me,
        sealed: sealed.clone(),
    })
    .await?;
    Ok((key, sealed.into_iter().collect()))
}

/// Makes a bundle of every change of the bureau, or of those `since_peer` is not known to
/// hold, encrypted with the current bundle key (made here if there is none) and signed by
/// this device. Only an unrevoked device that is not an observer exports: an observer's
/// bundle would be refused everywhere.
pub async fn export(
    doc: &DocHandle,
    identity: &Identity,
    since_peer: Option<String>,
) -> Result<Vec<u8>, DocError> {
    let state = doc.state();
    let snap = &state.snapshot;
    let me = identity.peer_id();
    if snap.meta.bureau_id.is_empty() {
        return Err(DocError::Edit(bureau_model::EditError::NoBureau));
    }
    match snap.devices.get(&me) {
        Some(d) if d.revoked => return Err(DocError::NotMember),
        Some(d) if d.role == bureau_model::Role::Observer => return Err(DocError::Observer),
        Some(_) => {}
        None => return Err(DocError::NotMember),
    }
    let devices: Vec<(String, bool)> = snap
        .devices
        .values()
        .map(|d| (d.peer_id.clone(), d.revoked))
        .collect();
    let bureau_id = snap.meta.bureau_id.clone();
    let (key, copies) = current_key(doc, identity, &devices).await?;
    let payload = doc.bundle_changes(since_peer).await?;
    Ok(seal(identity, &bureau_id, &key, &copies, &payload))
}

/// Splits a payload that passed the guard (complete automerge chunks back to back) into its
/// chunks.
fn split_chunks(mut rest: &[u8]) -> Result<Vec<Vec<u8>>, BundleError> {
    let bad = BundleError::Malformed("its changes are not automerge changes");
    let mut chunks = Vec::new();
    while !rest.is_empty() {
        // magic (4), checksum (4), type (1), then the body's length as a ULEB128.
        let mut at = 9;
        let mut len: u64 = 0;
        let mut shift = 0;
        loop {
            let b = *rest.get(at).ok_or(bad.clone())?;
            at += 1;
            len |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 63 {
                return Err(bad);
            }
        }
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| at.checked_add(l))
            .filter(|&e| e <= rest.len())
            .ok_or(bad.clone())?;
        chunks.push(rest[..end].to_vec());
        rest = &rest[end..];
    }
    Ok(chunks)
}

/// Imports a bundle: refused, with nothing written, when it is not a bundle, was changed
/// after it was signed, is of another bureau, no key this device holds opens it, its changes
/// fail the inflation guard, its signer is not an unrevoked device that may write, or
/// automerge fails on a change. The keys tried: the copy sealed to this device in the
/// bundle, then every key the document holds sealed to this device.
///
/// A node that joined a bureau it has not received yet (its data directory's `files` say
/// which, and who invited it) takes the bureau from a bundle of that bureau signed by its
/// inviter, as it would take it from the inviter's sync session: a laptop can join by code
/// and get the bureau on a USB stick.
pub async fn import(
    doc: &DocHandle,
    identity: &Identity,
    files: &bureau_store::Files,
    bytes: &[u8],
) -> Result<bureau_doc::ImportReport, DocError> {
    let env = read(bytes).map_err(refused)?;
    let mut ours = doc.state().snapshot.meta.bureau_id.clone();
    let mut inviter = None;
    if ours.is_empty() {
        let state = crate::remembered::load_state(files);
        ours = state.pending_bureau.unwrap_or_default();
        inviter = state.inviter;
    }
    if env.bureau_id != ours {
        return Err(DocError::BundleRefused {
            reason: "other_bureau",
            message: format!(
                "the bundle is of another bureau ({}); this node keeps bureau {ours}",
                env.bureau_id
            ),
        });
    }
    let me = identity.peer_id();
    let mut secrets: Vec<[u8; 32]> = env
        .sealed_to(&me)
        .and_then(|c| identity.open_sealed_key(c))
        .into_iter()
        .collect();
    let mut keys = doc.bundle_keys().await?;
    // The key the bundle names first.
    keys.sort_by_key(|k| k.id != env.key_id);
    secrets.extend(
        keys.iter()
            .filter_map(|k| k.sealed.get(&me))
            .filter_map(|c| identity.open_sealed_key(c)),
    );
    let payload = secrets
        .iter()
        .find_map(|s| env.open(s).ok())
        .ok_or_else(|| refused(BundleError::NoKey))?;
    bureau_sync::guard::check_stored(&payload).map_err(|e| DocError::BundleRefused {
        reason: "guard",
        message: format!("the bundle's changes were {e}"),
    })?;
    let chunks = split_chunks(&payload).map_err(refused)?;
    doc.import_changes(chunks, env.signer, inviter).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_for_its_device() {
        let a = Identity::generate();
        let b = Identity::generate();
        let key = BundleKey::generate();
        let sealed = seal_key(&key.secret, &a.peer_id()).unwrap();
        assert_eq!(a.open_sealed_key(&sealed), Some(key.secret));
        assert_eq!(b.open_sealed_key(&sealed), None);
        let mut bad = sealed.clone();
        bad[40] ^= 1;
        assert_eq!(a.open_sealed_key(&bad), None);
        assert!(matches!(
            seal_key(&key.secret, "not a peer"),
            Err(BundleError::BadPeer(_))
        ));
    }

    #[test]
    fn a_bundle_round_trips_and_names_its_signer_bureau_and_key() {
        let a = Identity::generate();
        let key = BundleKey::generate();
        let b = Identity::generate();
        let copies = vec![
            (a.peer_id(), seal_key(&key.secret, &a.peer_id()).unwrap()),
            (b.peer_id(), seal_key(&key.secret, &b.peer_id()).unwrap()),
        ];
        let bytes = seal(&a, "bureau-1", &key, &copies, b"the changes");
        let env = read(&bytes).unwrap();
        let mine = b
            .open_sealed_key(env.sealed_to(&b.peer_id()).unwrap())
            .unwrap();
        assert_eq!(env.open(&mine).unwrap(), b"the changes");
        assert!(env.sealed_to(&Identity::generate().peer_id()).is_none());
        assert_eq!(env.bureau_id, "bureau-1");
        assert_eq!(env.signer, a.peer_id());
        assert_eq!(env.key_id, key.id);
        assert_eq!(env.open(&key.secret).unwrap(), b"the changes");
        let other = BundleKey::generate();
        assert_eq!(env.open(&other.secret), Err(BundleError::NoKey));
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let a = Identity::generate();
        let key = BundleKey::generate();
        let copies = vec![(a.peer_id(), seal_key(&key.secret, &a.peer_id()).unwrap())];
        let bytes = seal(&a, "bureau-1", &key, &copies, b"some changes to carry");
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= bit;
                let res = read(&bad).and_then(|env| env.open(&key.secret));
                assert!(res.is_err(), "byte {i} flipped ({bit:#x}) was accepted");
            }
        }
    }

    #[test]
    fn cut_short_extended_or_garbage_bundles_are_refused_without_panicking() {
        let a = Identity::generate();
        let key = BundleKey::generate();
        let copies = vec![(a.peer_id(), vec![7; 80])];
        let bytes = seal(&a, "bureau-1", &key, &copies, b"changes");
        for n in 0..bytes.len() {
            assert!(read(&bytes[..n]).is_err(), "cut at {n} was read");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            read(&longer).unwrap_err(),
            BundleError::Malformed("bytes after the signature")
        );
        assert!(read(b"PK\x03\x04 a zip file").is_err());
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&[0xff; 64]);
        assert!(read(&huge).is_err());
    }

    #[test]
    fn a_bundle_resigned_by_another_device_names_that_device() {
        // Swapping the signer needs a whole new signature: what a non-member who holds the
        // key could do. The envelope names that signer, for the caller to refuse.
        let a = Identity::generate();
        let b = Identity::generate();
        let key = BundleKey::generate();
        let bytes = seal(&b, "bureau-1", &key, &[], b"x");
        assert_eq!(read(&bytes).unwrap().signer, b.peer_id());
        assert_ne!(read(&bytes).unwrap().signer, a.peer_id());
    }

    /// Documents of one bureau on real actors and stores, for the import and export paths.
    mod on_documents {
        use super::*;
        use bureau_doc::DocConfig;
        use bureau_model::{Applied, Edit, Fields, InitBureau, MemberFields, RecordType, Role};

        struct Node {
            doc: DocHandle,
            id: Identity,
            files: bureau_store::Files,
            _thread: std::thread::JoinHandle<()>,
            _dir: tempfile::TempDir,
        }

        impl Node {
            /// A node of `id`, with `bytes` already in its store.
            async fn open(id: Identity, bytes: Option<&[u8]>) -> Node {
                let dir = tempfile::tempdir().unwrap();
                let mut store = bureau_store::Store::open(dir.path()).unwrap();
                if let Some(b) = bytes {
                    store.append(b).unwrap();
                }
                let files = store.files();
                let (doc, thread) = DocHandle::open(store, DocConfig::new(id.peer_id()))
                    .await
                    .unwrap();
                Node {
                    doc,
                    id,
                    files,
                    _thread: thread,
                    _dir: dir,
                }
            }

            /// A node that founds bureau `bureau_id`.
            async fn found(bureau_id: &str) -> Node {
                let node = Node::open(Identity::generate(), None).await;
                node.doc
                    .edit(Edit::Init(InitBureau {
                        bureau_id: bureau_id.to_owned(),
                        ..bureau_model::testing::founding(&node.id.peer_id())
                    }))
                    .await
                    .unwrap();
                node
            }

            async fn add_device(&self, peer: &str, role: Role) {
                self.doc
                    .edit(Edit::AddDevice {
                        peer_id: peer.to_owned(),
                        member_id: bureau_model::testing::FOUNDER_ID.to_owned(),
                        name: "other laptop".to_owned(),
                        role,
                    })
                    .await
                    .unwrap();
            }

            async fn create_member(&self, name: &str) {
                let edit = Edit::Create(Fields::Member(MemberFields {
                    name: Some(name.to_owned()),
                    ..MemberFields::default()
                }));
                assert!(matches!(
                    self.doc.edit(edit).await.unwrap(),
                    Applied::Record(RecordType::Member, _)
                ));
            }

            fn names(&self) -> Vec<String> {
                let mut v: Vec<String> = self
                    .doc
                    .state()
                    .snapshot
                    .members
                    .values()
                    .map(|m| m.name.clone())
                    .collect();
                v.sort();
                v
            }

            fn heads(&self) -> Vec<String> {
                let mut h = self.doc.state().heads.clone();
                h.sort();
                h
            }

            async fn import(&self, bytes: &[u8]) -> Result<bureau_doc::ImportReport, DocError> {
                import(&self.doc, &self.id, &self.files, bytes).await
            }

            /// Imports and expects a refusal for `reason`, with the document as it was.
            async fn refuses(&self, bytes: &[u8], reason: &str) {
                let before = self.heads();
                let saved = self.doc.save().await.unwrap();
                match self.import(bytes).await {
                    Err(DocError::BundleRefused { reason: r, .. }) => assert_eq!(r, reason),
                    other => panic!("wanted a refusal for {reason}, got {other:?}"),
                }
                assert_eq!(self.heads(), before, "a refused bundle changed the heads");
                assert_eq!(
                    self.doc.save().await.unwrap(),
                    saved,
                    "nothing may be written"
                );
            }
        }

        /// A founds the bureau with B (editor), O (observer) and R (editor) as devices; B, O
        /// and R each have the bureau as A had it then.
        async fn bureau() -> (Node, Node, Node, Node) {
            let a = Node::found(&"b".repeat(32)).await;
            let (b, o, r) = (
                Identity::generate(),
                Identity::generate(),
                Identity::generate(),
            );
            a.add_device(&b.peer_id(), Role::Editor).await;
            a.add_device(&o.peer_id(), Role::Observer).await;
            a.add_device(&r.peer_id(), Role::Editor).await;
            let bytes = a.doc.save().await.unwrap();
            let b = Node::open(b, Some(&bytes)).await;
            let o = Node::open(o, Some(&bytes)).await;
            let r = Node::open(r, Some(&bytes)).await;
            (a, b, o, r)
        }

        /// A bundle signed by `signer` of `payload` for the bureau, with a key of the
        /// signer's own sealed to `to`: what anyone who knows a device's peer id can make.
        fn forged(signer: &Identity, to: &str, payload: &[u8]) -> Vec<u8> {
            let key = BundleKey::generate();
            let copies = vec![(to.to_owned(), seal_key(&key.secret, to).unwrap())];
            seal(signer, &"b".repeat(32), &key, &copies, payload)
        }

        #[tokio::test]
        async fn a_bundle_carries_changes_and_importing_it_again_is_harmless() {
            let (a, b, _o, _r) = bureau().await;
            a.create_member("Carla Exporter").await;
            let bundle = export(&a.doc, &a.id, None).await.unwrap();
            assert!(!b.names().contains(&"Carla Exporter".to_owned()));
            let first = b.import(&bundle).await.unwrap();
            assert!(first.imported_changes >= 1, "{first:?}");
            assert!(b.names().contains(&"Carla Exporter".to_owned()));
            assert_eq!(b.heads(), a.heads());
            let again = b.import(&bundle).await.unwrap();
            assert_eq!(again.imported_changes, 0);
            assert_eq!(
                again.already_had,
                first.imported_changes + first.already_had
            );
            assert_eq!(b.heads(), a.heads());
            // The key is reused while the devices stay as they are.
            let keys = a.doc.bundle_keys().await.unwrap();
            assert_eq!(keys.len(), 1);
            let second = export(&a.doc, &a.id, None).await.unwrap();
            assert_eq!(read(&second).unwrap().key_id, keys[0].id);
            assert_eq!(a.doc.bundle_keys().await.unwrap().len(), 1);
            // B, which now holds the key's record, exports with the same key.
            let from_b = export(&b.doc, &b.id, None).await.unwrap();
            assert_eq!(read(&from_b).unwrap().key_id, keys[0].id);
            assert_eq!(a.import(&from_b).await.unwrap().imported_changes, 0);
            // A node without the bureau takes nothing, from a device of the bureau or not.
            let empty = Node::open(Identity::generate(), None).await;
            empty.refuses(&bundle, "other_bureau").await;
        }

        /// Runs sync messages between two actors until neither has anything to say.
        async fn sync(x: &Node, y: &Node) {
            use bureau_model::automerge::sync::Message;
            let (xp, yp) = (x.id.peer_id(), y.id.peer_id());
            for _ in 0..32 {
                let mut quiet = true;
                if let Some(m) = x.doc.sync_generate(&yp).await.unwrap() {
                    quiet = false;
                    y.doc
                        .sync_receive(&xp, Message::decode(&m).unwrap())
                        .await
                        .unwrap();
                }
                if let Some(m) = y.doc.sync_generate(&xp).await.unwrap() {
                    quiet = false;
                    x.doc
                        .sync_receive(&yp, Message::decode(&m).unwrap())
                        .await
                        .unwrap();
                }
                if quiet {
                    return;
                }
            }
            panic!("the two never fell quiet");
        }

        #[tokio::test]
        async fn a_bundle_for_a_peer_holds_only_what_it_lacks_as_far_as_known() {
            let (a, b, _o, _r) = bureau().await;
            // Nothing is known of B's heads yet: every change.
            let all = a.doc.bundle_changes(None).await.unwrap();
            let for_b = a.doc.bundle_changes(Some(b.id.peer_id())).await.unwrap();
            assert_eq!(all, for_b);
            assert!(!all.is_empty());
            // Once they synced, B is known to hold all that: a bundle for B holds only what A
            // wrote since, and it brings B up to A.
            sync(&a, &b).await;
            assert_eq!(a.heads(), b.heads());
            assert!(
                a.doc
                    .bundle_changes(Some(b.id.peer_id()))
                    .await
                    .unwrap()
                    .is_empty()
            );
            a.create_member("Carla Exporter").await;
            let since = a.doc.bundle_changes(Some(b.id.peer_id())).await.unwrap();
            let everything = a.doc.bundle_changes(None).await.unwrap();
            assert!(!since.is_empty() && since.len() < everything.len() / 2);
            let bundle = export(&a.doc, &a.id, Some(b.id.peer_id())).await.unwrap();
            let report = b.import(&bundle).await.unwrap();
            assert_eq!(report.already_had, 0, "{report:?}");
            assert!(report.imported_changes >= 1);
            assert_eq!(report.waiting, 0);
            assert_eq!(a.heads(), b.heads());
        }

        #[tokio::test]
        async fn bundles_of_another_bureau_tampered_or_garbage_are_refused_with_nothing_written() {
            let (a, b, _o, _r) = bureau().await;
            a.create_member("Carla Exporter").await;
            let bundle = export(&a.doc, &a.id, None).await.unwrap();
            // Another bureau, whose node B is a device of.
            let z = Node::found(&"c".repeat(32)).await;
            z.add_device(&b.id.peer_id(), Role::Editor).await;
            let theirs = export(&z.doc, &z.id, None).await.unwrap();
            b.refuses(&theirs, "other_bureau").await;
            // Every byte flipped, one at a time, in a sample across the whole file.
            let step = (bundle.len() / 200).max(1);
            for i in (0..bundle.len()).step_by(step).chain([bundle.len() - 1]) {
                let mut bad = bundle.clone();
                bad[i] ^= 0x20;
                let res = b.import(&bad).await;
                assert!(
                    matches!(res, Err(DocError::BundleRefused { reason, .. }) if ["tampered", "malformed"].contains(&reason)),
                    "byte {i}: {res:?}"
                );
            }
            b.refuses(&bundle[..bundle.len() / 2], "malformed").await;
            b.refuses(b"not a bundle at all", "malformed").await;
            assert!(!b.names().contains(&"Carla Exporter".to_owned()));
            assert!(b.import(&bundle).await.is_ok());
        }

        #[tokio::test]
        async fn a_non_member_a_revoked_device_and_an_observer_are_refused() {
            let (a, b, o, r) = bureau().await;
            a.create_member("Carla Exporter").await;
            let payload = a.doc.bundle_changes(None).await.unwrap();
            let b_peer = b.id.peer_id();
            // Not a device: anyone can seal a key to B, so the signer is what refuses it.
            let stranger = Identity::generate();
            b.refuses(&forged(&stranger, &b_peer, &payload), "not_member")
                .await;
            // An observer cannot export, and a bundle signed by one is refused.
            assert!(matches!(
                export(&o.doc, &o.id, None).await,
                Err(DocError::Observer)
            ));
            b.refuses(&forged(&o.id, &b_peer, &payload), "observer")
                .await;
            // R is revoked; once B knows it, R's bundles are refused.
            let r_bundle = export(&r.doc, &r.id, None).await.unwrap();
            a.doc
                .edit(Edit::RevokeDevice {
                    peer_id: r.id.peer_id(),
                })
                .await
                .unwrap();
            b.import(&export(&a.doc, &a.id, None).await.unwrap())
                .await
                .unwrap();
            assert!(b.doc.state().snapshot.devices[&r.id.peer_id()].revoked);
            b.refuses(&r_bundle, "revoked").await;
            b.refuses(&forged(&r.id, &b_peer, &payload), "revoked")
                .await;
        }

        #[tokio::test]
        async fn a_bundle_made_after_a_revocation_does_not_open_for_the_revoked_device() {
            let (a, b, _o, r) = bureau().await;
            // A key sealed to R as well exists first.
            let before = export(&a.doc, &a.id, None).await.unwrap();
            assert!(read(&before).unwrap().sealed_to(&r.id.peer_id()).is_some());
            a.doc
                .edit(Edit::RevokeDevice {
                    peer_id: r.id.peer_id(),
                })
                .await
                .unwrap();
            a.create_member("Said After Revocation").await;
            let after = export(&a.doc, &a.id, None).await.unwrap();
            let env = read(&after).unwrap();
            assert_ne!(env.key_id, read(&before).unwrap().key_id, "a new key");
            assert!(env.sealed_to(&r.id.peer_id()).is_none());
            // R's own document holds the old key sealed to it; it opens nothing new.
            r.import(&before).await.unwrap();
            r.refuses(&after, "no_key").await;
            assert!(!r.names().contains(&"Said After Revocation".to_owned()));
            // B, still a device, opens it.
            b.import(&after).await.unwrap();
            assert!(b.names().contains(&"Said After Revocation".to_owned()));
        }

        /// A raw DEFLATE stream (fixed Huffman codes) of `n` zero bytes, small for its size.
        fn zeros_deflated(n: usize) -> Vec<u8> {
            struct Bits {
                out: Vec<u8>,
                acc: u32,
                len: u32,
            }
            impl Bits {
                fn lsb(&mut self, v: u32, n: u32) {
                    for i in 0..n {
                        self.bit((v >> i) & 1);
                    }
                }
                fn code(&mut self, v: u32, n: u32) {
                    for i in (0..n).rev() {
                        self.bit((v >> i) & 1);
                    }
                }
                fn bit(&mut self, b: u32) {
                    self.acc |= b << self.len;
                    self.len += 1;
                    if self.len == 8 {
                        self.out.push(self.acc as u8);
                        self.acc = 0;
                        self.len = 0;
                    }
                }
            }
            let mut w = Bits {
                out: Vec::new(),
                acc: 0,
                len: 0,
            };
            w.lsb(1, 1); // the last block
            w.lsb(1, 2); // fixed Huffman codes
            w.code(0x30, 8); // literal 0
            let mut done = 1;
            while done + 258 <= n {
                w.code(0b1100_0101, 8); // length 258
                w.code(0, 5); // distance 1
                done += 258;
            }
            w.code(0, 7); // end of block
            w.lsb(0, 7);
            w.out
        }

        #[tokio::test]
        async fn changes_that_inflate_past_the_cap_or_do_not_parse_are_refused() {
            let (_a, b, _o, _r) = bureau().await;
            let b_peer = b.id.peer_id();
            let signer = Identity::generate();
            b.add_device(&signer.peer_id(), Role::Editor).await;
            // A compressed change chunk inflating past the sync guard's cap.
            let body = zeros_deflated(bureau_sync::MAX_INFLATED + 1024);
            let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
            let mut len = body.len();
            loop {
                let byte = (len & 0x7f) as u8;
                len >>= 7;
                if len == 0 {
                    chunk.push(byte);
                    break;
                }
                chunk.push(byte | 0x80);
            }
            chunk.extend_from_slice(&body);
            b.refuses(&forged(&signer, &b_peer, &chunk), "guard").await;
            // A saved document where changes belong: well formed for the guard, but no change.
            let payload = b.doc.save().await.unwrap();
            b.refuses(&forged(&signer, &b_peer, &payload), "bad_changes")
                .await;
        }
    }
}
