//! The sandbox's state on disk: sessions, contracts, the notification outbox (each delivery,
//! every attempt, the next due time), the request record, certificate rotations and the clock,
//! in one SQLite database, `DIR/sandbox.db` (WAL journal). The rest of the sandbox sees plain
//! functions; each change is one transaction, committed before the client is answered, so a
//! `kill -9` loses nothing a client was told about. A sandbox started without a DIR
//! (`Sandbox::start`, the tests' and the demo's) keeps the same tables in memory.
//!
//! One process serves a DIR at a time: `DIR/sandbox.lock` is held with `flock` while it does
//! (the kernel releases it when the process ends, a crash included).

use crate::contracts::Contract;
use crate::delivery::{Attempt, NotificationDelivery};
use crate::faults::Failure;
use crate::merchants::{Kind, Standing, SubMerchants, mode_name};
use crate::money::{Order, OrderState};
use crate::record::Received;
use crate::refusal::lock;
use crate::sessions::Session;
use crate::{Identity, IdentityFile};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use wxpresign::error::{Error, Result};
use zeroize::Zeroizing;

/// The schema this build writes (`PRAGMA user_version`). A DIR from before the database (no
/// `sandbox.db`) is upgraded by creating it, one of version 1 (one merchant, DIR/sandbox.json's)
/// by adding the merchants table, which the sandbox.json merchant enters as its first row when
/// DIR is next served or given a merchant, and the contracts' columns of what became of them
/// after their signing; a newer one is refused.
pub const SCHEMA_VERSION: i64 = 2;

/// The database's file in DIR.
pub const DATABASE: &str = "sandbox.db";
/// The file whose `flock` says a process serves DIR.
pub const LOCK_FILE: &str = "sandbox.lock";

const SCHEMA: &str = "
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, mchid TEXT NOT NULL, endpoint TEXT NOT NULL, request TEXT NOT NULL,
    expires_ms INTEGER NOT NULL, token TEXT NOT NULL, cancelled INTEGER NOT NULL DEFAULT 0,
    contract_id TEXT UNIQUE, delivery_id TEXT);
CREATE TABLE contracts (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, mchid TEXT NOT NULL,
    session_id TEXT UNIQUE, endpoint TEXT NOT NULL, request TEXT NOT NULL,
    signed_at INTEGER NOT NULL, terminated_at INTEGER, remark TEXT, notify_url TEXT,
    termination_id TEXT);
CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, mchid TEXT NOT NULL,
    contract_id TEXT NOT NULL, event_type TEXT NOT NULL, notify_url TEXT NOT NULL,
    body TEXT NOT NULL, retry_secs TEXT NOT NULL, retry_unit_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL, state TEXT NOT NULL, next_due_ms INTEGER,
    probe INTEGER NOT NULL DEFAULT 0, probe_accepted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX deliveries_due ON deliveries (next_due_ms) WHERE state = 'pending';
CREATE TABLE attempts (
    delivery_id TEXT NOT NULL, n INTEGER NOT NULL, after_ms INTEGER NOT NULL,
    status INTEGER, error TEXT, probe INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, n));
CREATE TABLE requests (
    seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, method TEXT NOT NULL, target TEXT NOT NULL,
    nonce TEXT, key TEXT, status INTEGER);
CREATE TABLE rotations (
    seq INTEGER PRIMARY KEY, mchid TEXT NOT NULL, serial TEXT NOT NULL,
    private_key TEXT NOT NULL, certificate TEXT NOT NULL);
CREATE TABLE clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset_ms INTEGER NOT NULL);
";

/// What version 2 added: the merchants, each with its keys (the WeChat Pay keys its answers and
/// notifications are signed with, the merchant's public key its requests are verified with),
/// the deliveries `POST /sandbox/notifications/trigger` sent, and what became of a contract
/// after its signing: who terminated it (`merchant` or `user`), the pre-sign members the calls
/// on it replaced (a JSON object: insurance's policy periods, modified or renewed) and when the
/// changes that count against its limit were made (a JSON array of Unix seconds); and the
/// money taken with contracts: each deduction order (`orders`), its merchant's number unique per
/// merchant and sub-merchant, its state (`ACCEPT` until `settles_at`, then `SUCCESS` or
/// `PAY_FAIL` with the failure's name, or `CLOSED` by a reversal; each family shows these in
/// its own words), the digest of what its request asked (the same number
/// asked again with other content is refused) and its request as sent.
const VERSION_2: &str = "
CREATE TABLE orders (
    seq INTEGER PRIMARY KEY, mchid TEXT NOT NULL, sub_mchid TEXT NOT NULL,
    family TEXT NOT NULL, out_trade_no TEXT NOT NULL, contract_id TEXT NOT NULL,
    digest TEXT NOT NULL, request TEXT NOT NULL, amount INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('ACCEPT', 'SUCCESS', 'PAY_FAIL', 'CLOSED')), failure TEXT,
    transaction_id TEXT NOT NULL UNIQUE, accepted_at INTEGER NOT NULL,
    settles_at INTEGER NOT NULL, settled_at INTEGER,
    UNIQUE (mchid, sub_mchid, out_trade_no));
