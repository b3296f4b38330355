//! `wxpresign`: the demo, the local sandbox, one-off calls and the endpoint list.

use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use std::ffi::{CStr, CString};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wxpresign::endpoints;
use wxpresign::ffi::{self, wxpresign_status};
use wxpresign_sandbox::http_server::{HttpServer, Reply};
use wxpresign_sandbox::merchants::{self, NewMerchant};
use wxpresign_sandbox::notify_test::{FAMILIES, Family, Plan, family_named};
use wxpresign_sandbox::{DEFAULT_LISTEN, Failure, Fault, Identity, Kind, Mode, Sandbox};

#[derive(Parser)]
#[command(
    name = "wxpresign",
    version,
    about = "WeChat Pay APIv3 pre-sign client, local sandbox and demo"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every pre-sign endpoint against a temporary in-process sandbox, then some failures.
    Demo,
    /// The local WeChat Pay pre-sign simulator.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
    /// Call one endpoint for real: request JSON from --data or stdin, answer JSON on stdout.
    Call {
        /// The API path, e.g. v3/edu-papay/contracts/presign, or a template such as
        /// v3/papay/contracts/{contract_id}/notify whose parameters are members of the request.
        endpoint: String,
        /// The client configuration JSON file.
        #[arg(long)]
        config: PathBuf,
        /// The request JSON (read from stdin when absent).
        #[arg(long)]
        data: Option<String>,
    },
    /// WeChat Pay's platform certificates, for merchants in certificate mode.
    Certificates {
        #[command(subcommand)]
        command: CertificatesCommand,
    },
    /// Play WeChat Pay against your notify URL: each event type of the families, a retry of
    /// each, and hostile notifications it must refuse; graded, exit status 0 only when all pass.
    NotifyTest {
        /// Your handler's URL (the only place anything is sent), e.g. http://127.0.0.1:8000/notify.
        url: String,
        /// The sandbox directory whose client.json configures your handler.
        #[arg(long)]
        sandbox: PathBuf,
        /// The merchant to play WeChat Pay for (your handler uses its client.json,
        /// DIR/merchants/MCHID/client.json): `sandbox init`'s when absent.
        #[arg(long)]
        merchant: Option<String>,
        /// A family whose event types are sent (repeatable; all when absent): scheduled_deduct,
        /// insurance, password_exempt, ecommerce, credit_repayment, education, offline_face, global.
        #[arg(long = "family", value_parser = family_named)]
        families: Vec<Family>,
        /// Print {"checks":[...]} instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// List every endpoint, pre-signs and calls on a contract, with its method, C function and
    /// whether it needs Wechatpay-Serial.
    Endpoints {
        /// Print the full table, schemas and examples included, as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CertificatesCommand {
    /// Download, verify and decrypt them (GET /v3/certificates), and write each to
    /// DIR/wechatpay_SERIAL.pem.
    Download {
        /// The client configuration JSON file (with apiv3_key).
        #[arg(long)]
        config: PathBuf,
        /// Where the certificates are written.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum InitMode {
    PublicKey,
    Certificate,
    /// Both a platform certificate and a WeChat Pay public key, for the change from one to
    /// the other (PATCH /sandbox/merchants/{mchid}/behaviours starts it).
    Migration,
}

#[derive(Subcommand)]
enum SandboxCommand {
    /// Create fresh keys and write DIR/client.json (library configuration) and DIR/sandbox.json.
    Init {
        dir: PathBuf,
        #[arg(long, default_value = DEFAULT_LISTEN)]
        listen: String,
        /// How the merchant verifies WeChat Pay: a WeChat Pay public key (what new merchants
        /// get), platform certificates the client downloads from GET /v3/certificates, or both
        /// (migration: client.json carries the certificate and the public key).
        #[arg(long, value_enum, default_value_t = InitMode::PublicKey)]
        mode: InitMode,
    },
    /// Serve the pre-sign endpoints until SIGINT or SIGTERM. DIR/behaviours.json, when
    /// present, sets the merchant's behaviours (probes, key migration, rate limit, http notify
    /// URLs) as PATCH /sandbox/merchants/{mchid}/behaviours does; an added merchant's are in
    /// DIR/merchants/<mchid>/behaviours.json.
    Serve {
        dir: PathBuf,
        /// Overrides the address given to `sandbox init`.
        #[arg(long)]
        listen: Option<String>,
        /// How many milliseconds one second of WeChat's notification retry schedule
        /// (15 s, 15 s, 30 s, 3 min ... over 24 h) lasts; 1000 is the real schedule.
        #[arg(long, default_value_t = 1000)]
        retry_unit_ms: u64,
        /// Also append every request received (and how it was answered) to FILE, one JSON line
        /// each, as GET /sandbox/requests shows them.
        #[arg(long)]
        record: Option<PathBuf>,
        /// Show the user's real name and identity numbers in clear in GET
        /// /sandbox/sessions/{id} and on the signing page, instead of masked (张*, 1****4477).
        #[arg(long)]
        show_personal_data: bool,
    },
    /// Clear DIR's sessions, contracts and notifications, and set its clock back to real
    /// time; the merchants, their keys and the request record stay.
    Reset { dir: PathBuf },
    /// The merchants of a sandbox: direct merchants, service providers and sub-merchants.
    Merchant {
        #[command(subcommand)]
        command: MerchantCommand,
    },
    /// List the magic values that make the sandbox fail on purpose.
    Faults,
}

#[derive(Subcommand)]
enum MerchantCommand {
    /// Add a merchant with a fresh mchid, its own keys and APIv3 key: writes
    /// DIR/merchants/<mchid>/client.json and prints its path last. A direct merchant unless
    /// told otherwise. While a sandbox serves DIR, it adds the merchant and serves it at once.
    Add {
        dir: PathBuf,
        /// A service provider (服务商), calling for the sub-merchants added under it.
        #[arg(long, conflicts_with = "sub_merchant_of")]
        service_provider: bool,
        /// A sub-merchant (特约商户) of the service provider SP_MCHID.
        #[arg(long, value_name = "SP_MCHID")]
        sub_merchant_of: Option<String>,
        /// How the merchant verifies WeChat Pay, as for `sandbox init`.
        #[arg(long, value_enum, default_value_t = InitMode::PublicKey)]
        mode: InitMode,
    },
    /// List the merchants: mchid, kind, service provider, mode and client.json.
    List {
        dir: PathBuf,
        /// Print {"data":[...]} instead of the table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo => demo(),
        Command::Sandbox {
            command: SandboxCommand::Init { dir, listen, mode },
        } => Identity::init_dir(&dir, &listen, mode.into()).map(|()| {
            println!("wrote {0}/client.json and {0}/sandbox.json", dir.display());
            println!("serve it with: wxpresign sandbox serve {}", dir.display());
            ExitCode::SUCCESS
        }),
        Command::Sandbox {
            command:
                SandboxCommand::Serve {
                    dir,
                    listen,
                    retry_unit_ms,
                    record,
                    show_personal_data,
                },
        } => serve(&dir, listen, retry_unit_ms, record, show_personal_data),
        Command::Sandbox {
            command: SandboxCommand::Reset { dir },
        } => reset(&dir),
        Command::Sandbox {
            command: SandboxCommand::Merchant { command },
        } => merchant(command),
        Command::Sandbox {
            command: SandboxCommand::Faults,
        } => {
            for (value, effect) in Fault::ALL {
                println!("{value:<30} {effect}");
            }
            println!(
                "\nIn a deduction's attach (or description; a combined deduction's first \
                 sub-order's), the order fails: a scheduled deduction's PAY_FAIL with \
                 TRANSACTION.FAIL, a cross-border or combined one refused at once (PAYERROR), \
                 a credit repayment's DEDUCT_ORDER_STATE_PAY_FAIL told by its query:"
            );
            for (value, failure) in Failure::ALL {
                println!(
                    "{value:<30} {}: trade_state_desc {}",
                    failure.name(),
                    failure.description()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Call {
            endpoint,
            config,
            data,
        } => call(&endpoint, &config, data),
        Command::Certificates {
            command: CertificatesCommand::Download { config, out },
        } => download_certificates(&config, &out),
        Command::NotifyTest {
            url,
            sandbox,
            merchant,
            families,
            json,
        } => notify_test(&url, &sandbox, merchant.as_deref(), families, json),
        Command::Endpoints { json } => list_endpoints(json),
    };
    result.unwrap_or_else(|e| {
        eprintln!("wxpresign: {e}");
        ExitCode::from(e.kind() as u8)
    })
}

impl From<InitMode> for Mode {
    fn from(mode: InitMode) -> Mode {
        match mode {
            InitMode::PublicKey => Mode::PublicKey,
            InitMode::Certificate => Mode::Certificate,
            InitMode::Migration => Mode::Migration,
        }
    }
}

/// `sandbox merchant add` and `sandbox merchant list`.
fn merchant(command: MerchantCommand) -> wxpresign::error::Result<ExitCode> {
    match command {
        MerchantCommand::Add {
            dir,
            service_provider,
            sub_merchant_of,
            mode,
        } => {
            let kind = match (service_provider, &sub_merchant_of) {
                (true, _) => Kind::ServiceProvider,
                (false, Some(_)) => Kind::SubMerchant,
                (false, None) => Kind::Direct,
            };
            let new = NewMerchant {
                kind,
                provider: sub_merchant_of,
                mode: mode.into(),
            };
            let (mchid, path) = match merchants::add(&dir, &new) {
                Ok(added) => added,
                Err(e) if e.kind() == wxpresign::Kind::Config => return usage(e.message()),
                Err(e) => return Err(e),
            };
            println!("added {} merchant {mchid}", kind.as_str().replace('_', " "));
            println!("{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        MerchantCommand::List { dir, json } => {
            let listed = match merchants::list(&dir) {
                Ok(listed) => listed,
                Err(e) if e.kind() == wxpresign::Kind::Config => return usage(e.message()),
                Err(e) => return Err(e),
            };
            if json {
                let data: Vec<Value> = listed.iter().map(merchants::Listed::to_json).collect();
                println!("{:#}", json!({ "data": data }));
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{:<12} {:<17} {:<12} {:<12} CLIENT.JSON",
                "MCHID", "KIND", "PROVIDER", "MODE"
            );
            for m in &listed {
                println!(
                    "{:<12} {:<17} {:<12} {:<12} {}",
                    m.mchid,
                    m.standing.kind.as_str(),
                    m.standing.provider.as_deref().unwrap_or("-"),
                    merchants::mode_name(m.mode),
                    m.client_json.display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `sandbox reset DIR`.
fn reset(dir: &std::path::Path) -> wxpresign::error::Result<ExitCode> {
    wxpresign_sandbox::reset(dir)?;
    println!(
        "cleared the sessions, contracts and notifications of {}",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `endpoints`: the table as JSON, or one line per endpoint.
fn list_endpoints(json: bool) -> wxpresign::error::Result<ExitCode> {
    if json {
        println!("{:#}", wxpresign::endpoints::describe_all());
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{:<95} {:<72} {:<6} {:<100} METHOD",
        "PATH", "C FUNCTION", "SERIAL", "OFFICIAL PAGE"
    );
    for e in endpoints::all() {
        println!(
            "/{:<94} {:<72} {:<6} {:<100} {}",
            e.path,
            e.c_function(),
            if e.needs_serial() { "yes" } else { "no" },
            e.docs.first().copied().unwrap_or(""),
            e.method.as_str()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A usage error: the message, and exit status 2 as clap gives its own.
fn usage(message: &str) -> wxpresign::error::Result<ExitCode> {
    eprintln!("wxpresign: {message}");
    Ok(ExitCode::from(2))
}

/// `notify-test`: the checks against `url`, as a table or JSON; 0 when all pass, 1 otherwise.
fn notify_test(
    url: &str,
    dir: &std::path::Path,
    merchant: Option<&str>,
    families: Vec<Family>,
    json: bool,
) -> wxpresign::error::Result<ExitCode> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return usage(&format!(
            "{url:?} is not an http:// or https:// URL: give your handler's notify URL"
        ));
    }
    let identity = match merchants::identity_in(dir, merchant) {
        Ok(identity) => identity,
        Err(e) => return usage(e.message()),
    };
    let families = if families.is_empty() {
        FAMILIES.to_vec()
    } else {
        families
    };
    let plan = Plan {
        url,
        families,
        now: wxpresign_sandbox::now_in(dir)?,
    };
    let report = match plan.run(&identity) {
        Ok(report) => report,
        Err(e) if e.kind() == wxpresign::Kind::Config => return usage(e.message()),
        Err(e) => return Err(e),
    };
    if json {
        println!("{:#}", report.to_json());
    } else {
        print!("{}", report.table());
    }
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// DIR/behaviours.json, when present: `init`'s merchant's behaviours from the start, and
/// DIR/merchants/<mchid>/behaviours.json each added merchant's, in the shape
/// PATCH /sandbox/merchants/{mchid}/behaviours takes.
fn apply_behaviours_files(
    sandbox: &Sandbox,
    dir: &std::path::Path,
) -> wxpresign::error::Result<()> {
    for (n, mchid) in sandbox.mchids().iter().enumerate() {
        let path = match n {
            0 => dir.join("behaviours.json"),
            _ => dir
                .join(merchants::MERCHANTS_DIR)
                .join(mchid)
                .join("behaviours.json"),
        };
        apply_behaviours_file(sandbox, mchid, &path)?;
    }
    Ok(())
}

/// One merchant's behaviours file, when present.
fn apply_behaviours_file(
    sandbox: &Sandbox,
    mchid: &str,
    path: &std::path::Path,
) -> wxpresign::error::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(wxpresign::Error::config(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    let patch: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| wxpresign::Error::config(format!("{}: {e}", path.display())))?;
    sandbox
        .set_behaviours_of(mchid, &patch)
        .map_err(|e| wxpresign::Error::config(format!("{}: {}", path.display(), e.message())))
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_signal: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn serve(
    dir: &std::path::Path,
    listen: Option<String>,
    retry_unit_ms: u64,
    record: Option<PathBuf>,
    show_personal_data: bool,
) -> wxpresign::error::Result<ExitCode> {
    let (identity, default_listen) = Identity::load_dir(dir)?;
    let sandbox = Sandbox::start_in(identity, listen.as_deref().unwrap_or(&default_listen), dir)?;
    sandbox.set_retry_unit_ms(retry_unit_ms);
    sandbox.set_show_personal_data(show_personal_data);
    apply_behaviours_files(&sandbox, dir)?;
    if let Some(path) = record {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| {
                wxpresign::Error::config(format!("cannot write {}: {e}", path.display()))
            })?;
        sandbox.record_to(file);
    }
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            request_stop as *const () as libc::sighandler_t,
        );
        libc::signal(
            libc::SIGTERM,
            request_stop as *const () as libc::sighandler_t,
        );
    }
    println!("listening on {}", sandbox.base_url());
    use std::io::Write;
    let _ = std::io::stdout().flush();
    while !STOP.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
    }
    sandbox.shutdown();
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}

fn call(
    endpoint: &str,
    config: &std::path::Path,
    data: Option<String>,
) -> wxpresign::error::Result<ExitCode> {
    // The configuration first: a bad one is reported without waiting for a request on stdin.
    let (status, answer) = match read_config(config).and_then(|config| CClient::new(&config)) {
        Ok(client) => client.call(endpoint, &request_text(data)?),
        Err(failure) => failure,
    };
    println!("{answer}");
    Ok(if status == wxpresign_status::WXPRESIGN_OK {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(status as u8)
    })
}

/// The request given with --data, or else read from stdin.
fn request_text(data: Option<String>) -> wxpresign::error::Result<String> {
    if let Some(data) = data {
        return Ok(data);
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).map_err(|e| {
        wxpresign::Error::argument(format!("cannot read the request from stdin: {e}"))
    })?;
    Ok(s)
}

/// `certificates download`: through wxpresign_platform_certificates_download, each certificate
/// written as PEM, named by its serial as wechatpay-php's CertificateDownloader names them.
fn download_certificates(
    config: &std::path::Path,
    out: &std::path::Path,
) -> wxpresign::error::Result<ExitCode> {
    let (status, answer) = match read_config(config).and_then(|config| CClient::new(&config)) {
        Ok(client) => client.download_certificates(),
        Err(failure) => failure,
    };
    if status != wxpresign_status::WXPRESIGN_OK {
        eprintln!("{answer}");
        return Ok(ExitCode::from(status as u8));
    }
    let answer: Value = serde_json::from_str(&answer).map_err(|e| {
        wxpresign::Error::internal(format!("the library answered invalid JSON: {e}"))
    })?;
    let io = |e: std::io::Error| {
        wxpresign::Error::config(format!("cannot write to {}: {e}", out.display()))
    };
    std::fs::create_dir_all(out).map_err(io)?;
    for certificate in answer["certificates"].as_array().into_iter().flatten() {
        let serial = certificate["serial_no"].as_str().unwrap_or_default();
        let path = out.join(wxpresign::certificates::file_name(serial));
        std::fs::write(
            &path,
            certificate["certificate"].as_str().unwrap_or_default(),
        )
        .map_err(io)?;
        println!(
            "{}  valid {} to {}",
            path.display(),
            certificate["effective_time"].as_str().unwrap_or_default(),
            certificate["expire_time"].as_str().unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The text of the configuration file, or the config status and error JSON that every other
/// failure of the command prints, so a script reads them all alike.
fn read_config(path: &std::path::Path) -> Result<String, (wxpresign_status, String)> {
    std::fs::read_to_string(path).map_err(|e| {
        (
            wxpresign_status::WXPRESIGN_ERR_CONFIG,
            wxpresign::Error::config(format!(
                "cannot read the configuration file {}: {e}",
                path.display()
            ))
            .to_json()
            .to_string(),
        )
    })
}

/// The status and error JSON of an argument the C ABI cannot carry, in the library's own error
/// shape (retryable, may_have_reached_server and all).
fn nul_byte(what: &str) -> (wxpresign_status, String) {
    (
        wxpresign_status::WXPRESIGN_ERR_ARGUMENT,
        wxpresign::Error::argument(format!("{what}: C strings end at the first NUL"))
            .to_json()
            .to_string(),
    )
}

/// The C ABI seen from Rust: the demo and `call` go through exactly what C users get.
struct CClient(*mut ffi::wxpresign_client);

impl CClient {
    /// The client, or the status and error JSON of the failure.
    fn new(config: &str) -> Result<CClient, (wxpresign_status, String)> {
        let config =
            CString::new(config).map_err(|_| nul_byte("the configuration contains a NUL byte"))?;
        let mut client = std::ptr::null_mut();
        let mut error = std::ptr::null_mut();
        // SAFETY: valid pointers; the error string is taken and freed below.
        let status = unsafe { ffi::wxpresign_client_new(config.as_ptr(), &mut client, &mut error) };
        if status == wxpresign_status::WXPRESIGN_OK {
            Ok(CClient(client))
        } else {
            Err((status, take_string(error)))
        }
    }

    fn call(&self, endpoint: &str, request: &str) -> (wxpresign_status, String) {
        let (Ok(endpoint), Ok(request)) = (CString::new(endpoint), CString::new(request)) else {
            return nul_byte("the endpoint or the request contains a NUL byte");
        };
        let mut out = std::ptr::null_mut();
        // SAFETY: the client is live; strings are NUL-terminated; out is taken and freed below.
        let status =
            unsafe { ffi::wxpresign_call(self.0, endpoint.as_ptr(), request.as_ptr(), &mut out) };
        (status, take_string(out))
    }
}

impl CClient {
    /// `wxpresign_request`: any APIv3 call.
    fn request(
        &self,
        method: &str,
        target: &str,
        body: Option<&str>,
    ) -> (wxpresign_status, String) {
        let (Ok(method), Ok(target)) = (CString::new(method), CString::new(target)) else {
            return nul_byte("the method or the path contains a NUL byte");
        };
        let Ok(body) = body.map(CString::new).transpose() else {
            return nul_byte("the body contains a NUL byte");
        };
        let body_ptr = body.as_ref().map_or(std::ptr::null(), |b| b.as_ptr());
        let mut out = std::ptr::null_mut();
        // SAFETY: the client is live; strings are NUL-terminated or the body NULL; out is taken
        // and freed below.
        let status = unsafe {
            ffi::wxpresign_request(self.0, method.as_ptr(), target.as_ptr(), body_ptr, &mut out)
        };
        (status, take_string(out))
    }

    /// `wxpresign_platform_certificates_download`.
    fn download_certificates(&self) -> (wxpresign_status, String) {
        let mut out = std::ptr::null_mut();
        // SAFETY: the client is live; out is taken and freed below.
        let status = unsafe { ffi::wxpresign_platform_certificates_download(self.0, &mut out) };
        (status, take_string(out))
    }

    /// `wxpresign_notification_parse` on a received notification.
    fn parse_notification(&self, headers_json: &str, body: &[u8]) -> (wxpresign_status, String) {
        let Ok(headers) = CString::new(headers_json) else {
            return nul_byte("the notification headers contain a NUL byte");
        };
        let mut out = std::ptr::null_mut();
        // SAFETY: the client is live; body holds body.len() bytes; out is taken and freed below.
        let status = unsafe {
            ffi::wxpresign_notification_parse(
                self.0,
                headers.as_ptr(),
                body.as_ptr().cast(),
                body.len(),
                &mut out,
            )
        };
        (status, take_string(out))
    }
}

impl Drop for CClient {
    fn drop(&mut self) {
        // SAFETY: created by wxpresign_client_new, freed once.
        unsafe { ffi::wxpresign_client_free(self.0) }
    }
}

fn take_string(s: *mut libc::c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: a NUL-terminated string from the library, freed right after copying.
    let text = unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned();
    unsafe { ffi::wxpresign_string_free(s) };
    text
}

/// The fields worth showing from an answer, in a line.
fn summary(data: &Value) -> String {
    let Some(members) = data.as_object() else {
        return data.to_string();
    };
    members
        .iter()
        .map(|(k, v)| {
            let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let v = if v.chars().count() > 48 {
                format!("{}...", v.chars().take(45).collect::<String>())
            } else {
                v
            };
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A merchant notify endpoint on loopback: each delivery goes to the demo, which parses it with
/// the library and hands back the HTTP answer to send.
type Delivery = (String, Vec<u8>, std::sync::mpsc::Sender<(u16, String)>);

fn notify_endpoint()
-> wxpresign::error::Result<(HttpServer, String, std::sync::mpsc::Receiver<Delivery>)> {
    let (tx, rx) = std::sync::mpsc::channel::<Delivery>();
    let server = HttpServer::bind("127.0.0.1:0", move |request| {
        let headers: serde_json::Map<String, Value> = request
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), Value::from(value.as_str())))
            .collect();
        let (answer_tx, answer_rx) = std::sync::mpsc::channel();
        if tx
            .send((Value::Object(headers).to_string(), request.body, answer_tx))
            .is_err()
        {
            return Reply::new(503, Vec::new(), Vec::new());
        }
        let (status, text) = answer_rx.recv().unwrap_or((500, String::new()));
        let headers = vec![("Content-Type", "application/json".to_owned())];
        Reply::new(status, headers, text.into_bytes())
    })
    .map_err(|e| wxpresign::Error::config(format!("cannot listen on loopback: {e}")))?;
    let url = format!("http://{}/wxpay/notify", server.addr());
    Ok((server, url, rx))
}

/// Receives the next notification at the demo's endpoint, parses it with
/// `wxpresign_notification_parse`, sends back the answer the library gives, and prints it.
fn demo_receive(
    client: &CClient,
    deliveries: &std::sync::mpsc::Receiver<Delivery>,
) -> Result<Value, String> {
    let (headers, body, reply) = deliveries
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| "no notification arrived within 10 s")?;
    let (status, parsed) = client.parse_notification(&headers, &body);
    let parsed: Value = serde_json::from_str(&parsed).map_err(|e| e.to_string())?;
    let answer = if status == wxpresign_status::WXPRESIGN_OK {
        &parsed["answer"]
    } else {
        &parsed["error"]["answer"]
    };
    let _ = reply.send((
        answer["status"]
            .as_u64()
            .and_then(|s| u16::try_from(s).ok())
            .unwrap_or(500),
        answer["body"].as_str().unwrap_or_default().to_owned(),
    ));
    if status != wxpresign_status::WXPRESIGN_OK {
        return Err(parsed.to_string());
    }
    println!(
        "  wxpresign_notification_parse verified and decrypted it: {} {}",
        parsed["event_type"].as_str().unwrap_or_default(),
        parsed["summary"].as_str().unwrap_or_default()
    );
    println!("    resource: {}", summary(&parsed["resource"]));
    println!("    answered: HTTP {}", parsed["answer"]["status"]);
    Ok(parsed)
}

/// One contract's whole life: the pre-sign, the user signing, the signing notification, the
/// query that finds the contract, its termination and the termination notification.
fn demo_contract(sandbox: &Sandbox, client: &CClient) -> Result<(), String> {
    println!(
        "
One contract's life (cross-border entrusted deduction):"
    );
    let (_server, url, deliveries) = notify_endpoint().map_err(|e| e.to_string())?;
    let path = "v3/global/papay/contracts/app-pre-entrust-sign";
    let mut request: Value = endpoints::find(path)
        .and_then(|e| serde_json::from_str(e.example).ok())
        .ok_or("no example")?;
    request["success_notify_url"] = url.as_str().into();
    let (status, answer) = client.call(path, &request.to_string());
    let answer: Value = serde_json::from_str(&answer).map_err(|e| e.to_string())?;
    if status != wxpresign_status::WXPRESIGN_OK {
        return Err(answer.to_string());
    }
    let session = sandbox
        .session_named(&answer["data"])
        .ok_or("no session in the pre-sign answer")?;
    println!("  pre-sign: session {session}");
    println!(
        "  the user's signing page: {}/sandbox/sessions/{session} (with `wxpresign sandbox serve DIR` \
         running, a browser opens a session's page to sign or cancel it by hand)",
        sandbox.base_url()
    );
    println!("  the user signs it (POST /sandbox/sessions/{session}/sign)");
    let started = sandbox.sign(&session, None).map_err(|e| e.to_string())?;
    println!("  the sandbox posts {} to {url}", started["event_type"]);
    let signed = demo_receive(client, &deliveries)?;
    let contract_id = signed["resource"]["contract_id"]
        .as_str()
        .ok_or("no contract_id in the notification")?;

    let code = request["out_contract_code"].as_str().unwrap_or_default();
    let appid = request["appid"].as_str().unwrap_or_default();
    let query = format!(
        "/v3/global/papay/contracts/out-contract-code/{code}?appid={appid}&plan_id={}",
        request["plan_id"]
    );
    let (status, found) = client.request("GET", &query, None);
    let found: Value = serde_json::from_str(&found).map_err(|e| e.to_string())?;
    if status != wxpresign_status::WXPRESIGN_OK {
        return Err(found.to_string());
    }
    println!("  wxpresign_request GET {query}");
    println!("    {} {}", found["status"], summary(&found["data"]));
    let terminate = format!("/v3/global/papay/contracts/{contract_id}/terminate");
    let body = json!({ "appid": appid, "termination_note": "用户解约" }).to_string();
    let (status, ended) = client.request("POST", &terminate, Some(&body));
    let ended: Value = serde_json::from_str(&ended).map_err(|e| e.to_string())?;
    if status != wxpresign_status::WXPRESIGN_OK {
        return Err(ended.to_string());
    }
    println!(
        "  wxpresign_request POST {terminate}\n    {} (terminated)",
        ended["status"]
    );
    demo_receive(client, &deliveries)?;
    Ok(())
}

/// One scheduled deduction after its signing, on the sandbox's clock: the contract signed with
/// a deduction date D, the clock moved to D-1 in office hours, the schedule, the clock moved to
/// D, the deduction, its result notified (and the contract's end with it), the order queried.
fn demo_deduction(sandbox: &Sandbox, client: &CClient) -> Result<(), String> {
    println!(
        "\nOne scheduled deduction (委托代扣 · 预约扣费) after its signing, on the sandbox clock:"
    );
    let (_server, url, deliveries) = notify_endpoint().map_err(|e| e.to_string())?;
    let today = demo_clock(sandbox, None)? / 86_400;
    let date = |days: u64| {
        let text = wxpresign_sandbox::beijing_rfc3339((today + days) * 86_400);
        text.split('T').next().unwrap_or_default().to_owned()
    };
    let (d, amount) = (date(3), 1500);
    let path = "v3/papay/scheduled-deduct-sign/contracts/pre-entrust-sign/app";
    let mut request: Value = endpoints::find(path)
        .and_then(|e| serde_json::from_str(e.example).ok())
        .ok_or("no example")?;
    request["out_contract_code"] = "DEMODEDUCT0001".into();
    request["deduct_schedule"]["estimated_deduct_date"] = d.as_str().into();
    request["deduct_schedule"]["estimated_deduct_amount"]["total"] = amount.into();
    let answer = demo_ok(client.call(path, &request.to_string()))?;
    let session = sandbox
        .session_named(&answer["data"])
        .ok_or("no session in the pre-sign answer")?;
    println!("  pre-sign with deduct_schedule {d}, {amount} fen; the user signs");
    sandbox
        .sign(&session, Some(&url))
        .map_err(|e| e.to_string())?;
    let signed = demo_receive(client, &deliveries)?;
    let contract_id = signed["resource"]["contract_id"]
        .as_str()
        .unwrap_or_default();
    let appid = request["appid"].as_str().unwrap_or_default();
    demo_clock(sandbox, Some(format!("{}T10:00:00+08:00", date(2))))?;
    let schedule = "v3/papay/pay/schedules/contract-id/{contract_id}/schedule";
    let body = json!({"contract_id": contract_id, "appid": appid,
                      "schedule_amount": {"total": amount, "currency": "CNY"}});
    let scheduled = demo_ok(client.call(schedule, &body.to_string()))?;
    println!(
        "  {} (预约扣费, D-1 within [8:00,19:30))",
        c_function(schedule)
    );
    println!(
        "    {} {}",
        scheduled["status"],
        summary(&scheduled["data"])
    );
    demo_clock(sandbox, Some(format!("{d}T09:00:00+08:00")))?;
    let apply = "v3/papay/pay/transactions/apply";
    let body = json!({"appid": appid, "out_trade_no": "DEMOORDER0001", "description": "会员月费",
                      "transaction_notify_url": url, "contract_id": contract_id,
                      "amount": {"total": amount, "currency": "CNY"}});
    let accepted = demo_ok(client.call(apply, &body.to_string()))?;
    println!("  {} (受理扣款, on day D)", c_function(apply));
    println!(
        "    {} {} (ACCEPT: the result follows)",
        accepted["status"],
        summary(&accepted["data"])
    );
    let now = demo_clock(sandbox, None)?;
    demo_clock(sandbox, Some(wxpresign_sandbox::beijing_rfc3339(now + 10)))?;
    for _ in 0..2 {
        demo_receive(client, &deliveries)?;
    }
    let query = "v3/pay/transactions/out-trade-no/{out_trade_no}";
    let body = json!({"out_trade_no": "DEMOORDER0001", "mchid": sandbox.identity().mchid});
    let order = demo_ok(client.call(query, &body.to_string()))?;
    let data = &order["data"];
    println!("  {} (查询订单)", c_function(query));
    println!(
        "    {} trade_state={} transaction_id={} success_time={}",
        order["status"],
        data["trade_state"].as_str().unwrap_or_default(),
        data["transaction_id"].as_str().unwrap_or_default(),
        data["success_time"].as_str().unwrap_or_default()
    );
    Ok(())
}

/// The C function of the table's endpoint at `path`.
fn c_function(path: &str) -> String {
    endpoints::find(path).map_or_else(|| path.to_owned(), |e| e.c_function())
}

/// The envelope of a call that succeeded, or its JSON as the error.
fn demo_ok((status, answer): (wxpresign_status, String)) -> Result<Value, String> {
    let answer: Value = serde_json::from_str(&answer).map_err(|e| e.to_string())?;
    if status != wxpresign_status::WXPRESIGN_OK {
        return Err(answer.to_string());
    }
    Ok(answer)
}

/// Moves the sandbox's clock to `to` (RFC 3339) when given, printing it; returns business time
/// then, in Unix seconds.
fn demo_clock(sandbox: &Sandbox, to: Option<String>) -> Result<u64, String> {
    let url = format!("{}/sandbox/clock", sandbox.base_url());
    let answer = match &to {
        Some(now) => ureq::post(&url)
            .header("Content-Type", "application/json")
            .send(json!({ "now": now }).to_string()),
        None => ureq::get(&url).call(),
    };
    let text = answer
        .map_err(|e| e.to_string())?
        .body_mut()
        .read_to_string()
        .map_err(|e| e.to_string())?;
    let clock: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    if to.is_some() {
        println!(
            "  POST /sandbox/clock: it is now {} (Beijing)",
            clock["now"].as_str().unwrap_or_default()
        );
    }
    let unix_ms = clock["unix_ms"]
        .as_i64()
        .ok_or("no time in the clock's answer")?;
    u64::try_from(unix_ms / 1000).map_err(|e| e.to_string())
}

/// Calls every pre-sign endpoint with its example and prints a line for each; returns the
/// failures.
fn demo_endpoints(client: &CClient) -> u32 {
    println!("\n{:<58} {:>6} {:>8}  answer", "endpoint", "status", "time");
    let mut failures = 0;
    for endpoint in endpoints::presigns() {
        let started = Instant::now();
        let (status, answer) = client.call(endpoint.path, endpoint.example);
        let elapsed = started.elapsed();
        let parsed: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
        let (http, shown) = if status == wxpresign_status::WXPRESIGN_OK {
            (parsed["status"].to_string(), summary(&parsed["data"]))
        } else {
            failures += 1;
            (
                "ERR".to_owned(),
                parsed["error"]["message"]
                    .as_str()
                    .unwrap_or(&answer)
                    .to_owned(),
            )
        };
        println!(
            "{:<58} {:>6} {:>6.1}ms  {shown}",
            endpoint.c_function().trim_start_matches("wxpresign_"),
            http,
            elapsed.as_secs_f64() * 1e3
        );
    }
    failures
}

/// Shows the JSON of a validation, an API and a verification failure.
fn demo_failures(client: &CClient) {
    println!("\nWhat failures look like (the JSON every binding receives):");
    let edu = "v3/edu-papay/contracts/presign";
    let mut bad_date: Value =
        serde_json::from_str(endpoints::find(edu).map_or("", |e| e.example)).unwrap_or(Value::Null);
    bad_date["period_start_date"] = "2026-02-30".into();
    let mut system_error = bad_date.clone();
    system_error["period_start_date"] = "2026-12-19".into();
    system_error["user_id"] = "SANDBOXSYSTEMERROR".into();
    let mut forged = system_error.clone();
    forged["user_id"] = "SANDBOXBADSIGNATURE".into();
    for (title, request) in [
        ("invalid request, caught before sending", &bad_date),
        ("WeChat Pay answers 500 SYSTEM_ERROR", &system_error),
        ("an answer signed with the wrong key", &forged),
    ] {
        let (status, answer) = client.call(edu, &request.to_string());
        println!("\n  {title}: status {}\n  {answer}", status as u32);
    }
}

fn demo() -> wxpresign::error::Result<ExitCode> {
    println!(
        "libwxpresign {} demo: a temporary WeChat Pay sandbox on loopback, called through the C ABI\n",
        env!("CARGO_PKG_VERSION")
    );
    let (identity, merchant_key) = Identity::generate()?;
    let sandbox = Sandbox::start(identity, "127.0.0.1:0")?;
    let config = sandbox
        .identity()
        .client_config(&merchant_key, sandbox.base_url())?;
    println!(
        "sandbox   {}  (mchid {}, key {})",
        sandbox.base_url(),
        sandbox.identity().mchid,
        sandbox.identity().platform_serial
    );
    let client =
        CClient::new(&config.to_string()).map_err(|(_, json)| wxpresign::Error::config(json))?;

    let mut failures = demo_endpoints(&client);
    demo_failures(&client);

    if let Err(e) = demo_contract(&sandbox, &client) {
        failures += 1;
        println!("\n  the contract's life failed: {e}");
    }
    if let Err(e) = demo_deduction(&sandbox, &client) {
        failures += 1;
        println!("\n  the scheduled deduction failed: {e}");
    }

    drop(client);
    sandbox.shutdown();
    if failures > 0 {
        println!("\n{failures} endpoint(s) failed");
        return Ok(ExitCode::FAILURE);
    }
    println!(
        "\nall {} pre-sign endpoints answered and verified",
        endpoints::presigns().count()
    );
    // The demo's sandbox is gone with it: the next step is one that stays, for the user's code.
    println!(
        "\nNext, a sandbox of your own for your code to call (DIR/client.json configures the \
         library):\n  wxpresign sandbox init DIR     (from a checkout: cargo run --release -- \
         sandbox init DIR)\n  wxpresign sandbox serve DIR\nMore in docs/sandbox.md."
    );
    Ok(ExitCode::SUCCESS)
}
