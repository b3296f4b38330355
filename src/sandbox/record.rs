//! The sandbox's record of what it received: every API request (not the `/sandbox/` routes)
//! with its method, target, nonce, the value that names it (`out_contract_code`, or `user_id` or
//! `out_user_id` where a request has no contract code) and the answer it was given or that the
//! connection was dropped. Read at `GET /sandbox/requests`, oldest first; `serve --record FILE` also appends
//! each as a JSON line. The reliability checks compare what the library reported with it.

use super::Authorization;
use super::http_server::{Reply, Request};
use serde::Serialize;
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The most requests kept; a longer run keeps its file (and its numbering), not its memory.
const KEPT: usize = 1_000_000;

/// Members that name a request, first found wins.
const KEYS: &[&str] = &["out_contract_code", "user_id", "out_user_id"];

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

#[derive(Default)]
pub struct Record {
    /// How many were received, and the first [`KEPT`] of them.
    kept: Mutex<(u64, Vec<Received>)>,
    file: Mutex<Option<std::fs::File>>,
}

impl Record {
    /// Also append each request to `file` as a JSON line.
    pub fn write_to(&self, file: std::fs::File) {
        *self.file.lock().unwrap_or_else(|p| p.into_inner()) = Some(file);
    }

    /// Notes `request` and how it was answered.
    pub fn note(&self, request: &Request, reply: &Reply) {
        if request.path().starts_with("/sandbox/") {
            return;
        }
        let body: Option<serde_json::Value> = serde_json::from_slice(&request.body).ok();
        let key = body.as_ref().and_then(|b| {
            KEYS.iter()
                .find_map(|k| b.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
        });
        let nonce = request
            .header("Authorization")
            .and_then(|h| Authorization::parse(h).ok())
            .map(|a| a.nonce_str);
        let status = match reply {
            Reply::Answer { status, .. } => Some(*status),
            Reply::Drop => None,
        };
        let at_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let (count, kept) = &mut *kept;
        *count += 1;
        let received = Received {
            seq: *count,
            at_ms,
            method: request.method.clone(),
            target: request.target.clone(),
            nonce,
            key,
            status,
        };
        if let Some(file) = self.file.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            if let Ok(line) = serde_json::to_string(&received) {
                let _ = writeln!(file, "{line}");
            }
        }
        if kept.len() < KEPT {
            kept.push(received);
        }
    }

    /// Everything kept, oldest first.
    pub fn all(&self) -> Vec<Received> {
        self.kept
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .clone()
    }
}
