//! One notify URL for many merchants (`wxpresign_notification_parse_any`): two merchants' clients
//! share the URL, each notification is verified and decrypted by the client whose WeChat Pay key
//! its Wechatpay-Serial names and says whose it is, and a third merchant's notification gets the
//! documented 401 answer. Notifications are sealed and signed as WeChat Pay does (the sandbox's
//! own `Outgoing` and `signature_headers`). Merchants in certificate mode learn the serial of a
//! notification none of them holds yet (before their first download, after a rotation).

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use wxpresign::ffi::{
    wxpresign_client, wxpresign_client_free, wxpresign_client_new,
    wxpresign_notification_parse_any, wxpresign_platform_certificates_download,
    wxpresign_string_free,
};
use wxpresign_sandbox::{Identity, Mode, Outgoing, Sandbox};

struct Merchant {
    identity: Identity,
    client: *mut wxpresign_client,
}

impl Drop for Merchant {
    fn drop(&mut self) {
        // SAFETY: made by wxpresign_client_new, freed once.
        unsafe { wxpresign_client_free(self.client) };
    }
}

fn merchant() -> Merchant {
    let (identity, key) = Identity::generate().unwrap();
    let config = identity
        .client_config(&key, "https://api.mch.weixin.qq.com")
        .unwrap();
    Merchant {
        identity,
        client: client_new(&config),
    }
}

fn client_new(config: &Value) -> *mut wxpresign_client {
    let config = CString::new(config.to_string()).unwrap();
    let mut client = std::ptr::null_mut();
    // SAFETY: valid pointers; a NUL-terminated configuration.
    let status =
        unsafe { wxpresign_client_new(config.as_ptr(), &mut client, std::ptr::null_mut()) };
    assert_eq!(status as i32, 0);
    client
}

/// A merchant in certificate mode, with its WeChat Pay (a sandbox) to download from.
struct CertificateMerchant {
    sandbox: Sandbox,
    client: *mut wxpresign_client,
}

impl Drop for CertificateMerchant {
    fn drop(&mut self) {
        // SAFETY: made by wxpresign_client_new, freed once.
        unsafe { wxpresign_client_free(self.client) };
    }
}

fn certificate_merchant() -> CertificateMerchant {
    let (identity, key) = Identity::generate_in(Mode::Certificate).unwrap();
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").unwrap();
    let config = sandbox
        .identity()
        .client_config(&key, sandbox.base_url())
        .unwrap();
    let client = client_new(&config);
    CertificateMerchant { sandbox, client }
}

/// A signing notification from `from`'s WeChat Pay: its headers as JSON, and its body.
fn notification(from: &Identity, contract_id: &str) -> (String, String) {
    let resource = json!({
        "mchid": from.mchid,
        "contract_id": contract_id,
        "contract_state": "SIGNED",
    });
    let body = Outgoing {
        id: "EV-2026120200000001",
        create_time: "2026-12-02T12:00:00+08:00",
        event_type: "ENTRUST.SIGN",
        summary: "签约成功",
        original_type: "papay",
        resource: &resource,
    }
    // The APIv3 key's 32 characters are the AES-256 key's bytes.
    .seal(from.apiv3_key.as_bytes(), "m4nyMerch4nt")
    .unwrap();
    let headers: serde_json::Map<String, Value> = from
        .signature_headers(body.as_bytes())
        .unwrap()
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.into()))
        .collect();
    (Value::Object(headers).to_string(), body)
}

fn parse_any(clients: &[*mut wxpresign_client], headers: &str, body: &str) -> (i32, Value) {
    let headers = CString::new(headers).unwrap();
    let handles: Vec<*const wxpresign_client> = clients.iter().map(|c| *c as *const _).collect();
    let mut out = std::ptr::null_mut();
    // SAFETY: valid handles, NUL-terminated headers, body_len bytes of body.
    let status = unsafe {
        wxpresign_notification_parse_any(
            handles.as_ptr(),
            handles.len(),
            headers.as_ptr(),
            body.as_ptr().cast(),
            body.len(),
            &mut out,
        )
    };
    // SAFETY: the library's string, freed once.
    let text = unsafe { CStr::from_ptr(out) }
        .to_string_lossy()
        .into_owned();
    unsafe { wxpresign_string_free(out) };
    (status as i32, serde_json::from_str(&text).unwrap())
}

