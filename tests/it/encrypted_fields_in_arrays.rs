//! A field a schema marks encrypted is encrypted wherever the schema puts it, in each object of
//! an array too: the endpoint table is data, so an endpoint may nest its sensitive fields there
//! (as insurance nests policy periods), and the strings beside them stay as written.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use wxpresign::encryption::encrypt_fields;
use wxpresign::keys::PrivateKey;
use wxpresign::schema::{Field, object_array, string};

const PAYEE: &[Field] = &[string("real_name").encrypted(), string("relation")];
const REQUEST: &[Field] = &[object_array("payees", PAYEE)];

#[test]
fn each_object_of_an_array_has_its_encrypted_field_encrypted() {
    let key = PrivateKey::generate().expect("RSA key generation works");
    let public = key.public_key().expect("a private key has a public half");
    let mut request = json!({ "payees": [
        { "real_name": "张三", "relation": "SELF" },
        { "real_name": "李四", "relation": "SPOUSE" },
    ]});
    encrypt_fields(REQUEST, &mut request, &public).expect("the request encrypts");

    let decrypt = |sent: &Value| -> String {
        let ciphertext = STANDARD
            .decode(sent.as_str().expect("a string"))
            .expect("Base64 ciphertext, not the plaintext");
        String::from_utf8(key.decrypt_oaep(&ciphertext).expect("decrypts").to_vec()).expect("UTF-8")
    };
    let received: Vec<(String, &Value)> = request["payees"]
        .as_array()
        .expect("still an array")
        .iter()
        .map(|payee| (decrypt(&payee["real_name"]), &payee["relation"]))
        .collect();
    assert_eq!(
        received,
        [
            ("张三".to_owned(), &json!("SELF")),
            ("李四".to_owned(), &json!("SPOUSE"))
        ]
    );
}
