//! The sandbox's own pages, for a person at a browser: `GET /sandbox/` shows each merchant with
//! its sessions, contracts and notification deliveries (every attempt and its answer), and the
//! latest requests received; a session's and a contract's page show one in full, and
//! `GET /sandbox/requests` pages the request record. A program asking the same URLs (without
//! `Accept: text/html`) gets their JSON. Every value is escaped, personal data is masked as on
//! the signing page, and nothing needs JavaScript.

mod read;
mod tables;

use crate::delivery::NotificationDelivery;
use crate::html::{self, Width, escape, html, wants_html};
use crate::http_server::{Reply, Request};
use crate::record::{KEYS, PAGE_MAX};
use crate::refusal::Answered;
use crate::server::State;
use crate::sessions::Session;
use crate::signing_page::shown;
use read::Merchant;
use serde_json::Value;
use tables::{Delivery, deliveries, requests_table};

/// How many of each list the overview shows, newest first.
const OVERVIEW_ROWS: usize = 50;
/// How many requests the overview shows; the record's page shows the rest.
const OVERVIEW_REQUESTS: usize = 20;

/// `GET /sandbox/`: the overview, as a page whatever the request accepts (it has no JSON: the
/// routes it links to do).
pub(crate) fn overview(state: &State, _: &Request, _: &str) -> Answered {
    let mut content = format!("<h1>Sandbox</h1>{}", nav());
    content.push_str(&personal_data_note(state));
    for merchant in read::merchants(state) {
        content.push_str(&merchant_section(state, &merchant));
    }
    let by_key = read::contracts_by_key(state);
    let latest = read::latest_requests(state, OVERVIEW_REQUESTS);
    content.push_str(&format!(
        "<h2 id=\"requests\">Latest requests</h2>{}\
         <p class=\"hint\">Newest first. <a href=\"/sandbox/requests\">The whole record</a>, \
         oldest first, a page at a time.</p>",
        requests_table(&latest, &by_key)
    ));
    Ok(html(200, page("Sandbox", &content)))
}

/// One merchant: who it is, then its sessions, contracts and deliveries.
fn merchant_section(state: &State, merchant: &Merchant) -> String {
    let sessions = read::sessions(state, &merchant.mchid, OVERVIEW_ROWS);
    let contracts = read::contracts(state, &merchant.mchid, OVERVIEW_ROWS);
    let mode = match merchant.mode {
        crate::Mode::PublicKey => "WeChat Pay public key",
        crate::Mode::Certificate => "platform certificate",
        crate::Mode::Migration => "changing from platform certificate to public key",
    };
    let triggered = read::triggered(state, &merchant.mchid, OVERVIEW_ROWS);
    // The sessions the contracts were signed in, which the newest sessions may not include.
    let signed_in: Vec<Option<Session>> = contracts
        .shown
        .iter()
        .map(|c| read::session_of(state, &c.id))
        .collect();
    let ended: Vec<Option<NotificationDelivery>> = contracts
        .shown
        .iter()
        .map(|c| read::termination(state, c))
        .collect();
    let mut sent: Vec<Delivery> = Vec::new();
    for ((contract, session), ended) in contracts.shown.iter().zip(&signed_in).zip(&ended) {
        if let Some(d) = ended {
            sent.push(Delivery::termination(&contract.id, d));
        }
        if let Some((session, d)) = session
            .as_ref()
            .and_then(|s| Some((s, s.delivery.as_ref()?)))
        {
            sent.push(Delivery::signing(session, d));
        }
    }
    sent.extend(triggered.iter().map(Delivery::triggered));
    format!(
        "<section class=\"merchant\" id=\"merchant-{mchid}\"><h2>Merchant {mchid}</h2>\
         <table><tr><th>Kind</th><td>{kind}</td></tr>\
         <tr><th>Verifies with</th><td>{mode}</td></tr>\
         <tr><th>Signs with</th><td><code>{serial}</code></td></tr></table>\
         <h3>Sessions ({sessions_count})</h3>{sessions_table}\
         <h3>Contracts ({contracts_count})</h3>{contracts_table}\
         <h3>Notification deliveries</h3>{deliveries}</section>",
        mchid = escape(&merchant.mchid),
        kind = kind(&merchant.standing),
        serial = escape(&merchant.signing_serial),
        sessions_count = counted(sessions.shown.len(), sessions.count),
        sessions_table = tables::sessions(state, &sessions.shown),
        contracts_count = counted(contracts.shown.len(), contracts.count),
        contracts_table = tables::contracts(state, &contracts.shown),
        deliveries = deliveries(&sent),
    )
}

