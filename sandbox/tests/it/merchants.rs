//! Many merchants in one sandbox: `sandbox merchant add` makes direct merchants, service
//! providers and sub-merchants, each with its own keys and client.json; each is checked,
//! answered and notified as itself; another merchant's contracts are not found; a service
//! provider pre-signs for its own sub-merchants only; merchants added while `serve` runs are
//! served at once, and all of it outlives a `kill -9`.

use crate::common;

use common::process::{Group, Scratch};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_wxpresign");
const CROSS_BORDER: &str = "v3/global/papay/contracts/app-pre-entrust-sign";
const PARTNER: &str = "v3/papay/scheduled-deduct-sign/partner/contracts/pre-entrust-sign/jsapi";
const APPID: &str = "wxd678efh567hg6787";

/// A sandbox DIR made by `sandbox init` on a free port.
struct Dir {
    scratch: Scratch,
    listen: String,
}

fn init(name: &str) -> Dir {
    let scratch = Scratch::new(&format!("merchants-{name}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port");
    let listen = format!("127.0.0.1:{port}");
    let init = Command::new(BIN)
        .args(["sandbox", "init"])
        .arg(&scratch.0)
        .args(["--listen", &listen])
        .output()
        .expect("wxpresign runs");
    assert!(init.status.success(), "{init:?}");
    Dir { scratch, listen }
}

/// What a `wxpresign` command did: its status, stdout and stderr.
struct Ran {
    ok: bool,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Dir {
    fn path(&self) -> &Path {
        &self.scratch.0
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.listen)
    }

    /// `wxpresign sandbox ARGS...` with DIR as the argument after `args`, then `more`.
    fn run(&self, args: &[&str], more: &[&str]) -> Ran {
        let output = Command::new(BIN)
            .arg("sandbox")
            .args(args)
            .arg(self.path())
            .args(more)
            .output()
            .expect("wxpresign runs");
        Ran {
            ok: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `sandbox merchant add DIR OPTIONS`: the client.json its last line names.
    fn add(&self, options: &[&str]) -> PathBuf {
        let ran = self.run(&["merchant", "add"], options);
        assert!(ran.ok, "{}{}", ran.stdout, ran.stderr);
        let last = ran.stdout.lines().last().expect("a last line");
        PathBuf::from(last)
    }

    /// `sandbox merchant list DIR --json`.
    fn list(&self) -> Vec<Value> {
        let ran = self.run(&["merchant", "list"], &["--json"]);
        assert!(ran.ok, "{}", ran.stderr);
        let listed: Value = serde_json::from_str(&ran.stdout).expect("JSON");
        listed["data"].as_array().expect("a list").clone()
    }

    /// `wxpresign sandbox serve DIR`, once it listens.
    fn serve(&self) -> Group {
        let mut serve = Command::new(BIN);
        serve
            .args(["sandbox", "serve"])
            .arg(self.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = Group::spawn(serve, libc::SIGTERM).expect("serve starts");
        let stdout = child.child().stdout.take().expect("piped");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        assert_eq!(first, format!("listening on {}", self.base_url()));
        std::thread::spawn(move || for _ in lines {});
        child
    }

    fn kill(&self, mut served: Group) {
        // SAFETY: kill(2) on the child this test started.
        unsafe { libc::kill(served.id() as libc::pid_t, libc::SIGKILL) };
        let _ = served.child().wait();
    }

    fn admin(&self, path: &str, method: &str, body: Option<Value>) -> (u16, Value) {
        let agent: ureq::Agent = ureq::config::Config::builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(5)))
            .build()
            .new_agent();
        let url = format!("{}{path}", self.base_url());
        let answer = match (method, body) {
            ("PATCH", Some(body)) => agent
                .patch(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            (_, Some(body)) => agent
                .post(&url)
                .header("Content-Type", "application/json")
                .send(body.to_string()),
            _ => agent.get(&url).call(),
        };
        let mut answer = answer.expect("the sandbox answers");
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Signs session `id` as the user would: the contract it became.
    fn sign(&self, session: &str) -> String {
        let (status, signed) = self.admin(
            &format!("/sandbox/sessions/{session}/sign"),
            "POST",
            Some(json!({})),
        );
        assert_eq!(status, 202, "{signed}");
        signed["contract_id"]
            .as_str()
            .expect("a contract")
            .to_owned()
    }
}

/// The library's client of a client.json `merchant add` wrote.
fn client(path: &Path) -> wxpresign::Client {
    let text = std::fs::read_to_string(path).expect("client.json");
    wxpresign::Client::from_json(&text).expect("a client.json the library takes")
}

fn mchid(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("client.json");
    let config: Value = serde_json::from_str(&text).expect("JSON");
    config["mchid"].as_str().expect("an mchid").to_owned()
}

/// A cross-border pre-sign by `client`, notified at `notify_url`: the session it opened.
fn presign(client: &wxpresign::Client, code: &str, notify_url: &str) -> String {
    let mut request = common::example(CROSS_BORDER);
    request["out_contract_code"] = code.into();
    request["success_notify_url"] = notify_url.into();
    let answer = client
        .call(CROSS_BORDER, &request.to_string())
        .expect("the merchant's pre-sign is answered and verified");
    answer.data["session_id"]
        .as_str()
        .expect("a session")
        .to_owned()
}

fn query(client: &wxpresign::Client, contract: &str) -> Result<Value, wxpresign::Error> {
    let path = format!("/v3/global/papay/contracts/{contract}?appid={APPID}");
    client.request("GET", &path, None).map(|r| r.data)
}

fn refusal(error: &wxpresign::Error) -> (u16, String) {
    let api = error.api_answer().expect("an answer from the sandbox");
    (api.http_status, api.code.clone().unwrap_or_default())
}

#[test]
fn two_direct_merchants_are_each_answered_notified_and_found_as_themselves_only() {
    let dir = init("two-direct");
    let (a, b) = (dir.add(&[]), dir.add(&[]));
    assert_ne!(mchid(&a), mchid(&b));
    assert!(mchid(&a).len() == 10 && mchid(&a).bytes().all(|c| c.is_ascii_digit()));
    let _served = dir.serve();
    let (client_a, client_b) = (client(&a), client(&b));
    let merchant = common::notify_endpoint();

    let session_a = presign(&client_a, "TWOA0001", &merchant.url);
    let contract_a = dir.sign(&session_a);
    let (headers, body) = merchant
        .within(Duration::from_secs(10))
        .expect("A's notification");
    let signed_a = wxpresign::verification::SignedHeaders::from_pairs(
        headers.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    )
    .expect("WeChat-style headers");
    let notified = client_a
        .parse_notification(&signed_a, &body)
        .expect("A's notification verifies and decrypts with A's client.json");
    assert_eq!(notified.resource["contract_id"], contract_a.as_str());
    assert!(
        client_b.parse_notification(&signed_a, &body).is_err(),
        "B's client refuses A's notification"
    );

    assert_eq!(
        query(&client_a, &contract_a).expect("A finds its contract")["contract_id"],
        contract_a.as_str()
    );
    let not_found = query(&client_b, &contract_a).expect_err("B does not find A's contract");
    assert_eq!(refusal(&not_found).0, 404);

    let session_b = presign(&client_b, "TWOB0001", &merchant.url);
    let contract_b = dir.sign(&session_b);
    let delivered = merchant.next(&client_b);
    assert_eq!(delivered.resource["contract_id"], contract_b.as_str());
}

/// The user of an added merchant's contract ends it in WeChat: WeChat Pay tells that merchant,
/// sealed and signed for it, and its query says the user ended it.
#[test]
fn an_added_merchant_s_contract_ended_by_its_user_is_told_to_that_merchant() {
    let dir = init("user-ends");
    let added = dir.add(&[]);
    let _served = dir.serve();
    let (client_b, merchant) = (client(&added), common::notify_endpoint());
    let contract = dir.sign(&presign(&client_b, "USERENDS0001", &merchant.url));
    assert_eq!(merchant.next(&client_b).event_type, "PAPAY.SIGN");

    let (status, report) = dir.admin(
        &format!("/sandbox/contracts/{contract}/user-terminate"),
        "POST",
        Some(json!({})),
    );
    assert_eq!(
        (status, &report["state"]),
        (200, &json!("TERMINATED")),
        "{report}"
    );
    let told = merchant.next(&client_b);
    assert_eq!(told.event_type, "PAPAY.TERMINATE");
    assert_eq!(
        told.resource["contract_termination_mode"], "USER",
        "{}",
        told.resource
    );
    let found = query(&client_b, &contract).expect("B finds its contract");
    assert_eq!(found["termination_mode"], "USER", "{found}");
}

#[test]
fn merchant_list_shows_inits_merchant_first_then_the_added_ones() {
    let dir = init("list");
    let direct = dir.add(&[]);
    let provider = dir.add(&["--service-provider", "--mode", "certificate"]);
    let sub = dir.add(&["--sub-merchant-of", &mchid(&provider)]);
    let listed = dir.list();
    let shown: Vec<(&str, &str, &str)> = listed
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap_or_default(),
                m["mode"].as_str().unwrap_or_default(),
                m["provider"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    let sp = mchid(&provider);
    assert_eq!(
        shown,
        [
            ("service_provider", "public_key", "-"),
            ("direct", "public_key", "-"),
            ("service_provider", "certificate", "-"),
            ("sub_merchant", "public_key", sp.as_str()),
        ]
    );
    assert_eq!(
        listed[0]["sub_merchants"], "any",
        "init's acts for any sub-merchant"
    );
    assert_eq!(listed[2]["sub_merchants"], "registered");
    assert_eq!(listed[1]["client_json"], direct.display().to_string());
    assert_eq!(listed[3]["client_json"], sub.display().to_string());
    let table = dir.run(&["merchant", "list"], &[]);
    assert!(
        table.ok && table.stdout.contains(&mchid(&sub)),
        "{}",
        table.stdout
    );
}

#[test]
fn merchant_add_names_an_unknown_provider_and_a_provider_that_is_not_one() {
    let dir = init("usage");
    let unknown = dir.run(&["merchant", "add"], &["--sub-merchant-of", "1999999999"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("no merchant 1999999999"),
        "{}",
        unknown.stderr
    );
    let direct = mchid(&dir.add(&[]));
    let of_direct = dir.run(&["merchant", "add"], &["--sub-merchant-of", &direct]);
    assert_eq!(of_direct.code, Some(2));
    assert!(
        of_direct.stderr.contains("not a service provider"),
        "{}",
        of_direct.stderr
    );
    assert_eq!(
        dir.list().len(),
        2,
        "nothing was added by the refused commands"
    );
}

#[test]
fn a_service_provider_presigns_for_its_own_sub_merchants_only() {
    let dir = init("partner");
    let provider = dir.add(&["--service-provider"]);
    let other = dir.add(&["--service-provider"]);
    let own = mchid(&dir.add(&["--sub-merchant-of", &mchid(&provider)]));
    let others = mchid(&dir.add(&["--sub-merchant-of", &mchid(&other)]));
    let direct = dir.add(&[]);
    let _served = dir.serve();
    let partner_presign = |client: &wxpresign::Client, sub: &str| {
        let mut request = common::example(PARTNER);
        request["sub_mchid"] = sub.into();
        client.call(PARTNER, &request.to_string())
    };
    let sp = client(&provider);
    partner_presign(&sp, &own).expect("its own sub-merchant");
    for sub in [others.as_str(), "1999999999"] {
        let refused = partner_presign(&sp, sub).expect_err("not its sub-merchant");
        assert_eq!(refusal(&refused), (403, "NO_AUTH".to_owned()), "{sub}");
    }
    let refused = partner_presign(&client(&direct), &own).expect_err("a direct merchant");
    assert_eq!(refusal(&refused), (403, "NO_AUTH".to_owned()));
    let inits = client(&dir.path().join("client.json"));
    partner_presign(&inits, "1999999999").expect("init's acts for any sub-merchant");
}

#[test]
fn a_merchant_added_while_serve_runs_is_served_at_once_and_outlives_a_kill_9() {
    let dir = init("while-served");
    let served = dir.serve();
    let added = dir.add(&[]);
    let merchant = common::notify_endpoint();
    let session = presign(&client(&added), "LIVE0001", &merchant.url);
    let contract = dir.sign(&session);
    merchant.next(&client(&added));
    let listed = dir.list();
    assert_eq!(listed.len(), 2, "list reads DIR while it is served");
    dir.kill(served);

    let _served = dir.serve();
    let found = query(&client(&added), &contract).expect("its contract after the crash");
    assert_eq!(found["contract_id"], contract.as_str());
    presign(&client(&added), "LIVE0002", &merchant.url);
}

#[test]
fn a_rate_limit_on_one_merchant_leaves_another_alone() {
    let dir = init("rate");
    let (a, b) = (dir.add(&[]), dir.add(&[]));
    let _served = dir.serve();
    let (status, _) = dir.admin(
        &format!("/sandbox/merchants/{}/behaviours", mchid(&a)),
        "PATCH",
        Some(json!({ "rate_limit": { "requests_per_second": 0.01, "burst": 1 } })),
    );
    assert_eq!(status, 200);
    let merchant = common::notify_endpoint();
    presign(&client(&a), "RATEA0001", &merchant.url);
    let mut request = common::example(CROSS_BORDER);
    request["out_contract_code"] = "RATEA0002".into();
    let limited = client(&a)
        .call(CROSS_BORDER, &request.to_string())
        .expect_err("A is over its rate");
    assert_eq!(refusal(&limited).0, 429);
    for n in 0..3 {
        presign(&client(&b), &format!("RATEB000{n}"), &merchant.url);
    }
    let (status, answer) = dir.admin("/sandbox/merchants/1999999999/behaviours", "GET", None);
    assert_eq!(status, 404);
    assert!(
        answer["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1999999999")
    );
}

#[test]
fn a_version_1_dir_is_upgraded_with_its_merchant_as_the_first_row() {
    let dir = init("upgrade");
    let served = dir.serve();
    let inits = dir.path().join("client.json");
    let session = presign(&client(&inits), "UPGRADE0001", "http://127.0.0.1:9/notify");
    let contract = dir.sign(&session);
    drop(served);
    let database = dir.path().join(wxpresign_sandbox::DATABASE);
    let conn = rusqlite::Connection::open(&database).expect("the database");
    // Version 1 had neither the merchants, nor the mark of a triggered delivery, nor what
    // became of a contract after its signing, nor deduction orders.
    conn.execute_batch(
        "DROP TABLE merchants; DROP TABLE orders; ALTER TABLE deliveries DROP COLUMN triggered;
         ALTER TABLE contracts DROP COLUMN terminated_by;
         ALTER TABLE contracts DROP COLUMN changed; ALTER TABLE contracts DROP COLUMN changed_at;
         PRAGMA user_version = 1;",
    )
    .expect("a version-1 database");
    drop(conn);

    let added = dir.add(&[]);
    let conn = rusqlite::Connection::open(&database).expect("the database");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, wxpresign_sandbox::SCHEMA_VERSION);
    let orders: i64 = conn
        .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))
        .expect("the upgrade adds the deduction orders' table");
    assert_eq!(orders, 0);
    let rows: Vec<String> = conn
        .prepare("SELECT mchid FROM merchants ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, [mchid(&inits), mchid(&added)]);
    drop(conn);
    let _served = dir.serve();
    let found = query(&client(&inits), &contract).expect("the version-1 contract is found");
    assert_eq!(found["state"], "SIGNED", "{found}");
}

/// The serials of the platform certificates `client` downloads.
fn certificate_serials(client: &wxpresign::Client) -> Vec<String> {
    let downloaded = client
        .download_platform_certificates()
        .expect("the merchant's certificates download, verify and decrypt");
    downloaded.iter().map(|c| c.serial_no.clone()).collect()
}

#[test]
fn a_certificate_merchant_downloads_its_own_certificates_and_rotates_them_alone() {
    let dir = init("certificates");
    let (a, b) = (
        dir.add(&["--mode", "certificate"]),
        dir.add(&["--mode", "certificate"]),
    );
    let _served = dir.serve();
    let (client_a, client_b) = (client(&a), client(&b));
    let (before_a, before_b) = (
        certificate_serials(&client_a),
        certificate_serials(&client_b),
    );
    assert_ne!(before_a, before_b, "each merchant has its own platform");

    let (status, rotated) = dir.admin(
        "/sandbox/certificates/rotate",
        "POST",
        Some(json!({ "mchid": mchid(&b) })),
    );
    assert_eq!(status, 200, "{rotated}");
    let serial = rotated["serial_no"].as_str().expect("the new serial");
    assert!(certificate_serials(&client_b).iter().any(|s| s == serial));
    assert_eq!(
        certificate_serials(&client_a),
        before_a,
        "A's are untouched"
    );
    let merchant = common::notify_endpoint();
    presign(&client(&b), "ROTATED0001", &merchant.url);

    let (status, answer) = dir.admin(
        "/sandbox/certificates/rotate",
        "POST",
        Some(json!({ "mchid": "1999999999" })),
    );
    assert_eq!(status, 404);
    assert!(
        answer["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1999999999")
    );
}

#[test]
fn a_contract_code_is_used_once_per_merchant() {
    const SCHEDULED: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi";
    let dir = init("codes");
    let (a, b) = (dir.add(&[]), dir.add(&[]));
    let _served = dir.serve();
    let presign_code = |config: &Path| {
        let mut request = common::example(SCHEDULED);
        request["out_contract_code"] = "SHARED0001".into();
        client(config).call(SCHEDULED, &request.to_string())
    };
    let answer = presign_code(&a).expect("A's first pre-sign of the code");
    let prefix = format!("{}/sandbox/sessions/", dir.base_url());
    let session = answer
        .data
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .filter_map(Value::as_str)
        .find_map(|v| v.strip_prefix(&prefix))
        .expect("the answer names its session")
        .to_owned();
    let (status, signed) = dir.admin(
        &format!("/sandbox/sessions/{session}/sign"),
        "POST",
        Some(json!({})),
    );
    assert!(status == 200 || status == 202, "{status} {signed}");
    let refused = presign_code(&a).expect_err("A signed the code");
    assert_eq!(refusal(&refused), (400, "INVALID_REQUEST".to_owned()));
    presign_code(&b).expect("B's codes are its own");
}

#[test]
fn the_merchants_route_adds_only_what_a_program_asks_and_answers_no_key() {
    let dir = init("route");
    let _served = dir.serve();
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let url = format!("{}/sandbox/merchants", dir.base_url());
    let cross_site = agent
        .post(&url)
        .header("Content-Type", "application/json")
        .header("Origin", "http://evil.example")
        .send("{}")
        .expect("an answer");
    assert_eq!(cross_site.status().as_u16(), 403);
    let (status, answer) = dir.admin(
        "/sandbox/merchants",
        "POST",
        Some(json!({ "kind": "sub_merchant" })),
    );
    assert_eq!(status, 400, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--sub-merchant-of")
    );
    assert_eq!(dir.list().len(), 1, "nothing was added");

    let (status, added) = dir.admin(
        "/sandbox/merchants",
        "POST",
        Some(json!({ "kind": "service_provider", "mode": "certificate" })),
    );
    assert_eq!(status, 201, "{added}");
    let text = added.to_string();
    assert!(
        !text.contains("PRIVATE KEY") && !text.contains("apiv3"),
        "{text}"
    );
    assert_eq!(added["kind"], "service_provider");
    let config = PathBuf::from(added["client_json"].as_str().expect("its client.json"));
    assert_eq!(mchid(&config), added["mchid"].as_str().unwrap_or_default());

    let (status, listed) = dir.admin("/sandbox/merchants", "GET", None);
    assert_eq!(status, 200);
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(2));
}

#[test]
fn the_overview_shows_each_merchant_with_its_kind_and_reset_keeps_them() {
    let dir = init("overview");
    let provider = dir.add(&["--service-provider"]);
    let sub = dir.add(&["--sub-merchant-of", &mchid(&provider)]);
    let served = dir.serve();
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let page = agent
        .get(format!("{}/sandbox/", dir.base_url()))
        .header("Accept", "text/html")
        .call()
        .expect("the overview")
        .body_mut()
        .read_to_string()
        .expect("a page");
    for merchant in [&provider, &sub] {
        assert!(
            page.contains(&format!("id=\"merchant-{}\"", mchid(merchant))),
            "{page}"
        );
    }
    assert!(
        page.contains(&format!(
            "sub-merchant of <a href=\"#merchant-{0}\">{0}</a>",
            mchid(&provider)
        )),
        "{page}"
    );
    drop(served);

    let reset = dir.run(&["reset"], &[]);
    assert!(reset.ok, "{}", reset.stderr);
    assert_eq!(dir.list().len(), 3, "reset keeps the merchants");
    let _served = dir.serve();
    let mut request = common::example(PARTNER);
    request["sub_mchid"] = mchid(&sub).into();
    client(&provider)
        .call(PARTNER, &request.to_string())
        .expect("the provider and its sub-merchant outlive the reset");
}

#[test]
fn an_added_merchant_s_behaviours_file_is_read_at_start() {
    let dir = init("behaviours-file");
    let added = dir.add(&[]);
    let folder = added.parent().expect("its folder");
    std::fs::write(
        folder.join("behaviours.json"),
        r#"{"rate_limit": {"requests_per_second": 5}}"#,
    )
    .expect("writes");
    let _served = dir.serve();
    let (status, shown) = dir.admin(
        &format!("/sandbox/merchants/{}/behaviours", mchid(&added)),
        "GET",
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(shown["rate_limit"]["requests_per_second"], 5.0, "{shown}");
    let inits = mchid(&dir.path().join("client.json"));
    let (_, shown) = dir.admin(
        &format!("/sandbox/merchants/{inits}/behaviours"),
        "GET",
        None,
    );
    assert_eq!(
        shown["rate_limit"]["requests_per_second"],
        Value::Null,
        "{shown}"
    );
}
