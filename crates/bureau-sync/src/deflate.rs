//! Sync frames compressed on the wire ([`crate::DEFLATE`]): one raw DEFLATE stream per
//! direction of a session, each [`crate::Kind::SyncDeflated`] frame a piece of it ended with a
//! sync flush, so that the receiver inflates every frame whole as it arrives and later frames
//! refer back to earlier ones (a sync message repeats the bureau id, heads and keys of the
//! last).
//!
//! Invariants. A frame is compressed only when its body is at least [`MIN_DEFLATE`] bytes: the
//! decision comes before the compressor sees it (what it has seen is the receiver's
//! dictionary too, so a frame once fed to it must go compressed). A frame under 64 bytes would
//! only pay the flush marker; a sync message with its document id is longer, and repeats
//! something (a no-op reconnect's message lists its heads twice, as the document's and as
//! those of the last sync: 172 bytes compress to about 118, and the next message with the
//! same heads to about 10). The inflater refuses a
//! frame that inflates past its cap before holding more than the cap: a peer's frame of a few
//! kilobytes may claim gigabytes.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use crate::SyncError;

/// Smallest frame body that goes compressed.
pub const MIN_DEFLATE: usize = 64;

/// The sending half: one DEFLATE stream, level 1 (fast: sync runs on laptops that do other
/// work, and the first levels take most of what DEFLATE gives on sync messages).
#[derive(Debug)]
pub struct Deflater(Compress);

impl Default for Deflater {
    fn default() -> Self {
        Deflater(Compress::new(Compression::fast(), false))
    }
}

impl Deflater {
    /// `body` compressed and flushed, ready to follow a frame's kind byte.
    pub fn deflate(&mut self, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len() / 2 + 64);
        let start = self.0.total_in();
        loop {
            let done = (self.0.total_in() - start) as usize;
            if out.len() == out.capacity() {
                out.reserve(out.capacity().max(1024));
            }
            // Errors are impossible for a compressor given valid buffers; a failure would
            // leave `done` unchanged and is caught as no progress below.
            let before = (self.0.total_in(), self.0.total_out());
            let _ = self
                .0
                .compress_vec(&body[done..], &mut out, FlushCompress::Sync);
            let all_in = (self.0.total_in() - start) as usize == body.len();
            // Sync flush is complete once all input is taken and the output was not filled.
            if all_in && out.len() < out.capacity() {
                return out;
            }
            if (self.0.total_in(), self.0.total_out()) == before && out.len() < out.capacity() {
                return out;
            }
        }
    }
}

/// The receiving half: the peer's DEFLATE stream.
#[derive(Debug)]
pub struct Inflater(Decompress);

impl Default for Inflater {
    fn default() -> Self {
        Inflater(Decompress::new(false))
    }
}

impl Inflater {
    /// Inflates one frame's compressed body, refusing more than `cap` bytes of output.
    pub fn inflate(&mut self, input: &[u8], cap: usize) -> Result<Vec<u8>, SyncError> {
        let bad = |why: String| SyncError::Malformed(format!("compressed frame: {why}"));
        let mut out: Vec<u8> = Vec::with_capacity((input.len() * 4).clamp(1024, cap.max(1)));
        let start = self.0.total_in();
        loop {
            let done = (self.0.total_in() - start) as usize;
            if out.len() == out.capacity() {
                if out.len() >= cap {
                    return Err(bad(format!("inflates past {cap} bytes")));
                }
                out.reserve(out.len().min(cap - out.len()).max(1024));
            }
            let before = (self.0.total_in(), self.0.total_out());
            let status = self
                .0
                .decompress_vec(&input[done..], &mut out, FlushDecompress::Sync)
                .map_err(|e| bad(e.to_string()))?;
            if out.len() > cap {
                return Err(bad(format!("inflates past {cap} bytes")));
            }
            let all_in = (self.0.total_in() - start) as usize == input.len();
            if status == Status::StreamEnd {
                // The sender never ends its stream; bytes past an end are not ours to read.
                return if all_in {
                    Ok(out)
                } else {
                    Err(bad("data after the stream's end".to_owned()))
                };
            }
            if all_in && out.len() < out.capacity() {
                return Ok(out);
            }
            if (self.0.total_in(), self.0.total_out()) == before && out.len() < out.capacity() {
                // No progress with room to write: everything this frame holds is out (a
                // frame that ended exactly at the buffer's end), or the frame is cut short.
                return if all_in {
                    Ok(out)
                } else {
                    Err(bad("cut short".to_owned()))
                };
            }
        }
    }
}
