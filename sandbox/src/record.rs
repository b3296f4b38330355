//! The sandbox's record of what it received: every API request (not the `/sandbox/` routes)
//! with its method, target, nonce, the value that names it (`out_contract_code`, or `user_id` or
//! `out_user_id` where a request has no contract code) and the answer it was given or that the
//! connection was dropped. Read a page at a time at `GET /sandbox/requests`, oldest first;
//! `serve --record FILE` also appends each as a JSON line. The reliability checks compare what
//! the library reported with it.
//!
//! Anyone can send the sandbox requests, so what it keeps is bounded in bytes: each text is cut
//! to [`TEXT_KEPT_BYTES`] and the oldest records go once [`BUDGET_BYTES`] is reached.

use super::Authorization;
use super::http_server::{Reply, Request};
use super::refusal::lock;
use serde::Serialize;
use std::collections::VecDeque;
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The longest method, target, nonce or key kept; a longer one is cut there (at a character
/// boundary) and ends with [`TRUNCATED`].
pub const TEXT_KEPT_BYTES: usize = 512;
/// What ends a text that was cut.
pub const TRUNCATED: &str = "…[truncated]";
/// The bytes the records kept may take; past it the oldest are dropped (their numbers are not
/// reused).
pub const BUDGET_BYTES: usize = 16 * 1024 * 1024;
/// The records a page holds when the query names no `limit`, and the most it may name.
pub const PAGE_DEFAULT: usize = 100;
pub const PAGE_MAX: usize = 1000;

/// Members that name a request, first found wins.
pub(crate) const KEYS: &[&str] = &["out_contract_code", "user_id", "out_user_id"];

/// One received request.
#[derive(Clone, Debug, Serialize)]
pub struct Received {
    pub seq: u64,
    /// Milliseconds since the Unix epoch when the answer was decided.
    pub at_ms: u64,
    pub method: String,
    pub target: String,
    pub nonce: Option<String>,
    pub key: Option<String>,
    /// The status answered; none when the connection was dropped.
    pub status: Option<u16>,
}

impl Received {
    /// What the record counts against its budget for this one.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Received>()
            + self.method.len()
            + self.target.len()
            + self.nonce.as_ref().map_or(0, String::len)
            + self.key.as_ref().map_or(0, String::len)
    }
}

/// A page of the record: the requests after a sequence number, and where the next page starts.
#[derive(Debug, Serialize)]
pub struct Page {
    pub requests: Vec<Received>,
    /// The `after` of the next page; none when this page reaches the newest record.
    pub next_after: Option<u64>,
}

#[derive(Default)]
struct Kept {
    /// How many were received, dropped ones included.
    count: u64,
    records: VecDeque<Received>,
    bytes: usize,
}

impl Kept {
    /// Keeps `received`, dropping the oldest past the budget.
    fn push(&mut self, received: Received) {
        self.bytes += received.bytes();
        self.records.push_back(received);
        while self.bytes > BUDGET_BYTES {
            let Some(oldest) = self.records.pop_front() else {
                break;
            };
            self.bytes -= oldest.bytes();
        }
    }
}

#[derive(Default)]
pub struct Record {
    kept: Mutex<Kept>,
    file: Mutex<Option<std::fs::File>>,
}

/// `text` cut to [`TEXT_KEPT_BYTES`], marked when it was.
fn bounded(text: &str) -> String {
    if text.len() <= TEXT_KEPT_BYTES {
        return text.to_owned();
    }
    let mut end = TEXT_KEPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{TRUNCATED}", &text[..end])
}

impl Record {
    /// Also append each request to `file` as a JSON line.
    pub fn write_to(&self, file: std::fs::File) {
        *lock(&self.file) = Some(file);
    }

    /// Notes `request` and how it was answered; returns the record kept, for the store.
    pub fn note(&self, request: &Request, reply: &Reply) -> Option<Received> {
        if request.path().starts_with("/sandbox/") {
            return None;
        }
        let body: Option<serde_json::Value> = serde_json::from_slice(&request.body).ok();
        let key = body.as_ref().and_then(|b| {
            KEYS.iter()
                .find_map(|k| b.get(*k).and_then(|v| v.as_str()).map(bounded))
        });
        let nonce = request
            .header("Authorization")
            .and_then(|h| Authorization::parse(h).ok())
            .map(|a| bounded(&a.nonce_str));
        let status = match reply {
            Reply::Answer { status, .. } => Some(*status),
            Reply::Drop => None,
        };
        let at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let mut kept = lock(&self.kept);
        kept.count += 1;
        let received = Received {
            seq: kept.count,
            at_ms,
            method: bounded(&request.method),
            target: bounded(&request.target),
            nonce,
            key,
            status,
        };
        if let Some(file) = lock(&self.file).as_mut() {
            if let Ok(line) = serde_json::to_string(&received) {
                let _ = writeln!(file, "{line}");
            }
        }
        kept.push(received.clone());
        Some(received)
    }

    /// The records the store kept, oldest first, and how many were received in all.
    pub(crate) fn restore(&self, records: Vec<Received>, count: u64) {
        let mut kept = lock(&self.kept);
        kept.count = kept.count.max(count);
        for received in records {
            kept.push(received);
        }
    }

    /// Everything kept, oldest first.
    pub fn all(&self) -> Vec<Received> {
        let kept = lock(&self.kept);
        kept.records.iter().cloned().collect()
    }

    /// The newest `limit` records kept, newest first.
    pub fn latest(&self, limit: usize) -> Vec<Received> {
        let kept = lock(&self.kept);
        kept.records.iter().rev().take(limit).cloned().collect()
    }

    /// Up to `limit` of the records kept whose number is above `after`, oldest first.
    pub fn page(&self, after: u64, limit: usize) -> Page {
        let kept = lock(&self.kept);
        let start = kept.records.partition_point(|r| r.seq <= after);
        let requests: Vec<Received> = kept.records.range(start..).take(limit).cloned().collect();
        let next_after = requests
            .last()
            .map(|r| r.seq)
            .filter(|&seq| seq < kept.count);
        Page {
            requests,
            next_after,
        }
    }
}
