//! The only crate that knows libp2p.
//!
//! Today it owns the node's identity: an ed25519 keypair kept in the data directory (mode
//! 0600), whose public key gives the node its libp2p `PeerId`. The peer id is the node's name
//! everywhere: in the document's `devices` allow-list, in `runtime.json`, in `/api/status`.
//! Peer sync (transports, discovery, membership gate, the `/bureau/sync/1` protocol) is built
//! here next, behind the same boundary: no other crate names a libp2p type.

use libp2p_identity::Keypair;
use thiserror::Error;

/// Name of the key file in the data directory.
pub const KEY_FILE: &str = "identity.key";

/// Why the identity could not be loaded.
#[derive(Debug, Error)]
pub enum IdentityError {
    /// The key file exists but is not a key this node wrote.
    #[error(
        "the identity key file is damaged ({0}); restore it from a backup, or move it away to start this node as a new device"
    )]
    Damaged(String),
}

/// This node's long-term identity.
#[derive(Clone, Debug)]
pub struct Identity {
    keypair: Keypair,
}

impl Identity {
    /// A fresh random identity.
    pub fn generate() -> Identity {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system's random source is available");
        Identity {
            keypair: Keypair::ed25519_from_bytes(secret)
                .expect("any 32 bytes are an ed25519 secret"),
        }
    }

    /// Decodes a key written by [`Identity::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Identity, IdentityError> {
        Keypair::from_protobuf_encoding(bytes)
            .map(|keypair| Identity { keypair })
            .map_err(|e| IdentityError::Damaged(e.to_string()))
    }

    /// The key in libp2p's protobuf encoding, for the key file.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.keypair
            .to_protobuf_encoding()
            .expect("ed25519 keys always encode")
    }

    /// The peer id (base58), the node's public name.
    pub fn peer_id(&self) -> String {
        self.keypair.public().to_peer_id().to_base58()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_round_trips_and_damage_is_reported() {
        let id = Identity::generate();
        let back = Identity::from_bytes(&id.to_bytes()).expect("own encoding decodes");
        assert_eq!(id.peer_id(), back.peer_id());
        assert!(id.peer_id().starts_with("12D3KooW"), "{}", id.peer_id());
        let err = Identity::from_bytes(b"not a key").unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
        assert_ne!(Identity::generate().peer_id(), id.peer_id());
    }
}
