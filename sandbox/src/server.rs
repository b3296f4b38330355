//! The running sandbox: the state its handlers share, passed to each explicitly, and the
//! [`Sandbox`] handle that starts, inspects and stops it.

use crate::clock::Clock;
use crate::contracts::Contract;
use crate::delivery::Notifier;
use crate::faults::Faults;
use crate::gateway::Gateway;
use crate::http_server::{Counters, HttpServer, Reply};
use crate::merchants::{Merchants, Standing};
use crate::outbox::Outbox;
use crate::record::{Received, Record};
use crate::sessions::{self, Session, Sessions};
use crate::store::Store;
use crate::{Identity, routes};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use wxpresign::error::{Error, Result};

/// What the handlers share.
pub(crate) struct State {
    /// `sandbox init`'s merchant, which the sandbox's own answers are signed for.
    pub identity: Arc<Identity>,
    /// Every merchant served, `identity` first, with their contracts.
    pub merchants: Arc<Merchants>,
    /// The sandbox's directory, where added merchants' files go; `None` in memory.
    pub dir: Option<PathBuf>,
    pub base_url: String,
    pub gateway: Gateway,
    pub sessions: Sessions,
    pub faults: Faults,
    pub notifier: Notifier,
    /// Sessions show the user's real name and identity numbers in clear (`serve
    /// --show-personal-data`) instead of masked.
    pub show_personal_data: AtomicBool,
    /// The server's connection and request counts, for `GET /sandbox/stats`.
    pub counters: Arc<Counters>,
    /// What the sandbox received, for `GET /sandbox/requests`.
    pub record: Record,
    /// Business time: what session expiry, contract times and notification schedules follow.
    pub clock: Arc<Clock>,
    /// Where every change is written before it is answered.
    pub store: Arc<Store>,
    /// What posts the notifications the store holds, when they fall due.
    pub outbox: Arc<Outbox>,
    /// Held while money moves (a schedule, a deduction, a result, the clock's rules), so that
    /// checking a contract's state and changing it are one step (sandbox/src/money/).
    pub money: std::sync::Mutex<()>,
}

/// A running sandbox. Dropping it (or calling [`Sandbox::shutdown`]) stops it.
pub struct Sandbox {
    state: Arc<State>,
    server: HttpServer,
    /// Applies deductions' results as the clock runs on.
    settler: crate::money::Settler,
}

impl Sandbox {
    /// Listens on `listen` (port 0 picks a free port) and serves in background threads, with
    /// its state in memory: gone when it stops.
    pub fn start(identity: Identity, listen: &str) -> Result<Sandbox> {
        Sandbox::start_with(identity, listen, Store::memory()?, None)
    }

    /// As [`Sandbox::start`], with its state in `dir`'s database (`DIR/sandbox.db`): what a
    /// sandbox that served `dir` before held (sessions, contracts, pending notifications, the
    /// request record, rotations, the clock, the merchants `sandbox merchant add` added) is
    /// found again, and due notifications resume. `identity` is entered as DIR's first
    /// merchant. Refused while another process serves `dir`.
    pub fn start_in(identity: Identity, listen: &str, dir: &Path) -> Result<Sandbox> {
        Sandbox::start_with(identity, listen, Store::open(dir)?, Some(dir))
    }

