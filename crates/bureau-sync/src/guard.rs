//! Refusing automerge data that would make automerge do unbounded work, before automerge sees
//! it: compressed data that inflates past a budget, and run-length encoded columns that claim
//! more rows than a budget.
//!
//! automerge 0.12 inflates four kinds of DEFLATE data while parsing a chunk, each time into a
//! `Vec` with no bound (`storage/chunk.rs`, `storage/columns/raw_column.rs`):
//!
//! - a compressed change chunk (type 2): the whole chunk body;
//! - a document chunk (type 0, what `save()` writes and a V2 sync message carries): every column
//!   whose specification has the deflate bit (`0b1000`) set;
//! - a change chunk (type 1): automerge refuses deflated columns there before inflating them,
//!   but they are counted all the same, which costs nothing on honest data (there are none);
//! - a bundle chunk (type 3: changes in the document's column encoding, what a peer that lists
//!   [`crate::BUNDLE`] sends): every deflated column, as in a document.
//!
//! [`check_chunk`] walks the same layout as automerge's parsers, inflates each of those
//! streams into [`std::io::sink`] (nothing is kept), reading at most one byte more than the
//! budget left, and charges what came out against the budget. So checking costs at most the
//! budget in CPU and a few kilobytes of memory, whatever the input.
//!
//! Run-length encoding needs no compression to claim much: a run is a count and one value, so
//! a change of a hundred bytes can claim 2^40 operations, and automerge walks every operation
//! it claims (`Change::verify_ops`, on every change it receives or loads): the actor thread
//! would spin for hours. [`check_rows`] counts the rows each column claims (runs, null runs
//! and literal runs of every run-length encoded column, the runs of boolean columns), reading
//! deflated columns through the inflater again, and charges the most any column of a chunk
//! claims against a budget of rows. Counting costs one pass over the bytes (inflated ones
//! included), whatever the counts say.
//!
//! The parse is as permissive as automerge's wherever automerge would go on to inflate
//! something, and stricter elsewhere (a chunk type we do not check, a truncated chunk, data
//! after the last chunk): anything refused here automerge would refuse or never look at.

use std::io::{self, Read};

use thiserror::Error;

/// Why a chunk was refused.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum GuardError {
    /// The chunk is not an automerge chunk we can check.
    #[error("malformed chunk: {0}")]
    Malformed(String),
    /// Its compressed data inflates past the budget.
    #[error("compressed data inflates past the {0}-byte limit")]
    TooLarge(usize),
    /// Its columns claim more rows (operations or changes) than the budget.
    #[error("columns claim more than the {0} rows left of the limit")]
    TooManyRows(u64),
}

/// The first bytes of every automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// The deflate bit of a column specification.
const DEFLATE_BIT: u32 = 0b1000;

/// Size of a change hash in a document chunk's heads.
const HASH_LEN: usize = 32;

const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED_CHANGE: u8 = 2;
const BUNDLE: u8 = 3;

/// Checks one entry of a sync message's change list, charging what its compressed parts
/// inflate to against `budget` (which is shared by every entry of a message).
///
/// An entry is one chunk or several chunks back to back (a V2 message carries all its
/// changes as one entry; automerge joins the entries and parses the result as a sequence of
/// chunks). Every chunk must be complete: a chunk cut at the end of an entry, or bytes after
/// the last chunk, are refused, so checking entry by entry sees exactly the chunks automerge
/// will see. An empty entry holds nothing to check.
pub fn check_chunk(chunk: &[u8], budget: &mut usize) -> Result<(), GuardError> {
    let mut rest = chunk;
    while !rest.is_empty() {
        rest = check_one(rest, budget)?;
    }
    Ok(())
}

/// Checks the chunk at the start of `input` and returns what follows it.
fn check_one<'a>(input: &'a [u8], budget: &mut usize) -> Result<&'a [u8], GuardError> {
    let mut r = Reader::new(input);
    if r.take(4)? != MAGIC {
        return Err(malformed("bad magic bytes"));
    }
    let _checksum = r.take(4)?;
    let chunk_type = r.byte()?;
    match chunk_type {
        DOCUMENT | CHANGE | COMPRESSED_CHANGE | BUNDLE => {}
        other => return Err(malformed(&format!("unknown chunk type {other}"))),
    }
    let len = r.uleb_usize()?;
    let data = r.take(len)?;
    match chunk_type {
        COMPRESSED_CHANGE => inflate_count(data, budget)?,
        DOCUMENT => check_document(data, budget)?,
        BUNDLE => check_bundle(data, budget)?,
        _ => check_change(data, budget)?,
    }
    Ok(r.rest())
}

/// Checks the bytes of one of the node's own document files (a saved document, or changes
/// back to back) as a peer's are checked, before automerge loads them: compressed parts may
/// inflate to at most [`crate::MAX_INFLATED`] and columns claim at most
/// [`crate::MAX_STORED_ROWS`]. For `bureau_doc::DocConfig::check_stored`.
pub fn check_stored(bytes: &[u8]) -> Result<(), String> {
    let refused = |e: GuardError| format!("refused before automerge read it: {e}");
    let mut budget = crate::MAX_INFLATED;
    check_chunk(bytes, &mut budget).map_err(refused)?;
    let mut rows = crate::MAX_STORED_ROWS;
    check_rows(bytes, &mut rows, crate::MAX_INFLATED).map_err(refused)
}

/// Most probes a peer's Bloom filter may ask for (automerge writes 7): each probe of each
/// lookup is computed and kept, and a lookup allocates room for all of them at once.
pub const MAX_BLOOM_PROBES: u64 = 64;

/// Checks the Bloom filter of a message's `have` (as `BloomFilter::to_bytes` gives it) before
/// automerge keeps it in the peer's sync state. automerge 0.12 divides by the filter's size
/// in bits whenever it looks a change up (`sync/bloom.rs`, `get_probes`), and a filter that
/// claims entries but has no bits (zero bits per entry) makes that a division by zero: a
/// panic when the node next generates a message for the peer, outside any guard. It also
/// allocates room for every probe the filter asks for at each lookup. An empty filter (no
/// entries) is never looked into.
pub fn check_bloom(bytes: &[u8]) -> Result<(), GuardError> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut r = Reader::new(bytes);
    let entries = r.uleb()?;
    let _bits_per_entry = r.uleb()?;
    let probes = r.uleb()?;
    if entries > 0 && r.rest().is_empty() {
        return Err(malformed("a Bloom filter with entries but no bits"));
    }
    if probes > MAX_BLOOM_PROBES {
        return Err(malformed("a Bloom filter with too many probes"));
    }
    Ok(())
}

