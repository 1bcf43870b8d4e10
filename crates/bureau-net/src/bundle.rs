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

use crate::Identity;

/// The first bytes of every bundle, version included.
pub const MAGIC: &[u8; 8] = b"BUREAUB1";

/// The largest bundle read: as much as the sync guard lets a peer's changes inflate to.
pub const MAX_BUNDLE: usize = 64 * 1024 * 1024;

/// Why a bundle, or a sealed key, was refused. The messages are for people; [`Self::reason`]
/// names the case in a word for the API.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
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

/// Encrypts `payload` with `key` for the bureau `bureau_id` and signs it with `identity`.
pub fn seal(identity: &Identity, bureau_id: &str, key: &BundleKey, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 256);
    out.extend_from_slice(MAGIC);
    put16(&mut out, bureau_id.as_bytes());
    put16(&mut out, &identity.keypair.public().encode_protobuf());
    put16(&mut out, key.id.as_bytes());
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
        aad,
        nonce,
        ciphertext,
    })
}

impl Envelope<'_> {
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
        let bytes = seal(&a, "bureau-1", &key, b"the changes");
        let env = read(&bytes).unwrap();
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
        let bytes = seal(&a, "bureau-1", &key, b"some changes to carry");
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
        let bytes = seal(&a, "bureau-1", &key, b"changes");
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
        let bytes = seal(&b, "bureau-1", &key, b"x");
        assert_eq!(read(&bytes).unwrap().signer, b.peer_id());
        assert_ne!(read(&bytes).unwrap().signer, a.peer_id());
    }
}