CREATE INDEX orders_due ON orders (settles_at) WHERE state = 'ACCEPT';
ALTER TABLE deliveries ADD COLUMN triggered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE contracts ADD COLUMN terminated_by TEXT CHECK (terminated_by IN ('merchant', 'user'));
ALTER TABLE contracts ADD COLUMN changed TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contracts ADD COLUMN changed_at TEXT NOT NULL DEFAULT '[]';
CREATE TABLE merchants (
    seq INTEGER PRIMARY KEY, mchid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('direct', 'service_provider', 'sub_merchant')),
    provider TEXT, sub_merchants TEXT NOT NULL,
    merchant_serial_no TEXT NOT NULL, merchant_public_key TEXT NOT NULL, apiv3_key TEXT NOT NULL,
    mode TEXT NOT NULL, platform_serial TEXT NOT NULL, platform_private_key TEXT NOT NULL,
    platform_certificate TEXT, wechatpay_public_key_id TEXT, wechatpay_public_key_private TEXT,
    created_ms INTEGER NOT NULL);
";

/// The records kept on disk past the newest; older ones are dropped as they are in memory.
const REQUESTS_KEPT: i64 = 200_000;

/// A notification to deliver, as the outbox keeps it.
pub(crate) struct Queued {
    pub id: String,
    pub mchid: String,
    pub contract_id: String,
    pub event_type: String,
    pub notify_url: String,
    /// The sealed body, posted as is at each attempt (each freshly signed).
    pub body: String,
    pub retry_secs: Vec<u64>,
    pub retry_unit_ms: u64,
    /// Business time it was queued, and when its next attempt falls due.
    pub created_ms: i64,
    pub next_due_ms: i64,
    /// Its first attempt is a signature probe (`WECHATPAY/SIGNTEST/`).
    pub probe: bool,
}

/// How a session is looked up.
#[derive(Clone, Copy)]
pub(crate) enum SessionKey {
    Id,
    /// The contract it was signed into.
    Contract,
}

/// What an attempt leads to.
pub(crate) enum After {
    Delivered,
    /// A probe the merchant answered 2xx (`probe_accepted`); the real notification follows at
    /// the given time, as after a refused one (none left: given up).
    ProbeAccepted(Option<i64>),
    /// The next attempt, in business milliseconds.
    RetryAt(i64),
    GaveUp,
}

/// A rotation's platform key and certificate, as PEM.
pub(crate) struct Rotation {
    pub serial: String,
    pub private_key: zeroize::Zeroizing<String>,
    pub certificate: String,
}

/// The database, and the lock on DIR while it is open.
pub(crate) struct Store {
    conn: Mutex<Option<Connection>>,
    /// Requests noted and not yet written: they go with the next transaction, or the outbox's
    /// next turn, so the record costs no commit of its own.
    noted: Mutex<Vec<Received>>,
    lock: Mutex<Option<std::fs::File>>,
    /// A second connection to DIR's database that checkpoints the WAL into it, on the outbox's
    /// thread: the checkpoint's fsyncs then hold up no request (see [`Store::checkpoint`]).
    checkpointer: Mutex<Option<Connection>>,
}

fn failed(e: rusqlite::Error) -> Error {
    Error::internal(format!("the sandbox's database failed: {e}"))
}