/// Checks one entry of a sync message's change list (or a file's chunks) for the rows its
/// columns claim, charging each chunk's largest claim against `budget` (shared by every entry
/// of a message). `inflate_limit` bounds what a deflated part is read to (the inflate budget
/// [`check_chunk`] enforces; call that first). Malformed chunks are refused as
/// [`check_chunk`] refuses them.
pub fn check_rows(chunk: &[u8], budget: &mut u64, inflate_limit: usize) -> Result<(), GuardError> {
    let mut rest = chunk;
    while !rest.is_empty() {
        rest = rows_one(rest, budget, inflate_limit)?;
    }
    Ok(())
}

/// Counts the rows of the chunk at the start of `input` and returns what follows it.
fn rows_one<'a>(
    input: &'a [u8],
    budget: &mut u64,
    inflate_limit: usize,
) -> Result<&'a [u8], GuardError> {
    let mut r = Reader::new(input);
    if r.take(4)? != MAGIC {
        return Err(malformed("bad magic bytes"));
    }
    let _checksum = r.take(4)?;
    let chunk_type = r.byte()?;
    let len = r.uleb_usize()?;
    let data = r.take(len)?;
    match chunk_type {
        DOCUMENT => document_rows(data, budget, inflate_limit)?,
        CHANGE => {
            let mut s = Stream::new(data.iter().copied());
            change_rows(&mut s, budget)?;
        }
        COMPRESSED_CHANGE => {
            let mut s = Stream::new(inflated(data, inflate_limit));
            change_rows(&mut s, budget)?;
        }
        BUNDLE => {
            let mut r = Reader::new(data);
            r.bundle_prefix()?;
            for _ in 0..2 {
                let cols = r.columns()?;
                let block = r.take(total_len(&cols)?)?;
                block_rows(block, &cols, budget, inflate_limit)?;
            }
        }
        other => return Err(malformed(&format!("unknown chunk type {other}"))),
    }
    Ok(r.rest())
}

/// The bytes a raw DEFLATE stream inflates to, at most `limit` of them; a broken stream just
/// ends (the inflate check refuses it).
fn inflated(deflated: &[u8], limit: usize) -> impl Iterator<Item = u8> + '_ {
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    io::BufReader::new(flate2::bufread::DeflateDecoder::new(deflated).take(limit))
        .bytes()
        .map_while(Result::ok)
}

/// A document chunk: its change columns describe one row per change, its op columns one row
/// per operation; both are charged.
fn document_rows(data: &[u8], budget: &mut u64, inflate_limit: usize) -> Result<(), GuardError> {
    let mut r = Reader::new(data);
    let (change_cols, op_cols) = r.document_header()?;
    for cols in [change_cols, op_cols] {
        let block = r.take(total_len(&cols)?)?;
        block_rows(block, &cols, budget, inflate_limit)?;
    }
    Ok(())
}

/// Charges the most rows any column of a data block laid out as `cols` describes claims (the
/// columns of a block describe the same rows: one per change, or one per operation).
fn block_rows(
    block: &[u8],
    cols: &[Column],
    budget: &mut u64,
    inflate_limit: usize,
) -> Result<(), GuardError> {
    let mut offset = 0;
    let mut most = 0;
    for col in cols {
        // `total_len` checked that the sum fits and `block` is exactly that long.
        let data = &block[offset..offset + col.len];
        offset += col.len;
        let rows = if col.spec & DEFLATE_BIT != 0 {
            column_rows(
                col.spec,
                &mut Stream::new(inflated(data, inflate_limit)),
                *budget,
            )?
        } else {
            column_rows(col.spec, &mut Stream::new(data.iter().copied()), *budget)?
        };
        most = most.max(rows);
    }
    *budget -= most;
    Ok(())
}

/// A change's body, read as a stream (it may come out of an inflater): the header as
/// [`check_change`] reads it, then the rows of each column. Deflated columns, which automerge
/// refuses in a change, are skipped.
fn change_rows<I: Iterator<Item = u8>>(
    s: &mut Stream<I>,
    budget: &mut u64,
) -> Result<(), GuardError> {
    let deps = s.uleb()?;
    for _ in 0..deps {
        s.skip(HASH_LEN as u64)?;
    }
    let actor = s.uleb()?;
    s.skip(actor)?;
    let _seq = s.uleb()?;
    let _start_op = s.uleb()?;
    s.sleb()?;
    let message = s.uleb()?;
    s.skip(message)?;
    let others = s.uleb()?;
    for _ in 0..others {
        let n = s.uleb()?;
        s.skip(n)?;
    }
    let count = s.uleb()?;
    let mut cols = Vec::new();
    for _ in 0..count {
        // Each column takes at least two bytes, so a huge count ends with the input.
        let spec = s.uleb()?;
        let len = s.uleb()?;
        cols.push((spec, len));
    }
    let mut most = 0;
    for (spec, len) in cols {
        let mut column = Stream::new(
            s.it.by_ref()
                .take(usize::try_from(len).unwrap_or(usize::MAX)),
        );
        let rows = if spec & u64::from(DEFLATE_BIT) != 0 {
            column.skip(len)?;
            0
        } else {
            column_rows(
                u32::try_from(spec).unwrap_or(u32::MAX),
                &mut column,
                *budget,
            )?
        };
        most = most.max(rows);
    }
    *budget -= most;
    Ok(())
}

