//! The sandbox keeps what it knows in DIR: a served sandbox stopped or killed with SIGKILL and
//! served again finds its sessions, contracts, pending notifications and clock; two processes
//! never serve one DIR; `sandbox reset` clears it; a database of a newer schema is refused.

use crate::common;

use common::process::{Group, Scratch};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wxpresign_sandbox::http_server::{HttpServer, Reply};

const BIN: &str = env!("CARGO_BIN_EXE_wxpresign");
const CROSS_BORDER: &str = "v3/global/papay/contracts/app-pre-entrust-sign";
const APPID: &str = "wxd678efh567hg6787";
const INSURANCE_APP: &str = "v3/papay/insurance-sign/contracts/pre-entrust-sign/app";
const SCHEDULED: &str = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/jsapi";

/// A sandbox DIR made by `sandbox init` on a free port, served again and again on that port.
struct Dir {
    scratch: Scratch,
    listen: String,
    config: Value,
}

fn init(name: &str) -> Dir {
    init_with(name, &[])
}

/// `sandbox init DIR` with `options`.
fn init_with(name: &str, options: &[&str]) -> Dir {
    let scratch = Scratch::new(&format!("store-{name}"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port");
    let listen = format!("127.0.0.1:{port}");
    let init = Command::new(BIN)
        .args(["sandbox", "init"])
        .arg(&scratch.0)
        .args(["--listen", &listen])
        .args(options)
        .output()
        .expect("wxpresign runs");
    assert!(init.status.success(), "{init:?}");
    let text = std::fs::read_to_string(scratch.0.join("client.json")).expect("client.json");
    let mut config: Value = serde_json::from_str(&text).expect("JSON");
    config["timeout_ms"] = 3000.into();
    Dir {
        scratch,
        listen,
        config,
    }
}

impl Dir {
    fn path(&self) -> &Path {
        &self.scratch.0
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.listen)
    }

    fn client(&self) -> wxpresign::Client {
        wxpresign::Client::from_json(&self.config.to_string()).expect("the DIR's config")
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
        if first != format!("listening on {}", self.base_url()) {
            let mut stderr = String::new();
            if let Some(mut e) = child.child().stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
            }
            panic!("the sandbox did not start: {first} {stderr}");
        }
        std::thread::spawn(move || for _ in lines {});
        child
    }

    /// `wxpresign sandbox ARGS DIR` run to its end: its status and its stderr.
    fn run(&self, args: &[&str]) -> (bool, String) {
        let output = Command::new(BIN)
            .arg("sandbox")
            .args(args)
            .arg(self.path())
            .output()
            .expect("wxpresign runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// A pre-sign of the cross-border example: the session it opened.
    fn presign(&self, code: &str, notify_url: &str) -> Result<String, wxpresign::Error> {
        let mut request = common::example(CROSS_BORDER);
        request["out_contract_code"] = code.into();
        request["success_notify_url"] = notify_url.into();
        let answer = self.client().call(CROSS_BORDER, &request.to_string())?;
        let session = answer.data["session_id"].as_str();
        Ok(session.expect("the answer names its session").to_owned())
    }

    fn admin(&self, path: &str, method: &str, body: Option<Value>) -> (u16, Value) {
        admin(&format!("{}{path}", self.base_url()), method, body)
    }

    /// Signs `session` as its user would: the contract's id.
    fn sign(&self, session: &str) -> String {
        let (status, signed) = self.admin(
            &format!("/sandbox/sessions/{session}/sign"),
            "POST",
            Some(json!({})),
        );
        assert_eq!(status, 202, "{signed}");
        let contract = signed["contract_id"].as_str();
        contract.expect("a contract").to_owned()
    }

    /// Kills the served process with SIGKILL, as a crash would.
    fn kill(&self, mut served: Group) {
        // SAFETY: kill(2) on the child this test started.
        unsafe { libc::kill(served.id() as libc::pid_t, libc::SIGKILL) };
        let _ = served.child().wait();
    }
}

/// A plain HTTP call to the sandbox's own routes: status and JSON (or Null).
fn admin(url: &str, method: &str, body: Option<Value>) -> (u16, Value) {
    let agent: ureq::Agent = ureq::config::Config::builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .new_agent();
    let answer = match body {
        Some(body) => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.to_string()),
        None if method == "GET" => agent.get(url).call(),
        None => agent.post(url).send_empty(),
    };
    match answer {
        Ok(mut answer) => {
            let status = answer.status().as_u16();
            let text = answer.body_mut().read_to_string().unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::Null))
        }
        Err(e) => (0, Value::String(e.to_string())),
    }
}

