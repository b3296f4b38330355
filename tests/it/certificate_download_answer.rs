//! What a platform certificate download hands out (the JSON of
//! `wxpresign_platform_certificates_download`, which the bindings and the `wxpresign
//! certificates download` command read): each certificate WeChat Pay listed, under its serial,
//! with its validity as WeChat Pay states it and the certificate itself as PEM; and the file name
//! a certificate is saved under, the one wechatpay-php's CertificateDownloader gives it.

use wxpresign::certificates::file_name;
use wxpresign::keys::PlatformCertificate;
use wxpresign_sandbox::{Identity, Mode, Sandbox, beijing_rfc3339};

#[test]
fn a_download_hands_out_each_certificate_with_its_serial_validity_and_pem() {
    let (identity, merchant_key) = Identity::generate_in(Mode::Certificate).expect("keys");
    let sandbox = Sandbox::start(identity, "127.0.0.1:0").expect("a loopback port");
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())
        .expect("config");
    let client = wxpresign::Client::from_json(&config.to_string()).expect("valid config");
    let listed: Vec<_> = client
        .download_platform_certificates()
        .expect("downloaded")
        .iter()
        .map(|d| d.to_json())
        .collect();
    let pem = listed[0]["certificate"].as_str().expect("PEM text");
    let certificate = PlatformCertificate::from_pem(pem, "the downloaded certificate")
        .expect("the PEM reads back");
    assert_eq!(
        (
            listed.len(),
            &listed[0]["serial_no"],
            &listed[0]["effective_time"],
            &listed[0]["expire_time"],
            certificate.serial.as_str(),
        ),
        (
            1,
            &sandbox.identity().platform_serial.as_str().into(),
            &beijing_rfc3339(certificate.not_before).into(),
            &beijing_rfc3339(certificate.not_after).into(),
            sandbox.identity().platform_serial.as_str(),
        )
    );
}

#[test]
fn a_downloaded_certificate_is_saved_as_wechatpay_php_names_it() {
    assert_eq!(
        file_name("5157F09EFDC096DE15EBE81A47057A7232F1B8E1"),
        "wechatpay_5157F09EFDC096DE15EBE81A47057A7232F1B8E1.pem"
    );
}