/// The rows one column's data claims, refused as soon as they pass `left`. Run-length encoded
/// columns (group, actor, integer, delta, string, value metadata) are runs of a signed count:
/// positive, that many copies of one value; negative, that many values each written out; zero,
/// a count of nulls. Boolean columns are counts of alternating runs. Raw value columns hold
/// bytes whose rows the value metadata column counts.
fn column_rows<I: Iterator<Item = u8>>(
    spec: u32,
    s: &mut Stream<I>,
    left: u64,
) -> Result<u64, GuardError> {
    const GROUP: u32 = 0;
    const ACTOR: u32 = 1;
    const INTEGER: u32 = 2;
    const DELTA: u32 = 3;
    const BOOLEAN: u32 = 4;
    const STRING: u32 = 5;
    const VALUE_META: u32 = 6;
    let too_many = || GuardError::TooManyRows(left);
    let mut rows: u64 = 0;
    let mut add = |n: u64| -> Result<(), GuardError> {
        rows = rows
            .checked_add(n)
            .filter(|r| *r <= left)
            .ok_or_else(too_many)?;
        Ok(())
    };
    let value = |s: &mut Stream<I>, ty: u32| -> Result<(), GuardError> {
        match ty {
            DELTA => s.sleb().map(drop),
            STRING => {
                let n = s.uleb()?;
                s.skip(n)
            }
            _ => s.uleb().map(drop),
        }
    };
    match spec & 7 {
        BOOLEAN => {
            while !s.at_end() {
                add(s.uleb()?)?;
            }
        }
        ty @ (GROUP | ACTOR | INTEGER | DELTA | STRING | VALUE_META) => {
            while !s.at_end() {
                let count = s.sleb()?;
                if count > 0 {
                    add(count.unsigned_abs())?;
                    value(s, ty)?;
                } else if count < 0 {
                    // Claimed first, so a literal run claiming too much is refused at once;
                    // each value written out takes at least a byte, so the loop ends with
                    // the data.
                    add(count.unsigned_abs())?;
                    for _ in 0..count.unsigned_abs() {
                        value(s, ty)?;
                    }
                } else {
                    add(s.uleb()?)?;
                }
            }
        }
        // Raw values (7): no rows of their own.
        _ => while s.next().is_some() {},
    }
    Ok(rows)
}

/// A cursor over bytes that may come out of an inflater; every read is checked.
struct Stream<I: Iterator<Item = u8>> {
    it: std::iter::Peekable<I>,
}

impl<I: Iterator<Item = u8>> Stream<I> {
    fn new(it: I) -> Stream<I> {
        Stream { it: it.peekable() }
    }

    fn next(&mut self) -> Option<u8> {
        self.it.next()
    }

    fn at_end(&mut self) -> bool {
        self.it.peek().is_none()
    }

    fn byte(&mut self) -> Result<u8, GuardError> {
        self.it
            .next()
            .ok_or_else(|| malformed("truncated column data"))
    }

    /// Skips `n` bytes; the loop ends with the data, whatever `n` says.
    fn skip(&mut self, n: u64) -> Result<(), GuardError> {
        for _ in 0..n {
            self.byte()?;
        }
        Ok(())
    }

    /// An unsigned LEB128 number of at most ten bytes (bits past 64 are dropped; automerge
    /// refuses them, and a wrong count here only refuses more).
    fn uleb(&mut self) -> Result<u64, GuardError> {
        let mut value: u64 = 0;
        for i in 0..10 {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f).checked_shl(7 * i).unwrap_or(0);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(malformed("LEB128 number too large"))
    }

    /// A signed LEB128 number of at most ten bytes.
    fn sleb(&mut self) -> Result<i64, GuardError> {
        let mut value: i64 = 0;
        let mut shift = 0u32;
        for _ in 0..10 {
            let byte = self.byte()?;
            value |= i64::from(byte & 0x7f).checked_shl(shift).unwrap_or(0);
            shift += 7;
            if byte & 0x80 == 0 {
                if shift < 64 && byte & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Ok(value);
            }
        }
        Err(malformed("LEB128 number too large"))
    }
}

/// A document chunk's body: actors, heads, change column metadata, op column metadata, then
/// the change columns' data and the op columns' data (then head indices, not needed here).
fn check_document(data: &[u8], budget: &mut usize) -> Result<(), GuardError> {
    let mut r = Reader::new(data);
    let (change_cols, op_cols) = r.document_header()?;
    for cols in [change_cols, op_cols] {
        let block = r.take(total_len(&cols)?)?;
        inflate_columns(block, &cols, budget)?;
    }
    Ok(())
}

/// A bundle chunk's body: dependencies outside the bundle, actors, then the change columns'
/// metadata and data, then the op columns' metadata and data (as automerge's
/// `BundleStorage::parse_following_header` reads it; anything after is never read).
fn check_bundle(data: &[u8], budget: &mut usize) -> Result<(), GuardError> {
    let mut r = Reader::new(data);
    r.bundle_prefix()?;
    for _ in 0..2 {
        let cols = r.columns()?;
        let block = r.take(total_len(&cols)?)?;
        inflate_columns(block, &cols, budget)?;
    }
    Ok(())
}

/// A change chunk's body: dependencies, actor, seq, start op, time, message, other actors, op
/// column metadata, then the op columns' data (then extra bytes, not needed here).
fn check_change(data: &[u8], budget: &mut usize) -> Result<(), GuardError> {
    let mut r = Reader::new(data);
    let deps = r.uleb()?;
    for _ in 0..deps {
        r.take(HASH_LEN)?;
    }
    let actor = r.uleb_usize()?;
    r.take(actor)?;
    let _seq = r.uleb()?;
    let _start_op = r.uleb()?;
    r.sleb()?;
    let message = r.uleb_usize()?;
    r.take(message)?;
    let others = r.uleb()?;
    for _ in 0..others {
        let n = r.uleb_usize()?;
        r.take(n)?;
    }
    let cols = r.columns()?;
    let block = r.take(total_len(&cols)?)?;
    inflate_columns(block, &cols, budget)
}

/// One column of a chunk's metadata: its specification and data length.
#[derive(Clone, Copy, Debug)]
struct Column {
    spec: u32,
    len: usize,
}

fn total_len(cols: &[Column]) -> Result<usize, GuardError> {
    cols.iter()
        .try_fold(0usize, |sum, c| sum.checked_add(c.len))
        .ok_or_else(|| malformed("column lengths overflow"))
}

/// Inflate-counts every deflated column of a data block laid out as `cols` describes.
fn inflate_columns(block: &[u8], cols: &[Column], budget: &mut usize) -> Result<(), GuardError> {
    let mut offset = 0;
    for col in cols {
        // `total_len` checked that the sum fits and `block` is exactly that long.
        let data = &block[offset..offset + col.len];
        offset += col.len;
        if col.spec & DEFLATE_BIT != 0 {
            inflate_count(data, budget)?;
        }
    }
    Ok(())
}

