//! `invite_code`: invite codes as typed or pasted by a person, and the join protocol's frames
//! as a stranger sends them.
//!
//! The input, read as UTF-8 (lossily), goes to `InviteCode::decode`; a code that decodes is
//! encoded again and must decode to the same code. It goes to `JoinCode::parse` too, as
//! `bureau join` reads what a person typed: a short code that parses is written out again
//! and must parse to the same code. The raw bytes are then read as a join
//! request frame and as a join answer frame, as the inviter and the joiner read them.

use bureau_net::fuzzing::{read_join_answer, read_join_request};
use bureau_net::{InviteCode, JoinCode, ShortCode};

use crate::common::runtime;

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let text = String::from_utf8_lossy(data);
    if let Ok(code) = InviteCode::decode(&text) {
        let again = InviteCode::decode(&code.encode()).expect("an encoded code decodes");
        assert_eq!(again, code, "a code survives encoding");
    }
    if let Ok(JoinCode::Short(short)) = JoinCode::parse(&text) {
        let again = ShortCode::parse(&short.to_string()).expect("a written short code parses");
        assert_eq!(again, Some(short), "a short code survives writing out");
    }
    runtime().block_on(async {
        let mut r = data;
        let _ = read_join_request(&mut r).await;
        let mut r = data;
        let _ = read_join_answer(&mut r).await;
        // A frame length in front, so that mutations reach the JSON parser.
        let mut framed = (data.len() as u32).to_be_bytes().to_vec();
        framed.extend_from_slice(data);
        let mut r = framed.as_slice();
        let _ = read_join_request(&mut r).await;
        let mut r = framed.as_slice();
        let _ = read_join_answer(&mut r).await;
    });
}