impl Store {
    /// The tables in memory, for a sandbox without a DIR.
    pub fn memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(failed)?;
        Store::ready(conn, None, Path::new(":memory:"))
    }

    /// DIR's database, created or upgraded, with DIR locked: another process serving DIR is
    /// refused.
    pub fn open(dir: &Path) -> Result<Store> {
        let dir_lock = lock_dir(dir)?;
        let path = dir.join(DATABASE);
        let conn = Connection::open(&path)
            .map_err(|e| Error::config(format!("cannot open {}: {e}", path.display())))?;
        // WAL: readers and the writer do not block each other, and a commit is one append.
        // NORMAL: a commit reaches the OS before the answer; a killed process loses nothing
        // (only a power cut could lose the last commits, which a sandbox may).
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
            .map_err(failed)?;
        restrict(&path);
        let store = Store::ready(conn, Some(dir_lock), &path)?;
        // Checkpoints leave the writing connection: a commit only appends to the WAL.
        store.read(|conn| conn.pragma_update(None, "wal_autocheckpoint", 0))?;
        let checkpointer = Connection::open(&path).map_err(failed)?;
        *lock(&store.checkpointer) = Some(checkpointer);
        Ok(store)
    }

    /// Copies what the WAL holds into the database and syncs both (DIR only), without waiting
    /// for readers or the writer: what `synchronous = NORMAL` leaves to checkpoints, done off
    /// the requests' path.
    pub fn checkpoint(&self) {
        if let Some(conn) = lock(&self.checkpointer).as_ref() {
            let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        }
    }

    fn ready(conn: Connection, lock: Option<std::fs::File>, path: &Path) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed)?;
        migrate(&conn, path)?;
        Ok(Store {
            conn: Mutex::new(Some(conn)),
            noted: Mutex::new(Vec::new()),
            lock: Mutex::new(lock),
            checkpointer: Mutex::new(None),
        })
    }

    /// Writes what was noted and closes the database, releasing DIR: another process may
    /// serve it from now on. Later calls fail.
    pub fn close(&self) {
        let _ = self.write(|_| Ok(()));
        self.checkpoint();
        lock(&self.checkpointer).take();
        lock(&self.conn).take();
        lock(&self.lock).take();
    }

    /// `f` in one transaction, with the requests noted since the last one written first.
    fn write<T>(&self, f: impl FnOnce(&Transaction) -> rusqlite::Result<T>) -> Result<T> {
        let noted = std::mem::take(&mut *lock(&self.noted));
        let mut conn = lock(&self.conn);
        let conn = conn
            .as_mut()
            .ok_or_else(|| Error::internal("the sandbox is stopping"))?;
        let tx = conn.transaction().map_err(failed)?;
        write_requests(&tx, &noted).map_err(failed)?;
        let value = f(&tx).map_err(failed)?;
        tx.commit().map_err(failed)?;
        Ok(value)
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let conn = lock(&self.conn);
        let conn = conn
            .as_ref()
            .ok_or_else(|| Error::internal("the sandbox is stopping"))?;
        f(conn).map_err(failed)
    }

    /// Adds a merchant, unless one of its mchid is there already (`init`'s, entered at each
    /// start): whether it was added.
    pub fn merchant_added(
        &self,
        identity: &Identity,
        file: &IdentityFile,
        standing: &Standing,
    ) -> Result<bool> {
        let created = wxpresign::signing::unix_now().saturating_mul(1000);
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO merchants (mchid, kind, provider, sub_merchants,
                 merchant_serial_no, merchant_public_key, apiv3_key, mode, platform_serial,
                 platform_private_key, platform_certificate, wechatpay_public_key_id,
                 wechatpay_public_key_private, created_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                params![
                    file.mchid,
                    standing.kind.as_str(),
                    standing.provider,
                    standing.sub_merchants.as_str(),
                    file.merchant_serial_no,
                    file.merchant_public_key,
                    file.apiv3_key.as_str(),
                    mode_name(identity.mode()),
                    file.platform_serial,
                    file.platform_private_key.as_str(),
                    file.platform_certificate,
                    file.wechatpay_public_key_id,
                    file.wechatpay_public_key_private
                        .as_ref()
                        .map(|k| k.as_str()),
                    i64::try_from(created).unwrap_or(i64::MAX),
                ],
            )
            .map(|added| added == 1)
        })
    }

    /// Every merchant, oldest first, with its standing.
    pub fn merchants(&self) -> Result<Vec<(IdentityFile, Standing)>> {
        self.read(merchant_rows)
    }

    /// Writes `base_url` into DIR's lock file, where `sandbox merchant add` finds the sandbox
    /// that serves DIR.
    pub fn announce(&self, base_url: &str) {
        use std::io::{Seek, Write};
        if let Some(file) = lock(&self.lock).as_mut() {
            let _ = file
                .set_len(0)
                .and_then(|()| file.rewind())
                .and_then(|()| file.write_all(base_url.as_bytes()));
        }
    }

    /// Keeps a received request; it is written with the next transaction.
    pub fn note_request(&self, received: Received) {
        lock(&self.noted).push(received);
    }

    /// Writes the requests noted so far.
    pub fn flush(&self) -> Result<()> {
        if lock(&self.noted).is_empty() {
            return Ok(());
        }
        self.write(|_| Ok(()))
    }

    pub fn session_opened(&self, mchid: &str, session: &Session) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO sessions (id, mchid, endpoint, request, expires_ms, token)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                session.id,
                mchid,
                session.endpoint,
                session.request.to_string(),
                session.expires_at_ms,
                session.token
            ])
            .map(drop)
        })
    }

    pub fn session_cancelled(&self, id: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("UPDATE sessions SET cancelled = 1 WHERE id = ?1", [id])
                .map(drop)
        })
    }

    /// A session signed: its contract and its notification, in one transaction. The unique
    /// session of a contract refuses a second contract of one session.
    pub fn signed(
        &self,
        mchid: &str,
        session_id: &str,
        contract: &Contract,
        queued: Option<&Queued>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO contracts (id, mchid, session_id, endpoint, request, signed_at,
                 notify_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                contract.id,
                mchid,
                session_id,
                contract.endpoint,
                contract.request.to_string(),
                contract.signed_at,
                contract.notify_url
            ])?;
            tx.prepare_cached(
                "UPDATE sessions SET contract_id = ?2, delivery_id = ?3 WHERE id = ?1",
            )?
            .execute(params![session_id, contract.id, queued.map(|q| &q.id)])?;
            queued.map_or(Ok(()), |q| queue(tx, q))
        })
    }

    /// A contract terminated, by its merchant or its user, with its termination notification,
    /// in one transaction.
    pub fn terminated(&self, contract: &Contract, queued: Option<&Queued>) -> Result<()> {
        let (at, remark) = contract.terminated.clone().unwrap_or_default();
        let by = if contract.terminated_by_user {
            "user"
        } else {
            "merchant"
        };
        self.write(|tx| {
            tx.execute(
                "UPDATE contracts SET terminated_at = ?2, remark = ?3, termination_id = ?4,
                 terminated_by = ?5 WHERE id = ?1",
                params![contract.id, at, remark, queued.map(|q| &q.id), by],
            )?;
            queued.map_or(Ok(()), |q| queue(tx, q))
        })
    }

    /// A contract in force changed by a call on it (its replaced members and the times of its
    /// counted changes), with the notification telling of it, in one transaction.
    pub fn changed(&self, contract: &Contract, queued: Option<&Queued>) -> Result<()> {
        let changed = serde_json::Value::Object(contract.changed.clone()).to_string();
        let changed_at = serde_json::json!(contract.changed_at).to_string();
        self.write(|tx| {
            tx.execute(
                "UPDATE contracts SET changed = ?2, changed_at = ?3 WHERE id = ?1",
                params![contract.id, changed, changed_at],
            )?;
            queued.map_or(Ok(()), |q| queue(tx, q))
        })
    }

    /// A deduction order accepted: whether it was added (`false`: an order of the same number
    /// was added meanwhile, and this one is not).
    pub fn order_accepted(&self, order: &Order) -> Result<bool> {
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO orders (mchid, sub_mchid, family, out_trade_no, contract_id, digest,
                 request, amount, state, failure, transaction_id, accepted_at, settles_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'ACCEPT', ?9, ?10, ?11, ?12)
                 ON CONFLICT (mchid, sub_mchid, out_trade_no) DO NOTHING",
            )?
            .execute(params![
                order.mchid,
                order.sub_mchid,
                order.family,
                order.out_trade_no,
                order.contract_id,
                order.digest,
                order.request.to_string(),
                order.amount,
                order.failure.map(Failure::name),
                order.transaction_id,
                order.accepted_at,
                order.settles_at
            ])
            .map(|added| added == 1)
        })
    }

    /// A deduction order's result, what it made of its contract (its schedule, its
    /// termination) and the notifications telling of both, in one transaction: whether it was
    /// kept (`false`: the order was settled meanwhile, and nothing is written).
    pub fn order_settled(
        &self,
        order: &Order,
        contract: Option<&Contract>,
        queued: &[Queued],
    ) -> Result<bool> {
        self.write(|tx| {
            let settled = tx.execute(
                "UPDATE orders SET state = ?2, settled_at = ?3
                 WHERE transaction_id = ?1 AND state = 'ACCEPT'",
                params![order.transaction_id, order.state.name(), order.settled_at],
            )?;
            if settled == 0 {
                return Ok(false);
            }
            if let Some(contract) = contract {
                contract_row(tx, contract)?;
            }
            queued.iter().try_for_each(|q| queue(tx, q))?;
            Ok(true)
        })
    }

    /// A deduction order in state `was` closed by a reversal at `order.settled_at`: whether it
    /// was (`false`: it was settled or closed meanwhile, and nothing is written).
    pub fn order_closed(&self, order: &Order, was: OrderState) -> Result<bool> {
        self.write(|tx| {
            tx.execute(
                "UPDATE orders SET state = 'CLOSED', settled_at = ?2
                 WHERE transaction_id = ?1 AND state = ?3",
                params![order.transaction_id, order.settled_at, was.name()],
            )
            .map(|closed| closed == 1)
        })
    }

    /// A contract's money members changed (its schedule) or ended by the system, with the
    /// notifications telling of it, in one transaction.
    pub fn contract_moved(&self, contract: &Contract, queued: &[Queued]) -> Result<()> {
        self.write(|tx| {
            contract_row(tx, contract)?;
            queued.iter().try_for_each(|q| queue(tx, q))
        })
    }

    /// The order `out_trade_no` of `mchid` (and `sub_mchid`, "" for a direct merchant's).
    pub fn order(&self, mchid: &str, sub_mchid: &str, out_trade_no: &str) -> Result<Option<Order>> {
        let found = self.orders_where(
            "mchid = ?1 AND sub_mchid = ?2 AND out_trade_no = ?3",
            params![mchid, sub_mchid, out_trade_no],
        )?;
        Ok(found.into_iter().next())
    }

    /// The order of `mchid` WeChat Pay numbered `transaction_id`.
    pub fn order_by_transaction(&self, mchid: &str, transaction_id: &str) -> Result<Option<Order>> {
        let found = self.orders_where(
            "mchid = ?1 AND transaction_id = ?2",
            params![mchid, transaction_id],
        )?;
        Ok(found.into_iter().next())
    }

    /// The orders of contract `contract_id`, oldest first.
    pub fn contract_orders(&self, contract_id: &str) -> Result<Vec<Order>> {
        self.orders_where("contract_id = ?1 ORDER BY seq", [contract_id])
    }

    /// The accepted orders whose result is due at `now_secs`, oldest first.
    pub fn orders_due(&self, now_secs: u64) -> Result<Vec<Order>> {
        self.orders_where(
            "state = 'ACCEPT' AND settles_at <= ?1 ORDER BY settles_at, seq",
            [now_secs],
        )
    }

    fn orders_where(&self, condition: &str, values: impl rusqlite::Params) -> Result<Vec<Order>> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT mchid, sub_mchid, family, out_trade_no, contract_id, digest, request,
                 amount, state, failure, transaction_id, accepted_at, settles_at, settled_at
                 FROM orders WHERE {condition}"
            ))?;
            let rows = statement.query_map(values, |row| {
                let state: String = row.get(8)?;
                let failure: Option<String> = row.get(9)?;
                Ok(Order {
                    mchid: row.get(0)?,
                    sub_mchid: row.get(1)?,
                    family: row.get(2)?,
                    out_trade_no: row.get(3)?,
                    contract_id: row.get(4)?,
                    digest: row.get(5)?,
                    request: json_column(row, 6)?,
                    amount: row.get(7)?,
                    state: OrderState::named(&state).unwrap_or(OrderState::Accept),
                    failure: failure.as_deref().and_then(Failure::named),
                    transaction_id: row.get(10)?,
                    accepted_at: row.get(11)?,
                    settles_at: row.get(12)?,
                    settled_at: row.get(13)?,
                })
            })?;
            rows.collect()
        })
    }

    /// A notification about no change the store keeps (a probe asked for), queued alone.
    pub fn queue(&self, queued: &Queued) -> Result<()> {
        self.write(|tx| queue(tx, queued))
    }

    /// A triggered notification, sent once: the delivery and its one attempt, in one
    /// transaction, once the merchant answered or failed to.
    pub fn triggered(&self, queued: &Queued, attempt: &Attempt, delivered: bool) -> Result<()> {
        self.write(|tx| {
            queue(tx, queued)?;
            tx.execute(
                "UPDATE deliveries SET triggered = 1, state = ?2, next_due_ms = NULL
                 WHERE id = ?1",
                params![queued.id, if delivered { "delivered" } else { "gave_up" }],
            )?;
            tx.execute(
                "INSERT INTO attempts (delivery_id, n, after_ms, status, error, probe)
                 VALUES (?1, 0, ?2, ?3, ?4, 0)",
                params![queued.id, attempt.after_ms, attempt.status, attempt.error],
            )
            .map(drop)
        })
    }

    /// The newest `limit` triggered deliveries of `mchid`, newest first.
    pub fn triggered_deliveries(
        &self,
        mchid: &str,
        limit: usize,
    ) -> Result<Vec<NotificationDelivery>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let found = self.deliveries_where(
            "mchid = ?1 AND triggered = 1 ORDER BY seq DESC LIMIT ?2",
            params![mchid, limit],
        )?;
        Ok(found.into_iter().map(|(d, _)| d).collect())
    }

    /// Every delivery about contract `contract_id`, oldest first, each with whether it was
    /// triggered (`POST /sandbox/notifications/trigger`) rather than sent by what happened.
    pub fn contract_deliveries(
        &self,
        contract_id: &str,
    ) -> Result<Vec<(NotificationDelivery, bool)>> {
        self.deliveries_where("contract_id = ?1 ORDER BY seq", [contract_id])
    }

    fn deliveries_where(
        &self,
        condition: &str,
        values: impl rusqlite::Params,
    ) -> Result<Vec<(NotificationDelivery, bool)>> {
        self.read(|conn| {
            let ids = conn
                .prepare_cached(&format!(
                    "SELECT id, triggered FROM deliveries WHERE {condition}"
                ))?
                .query_map(values, |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, bool)>>>()?;
            let mut found = Vec::new();
            for (id, triggered) in ids {
                found.extend(delivery(conn, &id)?.map(|d| (d, triggered)));
            }
            Ok(found)
        })
    }

    /// An attempt at delivery `id` and what follows it, in one transaction: the attempt is
    /// written only once the merchant answered or failed to.
    pub fn attempted(&self, id: &str, attempt: &Attempt, after: After) -> Result<()> {
        let (state, next) = match after {
            After::Delivered => ("delivered", None),
            After::RetryAt(due) | After::ProbeAccepted(Some(due)) => ("pending", Some(due)),
            After::GaveUp | After::ProbeAccepted(None) => ("gave_up", None),
        };
        let accepted = matches!(after, After::ProbeAccepted(_));
        self.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO attempts (delivery_id, n, after_ms, status, error, probe)
                 VALUES (?1, (SELECT COUNT(*) FROM attempts WHERE delivery_id = ?1), ?2, ?3, ?4,
                 ?5)",
            )?
            .execute(params![
                id,
                attempt.after_ms,
                attempt.status,
                attempt.error,
                attempt.probe
            ])?;
            tx.prepare_cached(
                "UPDATE deliveries SET state = ?2, next_due_ms = ?3,
                 probe_accepted = probe_accepted OR ?4 WHERE id = ?1",
            )?
            .execute(params![id, state, next, accepted])
            .map(drop)
        })
    }

    /// The pending deliveries due at `now_ms`, oldest due first.
    pub fn due(&self, now_ms: i64) -> Result<Vec<Queued>> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(
                "SELECT id, mchid, contract_id, event_type, notify_url, body, retry_secs,
                 retry_unit_ms, created_ms, next_due_ms, probe FROM deliveries
                 WHERE state = 'pending' AND next_due_ms <= ?1 ORDER BY next_due_ms, seq",
            )?;
            let rows = statement.query_map([now_ms], |row| {
                Ok(Queued {
                    id: row.get(0)?,
                    mchid: row.get(1)?,
                    contract_id: row.get(2)?,
                    event_type: row.get(3)?,
                    notify_url: row.get(4)?,
                    body: row.get(5)?,
                    retry_secs: serde_json::from_str(&row.get::<_, String>(6)?).unwrap_or_default(),
                    retry_unit_ms: row.get(7)?,
                    created_ms: row.get(8)?,
                    next_due_ms: row.get(9)?,
                    probe: row.get(10)?,
                })
            })?;
            rows.collect()
        })
    }

    /// When the next pending delivery falls due, in business milliseconds.
    pub fn next_due(&self) -> Result<Option<i64>> {
        self.read(|conn| {
            conn.query_row(
                "SELECT MIN(next_due_ms) FROM deliveries WHERE state = 'pending'",
                [],
                |row| row.get(0),
            )
        })
    }

    /// How many attempts delivery `id` has had.
    pub fn attempts_made(&self, id: &str) -> Result<usize> {
        self.read(|conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM attempts WHERE delivery_id = ?1",
                [id],
                |row| row.get(0),
            )
        })
    }

    /// A delivery as the session and contract views show it.
    pub fn delivery(&self, id: &str) -> Result<Option<NotificationDelivery>> {
        self.read(|conn| delivery(conn, id))
    }

    pub fn rotated(&self, mchid: &str, rotation: &Rotation) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO rotations (mchid, serial, private_key, certificate)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    mchid,
                    rotation.serial,
                    rotation.private_key.as_str(),
                    rotation.certificate
                ],
            )
            .map(drop)
        })
    }

    /// The rotations of `mchid`, oldest first.
    pub fn rotations(&self, mchid: &str) -> Result<Vec<Rotation>> {
        self.read(|conn| {
            let mut statement = conn.prepare(
                "SELECT serial, private_key, certificate FROM rotations WHERE mchid = ?1
                 ORDER BY seq",
            )?;
            let rows = statement.query_map([mchid], |row| {
                Ok(Rotation {
                    serial: row.get(0)?,
                    private_key: zeroize::Zeroizing::new(row.get(1)?),
                    certificate: row.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    pub fn clock_offset(&self) -> Result<i64> {
        self.read(|conn| {
            conn.query_row("SELECT offset_ms FROM clock WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()
            .map(Option::unwrap_or_default)
        })
    }

    pub fn set_clock_offset(&self, offset_ms: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO clock (id, offset_ms) VALUES (1, ?1)
                 ON CONFLICT (id) DO UPDATE SET offset_ms = MAX(offset_ms, ?1)",
                [offset_ms],
            )
            .map(drop)
        })
    }

    /// The sessions still valid at `now_ms`, with their mchid. Those expired unsigned are
    /// dropped from the database first: nothing can come of them.
    pub fn sessions(&self, now_ms: i64) -> Result<Vec<(String, Session)>> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE expires_ms <= ?1 AND contract_id IS NULL",
                [now_ms],
            )
            .map(drop)
        })?;
        self.sessions_where("expires_ms > ?1", params![now_ms])
    }

    /// The newest `limit` sessions of `mchid` valid at `now_ms`, newest first, and how many
    /// are valid.
    pub fn newest_sessions(
        &self,
        mchid: &str,
        now_ms: i64,
        limit: usize,
    ) -> Result<(Vec<Session>, usize)> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let shown = self.sessions_where(
            "mchid = ?1 AND expires_ms > ?2 ORDER BY rowid DESC LIMIT ?3",
            params![mchid, now_ms, limit],
        )?;
        let count = self.read(|conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM sessions WHERE mchid = ?1 AND expires_ms > ?2",
                params![mchid, now_ms],
                |row| row.get(0),
            )
        })?;
        Ok((shown.into_iter().map(|(_, s)| s).collect(), count))
    }

    /// The session of `mchid` valid at `now_ms` whose `column` (`id` or `contract_id`) is
    /// `value`.
    pub fn session_by(
        &self,
        mchid: &str,
        now_ms: i64,
        column: SessionKey,
        value: &str,
    ) -> Result<Option<Session>> {
        let condition = match column {
            SessionKey::Id => "mchid = ?1 AND expires_ms > ?2 AND id = ?3",
            SessionKey::Contract => "mchid = ?1 AND expires_ms > ?2 AND contract_id = ?3",
        };
        let found = self.sessions_where(condition, params![mchid, now_ms, value])?;
        Ok(found.into_iter().next().map(|(_, s)| s))
    }

    fn sessions_where(
        &self,
        condition: &str,
        values: impl rusqlite::Params,
    ) -> Result<Vec<(String, Session)>> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT mchid, id, endpoint, request, expires_ms, token, cancelled, contract_id,
                 delivery_id FROM sessions WHERE {condition}"
            ))?;
            let rows = statement.query_map(values, |row| {
                let endpoint: String = row.get(2)?;
                Ok((
                    row.get::<_, String>(0)?,
                    endpoint,
                    Session {
                        id: row.get(1)?,
                        mchid: row.get(0)?,
                        endpoint: "",
                        request: json_column(row, 3)?,
                        expires: std::time::Instant::now(),
                        expires_at_ms: row.get(4)?,
                        contract_id: row.get(7)?,
                        delivery: None,
                        delivery_id: row.get(8)?,
                        token: row.get(5)?,
                        cancelled: row.get(6)?,
                    },
                ))
            })?;
            let mut sessions = Vec::new();
            for row in rows {
                let (mchid, endpoint, mut session) = row?;
                // A session of an endpoint this build no longer has cannot be signed: dropped.
                if let Some(found) = wxpresign::endpoints::find(&endpoint) {
                    session.endpoint = found.path;
                    sessions.push((mchid, session));
                }
            }
            Ok(sessions)
        })
    }

    /// Every contract, oldest first, with its mchid.
    pub fn contracts(&self) -> Result<Vec<(String, Contract)>> {
        self.contracts_where("1 ORDER BY seq", [])
    }

    /// The newest `limit` contracts of `mchid`, newest first, and how many it has.
    pub fn newest_contracts(&self, mchid: &str, limit: usize) -> Result<(Vec<Contract>, usize)> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let shown = self.contracts_where(
            "mchid = ?1 ORDER BY seq DESC LIMIT ?2",
            params![mchid, limit],
        )?;
        let count = self.read(|conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM contracts WHERE mchid = ?1",
                [mchid],
                |row| row.get(0),
            )
        })?;
        Ok((shown.into_iter().map(|(_, c)| c).collect(), count))
    }

    /// Contract `id` of `mchid`.
    pub fn contract(&self, mchid: &str, id: &str) -> Result<Option<Contract>> {
        let found = self.contracts_where("mchid = ?1 AND id = ?2", params![mchid, id])?;
        Ok(found.into_iter().next().map(|(_, c)| c))
    }

    fn contracts_where(
        &self,
        condition: &str,
        values: impl rusqlite::Params,
    ) -> Result<Vec<(String, Contract)>> {
        self.read(|conn| {
            let mut statement = conn.prepare_cached(&format!(
                "SELECT mchid, id, endpoint, request, signed_at, terminated_at, remark,
                 notify_url, termination_id, terminated_by, changed, changed_at FROM contracts
                 WHERE {condition}"
            ))?;
            let rows = statement.query_map(values, |row| {
                let endpoint: String = row.get(2)?;
                let terminated_at: Option<u64> = row.get(5)?;
                Ok((
                    row.get::<_, String>(0)?,
                    endpoint,
                    Contract {
                        id: row.get(1)?,
                        endpoint: "",
                        request: json_column(row, 3)?,
                        signed_at: row.get(4)?,
                        terminated: terminated_at.map(|at| (at, row.get(6).ok().flatten())),
                        notify_url: row.get(7)?,
                        termination_id: row.get(8)?,
                        terminated_by_user: row.get::<_, Option<String>>(9)?.as_deref()
                            == Some("user"),
                        changed: json_column(row, 10)?,
                        changed_at: json_column(row, 11)?,
                    },
                ))
            })?;
            let mut contracts = Vec::new();
            for row in rows {
                let (mchid, endpoint, mut contract) = row?;
                if let Some(found) = wxpresign::endpoints::find(&endpoint) {
                    contract.endpoint = found.path;
                    contracts.push((mchid, contract));
                }
            }
            Ok(contracts)
        })
    }

    /// The newest requests recorded, oldest first, and how many were ever received.
    pub fn requests(&self) -> Result<(Vec<Received>, u64)> {
        self.read(|conn| {
            let mut statement = conn.prepare(
                "SELECT seq, at_ms, method, target, nonce, key, status FROM requests
                 ORDER BY seq DESC LIMIT ?1",
            )?;
            let rows = statement.query_map([REQUESTS_KEPT], |row| {
                Ok(Received {
                    seq: row.get(0)?,
                    at_ms: row.get(1)?,
                    method: row.get(2)?,
                    target: row.get(3)?,
                    nonce: row.get(4)?,
                    key: row.get(5)?,
                    status: row.get(6)?,
                })
            })?;
            let mut records = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            records.reverse();
            let count = records.last().map_or(0, |r| r.seq);
            Ok((records, count))
        })
    }
}

