//! A server that reads the whole request and closes the connection without answering (the
//! sandbox's SANDBOXDROP) is reported as having done exactly that: a transport error that may
//! have reached WeChat Pay, whose message says the host closed the connection without an
//! answer, so the merchant queries the contract before trying again instead of looking for a
//! network fault.

use crate::common;

use common::{EDU, edu_with_user, sandbox};
use wxpresign::Kind;

#[test]
fn a_connection_closed_after_the_request_is_reported_as_closed_without_an_answer() {
    let fx = sandbox();
    let e = fx
        .client()
        .call(EDU, &edu_with_user("SANDBOXDROP"))
        .unwrap_err();
    assert!(
        e.kind() == Kind::Transport
            && e.to_json()["error"]["may_have_reached_server"] == true
            && e.message()
                .starts_with("127.0.0.1 closed the connection without an answer"),
        "{e}"
    );
}
