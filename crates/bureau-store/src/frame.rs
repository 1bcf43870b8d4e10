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

/// The largest number (chunk sequence number, snapshot generation, log segment number) the
/// store ever gives out or believes. Counters are derived from what is on disk, file names
/// included, and a name anyone can create must not move them near the end of `u64`: the next
/// number would wrap to 0 and land below the compaction floor, where `load` skips it. 2^48
/// numbers outlast any node (a thousand appends a second for eight thousand years).
pub(crate) const MAX_NUMBER: u64 = 1 << 48;

/// What a framed file holds. Recorded in the header so a snapshot renamed
/// to a chunk name (or vice versa) is caught instead of misinterpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Snapshot = 1,
    Chunk = 2,
    State = 3,
    /// One chunk inside a log segment: the payload is the chunk's sequence
    /// number (u64 LE) followed by the chunk's bytes.
    Entry = 4,
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
    TooShort {
        len: usize,
    },
    BadMagic,
    WrongKind {
        found: u8,
        expected: u8,
    },
    LengthMismatch {
        declared: u64,
        actual: u64,
    },
    CrcMismatch {
        stored: u32,
        computed: u32,
    },
    /// A log entry, well framed, whose sequence number is beyond [`MAX_NUMBER`].
    NumberOutOfRange {
        number: u64,
    },
    /// The rest of a log segment, after its last entry whose header chains from the start:
    /// more bytes than are worth reading whole when no header vouches for them.
    Unvouched {
        len: u64,
    },
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
            Self::Unvouched { len } => write!(
                f,
                "{len} bytes that no valid entry header before them declares (not read)"
            ),
            Self::NumberOutOfRange { number } => write!(
                f,
                "sequence number {number:#x} is beyond any this store gives out ({MAX_NUMBER:#x})"
            ),
        }
    }
}

/// So that an I/O error can carry a framing error as itself (`io::Error::get_ref`), not as
/// its text.
impl std::error::Error for FrameError {}

/// Checks that `bytes` is exactly one well-formed frame of `kind` and returns
/// the payload slice.
pub(crate) fn decode(bytes: &[u8], kind: Kind) -> Result<&[u8], FrameError> {
    check_header(bytes, kind, bytes.len() as u64)?;
    let (head, payload) = bytes.split_at(HEADER_LEN);
    let stored = u32::from_le_bytes(head[13..17].try_into().expect("4-byte slice"));
    let computed = crc32(payload);
    if stored != computed {
        return Err(FrameError::CrcMismatch { stored, computed });
    }
    Ok(payload)
}

/// Checks a file's header (its first [`HEADER_LEN`] bytes, or all of it if shorter) against
/// the file's length on disk, before the file is read whole: a file must be exactly one frame,
/// so one longer or shorter than its header declares (a sparse file of gigabytes, a header
/// claiming more than the file holds) is refused without reading more than the header. The
/// CRC is left to [`decode`] once the payload is read.
pub(crate) fn check_header(head: &[u8], kind: Kind, file_len: u64) -> Result<(), FrameError> {
    if file_len < HEADER_LEN as u64 || head.len() < HEADER_LEN {
        return Err(FrameError::TooShort {
            len: usize::try_from(file_len).unwrap_or(usize::MAX),
        });
    }
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
    let actual = file_len - HEADER_LEN as u64;
    if declared != actual {
        return Err(FrameError::LengthMismatch { declared, actual });
    }
    Ok(())
}

/// Checks that `bytes` starts with one well-formed frame of `kind` and
/// returns its payload and the frame's whole length; bytes after it are the
/// caller's (the next frame of a log segment).
pub(crate) fn decode_prefix(bytes: &[u8], kind: Kind) -> Result<(&[u8], usize), FrameError> {
    if bytes.len() < HEADER_LEN {
        return Err(FrameError::TooShort { len: bytes.len() });
    }
    let declared = u64::from_le_bytes(bytes[5..13].try_into().expect("8-byte slice"));
    let available = (bytes.len() - HEADER_LEN) as u64;
    let end = if declared <= available {
        HEADER_LEN + declared as usize
    } else {
        // Let `decode` name the first thing wrong (magic, kind, then length).
        bytes.len()
    };
    let payload = decode(&bytes[..end], kind)?;
    Ok((payload, end))
}