/// A merchant's notify endpoint that answers the status it is set to and notes each
/// notification's id with it, before answering.
struct Receiver {
    url: String,
    status: Arc<AtomicU16>,
    got: Arc<Mutex<Vec<(String, u16)>>>,
    _server: HttpServer,
}

fn receiver(status: u16) -> Receiver {
    let answer = Arc::new(AtomicU16::new(status));
    let got = Arc::new(Mutex::new(Vec::new()));
    let (a, g) = (Arc::clone(&answer), Arc::clone(&got));
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let status = a.load(Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let id = body["id"].as_str().unwrap_or_default().to_owned();
        g.lock().unwrap().push((id, status));
        Reply::new(status, Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    Receiver {
        url: format!("http://{}/notify", server.addr()),
        status: answer,
        got,
        _server: server,
    }
}

impl Receiver {
    /// The ids it answered 2xx, once each.
    fn answered(&self) -> HashSet<String> {
        let got = self.got.lock().unwrap();
        got.iter()
            .filter(|(_, s)| (200..300).contains(s))
            .map(|(id, _)| id.clone())
            .collect()
    }

    fn count(&self) -> usize {
        self.got.lock().unwrap().len()
    }

    /// Waits up to `wait` for `id` to be answered 2xx.
    fn waits_for(&self, id: &str, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if self.answered().contains(id) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

/// Sign, a notification that failed once and waits for its retry, `kill -9`, serve again: the
/// contract is queried through the library, and moving the clock past the retry delivers the
/// notification.
#[test]
fn a_signed_contract_and_its_pending_notification_outlive_a_kill_9() {
    let dir = init("restart");
    let merchant = receiver(500);
    let served = dir.serve();
    let session = dir.presign("RESTART0001", &merchant.url).expect("pre-sign");
    let (status, signed) = dir.admin(
        &format!("/sandbox/sessions/{session}/sign"),
        "POST",
        Some(json!({})),
    );
    assert_eq!(status, 202, "{signed}");
    let contract = signed["contract_id"]
        .as_str()
        .expect("a contract")
        .to_owned();
    let notification = signed["id"].as_str().expect("a notification").to_owned();
    let until = Instant::now() + Duration::from_secs(10);
    while merchant.count() == 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(merchant.count(), 1, "the first attempt, answered 500");
    dir.kill(served);

    let _served = dir.serve();
    let found = dir
        .client()
        .request(
            "GET",
            &format!("/v3/global/papay/contracts/{contract}?appid={APPID}"),
            None,
        )
        .expect("the contract signed before the crash is found");
    assert_eq!(found.data["contract_id"], contract.as_str());
    merchant.status.store(200, Ordering::SeqCst);
    let (status, _) = dir.admin("/sandbox/clock", "POST", Some(json!({"advance_secs": 15})));
    assert_eq!(status, 200);
    assert!(
        merchant.waits_for(&notification, Duration::from_secs(5)),
        "the retry due 15 s after the first attempt is delivered once the clock passes it"
    );
}

/// The changes made to contracts after signing, kept as their signing is: a contract its user
/// ended in WeChat, an insurance contract whose periods were lowered and renewed. After a
/// `kill -9` the queries answer as before it, and the day's one modification is still spent.
#[test]
fn a_user_termination_and_changed_policy_periods_outlive_a_kill_9() {
    let dir = init("changes");
    let merchant = receiver(200);
    let served = dir.serve();
    // A fixed Beijing noon, so that the day of the modify limit does not end during the test.
    let noon = json!({"now": "2030-01-02T12:00:00+08:00"});
    assert_eq!(dir.admin("/sandbox/clock", "POST", Some(noon)).0, 200);
    let client = dir.client();

    let session = dir.presign("ENDED0001", &merchant.url).expect("pre-sign");
    let ended = dir.sign(&session);
    let (status, report) = dir.admin(
        &format!("/sandbox/contracts/{ended}/user-terminate"),
        "POST",
        Some(json!({})),
    );
    assert_eq!(
        (status, &report["state"]),
        (200, &json!("TERMINATED")),
        "{report}"
    );
    let ended_query = format!("/v3/global/papay/contracts/{ended}?appid={APPID}");
    let query_ended = || {
        client
            .request("GET", &ended_query, None)
            .expect("query")
            .data
    };
    let before = query_ended();
    assert_eq!(before["termination_mode"], "USER", "{before}");

    let mut request = common::example(INSURANCE_APP);
    request["out_contract_code"] = "CHANGED0001".into();
    request["contract_notify_url"] = merchant.url.as_str().into();
    request["can_auto_insure"] = true.into();
    // A period due after the test's fixed noon: one whose days are past has EXPIRED.
    request["policy_periods"][0]["estimated_deduct_date"] = "2030-01-20".into();
    let answer = client
        .call(INSURANCE_APP, &request.to_string())
        .expect("the insurance pre-sign");
    let session = answer.data["pre_entrustweb_id"]
        .as_str()
        .expect("a session");
    let insured = dir.sign(session);
    let lowered = json!({"appid": APPID, "policy_periods": [{"policy_period_id": 1,
        "estimated_deduct_date": "2030-01-20",
        "estimated_deduct_amount": {"total": 2000, "currency": "CNY"}}]});
    let modify = format!(
        "/v3/papay/insurance-sign/policy-periods/plan-id/12535/contract-id/{insured}/modify"
    );
    let modify_again = || client.request("POST", &modify, Some(&lowered.to_string()));
    modify_again().expect("the first modification of the day");
    let renewal = json!({"appid": APPID, "policy_periods": [{"policy_period_id": 2,
        "estimated_deduct_date": "2030-02-20",
        "estimated_deduct_amount": {"total": 2500, "currency": "CNY"}}]});
    let renew =
        format!("/v3/papay/insurance-sign/contracts/plan-id/12535/contract-id/{insured}/renew");
    client
        .request("POST", &renew, Some(&renewal.to_string()))
        .expect("the renewal");
    let periods_query =
        "/v3/papay/insurance-sign/policy_periods/plan-id/12535/out-contract-code/CHANGED0001";
    let query_periods = || {
        client
            .request("GET", periods_query, None)
            .expect("query")
            .data
    };
    let periods = query_periods();
    let totals: Vec<&Value> = periods["data"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| &p["estimated_deduct_amount"]["total"])
        .collect();
    assert_eq!(totals, [&json!(2000), &json!(2500)], "{periods}");
    dir.kill(served);

    let _served = dir.serve();
    assert_eq!(
        query_ended(),
        before,
        "the user's termination, as before the crash"
    );
    assert_eq!(
        query_periods(),
        periods,
        "the periods as modified and renewed"
    );
    let refused = modify_again().expect_err("the day's modification is spent");
    let api = refused.api_answer().expect("an answer from the sandbox");
    assert_eq!(
        (api.http_status, api.code.as_deref()),
        (403, Some("RULE_LIMIT"))
    );
}

/// A scheduled-deduction code, once signed, is never pre-signed again: the contract that used
/// it is found in DIR after a `kill -9`, so the pre-sign is refused as it was before the crash.
#[test]
fn a_code_signed_before_a_kill_9_is_still_refused_after_it() {
    let dir = init("code-used");
    let served = dir.serve();
    let presign = |code: &str| {
        let mut request = common::example(SCHEDULED);
        request["out_contract_code"] = code.into();
        dir.client().call(SCHEDULED, &request.to_string())
    };
    let answer = presign("USEDONCE0001").expect("the first pre-sign of the code");
    // The JSAPI answer names its session by the page the user would open.
    let prefix = format!("{}/sandbox/sessions/", dir.base_url());
    let session = answer
        .data
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .filter_map(Value::as_str)
        .find_map(|v| v.strip_prefix(&prefix))
        .expect("the answer names its session");
    let (status, signed) = dir.admin(
        &format!("/sandbox/sessions/{session}/sign"),
        "POST",
        Some(json!({})),
    );
    assert!(status == 200 || status == 202, "{status} {signed}");
    dir.kill(served);

    let _served = dir.serve();
    let refused = presign("USEDONCE0001").expect_err("the signed code is refused");
    let api = refused.api_answer().expect("an answer from the sandbox");
    assert_eq!(api.http_status, 400);
    assert_eq!(api.code.as_deref(), Some("INVALID_REQUEST"));
    assert_eq!(
        api.detail["field"], "/out_contract_code",
        "{:?}",
        api.detail
    );
    presign("USEDONCE0002").expect("another code is pre-signed");
}

/// A notification whose first attempt was a probe the merchant accepted keeps, across a
/// `kill -9`, which attempt was the probe and that it was accepted; the correct one follows.
#[test]
fn an_accepted_probe_outlives_a_kill_9_and_the_correct_notification_follows() {
    let dir = init("probe");
    std::fs::write(
        dir.path().join("behaviours.json"),
        json!({ "probes": { "notifications": 1 } }).to_string(),
    )
    .expect("behaviours.json");
    let merchant = receiver(200);
    let served = dir.serve();
    let session = dir.presign("PROBE0001", &merchant.url).expect("pre-sign");
    let (status, signed) = dir.admin(
        &format!("/sandbox/sessions/{session}/sign"),
        "POST",
        Some(json!({})),
    );
    assert_eq!(status, 202, "{signed}");
    let until = Instant::now() + Duration::from_secs(10);
    while merchant.count() == 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(merchant.count(), 1, "the probe, answered 200");
    // The attempt is written once answered: wait until the view has it before the crash.
    let until = Instant::now() + Duration::from_secs(5);
    while dir
        .admin(&format!("/sandbox/sessions/{session}"), "GET", None)
        .1["notification"]["attempts"]
        .as_array()
        .is_none_or(Vec::is_empty)
        && Instant::now() < until
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    dir.kill(served);

    let _served = dir.serve();
    let (_, view) = dir.admin(&format!("/sandbox/sessions/{session}"), "GET", None);
    let sent = &view["notification"];
    assert_eq!(sent["attempts"][0]["probe"], true, "{sent}");
    assert_eq!(sent["probe_accepted"], true, "{sent}");
    assert_eq!(sent["state"], "pending", "{sent}");
    let (status, _) = dir.admin("/sandbox/clock", "POST", Some(json!({"advance_secs": 15})));
    assert_eq!(status, 200);
    let id = sent["id"].as_str().expect("an id").to_owned();
    let until = Instant::now() + Duration::from_secs(5);
    while merchant.count() < 2 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(merchant.answered().contains(&id));
    // The merchant has the attempt before the sandbox has written its answer: wait for it.
    let until = Instant::now() + Duration::from_secs(5);
    let view = loop {
        let (_, view) = dir.admin(&format!("/sandbox/sessions/{session}"), "GET", None);
        if !view["notification"]["attempts"][1].is_null() || Instant::now() >= until {
            break view;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        view["notification"]["attempts"][1]["probe"], false,
        "{view}"
    );
}

/// A clean stop keeps the sessions and the clock; a second serve of a DIR in use is refused,
/// naming DIR, and so is a reset; the one serving goes on.
#[test]
fn a_stopped_sandbox_finds_its_sessions_and_clock_and_a_dir_in_use_is_refused() {
    let dir = init("lock");
    let merchant = receiver(200);
    let served = dir.serve();
    let (status, _) = dir.admin(
        "/sandbox/clock",
        "POST",
        Some(json!({"advance_secs": 3600})),
    );
    assert_eq!(status, 200);
    let session = dir.presign("LOCK0001", &merchant.url).expect("pre-sign");

    let (started, stderr) = dir.run(&["serve", "--listen", "127.0.0.1:0"]);
    assert!(!started, "a second sandbox on the same DIR is refused");
    assert!(
        stderr.contains("another sandbox serves it")
            && stderr.contains(&*dir.path().to_string_lossy()),
        "{stderr}"
    );
    let (reset, stderr) = dir.run(&["reset"]);
    assert!(
        !reset && stderr.contains("another sandbox serves it"),
        "{stderr}"
    );
    let (status, _) = dir.admin(&format!("/sandbox/sessions/{session}"), "GET", None);
    assert_eq!(status, 200, "the first sandbox still serves");

    drop(served);
    let _served = dir.serve();
    let (status, shown) = dir.admin(&format!("/sandbox/sessions/{session}"), "GET", None);
    assert_eq!(status, 200, "{shown}");
    let (_, clock) = dir.admin("/sandbox/clock", "GET", None);
    let ahead = clock["ahead_of_real_secs"].as_i64().unwrap_or_default();
    assert!((3600..3610).contains(&ahead), "{clock}");
}

/// `sandbox reset DIR` clears sessions, contracts and notifications and sets the clock back;
/// the merchant and its keys stay, so DIR/client.json still works.
#[test]
fn reset_clears_contracts_and_keeps_the_merchant() {
    let dir = init("reset");
    let merchant = receiver(200);
    let served = dir.serve();
    dir.admin(
        "/sandbox/clock",
        "POST",
        Some(json!({"advance_secs": 86400})),
    );
    let session = dir.presign("RESET0001", &merchant.url).expect("pre-sign");
    let (_, signed) = dir.admin(
        &format!("/sandbox/sessions/{session}/sign"),
        "POST",
        Some(json!({})),
    );
    let contract = signed["contract_id"].as_str().expect("signed").to_owned();
    drop(served);

    let (reset, stderr) = dir.run(&["reset"]);
    assert!(reset, "{stderr}");
    let _served = dir.serve();
    let (status, _) = dir.admin(&format!("/sandbox/contracts/{contract}"), "GET", None);
    assert_eq!(status, 404, "the contract is gone");
    let (status, _) = dir.admin(&format!("/sandbox/sessions/{session}"), "GET", None);
    assert_eq!(status, 404, "the session is gone");
    let (_, clock) = dir.admin("/sandbox/clock", "GET", None);
    assert_eq!(clock["ahead_of_real_secs"], 0, "{clock}");
    dir.presign("RESET0002", &merchant.url)
        .expect("the merchant's keys still work");
}

/// A rotation outlives a kill -9: served again, the sandbox lists the new certificate and signs
/// with it.
#[test]
fn a_certificate_rotation_outlives_a_kill_9() {
    let dir = init_with("rotation", &["--mode", "certificate"]);
    let served = dir.serve();
    let (status, rotated) = dir.admin("/sandbox/certificates/rotate", "POST", None);
    assert_eq!(status, 200, "{rotated}");
    let serial = rotated["serial_no"].as_str().expect("a serial").to_owned();
    dir.kill(served);

    let _served = dir.serve();
    let client = dir.client();
    let listed: Vec<String> = client
        .download_platform_certificates()
        .expect("downloaded")
        .iter()
        .map(|d| {
            d.to_json()["serial_no"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(listed[1], serial);
    let merchant = receiver(200);
    dir.presign("ROTATED0001", &merchant.url)
        .expect("answers signed with the rotated key verify");
}

/// A DIR from before the database is upgraded by serving it; a database of a newer schema is
/// refused with what to do.
#[test]
fn the_database_carries_its_schema_version() {
    let dir = init("schema");
    let database = dir.path().join(wxpresign_sandbox::DATABASE);
    assert!(
        !database.exists(),
        "init writes no database: as DIRs of before"
    );
    drop(dir.serve());
    let conn = rusqlite::Connection::open(&database).expect("the database");
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, wxpresign_sandbox::SCHEMA_VERSION);
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);

    let (started, stderr) = dir.run(&["serve", "--listen", "127.0.0.1:0"]);
    assert!(!started);
    assert!(
        stderr.contains("schema version 99") && stderr.contains("newer wxpresign"),
        "{stderr}"
    );
}

/// What the crash loop's clients were told, to hold the sandbox to after each restart.
#[derive(Default)]
struct Told {
    /// Sessions a pre-sign answered, by id: the contract a sign answered, if any.
    sessions: HashMap<String, Option<String>>,
    terminated: HashSet<String>,
    operations: u64,
}

/// Runs pre-signs, signs and terminations until `stop`, noting each answer.
fn operate(dir: &Dir, merchant_url: &str, told: &Mutex<Told>, stop: &AtomicBool, round: u64) {
    let client = dir.client();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let Ok(session) = dir.presign(&format!("CRASH{round}X{n}"), merchant_url) else {
            return;
        };
        told.lock().unwrap().sessions.insert(session.clone(), None);
        let (status, signed) = dir.admin(
            &format!("/sandbox/sessions/{session}/sign"),
            "POST",
            Some(json!({})),
        );
        if status != 202 {
            return;
        }
        let contract = signed["contract_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        told.lock()
            .unwrap()
            .sessions
            .insert(session, Some(contract.clone()));
        let ended = client.request(
            "POST",
            &format!("/v3/global/papay/contracts/{contract}/terminate"),
            Some(&json!({ "appid": APPID, "termination_note": "crash" }).to_string()),
        );
        if ended.is_err() {
            return;
        }
        let mut told = told.lock().unwrap();
        told.terminated.insert(contract);
        told.operations += 3;
    }
}

/// What the sandbox, served again, contradicts of what its clients were told and its
/// database of what the merchant answered.
fn violations(dir: &Dir, told: &Told, answered: &HashSet<String>) -> Vec<String> {
    let mut found = Vec::new();
    let conn = rusqlite::Connection::open(dir.path().join(wxpresign_sandbox::DATABASE))
        .expect("the database");
    let mut delivered = conn
        .prepare("SELECT id FROM deliveries WHERE state = 'delivered'")
        .unwrap();
    let ids = delivered.query_map([], |r| r.get::<_, String>(0)).unwrap();
    for id in ids.flatten() {
        if !answered.contains(&id) {
            found.push(format!("delivery {id} marked delivered, never answered"));
        }
    }
    let twice: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT session_id FROM contracts GROUP BY session_id
             HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if twice > 0 {
        found.push(format!("{twice} sessions with two contracts"));
    }
    for (session, contract) in &told.sessions {
        let (status, shown) = dir.admin(&format!("/sandbox/sessions/{session}"), "GET", None);
        if status != 200 {
            found.push(format!("session {session} answered, now {status}"));
        } else if contract.is_some() && shown["contract_id"].as_str() != contract.as_deref() {
            found.push(format!(
                "session {session} signed as {contract:?}, shows {shown}"
            ));
        }
        let Some(contract) = contract else { continue };
        let (status, shown) = dir.admin(&format!("/sandbox/contracts/{contract}"), "GET", None);
        let ended = told.terminated.contains(contract);
        if status != 200 {
            found.push(format!("contract {contract} answered, now {status}"));
        } else if ended && shown["state"] != "TERMINATED" {
            found.push(format!("contract {contract} terminated, now {shown}"));
        }
    }
    found
}

/// `kill -9` at random moments of pre-signs, signs, terminations and deliveries, in a loop:
/// served again, the sandbox has everything a client was told, never two contracts of one
/// session, and no delivery marked done that the merchant did not answer; in the end every
/// notification arrives. Bounded by WXPRESIGN_CRASH_SECS (4 s here; reliability/crash_loop.sh
/// runs it longer).
#[test]
fn kill_9_at_random_moments_loses_nothing_a_client_was_told() {
    let secs: u64 = std::env::var("WXPRESIGN_CRASH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4);
    let dir = init("crash");
    let merchant = receiver(200);
    let told = Mutex::new(Told::default());
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64)
        | 1;
    let mut random = move |below: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % below
    };
    let (mut kills, mut violated) = (0u64, Vec::new());
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        let served = dir.serve();
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| operate(&dir, &merchant.url, &told, &stop, kills));
            std::thread::sleep(Duration::from_millis(20 + random(300)));
            dir.kill(served);
            stop.store(true, Ordering::SeqCst);
        });
        kills += 1;
        let served = dir.serve();
        violated.extend(violations(
            &dir,
            &told.lock().unwrap(),
            &merchant.answered(),
        ));
        drop(served);
    }
    // In the end, every notification queued is delivered and was answered.
    let _served = dir.serve();
    let conn = rusqlite::Connection::open(dir.path().join(wxpresign_sandbox::DATABASE)).unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    let pending = || -> i64 {
        conn.query_row(
            "SELECT COUNT(*) FROM deliveries WHERE state != 'delivered'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    while pending() > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    if pending() > 0 {
        violated.push(format!("{} notifications never delivered", pending()));
    }
    violated.extend(violations(
        &dir,
        &told.lock().unwrap(),
        &merchant.answered(),
    ));
    let operations = told.lock().unwrap().operations;
    eprintln!(
        "crash loop: {kills} kills, {operations} operations answered, {} notifications \
         answered, {} invariant violations",
        merchant.answered().len(),
        violated.len()
    );
    assert!(violated.is_empty(), "{violated:#?}");
    assert!(
        kills >= 3 && operations > 0,
        "{kills} kills, {operations} operations"
    );
}

/// A scheduled deduction's schedule and its accepted order, then `kill -9`: served again, the
/// schedule and the order are found, and the order's result is notified once, after the
/// restart, when the clock passes it.
#[test]
fn an_accepted_deduction_and_its_schedule_outlive_a_kill_9_and_the_result_is_notified_once() {
    let dir = init("money");
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let noted = Arc::clone(&events);
    let merchant = HttpServer::bind("127.0.0.1:0", move |request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let event = body["event_type"].as_str().unwrap_or_default().to_owned();
        noted.lock().unwrap().push(event);
        Reply::new(200, Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    let url = format!("http://{}/notify", merchant.addr());
    let served = dir.serve();
    let d = beijing_day(3);
    let mut request = common::example(SCHEDULED);
    request["out_contract_code"] = "MONEYRESTART01".into();
    request["contract_notify_url"] = url.clone().into();
    request["deduct_schedule"]["estimated_deduct_date"] = d.clone().into();
    request["deduct_schedule"]["estimated_deduct_amount"]["total"] = 1500.into();
    let answer = dir
        .client()
        .call(SCHEDULED, &request.to_string())
        .expect("pre-sign");
    let prefix = format!("{}/sandbox/sessions/", dir.base_url());
    let session = answer
        .data
        .as_object()
        .into_iter()
        .flat_map(|o| o.values())
        .filter_map(Value::as_str)
        .find_map(|v| v.strip_prefix(&prefix))
        .expect("the answer names its session");
    let contract = dir.sign(session);
    let clock = |date: &str, time: &str| {
        let now = json!({"now": format!("{date}T{time}+08:00")});
        let (status, answer) = dir.admin("/sandbox/clock", "POST", Some(now));
        assert_eq!(status, 200, "{answer}");
    };
    clock(&beijing_day(2), "10:00:00");
    let schedule = json!({"contract_id": contract, "appid": APPID,
                          "schedule_amount": {"total": 1500, "currency": "CNY"}});
    dir.client()
        .call(
            "v3/papay/pay/schedules/contract-id/{contract_id}/schedule",
            &schedule.to_string(),
        )
        .expect("scheduled on D-1");
    clock(&d, "10:00:00");
    let apply = json!({"appid": APPID, "out_trade_no": "RESTART1", "description": "会员月费",
                       "transaction_notify_url": url, "contract_id": contract,
                       "amount": {"total": 1500, "currency": "CNY"}});
    dir.client()
        .call("v3/papay/pay/transactions/apply", &apply.to_string())
        .expect("accepted");
    dir.kill(served);

    let _served = dir.serve();
    let mchid = dir.config["mchid"].as_str().unwrap().to_owned();
    let order = |client: &wxpresign::Client| {
        let target = format!("/v3/pay/transactions/out-trade-no/RESTART1?mchid={mchid}");
        client
            .request("GET", &target, None)
            .expect("the order is found")
            .data
    };
    assert_eq!(order(&dir.client())["out_trade_no"], "RESTART1");
    clock(&d, "10:01:00");
    let until = Instant::now() + Duration::from_secs(10);
    let told = |event: &str| {
        events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| *e == event)
            .count()
    };
    while told("TRANSACTION.SUCCESS") == 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        told("TRANSACTION.SUCCESS"),
        1,
        "{:?}",
        events.lock().unwrap()
    );
    assert_eq!(order(&dir.client())["trade_state"], "SUCCESS");
}

/// The Beijing date `days` days from today on the machine's clock, `yyyy-MM-DD`.
fn beijing_day(days: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let text = wxpresign_sandbox::beijing_rfc3339(((now + 8 * 3600) / 86_400 + days) * 86_400);
    text.split('T').next().unwrap().to_owned()
}

/// A credit repayment's schedule record and its waiting deduct order, then `kill -9`: served
/// again, both are found, and the repayment's success is notified once, when the clock reaches
/// the record's date.
#[test]
fn a_repayment_s_schedule_record_and_order_outlive_a_kill_9_and_the_success_is_notified_once() {
    const REPAYMENT: &str = "v3/credit-repayment/partner/contracts/app-presign";
    let dir = init("repayment");
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    let noted = Arc::clone(&events);
    let merchant = HttpServer::bind("127.0.0.1:0", move |request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        let event = body["event_type"].as_str().unwrap_or_default().to_owned();
        noted.lock().unwrap().push(event);
        Reply::new(200, Vec::new(), Vec::new())
    })
    .expect("a loopback port");
    let url = format!("http://{}/notify", merchant.addr());
    let served = dir.serve();
    let mut request = common::example(REPAYMENT);
    request["out_contract_code"] = "REPAYRESTART01".into();
    request["contract_notify_url"] = url.clone().into();
    request["sub_mchid"] = "1900000109".into();
    let answer = dir
        .client()
        .call(REPAYMENT, &request.to_string())
        .expect("pre-sign");
    // The app pre-sign's answer is the session's token itself.
    let session = answer.data["presign_token"]
        .as_str()
        .expect("a presign_token");
    let contract = dir.sign(session);
    let clock = |date: &str, time: &str| {
        let now = json!({"now": format!("{date}T{time}+08:00")});
        let (status, answer) = dir.admin("/sandbox/clock", "POST", Some(now));
        assert_eq!(status, 200, "{answer}");
    };
    clock(&beijing_day(1), "10:00:00");
    let date = beijing_day(2);
    let schedule = json!({"contract_id": contract, "appid": APPID, "openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                          "schedule_items": [{"out_record_id": "RECRESTART1", "sub_mchid": "1900000109",
                                              "repayment_amount": "8000", "repayment_date": date}]});
    dir.client()
        .call(
            "v3/credit-repayment/partner/schedule-records/batch-create",
            &schedule.to_string(),
        )
        .expect("scheduled");
    let repayment = json!({"contract_id": contract, "out_trade_no": "REPAYRESTART1",
                           "out_record_id": "RECRESTART1", "deduct_amount": "8000",
                           "notify_url": url, "description": "信贷还款"});
    dir.client()
        .call(
            "v3/credit-repayment/partner/deduct-orders",
            &repayment.to_string(),
        )
        .expect("taken");
    dir.kill(served);

    let _served = dir.serve();
    let record = json!({"out_record_id": "RECRESTART1", "contract_id": contract});
    let found = dir
        .client()
        .call(
            "v3/credit-repayment/partner/schedule-records/{out_record_id}",
            &record.to_string(),
        )
        .expect("the record is found")
        .data;
    assert_eq!(found["repayment_date"], date.as_str());
    let order = |client: &wxpresign::Client| {
        client
            .call(
                "v3/credit-repayment/partner/deduct-orders/{out_trade_no}",
                r#"{"out_trade_no":"REPAYRESTART1"}"#,
            )
            .expect("the order is found")
            .data
    };
    assert_eq!(
        order(&dir.client())["order_state"],
        "DEDUCT_ORDER_STATE_NOT_PAY"
    );
    clock(&date, "00:00:10");
    let event = "CREDIT_REPAYMENT.DEDUCTION_PAY";
    let told = || {
        events
            .lock()
            .unwrap()
            .iter()
            .filter(|e| *e == event)
            .count()
    };
    let until = Instant::now() + Duration::from_secs(10);
    while told() == 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(told(), 1, "{:?}", events.lock().unwrap());
    assert_eq!(
        order(&dir.client())["order_state"],
        "DEDUCT_ORDER_STATE_PAY_SUCCESS"
    );
}