/// Inflates a raw DEFLATE stream into nothing, reading at most one byte past the budget, and
/// charges what came out.
fn inflate_count(deflated: &[u8], budget: &mut usize) -> Result<(), GuardError> {
    let limit = u64::try_from(*budget).unwrap_or(u64::MAX).saturating_add(1);
    let mut decoder = flate2::bufread::DeflateDecoder::new(deflated).take(limit);
    let n = io::copy(&mut decoder, &mut io::sink())
        .map_err(|e| malformed(&format!("bad deflate stream: {e}")))?;
    match usize::try_from(n) {
        Ok(n) if n <= *budget => {
            *budget -= n;
            Ok(())
        }
        _ => Err(GuardError::TooLarge(*budget)),
    }
}

fn malformed(what: &str) -> GuardError {
    GuardError::Malformed(what.to_owned())
}

/// A cursor over a byte slice; every read is bounds-checked.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    fn rest(self) -> &'a [u8] {
        self.buf
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], GuardError> {
        if n > self.buf.len() {
            return Err(malformed("truncated chunk"));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, GuardError> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned LEB128 number, accepted and refused exactly as automerge's `leb128_u64`
    /// does: at most ten bytes, no redundant trailing zero byte, no bits past 64.
    fn uleb(&mut self) -> Result<u64, GuardError> {
        let mut value: u64 = 0;
        let mut shift = 0u32;
        loop {
            let byte = self.byte()?;
            if shift < 64 {
                value |= u64::from(byte & 0x7f) << shift;
            }
            shift += 7;
            if byte & 0x80 == 0 {
                if shift > 64 && byte > 1 {
                    return Err(malformed("LEB128 number too large"));
                }
                if shift > 7 && byte == 0 {
                    return Err(malformed("overlong LEB128 number"));
                }
                return Ok(value);
            }
            if shift > 64 {
                return Err(malformed("LEB128 number too large"));
            }
        }
    }

    fn uleb_usize(&mut self) -> Result<usize, GuardError> {
        usize::try_from(self.uleb()?).map_err(|_| malformed("length too large"))
    }

    fn uleb_u32(&mut self) -> Result<u32, GuardError> {
        u32::try_from(self.uleb()?).map_err(|_| malformed("column specification too large"))
    }

    /// Skips a signed LEB128 number (at most ten bytes).
    fn sleb(&mut self) -> Result<(), GuardError> {
        for _ in 0..10 {
            if self.byte()? & 0x80 == 0 {
                return Ok(());
            }
        }
        Err(malformed("LEB128 number too large"))
    }

    /// Column metadata: a count, then per column its specification and data length.
    /// A document chunk's actors and heads, skipped, then its change and op column metadata.
    fn document_header(&mut self) -> Result<(Vec<Column>, Vec<Column>), GuardError> {
        let actors = self.uleb()?;
        for _ in 0..actors {
            let n = self.uleb_usize()?;
            self.take(n)?;
        }
        let heads = self.uleb()?;
        for _ in 0..heads {
            self.take(HASH_LEN)?;
        }
        Ok((self.columns()?, self.columns()?))
    }

    /// A bundle chunk's dependencies and actors, skipped.
    fn bundle_prefix(&mut self) -> Result<(), GuardError> {
        let deps = self.uleb()?;
        for _ in 0..deps {
            self.take(HASH_LEN)?;
        }
        let actors = self.uleb()?;
        for _ in 0..actors {
            let n = self.uleb_usize()?;
            self.take(n)?;
        }
        Ok(())
    }

    fn columns(&mut self) -> Result<Vec<Column>, GuardError> {
        let count = self.uleb()?;
        let mut cols = Vec::new();
        for _ in 0..count {
            // Each column takes at least two bytes, so a huge count fails on the input's end
            // long before `cols` grows large.
            let spec = self.uleb_u32()?;
            let len = self.uleb_usize()?;
            cols.push(Column { spec, len });
        }
        Ok(cols)
    }
}

/// Builds test data shared by this module's tests and the session tests.
#[cfg(test)]
pub(crate) mod test_data {
    use std::io::Write;
    use std::sync::OnceLock;

    /// How much [`bomb`] inflates to.
    pub(crate) const BOMB_INFLATED: usize = 512 * 1024 * 1024;

    /// A compressed change chunk (type 2) whose DEFLATE body inflates to [`BOMB_INFLATED`]
    /// zero bytes. The deflate stream is produced 1 MiB at a time, so building it costs only
    /// its own size (about half a megabyte). Built once per test run.
    pub(crate) fn bomb() -> &'static [u8] {
        static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
        BOMB.get_or_init(|| {
            let block = vec![0u8; 1024 * 1024];
            let mut enc =
                flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
            for _ in 0..BOMB_INFLATED / block.len() {
                enc.write_all(&block).expect("write to memory");
            }
            let body = enc.finish().expect("finish deflate");
            chunk(2, [0xde, 0xad, 0xbe, 0xef], &body)
        })
    }

    /// A chunk of `chunk_type` around `body`, with the given checksum.
    pub(crate) fn chunk(chunk_type: u8, checksum: [u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(body.len() + 20);
        out.extend_from_slice(&super::MAGIC);
        out.extend_from_slice(&checksum);
        out.push(chunk_type);
        uleb(&mut out, body.len() as u64);
        out.extend_from_slice(body);
        out
    }

    /// A small xorshift generator: deterministic, no dependency.
    pub(crate) struct XorShift(u64);

    impl XorShift {
        pub(crate) fn new(seed: u64) -> XorShift {
            XorShift(seed.max(1))
        }

        pub(crate) fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        pub(crate) fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    pub(crate) fn sleb(out: &mut Vec<u8>, mut v: i64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
            out.push(if done { byte } else { byte | 0x80 });
            if done {
                return;
            }
        }
    }

    /// A change chunk of a hundred bytes whose columns claim `rows` operations: an integer
    /// column with one run of `rows` copies, a string column with a literal run claiming
    /// `rows` values (of which at most ten are written), a value metadata column with a null run of
    /// `rows`, and a boolean column whose second run is `rows` long; or only column `only`.
    pub(crate) fn rle_bomb(rows: u64, only: Option<usize>) -> Vec<u8> {
        let mut body = Vec::new();
        uleb(&mut body, 0); // deps
        uleb(&mut body, 2); // actor
        body.extend([0xab, 0xcd]);
        uleb(&mut body, 1); // seq
        uleb(&mut body, 1); // start op
        body.push(0); // time
        uleb(&mut body, 0); // message
        uleb(&mut body, 0); // other actors
        let mut integer = Vec::new();
        sleb(&mut integer, rows as i64);
        uleb(&mut integer, 1);
        let mut string = Vec::new();
        sleb(&mut string, -(rows as i64));
        for _ in 0..rows.min(10) {
            uleb(&mut string, 1);
            string.push(b'k');
        }
        let mut meta = vec![0];
        uleb(&mut meta, rows);
        let mut boolean = Vec::new();
        uleb(&mut boolean, 0);
        uleb(&mut boolean, rows);
        let mut cols = vec![(2u64, integer), (5, string), (6, meta), (4, boolean)];
        if let Some(i) = only {
            cols = vec![cols.swap_remove(i)];
        }
        uleb(&mut body, cols.len() as u64);
        for (i, (ty, data)) in cols.iter().enumerate() {
            uleb(&mut body, ((i as u64 + 1) << 4) | ty);
            uleb(&mut body, data.len() as u64);
        }
        for (_, data) in &cols {
            body.extend(data);
        }
        chunk(super::CHANGE, [0; 4], &body)
    }

    pub(crate) fn uleb(out: &mut Vec<u8>, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::time::{Duration, Instant};

    use bureau_model::automerge::sync::{self, SyncDoc};
    use bureau_model::automerge::transaction::Transactable;
    use bureau_model::automerge::{AutoCommit, ObjType, ROOT, ReadDoc};

    use super::test_data::{BOMB_INFLATED, XorShift, bomb, chunk, rle_bomb, uleb};
    use super::*;

    const GENEROUS: usize = 1 << 30;

    /// A document with thousands of operations, so `save()` deflates some of its columns.
    fn big_doc() -> AutoCommit {
        let mut doc = AutoCommit::new();
        let members = doc.put_object(ROOT, "members", ObjType::Map).unwrap();
        for i in 0..1500 {
            let m = doc
                .put_object(&members, format!("m{i:05}"), ObjType::Map)
                .unwrap();
            doc.put(&m, "name", format!("Member number {i}")).unwrap();
            doc.put(&m, "email", format!("member{i}@example.org"))
                .unwrap();
            if i % 50 == 0 {
                doc.commit();
            }
        }
        doc.commit();
        doc
    }

    /// Budget used by a successful check.
    fn consumed(bytes: &[u8]) -> usize {
        let mut budget = GENEROUS;
        check_chunk(bytes, &mut budget).expect("a chunk automerge wrote passes");
        GENEROUS - budget
    }

    #[test]
    fn saved_documents_agree_with_automerge() {
        let mut doc = big_doc();
        let saved = doc.save();
        let plain = doc.save_nocompress();
        // automerge's own view: the saved form is smaller because columns were deflated.
        assert!(saved.len() < plain.len(), "save() deflated nothing");
        let used = consumed(&saved);
        assert!(used > 0, "the parser found no deflated column");
        assert!(
            used <= plain.len(),
            "inflated {used} bytes out of a {}-byte document",
            plain.len()
        );
        // Without compression there is nothing to charge.
        assert_eq!(consumed(&plain), 0);
        // A document followed by incremental chunks (as in a store file or a V2 message).
        let heads = doc.get_heads();
        doc.put(ROOT, "title", "after").unwrap();
        doc.commit();
        let mut joined = saved.clone();
        joined.extend(doc.save_after(&heads));
        assert_eq!(consumed(&joined), used);
        // A tiny budget is refused.
        let mut budget = 100;
        assert_eq!(
            check_chunk(&saved, &mut budget),
            Err(GuardError::TooLarge(100))
        );
    }

    #[test]
    fn compressed_change_agrees_with_automerge() {
        let mut doc = big_doc();
        // One change with thousands of ops: automerge compresses it as a type 2 chunk.
        let list = doc.put_object(ROOT, "list", ObjType::List).unwrap();
        for i in 0..3000 {
            doc.insert(&list, i, format!("entry {i}")).unwrap();
        }
        let hash = doc.commit().expect("a change");
        let mut change = doc.get_change_by_hash(&hash).expect("the change").clone();
        let raw = change.raw_bytes().to_vec();
        let compressed = change.bytes().into_owned();
        assert_eq!(
            compressed[8], COMPRESSED_CHANGE,
            "automerge did not compress the change"
        );
        assert_eq!(raw[8], CHANGE);
        // What it inflates to is exactly the uncompressed change's body.
        let mut r = Reader::new(&raw[9..]);
        let body_len = r.uleb_usize().unwrap();
        assert_eq!(body_len, r.rest().len());
        assert_eq!(consumed(&compressed), body_len);
        assert_eq!(consumed(&raw), 0);
        let mut budget = body_len - 1;
        assert_eq!(
            check_chunk(&compressed, &mut budget),
            Err(GuardError::TooLarge(body_len - 1))
        );
        let mut budget = body_len;
        assert_eq!(check_chunk(&compressed, &mut budget), Ok(()));
        assert_eq!(budget, 0);
    }

    /// Sends one message from `from` to `to` if one is due; returns the budget its chunks used.
    fn step(
        from: &mut AutoCommit,
        s_from: &mut sync::State,
        to: &mut AutoCommit,
        s_to: &mut sync::State,
    ) -> Option<usize> {
        let msg = from.sync().generate_sync_message(s_from)?;
        let msg = sync::Message::decode(&msg.encode()).unwrap();
        let used = msg.changes.iter().map(consumed).sum();
        let mut rows = crate::MAX_ROWS;
        for c in msg.changes.iter() {
            check_rows(c, &mut rows, crate::MAX_INFLATED).expect("real chunks pass");
        }
        to.sync().receive_sync_message(s_to, msg).unwrap();
        Some(used)
    }

    /// Runs a sync between two documents and checks every chunk of every message.
    fn sync_and_check(a: &mut AutoCommit, b: &mut AutoCommit) -> usize {
        let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
        let mut total = 0;
        for _ in 0..20 {
            let ab = step(a, &mut sa, b, &mut sb);
            let ba = step(b, &mut sb, a, &mut sa);
            if ab.is_none() && ba.is_none() {
                break;
            }
            total += ab.unwrap_or(0) + ba.unwrap_or(0);
        }
        assert_eq!(a.get_heads(), b.get_heads());
        total
    }

    #[test]
    fn chunks_of_real_sync_messages_pass() {
        // A fresh peer gets the whole document as a V2 message: deflated columns.
        let mut a = big_doc();
        let mut b = AutoCommit::new();
        assert!(sync_and_check(&mut a, &mut b) > 0);
        // Then a few changes on both sides: change chunks, several per message entry.
        for i in 0..5 {
            a.put(ROOT, format!("a{i}"), i).unwrap();
            a.commit();
            b.put(ROOT, format!("b{i}"), i).unwrap();
            b.commit();
        }
        sync_and_check(&mut a, &mut b);
        assert!(a.get(ROOT, "b4").unwrap().is_some());
    }

    #[test]
    fn refuses_what_it_cannot_check() {
        let mut budget = GENEROUS;
        let mut check = |b: &[u8]| check_chunk(b, &mut budget);
        let malformed = |r: Result<(), GuardError>| matches!(r, Err(GuardError::Malformed(_)));
        assert!(malformed(check(b"not a chunk at all")));
        assert!(malformed(check(&chunk(3, [0; 4], b""))), "empty bundle");
        assert!(malformed(check(&chunk(7, [0; 4], b""))), "unknown type");
        assert!(malformed(check(&MAGIC)), "truncated header");
        let mut long = chunk(1, [0; 4], b"");
        long.truncate(9);
        uleb(&mut long, 1 << 40);
        assert!(malformed(check(&long)), "length past the end");
        let mut doc = big_doc();
        let saved = doc.save();
        assert!(malformed(check(&saved[..saved.len() - 1])), "cut short");
        let mut trailing = saved.clone();
        trailing.push(0);
        assert!(malformed(check(&trailing)), "trailing byte");
        assert_eq!(check(&[]), Ok(()));
    }

    #[test]
    fn deflated_columns_are_charged_in_every_chunk_kind() {
        // A hand-made document chunk whose one op column is a bomb of 1 MiB of zeros.
        let mut deflated =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        deflated.write_all(&vec![0u8; 1 << 20]).unwrap();
        let deflated = deflated.finish().unwrap();
        let mut body = Vec::new();
        uleb(&mut body, 0); // actors
        uleb(&mut body, 0); // heads
        uleb(&mut body, 0); // change columns
        uleb(&mut body, 1); // op columns
        uleb(&mut body, (1 << 4) | u64::from(DEFLATE_BIT));
        uleb(&mut body, deflated.len() as u64);
        body.extend(&deflated);
        let doc = chunk(0, [0; 4], &body);
        assert_eq!(consumed(&doc), 1 << 20);
        let mut budget = 1 << 19;
        assert_eq!(
            check_chunk(&doc, &mut budget),
            Err(GuardError::TooLarge(1 << 19))
        );
        // The same column in a change chunk.
        let mut body = Vec::new();
        uleb(&mut body, 0); // deps
        uleb(&mut body, 2); // actor
        body.extend([0xab, 0xcd]);
        uleb(&mut body, 1); // seq
        uleb(&mut body, 1); // start op
        body.push(0x7f); // time: -1
        uleb(&mut body, 0); // message
        uleb(&mut body, 0); // other actors
        uleb(&mut body, 1);
        uleb(&mut body, (1 << 4) | u64::from(DEFLATE_BIT));
        uleb(&mut body, deflated.len() as u64);
        body.extend(&deflated);
        let change = chunk(1, [0; 4], &body);
        assert_eq!(consumed(&change), 1 << 20);
        // The budget is shared: two chunks of 1 MiB do not fit in 1.5 MiB.
        let mut two = doc.clone();
        two.extend(&change);
        let mut budget = 3 << 19;
        assert_eq!(
            check_chunk(&two, &mut budget),
            Err(GuardError::TooLarge(1 << 19))
        );
    }

    /// Rows charged by a successful row check.
    fn rows_of(bytes: &[u8]) -> u64 {
        let mut budget = 1 << 40;
        check_rows(bytes, &mut budget, GENEROUS).expect("a chunk automerge wrote passes");
        (1 << 40) - budget
    }

    #[test]
    fn columns_claiming_huge_counts_are_refused() {
        let bomb = rle_bomb(1 << 40, None);
        assert!(bomb.len() < 100, "the bomb is {} bytes", bomb.len());
        // The DEFLATE check has nothing to say about it: nothing is compressed.
        assert_eq!(consumed(&bomb), 0);
        let mut budget = crate::MAX_ROWS;
        assert_eq!(
            check_rows(&bomb, &mut budget, GENEROUS),
            Err(GuardError::TooManyRows(crate::MAX_ROWS))
        );
        // Each kind of run is counted: each column alone claims more than the budget.
        for only in 0..4 {
            let one = rle_bomb(1 << 40, Some(only));
            let mut budget = crate::MAX_ROWS;
            assert_eq!(
                check_rows(&one, &mut budget, GENEROUS),
                Err(GuardError::TooManyRows(crate::MAX_ROWS)),
                "column {only}"
            );
            assert_eq!(rows_of(&rle_bomb(10, Some(only))), 10, "column {only}");
        }
        let mut budget = 9;
        assert_eq!(
            check_rows(&rle_bomb(10, None), &mut budget, GENEROUS),
            Err(GuardError::TooManyRows(9))
        );
        // The budget is shared by the chunks of a message.
        let mut two = rle_bomb(10, None);
        two.extend(rle_bomb(10, None));
        let mut budget = 15;
        assert_eq!(
            check_rows(&two, &mut budget, GENEROUS),
            Err(GuardError::TooManyRows(5))
        );
        // The session refuses a message carrying it before automerge sees it.
        let msg = sync::Message {
            heads: Vec::new(),
            need: Vec::new(),
            have: Vec::new(),
            changes: sync::ChunkList::from(vec![bomb]),
            flags: None,
            version: sync::MessageVersion::V1,
        };
        assert!(matches!(
            crate::decode(&msg.encode()),
            Err(crate::SyncError::Guard(GuardError::TooManyRows(_)))
        ));
    }

    /// A `have` whose Bloom filter claims entries but has no bits: automerge kept it and
    /// divided by zero when it next generated a message for the peer (found by the fuzz
    /// target sync_session; the input is in fuzz/corpus/sync_session/crash-7364…).
    #[test]
    fn bloom_filters_without_bits_are_refused() {
        let honest = sync::BloomFilter::from_hashes(
            vec![bureau_model::automerge::ChangeHash([7; 32])].into_iter(),
        );
        assert_eq!(check_bloom(&honest.to_bytes()), Ok(()));
        assert_eq!(check_bloom(&[]), Ok(()));
        // One entry, zero bits per entry, seven probes, no bits.
        let mut empty_bits = Vec::new();
        uleb(&mut empty_bits, 1);
        uleb(&mut empty_bits, 0);
        uleb(&mut empty_bits, 7);
        assert!(matches!(
            check_bloom(&empty_bits),
            Err(GuardError::Malformed(_))
        ));
        let mut many_probes = Vec::new();
        uleb(&mut many_probes, 1);
        uleb(&mut many_probes, 10);
        uleb(&mut many_probes, 1 << 31);
        many_probes.extend([0xff; 2]);
        assert!(matches!(
            check_bloom(&many_probes),
            Err(GuardError::Malformed(_))
        ));
        // The session refuses the message before the filter reaches the sync state.
        let bloom = sync::Message::decode(&{
            let mut m = vec![0x42];
            uleb(&mut m, 0); // heads
            uleb(&mut m, 0); // need
            uleb(&mut m, 1); // have
            uleb(&mut m, 0); // last sync
            uleb(&mut m, empty_bits.len() as u64);
            m.extend(&empty_bits);
            uleb(&mut m, 0); // changes
            m
        })
        .expect("automerge decodes it");
        assert_eq!(bloom.have.len(), 1);
        assert!(matches!(
            crate::decode(&bloom.encode()),
            Err(crate::SyncError::Guard(GuardError::Malformed(_)))
        ));
    }

    /// A change that made hexane panic while splicing a column, then panic again while the
    /// half-done edit was dropped during the unwinding: a second panic aborts the process,
    /// which no guard can catch (found by the fuzz target sync_frame; the input is in
    /// fuzz/corpus/sync_frame/crash-7f9f…, this is its change with checksums recomputed).
    /// With the patched hexane (vendor/README.md) the first panic is caught by the guard.
    #[test]
    fn a_change_that_panicked_twice_in_hexane_is_an_error() {
        bureau_model::guard::install_panic_hook();
        let change = include_bytes!("testdata/hexane-double-panic.bin").to_vec();
        let mut budget = GENEROUS;
        assert_eq!(check_chunk(&change, &mut budget), Ok(()));
        let mut rows = crate::MAX_ROWS;
        assert_eq!(check_rows(&change, &mut rows, GENEROUS), Ok(()));
        let msg = sync::Message {
            heads: Vec::new(),
            need: Vec::new(),
            have: Vec::new(),
            changes: sync::ChunkList::from(vec![change]),
            flags: None,
            version: sync::MessageVersion::V1,
        };
        let res = bureau_model::guard::guarded(move || {
            let mut doc = AutoCommit::new();
            let mut state = sync::State::new();
            doc.sync().receive_sync_message(&mut state, msg).map(drop)
        });
        assert!(
            !matches!(res, Ok(Ok(()))),
            "automerge applied it without complaint"
        );
    }

    #[test]
    fn rows_of_honest_chunks_are_their_operations() {
        let mut doc = AutoCommit::new();
        let list = doc.put_object(ROOT, "list", ObjType::List).unwrap();
        for i in 0..3000 {
            doc.insert(&list, i, format!("entry {i}")).unwrap();
        }
        let hash = doc.commit().expect("a change");
        let mut change = doc.get_change_by_hash(&hash).expect("the change").clone();
        let raw = change.raw_bytes().to_vec();
        let compressed = change.bytes().into_owned();
        assert_eq!(compressed[8], COMPRESSED_CHANGE);
        // One row per operation, read from the chunk or through the inflater.
        assert_eq!(rows_of(&raw), 3001);
        assert_eq!(rows_of(&compressed), 3001);
        // A saved document: one row per change plus one per operation, deflated columns
        // included.
        let mut big = big_doc();
        let saved = big.save();
        let plain = big.save_nocompress();
        assert!(consumed(&saved) > 0, "some columns are deflated");
        let changes = big.get_changes(&[]).len() as u64;
        assert_eq!(rows_of(&saved), rows_of(&plain));
        assert!(rows_of(&plain) >= changes + 1500 * 3, "{}", rows_of(&plain));
        // Real sync messages pass the session's checks.
        let mut b = AutoCommit::new();
        sync_and_check(&mut big, &mut b);
        // A bundle of the list's change: one row for the change, one per operation; and a
        // bundle of many small changes, whose larger columns are deflated.
        let bundle = doc.bundle([hash]).unwrap().bytes().to_vec();
        assert_eq!(bundle[8], BUNDLE);
        assert_eq!(rows_of(&bundle), 1 + 3001);
        let many = big_bundle(&mut big);
        assert!(consumed(&many) > 0, "some columns are deflated");
        let after_first = &big.get_changes(&[])[1..];
        let ops: usize = after_first.iter().map(|c| c.len()).sum();
        assert_eq!(rows_of(&many), (after_first.len() + ops) as u64);
    }

    /// Every change of `doc` after its first, as one bundle (type 3).
    fn big_bundle(doc: &mut AutoCommit) -> Vec<u8> {
        let hashes: Vec<_> = doc
            .get_changes(&[])
            .iter()
            .skip(1)
            .map(|c| c.hash())
            .collect();
        doc.bundle(hashes).unwrap().bytes().to_vec()
    }

    #[test]
    fn bundles_pass_and_load() {
        // What a peer that reads bundles is sent: the changes it lacks, as one chunk that
        // passes both checks and loads where the changes it depends on are.
        let mut a = big_doc();
        let first = a.get_changes(&[])[0].raw_bytes().to_vec();
        let bundle = big_bundle(&mut a);
        let mut budget = crate::MAX_INFLATED;
        assert_eq!(check_chunk(&bundle, &mut budget), Ok(()));
        let mut rows = crate::MAX_ROWS;
        assert_eq!(check_rows(&bundle, &mut rows, crate::MAX_INFLATED), Ok(()));
        let mut b = AutoCommit::load(&first).unwrap();
        b.load_incremental(&bundle).unwrap();
        assert_eq!(b.get_heads(), a.get_heads());
        // The same bundle with a deflated column that inflates past the budget is refused.
        let mut budget = 16;
        assert_eq!(
            check_chunk(&bundle, &mut budget),
            Err(GuardError::TooLarge(16))
        );
    }

    /// Bundles are new to what peers may send: damaged ones that pass both checks go on to
    /// automerge's bundle parser, where a panic is caught by the input guard (as the actor
    /// calls it) and never aborts the process, and nothing inflates or allocates past the
    /// budgets.
    #[test]
    fn damaged_bundles_past_the_guard_are_errors_in_automerge() {
        bureau_model::guard::install_panic_hook();
        let mut a = big_doc();
        let first = a.get_changes(&[])[0].raw_bytes().to_vec();
        let bundle = big_bundle(&mut a);
        let (ty, body) = split(&bundle);
        let base = AutoCommit::load(&first).unwrap();
        let mut rng = XorShift::new(0xb0d1_e5ed_0000_0003);
        let mut reached = 0;
        for _ in 0..400 {
            let input = chunk(ty, [0; 4], &mutate(&mut rng, &body));
            let mut budget = crate::MAX_INFLATED;
            let mut rows = crate::MAX_ROWS;
            if check_chunk(&input, &mut budget).is_err()
                || check_rows(&input, &mut rows, crate::MAX_INFLATED).is_err()
            {
                continue;
            }
            reached += 1;
            let mut doc = base.clone();
            let _ = bureau_model::guard::guarded(move || doc.load_incremental(&input).map(drop));
        }
        assert!(
            reached > 50,
            "only {reached} damaged bundles reached automerge"
        );
    }

    /// Peak resident memory of this process, where the kernel reports it.
    fn peak_rss() -> Option<usize> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    #[test]
    fn compression_bomb_is_refused_quickly_in_bounded_memory() {
        let bomb = bomb();
        assert!(bomb.len() < 1024 * 1024, "the bomb is {} bytes", bomb.len());
        let before = peak_rss();
        let start = Instant::now();
        let mut budget = crate::MAX_INFLATED;
        assert_eq!(
            check_chunk(bomb, &mut budget),
            Err(GuardError::TooLarge(crate::MAX_INFLATED))
        );
        let took = start.elapsed();
        // Inflating 256 MiB of zeros takes well under a second; the bound is for slow CI.
        assert!(took < Duration::from_secs(15), "took {took:?}");
        // Inflated into a buffer, the budget alone would add 256 MiB to the peak. Other tests
        // run in this process at the same time, hence the slack.
        if let (Some(before), Some(after)) = (before, peak_rss()) {
            let grew = after.saturating_sub(before);
            assert!(grew < 128 * 1024 * 1024, "peak memory grew by {grew} bytes");
        }
        // With a budget above what it inflates to, it passes and is charged in full.
        let mut budget = BOMB_INFLATED + 1;
        assert_eq!(check_chunk(bomb, &mut budget), Ok(()));
        assert_eq!(budget, 1);
    }

    fn mutate(rng: &mut XorShift, base: &[u8]) -> Vec<u8> {
        let mut b = base.to_vec();
        for _ in 0..1 + rng.below(4) {
            match rng.below(5) {
                0 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                1 if !b.is_empty() => {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
                2 => b.truncate(rng.below(b.len() + 1)),
                3 => {
                    let i = rng.below(b.len() + 1);
                    b.insert(i, rng.next() as u8);
                }
                _ => {
                    // Set a plausible deflate bit or a huge LEB128 byte somewhere.
                    if !b.is_empty() {
                        let i = rng.below(b.len());
                        b[i] |= if rng.below(2) == 0 { 0x08 } else { 0xff };
                    }
                }
            }
        }
        b
    }

    /// The type and body of a single chunk automerge wrote.
    fn split(chunk: &[u8]) -> (u8, Vec<u8>) {
        let mut r = Reader::new(&chunk[8..]);
        let ty = r.byte().unwrap();
        let len = r.uleb_usize().unwrap();
        let body = r.take(len).unwrap().to_vec();
        assert!(r.rest().is_empty(), "one chunk");
        (ty, body)
    }

    #[test]
    fn never_panics_on_arbitrary_input() {
        let mut rng = XorShift::new(0x5eed_1234_abcd_0001);
        let mut doc = big_doc();
        let saved = doc.save();
        let heads = doc.get_heads();
        doc.put(ROOT, "x", "y").unwrap();
        doc.commit();
        let change = doc.save_after(&heads);
        let list = doc.put_object(ROOT, "list", ObjType::List).unwrap();
        for i in 0..500 {
            doc.insert(&list, i, format!("entry {i}")).unwrap();
        }
        let hash = doc.commit().unwrap();
        let compressed = doc
            .get_change_by_hash(&hash)
            .unwrap()
            .clone()
            .bytes()
            .into_owned();
        assert_eq!(compressed[8], COMPRESSED_CHANGE);
        let small = {
            let mut d = AutoCommit::new();
            d.put(ROOT, "k", "v").unwrap();
            d.save()
        };
        let bundle = big_bundle(&mut doc);
        let whole: Vec<Vec<u8>> = vec![saved, change, compressed, small, bundle];
        let bodies: Vec<(u8, Vec<u8>)> = whole.iter().map(|c| split(c)).collect();
        let mut outcomes = [0usize; 3];
        for i in 0..6000 {
            let input = match i % 6 {
                // Random bytes, sometimes behind a valid magic and chunk type.
                0 => {
                    let len = rng.below(64);
                    let mut v: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
                    if rng.below(2) == 0 && v.len() >= 9 {
                        v[..4].copy_from_slice(&MAGIC);
                        v[8] = rng.below(5) as u8;
                    }
                    v
                }
                // Whole chunks mutated anywhere (header included).
                1 => {
                    let base = &whole[rng.below(whole.len())];
                    mutate(&mut rng, base)
                }
                // Bodies mutated under a recomputed header, so the parse goes deep.
                _ => {
                    let (ty, body) = &bodies[rng.below(bodies.len())];
                    let ty = if rng.below(8) == 0 {
                        rng.below(4) as u8
                    } else {
                        *ty
                    };
                    chunk(ty, [0; 4], &mutate(&mut rng, body))
                }
            };
            let mut rows = 1 << 20;
            let _ = check_rows(&input, &mut rows, 1 << 24);
            let mut budget = 1 << 24;
            let outcome = check_chunk(&input, &mut budget);
            assert!(budget <= 1 << 24);
            outcomes[match outcome {
                Ok(()) => 0,
                Err(GuardError::Malformed(_)) => 1,
                Err(GuardError::TooLarge(_) | GuardError::TooManyRows(_)) => 2,
            }] += 1;
        }
        // The mutations reach past the header: some inputs still parse to the end.
        assert!(outcomes[0] > 500, "outcomes {outcomes:?}");
    }
}
