//! The tables the pages are made of: sessions, contracts, a contract's orders, deliveries with
//! their attempts, and requests, each row linking to what it names. Every value is escaped here.

use super::{names, session_link};
use crate::contracts::Contract;
use crate::delivery::NotificationDelivery;
use crate::html::escape;
use crate::money::{Order, OrderState};
use crate::record::Received;
use crate::server::State;
use crate::sessions::Session;
use std::collections::HashMap;
use std::fmt::Write;

/// A notification the sandbox sends, and what it is about.
pub(super) struct Delivery<'a> {
    /// "signing", "termination", "triggered", or "contract" for any other notification about a
    /// contract (a deduction's result, a notice before one, a user's termination asked about).
    what: &'static str,
    /// The session it was signed through, for a signing notification.
    session: Option<&'a Session>,
    contract_id: &'a str,
    sent: &'a NotificationDelivery,
}

impl<'a> Delivery<'a> {
    pub fn signing(session: &'a Session, sent: &'a NotificationDelivery) -> Self {
        Delivery {
            what: "signing",
            session: Some(session),
            contract_id: &sent.contract_id,
            sent,
        }
    }

    pub fn termination(contract_id: &'a str, sent: &'a NotificationDelivery) -> Self {
        Delivery {
            what: "termination",
            session: None,
            contract_id,
            sent,
        }
    }

    /// A notification about the contract it names that is neither its signing nor its
    /// termination.
    pub fn about_contract(sent: &'a NotificationDelivery) -> Self {
        Delivery {
            what: "contract",
            session: None,
            contract_id: &sent.contract_id,
            sent,
        }
    }

    /// One `POST /sandbox/notifications/trigger` sent, about a contract that may be made up.
    pub fn triggered(sent: &'a NotificationDelivery) -> Self {
        Delivery {
            what: "triggered",
            session: None,
            contract_id: &sent.contract_id,
            sent,
        }
    }
}

/// A state as a coloured label: `good`, `bad` or `wait` (or none for neutral).
fn badge(text: &str, tone: &str) -> String {
    format!("<span class=\"state {tone}\">{}</span>", escape(text))
}

pub(super) fn session_state(session: &Session) -> String {
    if session.cancelled {
        badge("cancelled", "")
    } else if session.contract_id.is_some() {
        badge("signed", "good")
    } else {
        badge("open", "wait")
    }
}

pub(super) fn contract_state(contract: &Contract) -> String {
    if contract.terminated.is_some() {
        badge("TERMINATED", "")
    } else {
        badge("SIGNED", "good")
    }
}

fn contract_link(id: &str) -> String {
    format!(
        "<a href=\"/sandbox/contracts/{0}\"><code>{0}</code></a>",
        escape(id)
    )
}

pub(super) fn sessions(state: &State, shown: &[Session]) -> String {
    if shown.is_empty() {
        return "<p class=\"hint\">No session: a pre-sign opens one.</p>".to_owned();
    }
    let mut rows = String::new();
    for s in shown {
        let contract = s
            .contract_id
            .as_deref()
            .map(contract_link)
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr id=\"session-{id}\"><td>{link}</td><td><code>{endpoint}</code></td>\
             <td>{names}</td><td>{state}</td><td>{contract}</td></tr>",
            id = escape(&s.id),
            link = session_link(s),
            endpoint = escape(s.endpoint),
            names = names(state, s.endpoint, &s.request),
            state = session_state(s),
        );
    }
    format!(
        "<table class=\"list\" id=\"sessions\"><tr><th>Session</th><th>Product</th>\
         <th>Names</th><th>State</th><th>Contract</th></tr>{rows}</table>"
    )
}

pub(super) fn contracts(state: &State, shown: &[Contract]) -> String {
    if shown.is_empty() {
        return "<p class=\"hint\">No contract: signing a session makes one.</p>".to_owned();
    }
    let mut rows = String::new();
    for c in shown {
        let ended = c
            .terminated
            .as_ref()
            .map(|(at, _)| crate::beijing_rfc3339(*at))
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr id=\"contract-{id}\"><td>{link}</td><td><code>{endpoint}</code></td>\
             <td>{names}</td><td>{state}</td><td class=\"time\">{signed}</td><td class=\"time\">{ended}</td></tr>",
            id = escape(&c.id),
            link = contract_link(&c.id),
            endpoint = escape(c.endpoint),
            names = names(state, c.endpoint, &c.request),
            state = contract_state(c),
            signed = crate::beijing_rfc3339(c.signed_at),
        );
    }
    format!(
        "<table class=\"list\" id=\"contracts\"><tr><th>Contract</th><th>Product</th>\
         <th>Names</th><th>State</th><th>Signed</th><th>Terminated</th></tr>{rows}</table>"
    )
}