#[test]
fn each_merchants_notification_is_verified_by_its_own_client_and_names_it() {
    let (a, b) = (merchant(), merchant());
    let clients = [a.client, b.client];
    for (index, m, contract) in [(0, &a, "contract-of-a"), (1, &b, "contract-of-b")] {
        let (headers, body) = notification(&m.identity, contract);
        let (status, parsed) = parse_any(&clients, &headers, &body);
        assert_eq!(status, 0, "{parsed}");
        assert_eq!(parsed["mchid"], m.identity.mchid.as_str(), "{parsed}");
        assert_eq!(parsed["client"], index, "{parsed}");
        assert_eq!(parsed["resource"]["contract_id"], contract, "{parsed}");
        assert_eq!(parsed["answer"]["status"], 200, "{parsed}");
    }
}

#[test]
fn a_third_merchants_notification_gets_the_401_answer() {
    let (a, b, c) = (merchant(), merchant(), merchant());
    let (headers, body) = notification(&c.identity, "contract-of-c");
    let (status, parsed) = parse_any(&[a.client, b.client], &headers, &body);
    assert_eq!(status, 6, "a verify error: {parsed}");
    let error = &parsed["error"];
    assert_eq!(error["kind"], "verify");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("names the key of none of the 2 merchants given"),
        "{error}"
    );
    assert_eq!(error["answer"]["status"], 401, "{error}");
    // A notification whose body was changed after signing fails with its merchant's client.
    let (headers, body) = notification(&a.identity, "contract-of-a");
    let forged = body.replace("ENTRUST.SIGN", "ENTRUST.FAKE");
    let (status, parsed) = parse_any(&[a.client, b.client], &headers, &forged);
    assert_eq!(status, 6, "{parsed}");
    assert_eq!(parsed["error"]["answer"]["status"], 401);
    // No clients: an argument error, with the answer to send back all the same.
    let (status, parsed) = parse_any(&[], &headers, &body);
    assert_eq!(status, 1);
    assert_eq!(parsed["error"]["answer"]["status"], 400, "{parsed}");
}

#[test]
fn merchants_in_certificate_mode_learn_the_serial_of_a_notification_none_holds_yet() {
    // Before either client downloaded anything.
    let (a, b) = (certificate_merchant(), certificate_merchant());
    let (headers, body) = notification(b.sandbox.identity(), "contract-of-b");
    let (status, parsed) = parse_any(&[a.client, b.client], &headers, &body);
    assert_eq!(status, 0, "{parsed}");
    assert_eq!(
        parsed["mchid"],
        b.sandbox.identity().mchid.as_str(),
        "{parsed}"
    );
    assert_eq!(parsed["client"], 1, "{parsed}");

    // After a rotation, for clients that hold the certificates of before it.
    let (a, b) = (certificate_merchant(), certificate_merchant());
    for m in [&a, &b] {
        let mut out = std::ptr::null_mut();
        // SAFETY: a valid handle; the library's string, freed once.
        let status = unsafe { wxpresign_platform_certificates_download(m.client, &mut out) };
        unsafe { wxpresign_string_free(out) };
        assert_eq!(status as i32, 0);
    }
    a.sandbox.identity().rotate().unwrap();
    let (headers, body) = notification(a.sandbox.identity(), "contract-of-a");
    let (status, parsed) = parse_any(&[a.client, b.client], &headers, &body);
    assert_eq!(status, 0, "{parsed}");
    assert_eq!(
        parsed["mchid"],
        a.sandbox.identity().mchid.as_str(),
        "{parsed}"
    );
    assert_eq!(
        parsed["resource"]["contract_id"], "contract-of-a",
        "{parsed}"
    );
}

#[test]
fn a_download_that_fails_while_learning_a_serial_is_the_errors_cause() {
    let (identity, key) = Identity::generate_in(Mode::Certificate).unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let config = identity
        .client_config(&key, &format!("http://{closed}"))
        .unwrap();
    let unreachable = client_new(&config);
    let (headers, body) = notification(&identity, "contract-unreachable");
    let (status, parsed) = parse_any(&[unreachable], &headers, &body);
    // SAFETY: made by wxpresign_client_new, freed once.
    unsafe { wxpresign_client_free(unreachable) };
    assert_eq!(status, 6, "{parsed}");
    let error = &parsed["error"];
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("downloading the platform certificates failed"),
        "{error}"
    );
    assert_eq!(error["cause"]["kind"], "transport", "{error}");
    assert_eq!(error["answer"]["status"], 401, "{error}");
}