/// What a merchant is: `direct merchant`, `service provider (any sub-merchant)`, or
/// `sub-merchant of <a>SP</a>`, linking to the provider's section.
fn kind(standing: &crate::Standing) -> String {
    use crate::{Kind, SubMerchants};
    match (standing.kind, &standing.provider) {
        (Kind::SubMerchant, Some(sp)) => format!(
            "sub-merchant of <a href=\"#merchant-{0}\">{0}</a>",
            escape(sp)
        ),
        (Kind::ServiceProvider, _) if standing.sub_merchants == SubMerchants::Any => {
            "service provider (acts for any sub_mchid)".to_owned()
        }
        (Kind::ServiceProvider, _) => "service provider (its own sub-merchants)".to_owned(),
        (kind, _) => escape(&kind.as_str().replace('_', " ")),
    }
}

/// `7`, or `newest 50 of 1234` when the list is longer than shown.
fn counted(shown: usize, count: usize) -> String {
    if shown < count {
        format!("newest {shown} of {count}")
    } else {
        count.to_string()
    }
}

/// `GET /sandbox/sessions/{id}/detail`: the session's page for a browser, its JSON (as
/// `GET /sandbox/sessions/{id}` answers it) for a program.
pub(crate) fn session(state: &State, request: &Request, id: &str) -> Answered {
    if !wants_html(request) {
        return crate::admin::session_json(state, id);
    }
    let Some(session) = read::session(state, id) else {
        return Ok(not_found(&format!(
            "No valid session {id}: it expired, or never was."
        )));
    };
    let contract = match &session.contract_id {
        Some(c) => format!("<a href=\"/sandbox/contracts/{0}\">{0}</a>", escape(c)),
        None => "—".to_owned(),
    };
    let user_page = if session.contract_id.is_none() && !session.cancelled {
        format!(
            "<p><a id=\"signing-page\" href=\"/sandbox/sessions/{}\">The user's signing page</a>, \
             where it is signed or cancelled.</p>",
            escape(id)
        )
    } else {
        String::new()
    };
    let sent: Vec<Delivery> = session
        .delivery
        .iter()
        .map(|d| Delivery::signing(&session, d))
        .collect();
    let content = format!(
        "<h1>Session {id_text}</h1>{nav}<table>\
         <tr><th>Product</th><td><code>{endpoint}</code></td></tr>\
         <tr><th>State</th><td id=\"state\">{state_badge}</td></tr>\
         <tr><th>Valid for</th><td>{minutes} min</td></tr>\
         <tr><th>Contract</th><td id=\"contract\">{contract}</td></tr></table>{user_page}\
         <h2>Notification</h2>{deliveries}<h2>Request</h2>{request}",
        id_text = escape(id),
        nav = nav(),
        endpoint = escape(session.endpoint),
        state_badge = tables::session_state(&session),
        minutes = session
            .expires
            .saturating_duration_since(std::time::Instant::now())
            .as_secs()
            .div_ceil(60),
        deliveries = deliveries(&sent),
        request = request_json(state, session.endpoint, &session.request),
    );
    Ok(html(200, page(&format!("Session {id}"), &content)))
}

/// `GET /sandbox/contracts/{id}` for a browser: the contract, the orders taken with it, every
/// notification about it and the request it was signed from.
pub(crate) fn contract(state: &State, id: &str) -> Reply {
    let Some(contract) = read::contract(state, id) else {
        return not_found(&format!("No contract {id}."));
    };
    let signed_by = read::session_of(state, id);
    let signing = signed_by
        .as_ref()
        .and_then(|s| Some((s, s.delivery.as_ref()?)));
    // The signing notification is queued under the contract's id, so it is among these.
    let about = read::contract_deliveries(state, &contract);
    let sent: Vec<Delivery> = about
        .iter()
        .map(|(d, triggered)| match signing {
            Some((s, signed)) if signed.id == d.id => Delivery::signing(s, d),
            _ if contract.termination_id.as_deref() == Some(d.id.as_str()) => {
                Delivery::termination(&contract.id, d)
            }
            _ if *triggered => Delivery::triggered(d),
            _ => Delivery::about_contract(d),
        })
        .collect();
    let orders = tables::orders(&read::orders(state, &contract));
    let session = signed_by.as_ref().map_or("—".to_owned(), |s| {
        format!(
            "<a href=\"/sandbox/sessions/{0}/detail\">{0}</a>",
            escape(&s.id)
        )
    });
    let ended = contract
        .terminated
        .as_ref()
        .map_or("—".to_owned(), |(at, remark)| {
            let remark = remark.as_deref().map(escape).unwrap_or_default();
            format!("{} {remark}", crate::beijing_rfc3339(*at))
        });
    let content = format!(
        "<h1>Contract {id_text}</h1>{nav}<table>\
         <tr><th>Product</th><td><code>{endpoint}</code></td></tr>\
         <tr><th>State</th><td id=\"state\">{state_badge}</td></tr>\
         <tr><th>Signed</th><td>{signed}</td></tr>\
         <tr><th>Terminated</th><td>{ended}</td></tr>\
         <tr><th>Notify URL</th><td><code>{url}</code></td></tr>\
         <tr><th>Session</th><td id=\"session\">{session}</td></tr></table>\
         <h2>Orders</h2>{orders}<h2>Notifications</h2>{deliveries}<h2>Request</h2>{request}",
        id_text = escape(id),
        nav = nav(),
        endpoint = escape(contract.endpoint),
        state_badge = tables::contract_state(&contract),
        signed = crate::beijing_rfc3339(contract.signed_at),
        url = escape(contract.notify_url.as_deref().unwrap_or("—")),
        deliveries = deliveries(&sent),
        request = request_json(state, contract.endpoint, &contract.request),
    );
    html(200, page(&format!("Contract {id}"), &content))
}

