//! The user's side of a session: the page WeChat shows at a pre-sign's redirect_url (and the
//! page a mini-program or App would open), server-rendered in Chinese with a little inline CSS,
//! no JavaScript. Every value from the request is escaped; only the members a user reads on
//! WeChat's page are shown, the user's identity masked. The two forms post the session's token,
//! so that a link followed by accident cannot sign.

use super::personal_data::find;
use crate::admin::TOKEN_REQUIRED;
use crate::families;
use crate::html::{self, Width, escape, html, see_other, wants_html};
use crate::http_server::{Reply, Request};
use crate::refusal::Answered;
use crate::server::State as Served;
use crate::sessions::{self, Session};
use serde_json::Value;
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// What the page shows for the session's state.
pub enum State<'a> {
    /// Waiting for the user: the contract and the two buttons.
    Open { token: &'a str, minutes_left: u64 },
    /// Signed: where the user goes back to.
    Signed { returns: Return<'a> },
    /// The user gave up: WeChat Pay sends no notification.
    Cancelled,
}

/// Where a user goes after signing.
pub enum Return<'a> {
    /// The request's `return_url`: the browser is sent there.
    Url(&'a str),
    /// The page that opened the signing page (`return_web`), when the browser said which.
    Referrer(Option<&'a str>),
    /// Back into the mini-program or App that opened it, which a browser cannot do.
    App,
    /// WeChat's own result page: the request names no way back.
    Stay,
}

/// The request members a user reads on WeChat's signing page, with their labels, first match
/// wins for each label.
const SHOWN: &[(&str, &[&str])] = &[
    (
        "签约账户",
        &[
            "contract_display_account",
            "insured_display_name",
            "user_display_name",
            "display_name",
        ],
    ),
    ("签约协议号", &["out_contract_code"]),
    ("模板 ID", &["plan_id", "service_id"]),
    ("保障期自", &["policy_start_date"]),
];

/// A page of the flow: the product's title, the merchant, the contract, and the state's part.
pub fn page(title: &str, mchid: &str, request: &Value, session_id: &str, state: State) -> String {
    document(
        title,
        &format!(
            "<h1>{}</h1><table>{}</table>{}",
            escape(title),
            contract_rows(mchid, request),
            state_part(session_id, state)
        ),
    )
}

/// The table's rows: the merchant, then what the request says of the contract.
fn contract_rows(mchid: &str, request: &Value) -> String {
    let mut rows = String::new();
    let mut row = |label: &str, value: &str| {
        let _ = write!(
            rows,
            "<tr><th>{}</th><td>{}</td></tr>",
            escape(label),
            escape(value)
        );
    };
    row("商户号", mchid);
    if let Some(sub) = request.get("sub_mchid").and_then(Value::as_str) {
        row("子商户号", sub);
    }
    for (label, names) in SHOWN {
        if let Some(value) = names.iter().find_map(|n| request.get(*n)) {
            row(label, &text_of(value));
        }
    }
    // The identity the contract binds, so the user sees whose it is (masked unless the sandbox
    // was asked to show personal data).
    if let Some(name) = find(request, &["real_name", "identification_name"]) {
        row("实名姓名", name);
    }
    if let Some(number) = find(
        request,
        &[
            "id_card_number",
            "identity_id",
            "cred_id",
            "identification_number",
        ],
    ) {
        row("证件号码", number);
    }
    if let Some(end) = request.get("policy_end_date").and_then(Value::as_str) {
        row("保障期至", end);
    }
    let schedule = request.get("deduct_schedule");
    if let Some(date) = schedule.and_then(|s| s["estimated_deduct_date"].as_str()) {
        row("预计扣费日", date);
    }
    if let Some(amount) = schedule.map(|s| &s["estimated_deduct_amount"]) {
        if amount.is_object() {
            row("预计扣费金额", &money(amount));
        }
    }
    if let Some(description) = schedule.and_then(|s| s["description"].as_str()) {
        row("扣费说明", description);
    }
    for period in request["policy_periods"].as_array().into_iter().flatten() {
        row(
            &format!("第{}期", text_of(&period["policy_period_id"])),
            &format!(
                "{} 扣费 {}",
                text_of(&period["estimated_deduct_date"]),
                money(&period["estimated_deduct_amount"])
            ),
        );
    }
    rows
}

/// What the page offers in `state`: the buttons while open, then the outcome.
fn state_part(session_id: &str, state: State) -> String {
    let action = format!("/sandbox/sessions/{}", escape(session_id));
    match state {
        State::Open {
            token,
            minutes_left,
        } => format!(
            "<p class=\"hint\">开通后，商户将按协议从你的微信支付账户扣款。链接 {minutes_left} 分钟内有效。</p>\
             <form method=\"post\" action=\"{action}/sign\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"sign\" class=\"primary\">同意并签约</button></form>\
             <form method=\"post\" action=\"{action}/cancel\"><input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"cancel\">取消</button></form>",
            token = escape(token)
        ),
        State::Signed { returns } => {
            let back = match returns {
                Return::Url(url) => format!(
                    "<p><a id=\"return\" href=\"{}\">返回商户</a></p>",
                    escape(url)
                ),
                Return::Referrer(Some(url)) => format!(
                    "<p><a id=\"return\" href=\"{}\">返回商户页面</a></p>",
                    escape(url)
                ),
                Return::Referrer(None) => {
                    "<p class=\"hint\">微信会带你回到打开签约页的商户页面。</p>".to_owned()
                }
                Return::App => {
                    "<p class=\"hint\">在小程序或 App 中，微信会带你回到商户的小程序或 App。</p>"
                        .to_owned()
                }
                Return::Stay => "<p class=\"hint\">你可以关闭本页。</p>".to_owned(),
            };
            format!("<p class=\"done\" id=\"result\">签约成功</p>{back}")
        }
        State::Cancelled => {
            "<p class=\"done\" id=\"result\">已取消签约</p><p class=\"hint\">商户不会收到签约通知。</p>"
                .to_owned()
        }
    }
}

/// WeChat's error page, for a session that is unknown or expired.
pub fn error(message: &str) -> String {
    document(
        "签约链接已失效",
        &format!(
            "<h1>签约链接已失效</h1><p class=\"hint\" id=\"result\">{}</p>",
            escape(message)
        ),
    )
}

fn document(title: &str, content: &str) -> String {
    html::document("zh-CN", title, Width::Phone, content)
}

/// A JSON value as the page shows it: strings as they are, anything else as JSON.
fn text_of(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// `{"total": 2990, "currency": "CNY"}` as `29.90 元` (totals are in fen).
fn money(amount: &Value) -> String {
    let total = amount["total"].as_u64().unwrap_or(0);
    let unit = match amount["currency"].as_str() {
        None | Some("CNY") => "元".to_owned(),
        Some(other) => other.to_owned(),
    };
    format!("{}.{:02} {unit}", total / 100, total % 100)
}

// The page's routes.

/// The signing page in the session's state: open, signed or cancelled.
pub(crate) fn show(state: &Served, id: &str, request: &Request) -> Reply {
    let Some(session) = state.sessions.get(id) else {
        return html(
            404,
            error("该签约链接不存在或已过期，请回到商户重新发起签约。"),
        );
    };
    // The table's titles add the product in English after " (": the page shows WeChat's.
    let title = wxpresign::endpoints::find(session.endpoint)
        .and_then(|e| e.title.split(" (").next())
        .unwrap_or("签约");
    let shown = if session.cancelled {
        State::Cancelled
    } else if session.contract_id.is_some() {
        State::Signed {
            returns: return_of(
                session.endpoint,
                &session.request,
                request.header("Referer"),
            ),
        }
    } else {
        State::Open {
            token: &session.token,
            minutes_left: session
                .expires
                .saturating_duration_since(Instant::now())
                .as_secs()
                .div_ceil(60),
        }
    };
    let request = shown_request(state, &session);
    html(200, page(title, &session.mchid, &request, id, shown))
}

/// A session's request as the sandbox shows it: personal data masked unless asked.
pub(crate) fn shown_request(state: &Served, session: &Session) -> Value {
    shown(state, session.endpoint, &session.request)
}

/// A pre-sign request of `endpoint` (a session's, or the contract's it became) as the sandbox
/// shows it: personal data masked unless asked.
pub(crate) fn shown(state: &Served, endpoint: &str, request: &Value) -> Value {
    match wxpresign::endpoints::find(endpoint) {
        Some(endpoint) if !state.show_personal_data.load(Ordering::Relaxed) => {
            crate::personal_data::masked(endpoint.request, request)
        }
        _ => request.clone(),
    }
}

/// The signing page's 同意并签约: the same as signing through the API, notification and
/// all, then the browser goes where the request says the user returns (or back to the page,
/// which now shows the result).
pub(crate) fn sign(state: &Served, id: &str) -> Answered {
    sessions::sign(state, id, None)?;
    let page = format!("/sandbox/sessions/{id}");
    let target = state.sessions.get(id).map_or(page.clone(), |s| {
        match return_of(s.endpoint, &s.request, None) {
            Return::Url(url) => url.to_owned(),
            _ => page,
        }
    });
    Ok(see_other(&target))
}

/// A refusal of a signing-page route, as a page for a browser (`Accept: text/html`) and as
/// JSON for a program.
pub(crate) fn paged(request: &Request, result: Answered) -> Answered {
    match result {
        Err(refusal) if wants_html(request) => {
            let message = match refusal.code {
                "RESOURCE_NOT_EXISTS" => {
                    "该签约链接不存在或已过期，请回到商户重新发起签约。".to_owned()
                }
                TOKEN_REQUIRED => "签约请求无效：请从签约页面操作。".to_owned(),
                _ => format!("签约未完成: {}", refusal.message),
            };
            Ok(html(refusal.status, error(&message)))
        }
        other => other,
    }
}

/// Where the user goes after signing, as the request says: its `return_url`, the page that
/// opened the signing page (`return_web`), the app (`return_app`, and the sessions of endpoints
/// whose answer is no URL: a mini-program or App opens them), or nowhere.
pub(crate) fn return_of<'a>(
    endpoint: &str,
    request: &'a Value,
    referrer: Option<&'a str>,
) -> Return<'a> {
    let opened_in_app = families::presign_at(endpoint).is_some_and(|p| !p.answers_url());
    if let Some(url) = request.get("return_url").and_then(Value::as_str) {
        return Return::Url(url);
    }
    if request.get("return_web").and_then(Value::as_bool) == Some(true) {
        return Return::Referrer(referrer);
    }
    if opened_in_app
        || request.get("return_app").and_then(Value::as_bool) == Some(true)
        || request.get("return_appid").is_some()
    {
        return Return::App;
    }
    Return::Stay
}