/// `sandbox reset DIR`: sessions, contracts and deliveries go, and the clock is real time
/// again (it cannot go back otherwise); the merchant, its keys and rotations, and the request
/// record stay. Refused while another process serves DIR.
pub fn reset(dir: &Path) -> Result<()> {
    let store = Store::open(dir)?;
    store.write(|tx| {
        tx.execute_batch(
            "DELETE FROM attempts; DELETE FROM deliveries; DELETE FROM contracts;
             DELETE FROM sessions; DELETE FROM clock;",
        )
    })?;
    store.close();
    Ok(())
}

/// What became of `contract` since its signing: its replaced members and its termination.
fn contract_row(tx: &Transaction, contract: &Contract) -> rusqlite::Result<()> {
    let (at, remark) = contract.terminated.clone().unzip();
    let by = contract.terminated.as_ref().map(|_| {
        if contract.terminated_by_user {
            "user"
        } else {
            "merchant"
        }
    });
    tx.execute(
        "UPDATE contracts SET changed = ?2, changed_at = ?3, terminated_at = ?4, remark = ?5,
         termination_id = ?6, terminated_by = ?7 WHERE id = ?1",
        params![
            contract.id,
            serde_json::Value::Object(contract.changed.clone()).to_string(),
            serde_json::json!(contract.changed_at).to_string(),
            at,
            remark.flatten(),
            contract.termination_id,
            by
        ],
    )
    .map(drop)
}