/// `GET /sandbox/requests` for a browser: a page of the record, oldest first, with the link to
/// the next.
pub(crate) fn requests(state: &State, after: u64, limit: usize) -> Reply {
    let page_of = read::requests(state, after, limit);
    let by_key = read::contracts_by_key(state);
    let next = match page_of.next_after {
        Some(next) => format!(
            "<p><a id=\"next\" href=\"/sandbox/requests?after={next}&amp;limit={limit}\">\
             Next {limit}</a></p>"
        ),
        None => "<p class=\"hint\">This page reaches the newest request.</p>".to_owned(),
    };
    let content = format!(
        "<h1>Requests</h1>{}<p class=\"hint\">The API requests received, oldest first, after \
         number {after}, up to {limit} (at most {PAGE_MAX}) a page.</p>{}{next}",
        nav(),
        requests_table(&page_of.requests, &by_key)
    );
    html(200, page("Requests", &content))
}

/// The value that names a request (its `out_contract_code`, `user_id` or `out_user_id`), as
/// the request record keeps it.
fn key_of(request: &Value) -> Option<&str> {
    KEYS.iter().find_map(|k| request.get(*k)?.as_str())
}

/// A request as JSON text, personal data masked unless asked.
fn request_json(state: &State, endpoint: &str, request: &Value) -> String {
    let shown = shown(state, endpoint, request);
    let text = serde_json::to_string_pretty(&shown).unwrap_or_default();
    format!("<pre id=\"request\">{}</pre>", escape(&text))
}

fn personal_data_note(state: &State) -> String {
    if read::shows_personal_data(state) {
        "<p class=\"hint\">Personal data is shown in clear (<code>serve --show-personal-data</code>).</p>"
            .to_owned()
    } else {
        "<p class=\"hint\">Personal data is masked as on the signing page \
         (<code>serve --show-personal-data</code> shows it).</p>"
            .to_owned()
    }
}

fn nav() -> &'static str {
    "<nav><a href=\"/sandbox/\">Overview</a> · <a href=\"/sandbox/requests\">Requests</a></nav>"
}

fn page(title: &str, content: &str) -> String {
    html::document("en", title, Width::Wide, content)
}

fn not_found(message: &str) -> Reply {
    let content = format!(
        "<h1>Not found</h1>{}<p class=\"hint\" id=\"result\">{}</p>",
        nav(),
        escape(message)
    );
    html(404, page("Not found", &content))
}

/// What names a session or contract in the tables: its request's key and display account,
/// masked as the pages show them.
fn names(state: &State, endpoint: &str, request: &Value) -> String {
    let shown = shown(state, endpoint, request);
    let key = key_of(&shown).map(escape).unwrap_or_default();
    let account = crate::personal_data::find(
        &shown,
        &[
            "contract_display_account",
            "insured_display_name",
            "user_display_name",
            "display_name",
        ],
    );
    match account {
        Some(account) => format!("{key}<br><span class=\"hint\">{}</span>", escape(account)),
        None => key,
    }
}

/// The link to a session's page.
fn session_link(session: &Session) -> String {
    format!(
        "<a href=\"/sandbox/sessions/{0}/detail\"><code>{0}</code></a>",
        escape(&session.id)
    )
}
