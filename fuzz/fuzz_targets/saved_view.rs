//! libFuzzer entry for `saved_view`; the body is `bureau_fuzz::saved_view::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("saved_view"),
    |data: &[u8]| bureau_fuzz::saved_view::run(data)
);