    fn start_with(
        identity: Identity,
        listen: &str,
        store: Store,
        dir: Option<&Path>,
    ) -> Result<Sandbox> {
        let store = Arc::new(store);
        if dir.is_some() {
            store.merchant_added(&identity, &identity.to_file("")?, &Standing::default())?;
        }
        // The merchant's clock is the sandbox's: the change to the public key counts its days
        // on the time that session expiry and notification schedules follow.
        let clock = Arc::clone(identity.behaviours.clock());
        clock.set_offset(store.clock_offset()?);
        let merchants = Arc::new(Merchants::new(Arc::new(identity)));
        for (file, standing) in store.merchants()? {
            if merchants.get(&file.mchid).is_none() {
                let added = Identity::from_file(file)?.with_standing(standing);
                merchants.add(Arc::new(added.on_clock(Arc::clone(&clock))));
            }
        }
        for merchant in merchants.all() {
            for rotation in store.rotations(&merchant.mchid)? {
                merchant.adopt(rotation.platform()?);
            }
        }
        let sessions = Sessions::load(Arc::clone(&clock), Arc::clone(&store))?;
        merchants.load_contracts(store.contracts()?);
        let record = Record::default();
        let (records, count) = store.requests()?;
        record.restore(records, count);
        // The address is known only once bound; the handler reads it from the state.
        let state_slot: Arc<OnceLock<Arc<State>>> = Arc::new(OnceLock::new());
        let slot = Arc::clone(&state_slot);
        let server = HttpServer::bind(listen, move |request| match slot.get() {
            Some(state) => routes::handle(state, request),
            None => Reply::new(503, Vec::new(), Vec::new()),
        })
        .map_err(|e| Error::config(format!("cannot listen on {listen}: {e}")))?;
        let outbox = Outbox::start(
            Arc::clone(&store),
            Arc::clone(&merchants),
            Arc::clone(&clock),
        );
        let base_url = format!("http://{}", server.addr());
        store.announce(&base_url);
        let state = Arc::new(State {
            base_url,
            gateway: Gateway::new(Arc::clone(&merchants)),
            identity: merchants.primary(),
            merchants,
            dir: dir.map(Path::to_owned),
            sessions,
            faults: Faults::default(),
            notifier: Notifier::new(Arc::clone(&clock), Arc::clone(&outbox)),
            show_personal_data: AtomicBool::new(false),
            counters: server.counters(),
            record,
            clock,
            store,
            outbox,
            money: std::sync::Mutex::new(()),
        });
        let _ = state_slot.set(Arc::clone(&state));
        // What fell due while no process served DIR (an order's result) is applied now.
        crate::money::settle(&state).map_err(|e| Error::internal(e.message))?;
        let settler = crate::money::Settler::start(Arc::downgrade(&state));
        Ok(Sandbox {
            state,
            server,
            settler,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// `http://HOST:PORT`, the `base_url` clients use.
    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn identity(&self) -> &Identity {
        &self.state.identity
    }

    /// Connections accepted and open, and requests served, as `GET /sandbox/stats` shows them.
    pub fn stats(&self) -> Value {
        self.state.counters.to_json()
    }

    /// A session by id, while it is valid.
    pub fn session(&self, id: &str) -> Option<Session> {
        self.state.sessions.get(id)
    }

    /// The id of the valid session a pre-sign answer's `data` names: a session-id member
    /// (pre_entrustweb_id, presign_token, session_id), or a session URL ending in the id.
    pub fn session_named(&self, data: &Value) -> Option<String> {
        let prefix = format!("{}/sandbox/sessions/", self.base_url());
        data.as_object()?
            .values()
            .filter_map(Value::as_str)
            .map(|v| v.strip_prefix(&prefix).unwrap_or(v))
            .find(|id| self.session(id).is_some())
            .map(str::to_owned)
    }

    /// Completes a session as the user would by signing: delivers the product's signed, encrypted
    /// notification to the request's notify URL (or `notify_url` when given), retrying on WeChat
    /// Pay's schedule until a 2xx answer. Returns the delivery as `GET /sandbox/sessions/{id}`
    /// shows it.
    pub fn sign(&self, session_id: &str, notify_url: Option<&str>) -> Result<Value> {
        sessions::sign(&self.state, session_id, notify_url).map_err(|r| Error::config(r.message))
    }

    /// The API requests the record still keeps (the newest, within its byte budget), oldest
    /// first, with how they were answered.
    pub fn requests(&self) -> Vec<Received> {
        self.state.record.all()
    }

    /// Also appends each received request to `file`, one JSON line each.
    pub fn record_to(&self, file: std::fs::File) {
        self.state.record.write_to(file);
    }

    /// A contract a signed session became, by id, whichever merchant's: its state and its
    /// notifications.
    pub fn contract(&self, contract_id: &str) -> Option<Contract> {
        self.state.merchants.contract(contract_id).map(|(_, c)| c)
    }

    /// Compresses WeChat's notification retry schedule (15 s, 15 s, 30 s, 3 min, ... over 24 h):
    /// one scheduled second lasts `ms` milliseconds. 1000 is the real schedule.
    pub fn set_retry_unit_ms(&self, ms: u64) {
        self.state
            .notifier
            .retry_unit_ms
            .store(ms, Ordering::Relaxed);
    }

    /// Whether sessions show the user's real name and identity numbers in clear rather than
    /// masked as WeChat Pay masks them (masked unless asked).
    pub fn set_show_personal_data(&self, show: bool) {
        self.state.show_personal_data.store(show, Ordering::Relaxed);
    }

    /// The merchant's behaviours, as `GET /sandbox/merchants/{mchid}/behaviours` shows them.
    pub fn behaviours(&self) -> Value {
        let identity = &self.state.identity;
        identity.behaviours.to_json(identity)
    }

    /// Merges `patch` into the merchant's behaviours, as `PATCH
    /// /sandbox/merchants/{mchid}/behaviours` does; nothing changes on an error.
    pub fn set_behaviours(&self, patch: &Value) -> Result<()> {
        self.set_behaviours_of(&self.state.identity.mchid, patch)
    }

    /// [`Sandbox::set_behaviours`] for merchant `mchid`: an error names an unknown one.
    pub fn set_behaviours_of(&self, mchid: &str, patch: &Value) -> Result<()> {
        let merchant = self
            .state
            .merchants
            .named(mchid)
            .map_err(|r| Error::config(r.message))?;
        merchant
            .behaviours
            .patch(patch)
            .map_err(|r| Error::config(r.message))
    }

    /// The mchids of the merchants served, `init`'s first.
    pub fn mchids(&self) -> Vec<String> {
        let all = self.state.merchants.all();
        all.iter().map(|m| m.mchid.clone()).collect()
    }

    /// Stops accepting requests and waits for the ones in hand.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.settler.stop();
        self.server.shutdown();
        self.state.outbox.stop();
        // The database is closed here, not when the last handle goes: DIR is free for the
        // next sandbox once this one has stopped.
        self.state.store.close();
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.stop();
    }
}