fn queue(tx: &Transaction, q: &Queued) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO deliveries (id, mchid, contract_id, event_type, notify_url, body,
         retry_secs, retry_unit_ms, created_ms, state, next_due_ms, probe)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11)",
    )?
    .execute(params![
        q.id,
        q.mchid,
        q.contract_id,
        q.event_type,
        q.notify_url,
        q.body,
        serde_json::to_string(&q.retry_secs).unwrap_or_default(),
        q.retry_unit_ms,
        q.created_ms,
        q.next_due_ms,
        q.probe
    ])
    .map(drop)
}

fn write_requests(tx: &Transaction, noted: &[Received]) -> rusqlite::Result<()> {
    if noted.is_empty() {
        return Ok(());
    }
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO requests (seq, at_ms, method, target, nonce, key, status)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in noted {
        statement.execute(params![
            r.seq, r.at_ms, r.method, r.target, r.nonce, r.key, r.status
        ])?;
    }
    let newest = noted.last().map_or(0, |r| r.seq);
    tx.execute(
        "DELETE FROM requests WHERE seq <= ?1",
        [i64::try_from(newest).unwrap_or(0) - REQUESTS_KEPT],
    )
    .map(drop)
}

fn delivery(conn: &Connection, id: &str) -> rusqlite::Result<Option<NotificationDelivery>> {
    let found = conn
        .query_row(
            "SELECT event_type, notify_url, contract_id, retry_secs, state, probe_accepted
             FROM deliveries
             WHERE id = ?1",
            [id],
            |row| {
                Ok(NotificationDelivery {
                    id: id.to_owned(),
                    event_type: row.get(0)?,
                    notify_url: row.get(1)?,
                    contract_id: row.get(2)?,
                    retry_secs: serde_json::from_str(&row.get::<_, String>(3)?).unwrap_or_default(),
                    state: row.get(4)?,
                    attempts: Vec::new(),
                    probe_accepted: row.get(5)?,
                })
            },
        )
        .optional()?;
    let Some(mut found) = found else {
        return Ok(None);
    };
    let mut statement = conn.prepare_cached(
        "SELECT after_ms, status, error, probe FROM attempts WHERE delivery_id = ?1
         ORDER BY n",
    )?;
    let attempts = statement.query_map([id], |row| {
        Ok(Attempt {
            after_ms: row.get(0)?,
            status: row.get(1)?,
            error: row.get(2)?,
            probe: row.get(3)?,
        })
    })?;
    found.attempts = attempts.collect::<rusqlite::Result<_>>()?;
    Ok(Some(found))
}

