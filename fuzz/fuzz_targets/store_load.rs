//! libFuzzer entry for `store_load`; the body is `bureau_fuzz::store_load::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("store_load"),
    |data: &[u8]| bureau_fuzz::store_load::run(data)
);
