//! The sandbox's own pages in a real browser (headless Chromium through chromedriver), as a
//! person looks at a sandbox: `GET /sandbox/` after a contract is signed, one terminated, a
//! delivery refused (a probe among its attempts) and then taken, and a session left open; each
//! row's link leads to its page, the open session's to the signing page. Markup and quotes in
//! a request member are shown as text; personal data is masked unless asked. A screenshot is
//! written to target/tmp/sandbox-dashboard.png (docs/sandbox-dashboard.png is a copy). A
//! contract's page, read as a browser asks for it, shows the orders taken with the contract and
//! every notification about it.
#![cfg(target_os = "linux")]

use crate::browser::Browser;
use crate::common;

use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const JSAPI: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi";

/// A merchant's notify endpoint that answers 500 to the first `refusals` deliveries, then 200.
fn refusing_at_first(refusals: usize) -> (HttpServer, String) {
    let seen = Arc::new(AtomicUsize::new(0));
    let server = HttpServer::bind("127.0.0.1:0", move |_| {
        let status = if seen.fetch_add(1, Ordering::SeqCst) < refusals {
            500
        } else {
            200
        };
        Reply::new(status, Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    let url = format!("http://{}/notify", server.addr());
    (server, url)
}

/// A JSAPI pre-sign with `changes`, through the library; returns its session's id.
fn open_session(fx: &common::Fixture, changes: Value) -> String {
    let answer = common::presign(fx, JSAPI, changes);
    fx.sandbox
        .session_named(&answer.data)
        .expect("the answer names its session")
}

/// Waits until the delivery `state` of `delivery` (a JSON view) is final.
fn settled(mut view: impl FnMut() -> Value) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let delivery = view();
        if delivery["state"] != "pending" {
            return delivery;
        }
        assert!(Instant::now() < deadline, "still pending: {delivery}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A page as a browser asks for it (`Accept: text/html`): its status and HTML.
fn page(fx: &common::Fixture, path: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut answer = agent
        .get(format!("{}{path}", fx.sandbox.base_url()))
        .header("Accept", "text/html")
        .call()
        .expect("the sandbox answers");
    let status = answer.status().as_u16();
    (status, answer.body_mut().read_to_string().expect("a body"))
}

/// A request the sandbox refuses (no Authorization), whose `out_contract_code` the request
/// record keeps all the same.
fn refused_request(fx: &common::Fixture, code: &str) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let answer = agent
        .post(format!("{}/{JSAPI}", fx.sandbox.base_url()))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .send(json!({ "out_contract_code": code }).to_string())
        .expect("the sandbox answers");
    assert_eq!(answer.status().as_u16(), 401);
}

const MARKUP: &str = "<script>alert(\"x\")</script>'";

#[test]
fn the_dashboard_shows_what_the_sandbox_holds_and_links_to_each_detail() {
    let fx = common::sandbox();
    fx.sandbox.set_retry_unit_ms(1);
    let merchant = common::notify_endpoint();

    // Signed: the first attempt is a probe, refused as it should be, the next refused too,
    // the third taken.
    let (_refusing, refusing_url) = refusing_at_first(2);
    fx.sandbox
        .set_behaviours(&json!({ "probes": { "notifications": 1.0 } }))
        .unwrap();
    let signed = open_session(
        &fx,
        json!({ "out_contract_code": "DASHSIGNED01", "contract_notify_url": refusing_url }),
    );
    let delivery = fx.sandbox.sign(&signed, None).unwrap();
    let signed_contract = delivery["contract_id"].as_str().unwrap().to_owned();
    let delivered = settled(|| {
        let session = fx.sandbox.session(&signed).unwrap();
        session.delivery.unwrap().to_json()
    });
    assert_eq!(delivered["state"], "delivered", "{delivered}");
    fx.sandbox
        .set_behaviours(&json!({ "probes": { "notifications": 0.0 } }))
        .unwrap();

    // Signed, then terminated through the family's call.
    let ended = open_session(
        &fx,
        json!({ "out_contract_code": "DASHENDED01", "contract_notify_url": merchant.url }),
    );
    let ended_contract = fx.sandbox.sign(&ended, None).unwrap()["contract_id"]
        .as_str()
        .unwrap()
        .to_owned();
    merchant.next(&fx.client());
    let terminated = fx
        .client()
        .request(
            "POST",
            "/v3/papay/sign/contracts/plan-id/12535/out-contract-code/DASHENDED01/terminate",
            Some(r#"{"contract_termination_remark":"用户要求解约"}"#),
        )
        .expect("the termination is answered");
    assert_eq!(terminated.status, 200);
    assert_eq!(merchant.next(&fx.client()).event_type, "ENTRUST.TERMINATE");

    // Left open, with markup and quotes in a member; and a refused request naming markup.
    let open = open_session(
        &fx,
        json!({ "out_contract_code": "DASHOPEN01", "contract_notify_url": merchant.url,
                "contract_display_account": MARKUP }),
    );
    refused_request(&fx, "<b id=\"bold\">'x'</b>");

    // Escaped in the HTML itself, not only in what a browser makes of it.
    let (status, html) = page(&fx, "/sandbox/");
    assert_eq!(status, 200);
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;b id=&quot;bold&quot;&gt;&#39;x&#39;&lt;/b&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("<script") && !html.contains("<b id"),
        "{html}"
    );

    let browser = Browser::start();
    browser.resize(1280, 1700);
    let overview = format!("{}/sandbox/", fx.sandbox.base_url());
    browser.open(&overview);
    assert_eq!(browser.title(), "Sandbox");
    let row = |css: &str| browser.text(css);
    assert!(row(&format!("#session-{signed}")).contains("signed"));
    assert!(row(&format!("#session-{open}")).contains("open"));
    assert!(row(&format!("#session-{open}")).contains(MARKUP), "as text");
    assert!(row(&format!("#contract-{signed_contract}")).contains("SIGNED"));
    assert!(row(&format!("#contract-{ended_contract}")).contains("TERMINATED"));
    let refused_then_taken = row(&format!("#delivery-{}", delivered["id"].as_str().unwrap()));
    for shown in [
        "ENTRUST.SIGN",
        "delivered",
        "500",
        "200",
        "probe",
        &refusing_url,
    ] {
        assert!(
            refused_then_taken.contains(shown),
            "{shown}: {refused_then_taken}"
        );
    }
    assert_eq!(
        refused_then_taken.matches("ms").count(),
        3,
        "three attempts: {refused_then_taken}"
    );
    assert!(browser.text(".deliveries").contains("ENTRUST.TERMINATE"));
    let requests = browser.text(".requests");
    assert!(requests.contains("<b id=\"bold\">'x'</b>"), "{requests}");
    assert!(requests.contains("401") && requests.contains("DASHSIGNED01"));
    assert!(!browser.alert_open(), "no markup ran");
    assert!(
        browser.element("#bold").is_none(),
        "no element was made of it"
    );
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sandbox-dashboard.png");
    browser.screenshot(&shot);
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 20_000,
        "a real screenshot"
    );

    // A contract's link leads to its page, and that page to the session it was signed in.
    browser.click(&format!("#contract-{ended_contract} a"));
    assert!(
        browser
            .url()
            .ends_with(&format!("/sandbox/contracts/{ended_contract}"))
    );
    assert_eq!(browser.text("#state"), "TERMINATED");
    assert!(browser.text("main").contains("用户要求解约"));
    assert!(browser.text(".deliveries").contains("ENTRUST.TERMINATE"));
    browser.click("#session a");
    assert!(
        browser
            .url()
            .ends_with(&format!("/sandbox/sessions/{ended}/detail"))
    );
    assert_eq!(browser.text("#state"), "signed");
    assert!(browser.text("#request").contains("DASHENDED01"));

    // The open session's page leads to the user's signing page, which signs it.
    browser.open(&overview);
    browser.click(&format!("#session-{open} a"));
    assert_eq!(browser.text("#state"), "open");
    // The request is shown as JSON, so the quotes are JSON's escaped ones.
    let as_json = Value::from(MARKUP).to_string();
    assert!(browser.text("#request").contains(&as_json));
    browser.click("#signing-page");
    browser.click("button[name=sign]");
    assert_eq!(browser.text("#result"), "签约成功");
    merchant.next(&fx.client());
    browser.open(&overview);
    assert!(browser.text(&format!("#session-{open}")).contains("signed"));

    // A request's key leads to the contract it names; the record's page is the same record.
    browser.click("a[href='/sandbox/requests']");
    assert!(browser.url().ends_with("/sandbox/requests"));
    assert!(browser.text(".requests").contains("DASHSIGNED01"));
    browser.click(&format!("a[href='/sandbox/contracts/{signed_contract}']"));
    assert_eq!(browser.text("#state"), "SIGNED");
    assert!(browser.text(".deliveries").contains("probe"));
}

/// The JSON routes still answer programs; an unknown contract or session is a page that says
/// so for a browser; the record's page links to the next.
#[test]
fn programs_get_json_and_the_record_pages_as_its_json_does() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let session = open_session(&fx, json!({ "contract_notify_url": merchant.url }));
    let contract = fx.sandbox.sign(&session, None).unwrap()["contract_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .into();
    let base = fx.sandbox.base_url();
    for path in [
        format!("/sandbox/contracts/{contract}"),
        format!("/sandbox/sessions/{session}/detail"),
        "/sandbox/requests".to_owned(),
    ] {
        let mut answer = agent.get(format!("{base}{path}")).call().unwrap();
        assert_eq!(answer.status(), 200, "{path}");
        let body: Value = serde_json::from_str(&answer.body_mut().read_to_string().unwrap())
            .unwrap_or_else(|e| panic!("{path} answers JSON: {e}"));
        assert!(body.is_object(), "{path}: {body}");
    }

    let (status, html) = page(&fx, "/sandbox/contracts/2026000000000000");
    assert_eq!(status, 404);
    assert!(html.contains("No contract 2026000000000000"), "{html}");
    let (status, _) = page(&fx, "/sandbox/sessions/wxpe000000/detail");
    assert_eq!(status, 404);

    // Three presigns more, paged two at a time; each with a code of its own, as the signed
    // contract's code is never pre-signed again.
    for n in 0..3 {
        let code = format!("wxwtdk2020091010010{n}");
        open_session(
            &fx,
            json!({ "contract_notify_url": merchant.url, "out_contract_code": code }),
        );
    }
    let (_, first) = page(&fx, "/sandbox/requests?limit=2");
    assert!(first.contains("id=\"request-1\"") && first.contains("id=\"request-2\""));
    assert!(!first.contains("id=\"request-3\""));
    assert!(
        first.contains("href=\"/sandbox/requests?after=2&amp;limit=2\""),
        "{first}"
    );
    let (_, last) = page(&fx, "/sandbox/requests?after=2&limit=2");
    assert!(last.contains("id=\"request-3\"") && last.contains("id=\"request-4\""));
    assert!(last.contains("reaches the newest request"), "{last}");
}

/// An insurance contract's insured, 张三 (ID number 110101199003074477), masked on every page
/// unless the sandbox shows personal data.
#[test]
fn the_pages_mask_personal_data_unless_asked_to_show_it() {
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let answer = common::presign(
        &fx,
        common::INSURANCE,
        json!({ "contract_notify_url": merchant.url }),
    );
    let session = fx.sandbox.session_named(&answer.data).unwrap();
    let contract = fx.sandbox.sign(&session, None).unwrap()["contract_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pages = [
        "/sandbox/".to_owned(),
        format!("/sandbox/sessions/{session}/detail"),
        format!("/sandbox/contracts/{contract}"),
    ];
    for path in &pages {
        let (status, html) = page(&fx, path);
        assert_eq!(status, 200, "{path}");
        assert!(
            !html.contains("张三") && !html.contains("110101199003074477"),
            "{html}"
        );
    }
    let (_, detail) = page(&fx, &pages[2]);
    assert!(
        detail.contains("张*") && detail.contains("1*************4477"),
        "{detail}"
    );

    fx.sandbox.set_show_personal_data(true);
    let (_, detail) = page(&fx, &pages[2]);
    assert!(
        detail.contains("张三") && detail.contains("110101199003074477"),
        "{detail}"
    );
}

/// A contract's page shows the money taken with it: each order (its number, its state in the
/// family's words, its amount) and every notification about the contract, the deduction's
/// TRANSACTION.SUCCESS beside the signing one; a failed order shows as failed.
#[test]
fn a_contracts_page_shows_its_orders_and_every_notification_about_it() {
    const GLOBAL_APP: &str = "v3/global/papay/contracts/app-pre-entrust-sign";
    const GLOBAL_DEDUCT: &str = "v3/global/papay/transactions";
    let fx = common::sandbox();
    let merchant = common::notify_endpoint();
    let mut presign = common::example(GLOBAL_APP);
    presign["out_contract_code"] = "DASHMONEY01".into();
    let answer = fx
        .client()
        .call(GLOBAL_APP, &presign.to_string())
        .expect("the pre-sign succeeds");
    let session = fx.sandbox.session_named(&answer.data).unwrap();
    let contract = fx.sandbox.sign(&session, Some(&merchant.url)).unwrap()["contract_id"]
        .as_str()
        .unwrap()
        .to_owned();
    merchant.next(&fx.client());
    let deduction = |number: &str, attach: &str| {
        json!({"appid": presign["appid"], "description": "QQ公仔", "attach": attach,
               "notify_url": merchant.url, "out_trade_no": number, "merchant_category_code": "1011",
               "contract_id": contract, "amount": {"total": 888, "currency": "HKD"}})
    };
    fx.client()
        .call(GLOBAL_DEDUCT, &deduction("DASHPAID01", "gift").to_string())
        .expect("deducted");
    assert_eq!(
        merchant.next(&fx.client()).event_type,
        "TRANSACTION.SUCCESS"
    );
    fx.client()
        .call(
            GLOBAL_DEDUCT,
            &deduction("DASHFAIL01", "SANDBOXNOTENOUGH").to_string(),
        )
        .expect_err("not enough money");

    let (status, html) = page(&fx, &format!("/sandbox/contracts/{contract}"));
    assert_eq!(status, 200);
    let row = |id: &str| {
        let start = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no {id} in {html}"));
        let end = html[start..].find("</tr>").unwrap() + start;
        html[start..end].to_owned()
    };
    let paid = row("order-DASHPAID01");
    assert!(paid.contains("SUCCESS") && paid.contains("888"), "{paid}");
    let failed = row("order-DASHFAIL01");
    assert!(failed.contains("PAYERROR"), "{failed}");
    let notifications = html.split("<h2>Notifications</h2>").nth(1).unwrap();
    assert_eq!(
        notifications.matches("</code><br>signing</td>").count(),
        1,
        "the signing notification, once: {notifications}"
    );
    assert!(
        notifications.contains("TRANSACTION.SUCCESS"),
        "{notifications}"
    );
}
