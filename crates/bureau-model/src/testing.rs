//! The test bureau, for the tests of this crate and of the crates above it (feature
//! `test-utils`): one founding edit with fixed ids, and peer ids of the right form, so that
//! the document actor's, the sync session's, the network's and the web's tests start from the
//! same bureau and read the same names.

use crate::InitBureau;

/// The test bureau's id.
pub const BUREAU_ID: &str = "b0b0b0b0";
/// Its title.
pub const TITLE: &str = "Test bureau";
/// The venue's time zone.
pub const TIMEZONE: &str = "Europe/Zurich";
/// The founder's member id.
pub const FOUNDER_ID: &str = "founder";
/// The founder's name.
pub const FOUNDER_NAME: &str = "Ada Founder";
/// The name of the founder's device.
pub const FOUNDER_DEVICE: &str = "laptop";

/// A peer id of the form a node accepts (`12D3KooW` and 44 alphanumeric characters), one per
/// `tag`.
pub fn peer_id(tag: char) -> String {
    format!("12D3KooW{}", tag.to_string().repeat(44))
}

/// The founding of the test bureau, with the founder's device `device_peer`. A test that
/// needs another value says so with struct update syntax (`InitBureau { title, ..founding(p) }`).
pub fn founding(device_peer: &str) -> InitBureau {
    InitBureau {
        bureau_id: BUREAU_ID.to_owned(),
        title: TITLE.to_owned(),
        timezone: TIMEZONE.to_owned(),
        founder_id: FOUNDER_ID.to_owned(),
        founder_name: FOUNDER_NAME.to_owned(),
        device: Some((device_peer.to_owned(), FOUNDER_DEVICE.to_owned())),
    }
}
