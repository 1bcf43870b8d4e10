//! libFuzzer entry for `invite_code`; the body is `bureau_fuzz::invite_code::run` (see its module doc).
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: bureau_fuzz::seeds::write_if_asked("invite_code"),
    |data: &[u8]| bureau_fuzz::invite_code::run(data)
);
