//! libFuzzer entry for `http_json`; the body is `bureau_fuzz::http_json::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("http_json"),
    |data: &[u8]| bureau_fuzz::http_json::run(data)
);
