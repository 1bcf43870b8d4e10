//! libFuzzer entry for `sync_session`; the body is `bureau_fuzz::sync_session::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("sync_session"),
    |data: &[u8]| bureau_fuzz::sync_session::run(data)
);
