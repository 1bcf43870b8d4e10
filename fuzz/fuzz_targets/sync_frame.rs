//! libFuzzer entry for `sync_frame`; the body is `bureau_fuzz::sync_frame::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("sync_frame"),
    |data: &[u8]| bureau_fuzz::sync_frame::run(data)
);
