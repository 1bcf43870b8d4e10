//! The framing every doc and state file carries, and the CRC-32 it uses.
//!
//! Layout: `b"BUR1"` | kind: u8 | payload length: u64 LE | CRC-32 (IEEE) of
//! the payload: u32 LE | payload. A file is valid only if it matches this
//! exactly: a short file, trailing bytes, a wrong kind or a wrong CRC all make
//! it corrupt. Being strict is what lets a torn or bit-rotted file be told
//! apart from a good one without knowing anything about the payload.

use std::fmt;

/// Magic bytes at the start of every framed file; the `1` is the format
/// version, so a future incompatible layout gets a different magic.
pub(crate) const MAGIC: [u8; 4] = *b"BUR1";

/// Bytes before the payload: magic (4) + kind (1) + length (8) + CRC (4).
pub(crate) const HEADER_LEN: usize = 4 + 1 + 8 + 4;

/// What a framed file holds. Recorded in the header so a snapshot renamed
/// to a chunk name (or vice versa) is caught instead of misinterpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Snapshot = 1,
    Chunk = 2,
    State = 3,
}

/// Builds the header for `payload`; the caller writes header then payload.
pub(crate) fn header(kind: Kind, payload: &[u8]) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[0..4].copy_from_slice(&MAGIC);
    h[4] = kind as u8;
    h[5..13].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    h[13..17].copy_from_slice(&crc32(payload).to_le_bytes());
    h
}

/// Why a file's framing was rejected; the text ends up in the quarantine
/// `.reason` file and in logs, so it says what was wrong in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FrameError {
    TooShort { len: usize },
    BadMagic,
    WrongKind { found: u8, expected: u8 },
    LengthMismatch { declared: u64, actual: u64 },
    CrcMismatch { stored: u32, computed: u32 },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { len } => write!(
                f,
                "file is {len} bytes, shorter than the {HEADER_LEN}-byte header"
            ),
            Self::BadMagic => write!(f, "bad magic (not a bureau file, or overwritten)"),
            Self::WrongKind { found, expected } => {
                write!(f, "file kind is {found}, expected {expected}")
            }
            Self::LengthMismatch { declared, actual } => write!(
                f,
                "header declares a {declared}-byte payload but the file holds {actual} bytes \
                 (truncated or extended)"
            ),
            Self::CrcMismatch { stored, computed } => write!(
                f,
                "crc mismatch: header says {stored:08x}, payload hashes to {computed:08x}"
            ),
        }
    }
}

/// Checks that `bytes` is exactly one well-formed frame of `kind` and returns
/// the payload slice.
pub(crate) fn decode(bytes: &[u8], kind: Kind) -> Result<&[u8], FrameError> {
    if bytes.len() < HEADER_LEN {
        return Err(FrameError::TooShort { len: bytes.len() });
    }
    let (head, payload) = bytes.split_at(HEADER_LEN);
    if head[0..4] != MAGIC {
        return Err(FrameError::BadMagic);
    }
    if head[4] != kind as u8 {
        return Err(FrameError::WrongKind {
            found: head[4],
            expected: kind as u8,
        });
    }
    let declared = u64::from_le_bytes(head[5..13].try_into().expect("8-byte slice"));
    let actual = payload.len() as u64;
    if declared != actual {
        return Err(FrameError::LengthMismatch { declared, actual });
    }
    let stored = u32::from_le_bytes(head[13..17].try_into().expect("4-byte slice"));
    let computed = crc32(payload);
    if stored != computed {
        return Err(FrameError::CrcMismatch { stored, computed });
    }
    Ok(payload)
}

/// Reflected CRC-32 lookup table for the IEEE polynomial, built at compile
/// time so there is no runtime initialisation and no dependency.
const CRC_TABLE: [u32; 256] = build_crc_table();

const fn build_crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut bit = 0;
        while bit < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            bit += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

/// CRC-32/IEEE (the zlib/PNG/Ethernet one) of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc = CRC_TABLE[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}