/// One entry of a log segment, as [`decode_entries`] found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) seq: u64,
    /// Where the whole frame lies in the segment.
    pub(crate) frame: std::ops::Range<usize>,
    /// Where the chunk's bytes (after the sequence number) lie in the segment.
    pub(crate) chunk: std::ops::Range<usize>,
}

/// A stretch of a log segment that holds no valid entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadRange {
    pub(crate) range: std::ops::Range<usize>,
    pub(crate) reason: FrameError,
}

/// The frame of one log entry: header, sequence number, chunk bytes, as one
/// buffer so that it reaches the file in one write.
pub(crate) fn entry(seq: u64, chunk: &[u8]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(8 + chunk.len());
    payload.extend_from_slice(&seq.to_le_bytes());
    payload.extend_from_slice(chunk);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&header(Kind::Entry, &payload));
    out.extend_from_slice(&payload);
    out
}

/// Splits a log segment into its entries and the stretches that are not
/// entries. After a bad stretch, reading resumes at the next `BUR1` that
/// starts a valid entry, so one damaged entry (or a torn write in the
/// middle, which cannot happen with appends but can with bit rot) costs
/// only itself, not everything after it.
pub(crate) fn decode_entries(bytes: &[u8]) -> (Vec<Entry>, Vec<BadRange>) {
    let mut entries = Vec::new();
    let mut bad: Vec<BadRange> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let decoded = decode_prefix(&bytes[at..], Kind::Entry).and_then(|(payload, len)| {
            if payload.len() < 8 {
                return Err(FrameError::TooShort { len: payload.len() });
            }
            let number = u64::from_le_bytes(payload[..8].try_into().expect("8-byte slice"));
            if number > MAX_NUMBER {
                return Err(FrameError::NumberOutOfRange { number });
            }
            Ok((payload, len))
        });
        match decoded {
            Ok((payload, len)) => {
                let seq = u64::from_le_bytes(payload[..8].try_into().expect("8-byte slice"));
                entries.push(Entry {
                    seq,
                    frame: at..at + len,
                    chunk: at + HEADER_LEN + 8..at + len,
                });
                at += len;
            }
            Err(reason) => {
                // The next place a frame could start; a stretch ends there.
                let next = bytes[at + 1..]
                    .windows(MAGIC.len())
                    .position(|w| w == MAGIC)
                    .map_or(bytes.len(), |p| at + 1 + p);
                match bad.last_mut() {
                    Some(last) if last.range.end == at => last.range.end = next,
                    _ => bad.push(BadRange {
                        range: at..next,
                        reason,
                    }),
                }
                at = next;
            }
        }
    }
    (entries, bad)
}

/// Whether `tail`, the rest of a log segment from its first bad stretch on, is one entry that
/// was never finished: the start of an entry's header, or a whole header whose declared
/// payload runs past the end of the segment. That is what a write cut short leaves (a crash
/// in the `pwrite`, or power lost before the `fdatasync`), and nothing after it can be an
/// entry of ours, since appends go one after the other. A full-length entry whose checksum
/// fails is not torn but damaged.
pub(crate) fn is_torn_entry(tail: &[u8]) -> bool {
    let mut start = [0u8; 5];
    start[..4].copy_from_slice(&MAGIC);
    start[4] = Kind::Entry as u8;
    let known = tail.len().min(start.len());
    if tail.is_empty() || tail[..known] != start[..known] {
        return false;
    }
    if tail.len() < HEADER_LEN {
        return true;
    }
    let declared = u64::from_le_bytes(tail[5..13].try_into().expect("8-byte slice"));
    declared > (tail.len() - HEADER_LEN) as u64
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