fn json_column<T: serde::de::DeserializeOwned>(
    row: &rusqlite::Row,
    index: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Creates the tables in a new database, or refuses one this build does not know.
fn migrate(conn: &Connection, path: &Path) -> Result<()> {
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(failed)?;
    match version {
        SCHEMA_VERSION => Ok(()),
        0 => conn
            .execute_batch(&format!(
                "BEGIN; {SCHEMA} {VERSION_2} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(failed),
        1 => conn
            .execute_batch(&format!(
                "BEGIN; {VERSION_2} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            ))
            .map_err(failed),
        newer => Err(Error::config(format!(
            "{} has schema version {newer}, written by a newer wxpresign than this one (which \
             reads version {SCHEMA_VERSION}): serve it with that wxpresign, or move the file \
             away to start this DIR with no sessions or contracts",
            path.display()
        ))),
    }
}

/// The `base_url` of the sandbox serving `dir` (what it wrote in DIR's lock file), or `None`
/// when no process serves DIR.
pub(crate) fn served_at(dir: &Path) -> Result<Option<String>> {
    if !dir.join(LOCK_FILE).exists() {
        return Ok(None);
    }
    match lock_dir(dir) {
        Ok(_free) => Ok(None),
        Err(_) => {
            let path = dir.join(LOCK_FILE);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let url = text.trim();
            if url.starts_with("http://") {
                Ok(Some(url.to_owned()))
            } else {
                Err(Error::config(format!(
                    "{} is in use by another process, which gave no address in {}: try again \
                     once it serves, or stop it",
                    dir.display(),
                    path.display()
                )))
            }
        }
    }
}

/// The clock's offset DIR's database keeps (0 before DIR was first served), read without
/// taking DIR.
pub(crate) fn clock_offset_in(dir: &Path) -> Result<i64> {
    let Some(conn) = read_only(dir)? else {
        return Ok(0);
    };
    conn.query_row("SELECT offset_ms FROM clock WHERE id = 1", [], |row| {
        row.get(0)
    })
    .optional()
    .map(Option::unwrap_or_default)
    .map_err(failed)
}

/// DIR's database opened to read only, which a sandbox serving DIR allows; `None` when DIR
/// has none yet.
fn read_only(dir: &Path) -> Result<Option<Connection>> {
    use rusqlite::OpenFlags;
    let path = dir.join(DATABASE);
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| Error::config(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(failed)?;
    Ok(Some(conn))
}

/// DIR's merchants as the database has them, read without taking DIR (a sandbox may be
/// serving it): none before DIR was first served or given a merchant.
pub(crate) fn merchants_in(dir: &Path) -> Result<Vec<(IdentityFile, Standing)>> {
    let Some(conn) = read_only(dir)? else {
        return Ok(Vec::new());
    };
    let path = dir.join(DATABASE);
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(failed)?;
    match version {
        v if v < 2 => Ok(Vec::new()),
        SCHEMA_VERSION => merchant_rows(&conn).map_err(failed),
        _ => migrate(&conn, &path).map(|()| Vec::new()),
    }
}

fn merchant_rows(conn: &Connection) -> rusqlite::Result<Vec<(IdentityFile, Standing)>> {
    let mut statement = conn.prepare(
        "SELECT mchid, kind, provider, sub_merchants, merchant_serial_no, merchant_public_key,
         apiv3_key, platform_serial, platform_private_key, platform_certificate,
         wechatpay_public_key_id, wechatpay_public_key_private FROM merchants ORDER BY seq",
    )?;
    let rows = statement.query_map([], |row| {
        let kind: String = row.get(1)?;
        let sub_merchants: String = row.get(3)?;
        Ok((
            IdentityFile {
                mchid: row.get(0)?,
                merchant_serial_no: row.get(4)?,
                merchant_public_key: row.get(5)?,
                apiv3_key: Zeroizing::new(row.get(6)?),
                platform_serial: row.get(7)?,
                platform_private_key: Zeroizing::new(row.get(8)?),
                platform_certificate: row.get(9)?,
                listen: String::new(),
                wechatpay_public_key_id: row.get(10)?,
                wechatpay_public_key_private: row.get::<_, Option<String>>(11)?.map(Zeroizing::new),
            },
            Standing {
                kind: Kind::named(&kind).unwrap_or(Kind::Direct),
                provider: row.get(2)?,
                sub_merchants: if sub_merchants == "any" {
                    SubMerchants::Any
                } else {
                    SubMerchants::Registered
                },
            },
        ))
    })?;
    rows.collect()
}

/// Takes DIR's lock, or says that another sandbox serves DIR.
fn lock_dir(dir: &Path) -> Result<std::fs::File> {
    use std::os::unix::io::AsRawFd;
    let path: PathBuf = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::config(format!("cannot open {}: {e}", path.display())))?;
    // SAFETY: flock on a descriptor this function owns; it changes no memory.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(Error::config(format!(
            "{} is in use: another sandbox serves it (it holds {}); stop that one first, or \
             use another DIR",
            dir.display(),
            path.display()
        )));
    }
    Ok(file)
}

/// The database holds the rotations' private keys: readable by its owner only, as sandbox.json.
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for file in [
        path.to_owned(),
        path.with_extension("db-wal"),
        path.with_extension("db-shm"),
    ] {
        let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
    }
}

impl crate::certificates::Platform {
    /// This platform as the store keeps it.
    pub(crate) fn kept(&self) -> Result<Rotation> {
        Ok(Rotation {
            serial: self.serial.clone(),
            private_key: self.key.to_pkcs8_pem()?,
            certificate: self.certificate.pem.clone(),
        })
    }
}

impl Rotation {
    /// The platform the store kept.
    pub(crate) fn platform(self) -> Result<crate::certificates::Platform> {
        Ok(crate::certificates::Platform {
            key: wxpresign::keys::PrivateKey::from_pem(&self.private_key, "rotations.private_key")?,
            certificate: crate::certificates::Certificate::from_pem(
                self.certificate,
                "rotations.certificate",
            )?,
            serial: self.serial,
        })
    }
}