/// A contract's orders: the merchant's number, the state in its family's words, the amount
/// (in the currency's smallest unit), WeChat Pay's number, when it was taken and settled.
pub(super) fn orders(shown: &[Order]) -> String {
    if shown.is_empty() {
        return "<p class=\"hint\">No order: a deduction on this contract makes one.</p>"
            .to_owned();
    }
    let mut rows = String::new();
    for order in shown {
        let word = crate::money::money_named(&order.family)
            .map_or(order.state.name(), |m| m.states.name(order.state));
        let tone = match order.state {
            OrderState::Success => "good",
            OrderState::Failed | OrderState::Closed => "bad",
            OrderState::Accept => "wait",
        };
        let currency = order
            .request
            .pointer("/amount/currency")
            .and_then(|c| c.as_str())
            .unwrap_or("CNY");
        let settled = order
            .settled_at
            .map(crate::beijing_rfc3339)
            .unwrap_or_default();
        let _ = write!(
            rows,
            "<tr id=\"order-{number}\"><td><code>{number}</code></td><td>{state}</td>\
             <td>{amount} {currency}</td><td><code>{transaction}</code></td>\
             <td class=\"time\">{accepted}</td><td class=\"time\">{settled}</td></tr>",
            number = escape(&order.out_trade_no),
            state = badge(word, tone),
            amount = order.amount,
            currency = escape(currency),
            transaction = escape(&order.transaction_id),
            accepted = crate::beijing_rfc3339(order.accepted_at),
        );
    }
    format!(
        "<table class=\"list\" id=\"orders\"><tr><th>Order</th><th>State</th><th>Amount</th>\
         <th>Transaction</th><th>Taken</th><th>Settled</th></tr>{rows}</table>"
    )
}

/// Deliveries, each with every attempt: when, the merchant's answer (or why there was none),
/// and whether it was a signature probe.
pub(super) fn deliveries(sent: &[Delivery]) -> String {
    if sent.is_empty() {
        return "<p class=\"hint\">No notification sent.</p>".to_owned();
    }
    let mut rows = String::new();
    for d in sent {
        // The state first, as the JSON view reads it: a final state never shows with its last
        // attempt missing.
        let state = d.sent.state.as_str();
        let tone = match state {
            "delivered" => "good",
            "gave_up" => "bad",
            _ => "wait",
        };
        let probe_accepted = if d.sent.probe_accepted {
            format!("<br>{}", badge("probe accepted", "bad"))
        } else {
            String::new()
        };
        let about = match d.session {
            Some(s) => format!("{}<br>{}", contract_link(d.contract_id), session_link(s)),
            None => contract_link(d.contract_id),
        };
        let _ = write!(
            rows,
            "<tr id=\"delivery-{id}\"><td><code>{id}</code><br>{what}</td><td>{event}</td>\
             <td>{about}</td><td><code>{url}</code></td><td>{state}{probe_accepted}</td>\
             <td>{attempts}</td></tr>",
            id = escape(&d.sent.id),
            what = d.what,
            event = escape(&d.sent.event_type),
            url = escape(&d.sent.notify_url),
            state = badge(state, tone),
            attempts = attempts(d.sent),
        );
    }
    format!(
        "<table class=\"list deliveries\"><tr><th>Notification</th><th>Event</th><th>About</th>\
         <th>Notify URL</th><th>State</th><th>Attempts</th></tr>{rows}</table>"
    )
}

fn attempts(sent: &NotificationDelivery) -> String {
    let attempts = &sent.attempts;
    if attempts.is_empty() {
        return "<span class=\"hint\">none yet</span>".to_owned();
    }
    let mut items = String::new();
    for a in attempts {
        let answer = match (a.status, &a.error) {
            (Some(status), _) => {
                let tone = if (200..300).contains(&status) {
                    "good"
                } else {
                    "bad"
                };
                badge(&status.to_string(), tone)
            }
            (None, Some(error)) => format!("no answer: {}", escape(error)),
            (None, None) => "no answer".to_owned(),
        };
        let probe = if a.probe {
            format!(" {}", badge("probe", "wait"))
        } else {
            String::new()
        };
        let _ = write!(
            items,
            "<li class=\"attempt\">+{} ms {answer}{probe}</li>",
            a.after_ms
        );
    }
    format!("<ol>{items}</ol>")
}

/// Requests as the record keeps them; a key links to the contract it names, where one does.
pub(super) fn requests_table(requests: &[Received], by_key: &HashMap<String, String>) -> String {
    if requests.is_empty() {
        return "<p class=\"hint\">No API request yet.</p>".to_owned();
    }
    let mut rows = String::new();
    for r in requests {
        let key = match &r.key {
            Some(key) => match by_key.get(key) {
                Some(contract) => format!(
                    "<a href=\"/sandbox/contracts/{}\">{}</a>",
                    escape(contract),
                    escape(key)
                ),
                None => escape(key),
            },
            None => String::new(),
        };
        let status = match r.status {
            Some(s) if (200..300).contains(&s) => badge(&s.to_string(), "good"),
            Some(s) => badge(&s.to_string(), "bad"),
            None => badge("dropped", "bad"),
        };
        let _ = write!(
            rows,
            "<tr id=\"request-{seq}\"><td>{seq}</td><td class=\"time\">{at}</td><td>{method}</td>\
             <td><code>{target}</code></td><td>{key}</td><td>{status}</td></tr>",
            seq = r.seq,
            at = crate::beijing_rfc3339(r.at_ms / 1000),
            method = escape(&r.method),
            target = escape(&r.target),
        );
    }
    format!(
        "<table class=\"list requests\"><tr><th>#</th><th>Received</th><th>Method</th>\
         <th>Target</th><th>Key</th><th>Status</th></tr>{rows}</table>"
    )
}
