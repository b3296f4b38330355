//! What a notification's body may hold besides its signature and resource. It is read up to
//! 64 KiB (`notification::MAX_BODY_BYTES`): WeChat Pay's are a few kilobytes, so a body of the
//! whole 64 KiB is verified and decrypted, and one byte more is refused before anything is
//! verified, as an argument error that says how large it was. The members WeChat Pay's pages
//! mark optional (create_time, resource_type, summary, resource.associated_data) may be absent
//! or null, and read as empty. Notifications are sealed and signed as WeChat Pay does (the
//! sandbox's `Outgoing` and `signature_headers`).

use serde_json::{Value, json};
use wxpresign::error::Result;
use wxpresign::verification::SignedHeaders;
use wxpresign::{Client, Kind, Notification};
use wxpresign_sandbox::{Identity, Outgoing};

/// The limit the library documents, written out so that the test does not read it from the code
/// it checks.
const LIMIT: usize = 64 * 1024;

/// A merchant's WeChat Pay, and the merchant's client.
struct Merchant {
    identity: Identity,
    client: Client,
}

fn merchant() -> Merchant {
    let (identity, key) = Identity::generate().expect("keys are generated");
    let config = identity
        .client_config(&key, "https://api.mch.weixin.qq.com")
        .expect("config renders");
    let client = Client::from_json(&config.to_string()).expect("the config is valid");
    Merchant { identity, client }
}

impl Merchant {
    /// A signing notification's body with `summary`, its resource sealed with `original_type`
    /// as the associated data.
    fn sealed(&self, summary: &str, original_type: &str) -> String {
        let resource = json!({
            "mchid": self.identity.mchid,
            "contract_id": "202612020000000001",
            "contract_state": "SIGNED",
        });
        Outgoing {
            id: "EV-2026120200000002",
            create_time: "2026-12-02T12:00:00+08:00",
            event_type: "ENTRUST.SIGN",
            summary,
            original_type,
            resource: &resource,
        }
        .seal(self.identity.apiv3_key.as_bytes(), "b0dyL1mit0k1")
        .expect("the resource seals")
    }

    /// `body` signed by WeChat Pay and parsed by the merchant's client.
    fn parse(&self, body: &str) -> Result<Notification> {
        let pairs = self
            .identity
            .signature_headers(body.as_bytes())
            .expect("the body is signed");
        let headers = SignedHeaders::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())))
            .expect("WeChat-style headers");
        self.client.parse_notification(&headers, body.as_bytes())
    }

    /// A notification whose body is `size` bytes, its summary padded.
    fn parse_of_size(&self, size: usize) -> Result<Notification> {
        let padding = "x".repeat(size - self.sealed("", "papay").len());
        let body = self.sealed(&padding, "papay");
        assert_eq!(body.len(), size);
        self.parse(&body)
    }
}

#[test]
fn a_notification_body_of_64_kib_is_verified_and_decrypted() {
    let notification = merchant()
        .parse_of_size(LIMIT)
        .expect("a body at the limit is read");
    assert_eq!(notification.resource["contract_id"], "202612020000000001");
}

#[test]
fn a_notification_body_one_byte_over_64_kib_is_refused_before_verification() {
    let e = merchant().parse_of_size(LIMIT + 1).unwrap_err();
    assert!(
        e.kind() == Kind::Argument && e.message().contains("65537 bytes"),
        "{e}"
    );
}

#[test]
fn a_notification_without_its_optional_members_reads_them_as_empty() {
    let m = merchant();
    // Sealed with empty associated data, which an absent associated_data stands for.
    let mut envelope: Value = serde_json::from_str(&m.sealed("", "")).expect("JSON");
    let members = envelope.as_object_mut().expect("an object");
    members.remove("create_time");
    members.remove("resource_type");
    members.insert("summary".into(), Value::Null);
    envelope["resource"]
        .as_object_mut()
        .expect("a resource object")
        .remove("associated_data");
    let n = m
        .parse(&envelope.to_string())
        .expect("verified and decrypted");
    assert_eq!(
        (
            n.create_time.as_str(),
            n.resource_type.as_str(),
            n.summary.as_str(),
            &n.resource["contract_id"]
        ),
        ("", "", "", &json!("202612020000000001"))
    );
}
