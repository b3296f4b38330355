//! The user's side of the sandbox in a real browser: headless Chromium, driven through
//! chromedriver's WebDriver API, opens the redirect_url of a pre-sign made through the library,
//! clicks 同意并签约 and lands on the result page while the test's notify endpoint receives
//! and verifies the notification; 取消 sends none; a return_url is followed; an unknown session
//! shows the error page; a display account that is markup is shown as text. A screenshot of the
//! page is written to target/tmp/signing-page.png for a person to look at.
#![cfg(target_os = "linux")]

use crate::browser::Browser;
use crate::common;

use serde_json::{Value, json};
use std::sync::mpsc;
use std::time::Duration;
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const JSAPI: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi";
const CROSS_BORDER_JSAPI: &str = "v3/global/papay/contracts/jsapi-pre-entrust-sign";

/// A pre-sign of `endpoint`'s example with `changes`, through the library; returns its URL.
fn presign(fx: &common::Fixture, endpoint: &str, changes: Value, url_member: &str) -> String {
    let answer = common::presign(fx, endpoint, changes);
    answer.data[url_member].as_str().expect("a URL").to_owned()
}

#[test]
fn the_signing_page_in_a_browser() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = common::notify_endpoint();
    let notify_url = merchant.url.clone();
    let browser = Browser::start();

    // Sign: the page shows the contract; 同意并签约 notifies and shows the result.
    let url = presign(
        &fx,
        JSAPI,
        json!({ "contract_notify_url": notify_url }),
        "redirect_url",
    );
    browser.open(&url);
    assert_eq!(
        browser.title(),
        "JSAPI场景预约扣费类型签约的预签约",
        "{}",
        browser.url()
    );
    let page = browser.text("main");
    for shown in [
        "微信代扣用户A",
        "2026-12-22",
        "0.01 元",
        "同意并签约",
        "取消",
    ] {
        assert!(page.contains(shown), "the page shows {shown}:\n{page}");
    }
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("signing-page.png");
    browser.screenshot(&shot);
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a real screenshot"
    );
    browser.click("button[name=sign]");
    assert_eq!(browser.text("#result"), "签约成功");
    let notification = merchant.next(&fx.client());
    assert_eq!(notification.event_type, "ENTRUST.SIGN");
    assert_eq!(
        notification.resource["contract_display_account"],
        "微信代扣用户A"
    );

    // Cancel: no notification, and the session cannot be signed afterwards.
    let url = presign(
        &fx,
        JSAPI,
        json!({ "contract_notify_url": notify_url, "out_contract_code": "CANCEL0001" }),
        "redirect_url",
    );
    browser.open(&url);
    browser.click("button[name=cancel]");
    assert_eq!(browser.text("#result"), "已取消签约");
    assert!(
        merchant.within(Duration::from_millis(500)).is_none(),
        "a cancelled session sends no notification"
    );
    let id = url.rsplit('/').next().unwrap();
    assert!(fx.sandbox.session(id).unwrap().cancelled);
    assert!(fx.sandbox.sign(id, None).is_err());

    // A return_url is where the user goes after signing.
    let (return_tx, returned) = mpsc::channel();
    let return_server = HttpServer::bind("127.0.0.1:0", move |request| {
        let _ = return_tx.send(request.target);
        Reply::new(
            200,
            vec![("Content-Type", "text/html".to_owned())],
            b"<p id=back>merchant</p>".to_vec(),
        )
    })
    .unwrap();
    let return_url = format!("http://{}/signed", return_server.addr());
    let url = presign(
        &fx,
        CROSS_BORDER_JSAPI,
        json!({ "success_notify_url": notify_url, "return_url": return_url }),
        "sign_url",
    );
    browser.open(&url);
    browser.click("button[name=sign]");
    assert_eq!(browser.text("#back"), "merchant");
    assert_eq!(browser.url(), return_url);
    assert_eq!(
        returned.recv_timeout(Duration::from_secs(5)).unwrap(),
        "/signed"
    );
    assert_eq!(merchant.next(&fx.client()).event_type, "PAPAY.SIGN");

    // An unknown or expired session: WeChat's error page.
    browser.open(&format!(
        "{}/sandbox/sessions/wxpe0000000000",
        fx.sandbox.base_url()
    ));
    assert!(browser.text("#result").contains("不存在或已过期"));

    // Markup in a value is shown as text and never runs.
    let markup = "<img src=x onerror=alert(1)>";
    let url = presign(
        &fx,
        JSAPI,
        json!({ "contract_notify_url": notify_url, "out_contract_code": "MARKUP0001", "contract_display_account": markup }),
        "redirect_url",
    );
    browser.open(&url);
    assert!(browser.text("table").contains(markup), "shown as text");
    assert!(!browser.alert_open(), "the markup did not run");
    assert!(
        browser.element("img").is_none(),
        "no element was made of it"
    );
}

/// Signing needs the page's form and its token: a GET, or a form without the token, signs
/// nothing.
#[test]
fn a_stray_request_cannot_sign_a_session() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let url = presign(
        &fx,
        JSAPI,
        json!({ "contract_notify_url": merchant.url }),
        "redirect_url",
    );
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let get = agent.get(format!("{url}/sign")).call().unwrap();
    assert_eq!(get.status(), 405);
    let forged = agent
        .post(format!("{url}/sign"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("token=0123456789abcdef")
        .unwrap();
    assert_eq!(forged.status(), 403);
    let page = agent
        .get(&url)
        .header("Accept", "text/html")
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    assert!(page.contains("name=\"token\""), "{page}");
    assert!(merchant.within(Duration::from_millis(300)).is_none());
    let id = url.rsplit('/').next().unwrap();
    assert!(fx.sandbox.session(id).unwrap().delivery.is_none());

    // The page's own form signs.
    let token = page
        .split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let signed = agent
        .post(format!("{url}/sign"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("token={token}"))
        .unwrap();
    assert_eq!(signed.status(), 303);
    assert!(merchant.within(Duration::from_secs(10)).is_some());
}
