//! libFuzzer entry for `bundle`; the body is `bureau_fuzz::bundle::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("bundle"),
    |data: &[u8]| bureau_fuzz::bundle::run(data)
);
