//! One notify URL for many merchants (`wxpresign_notification_parse_any`): two merchants' clients
//! share the URL, each notification is verified and decrypted by the client whose WeChat Pay key
//! its Wechatpay-Serial names and says whose it is, and a third merchant's notification gets the
//! documented 401 answer. Notifications are sealed and signed as WeChat Pay does (the sandbox's
//! own `Outgoing` and `signature_headers`).

use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use wxpresign::ffi::{
    wxpresign_client, wxpresign_client_free, wxpresign_client_new,
    wxpresign_notification_parse_any, wxpresign_string_free,
};
use wxpresign::sandbox::{Identity, Outgoing};

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
    let config = CString::new(config.to_string()).unwrap();
    let mut client = std::ptr::null_mut();
    // SAFETY: valid pointers; a NUL-terminated configuration.
    let status =
        unsafe { wxpresign_client_new(config.as_ptr(), &mut client, std::ptr::null_mut()) };
    assert_eq!(status as i32, 0);
    Merchant { identity, client }
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
