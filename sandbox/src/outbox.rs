//! The notification outbox at work: one thread finds the deliveries that fell due on the
//! sandbox's clock (at once for a new one, on the retry schedule after a failure, or when the
//! clock is moved) and hands each notify URL's to a lane of its own, which posts them one after
//! another, oldest due first. A merchant server that does not answer holds up its own lane
//! only. Each attempt is written once the merchant answered or failed to, so a crash never
//! marks a delivery done that was not answered; a delivery caught mid-post is posted again
//! after a restart, as WeChat Pay too may deliver a notification twice.

use crate::behaviours::notification_headers;
use crate::clock::Clock;
use crate::delivery::{Attempt, post};
use crate::merchants::Merchants;
use crate::refusal::lock;
use crate::store::{After, Queued, Store};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The longest the dispatcher sleeps without being woken: it also writes the request record
/// noted meanwhile, and checkpoints the database.
const TURN: Duration = Duration::from_millis(250);

pub(crate) struct Outbox {
    store: Arc<Store>,
    /// Whose keys sign each delivery: the merchant it belongs to.
    merchants: Arc<Merchants>,
    clock: Arc<Clock>,
    stopping: AtomicBool,
    /// Set when something may have fallen due: a new delivery, a moved clock, a lane done.
    woken: Mutex<bool>,
    wake: Condvar,
    /// The notify URLs a lane is posting to now.
    busy: Mutex<HashSet<String>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl Outbox {
    /// Starts the dispatcher: deliveries the store holds pending resume on their schedule.
    pub fn start(store: Arc<Store>, merchants: Arc<Merchants>, clock: Arc<Clock>) -> Arc<Outbox> {
        let outbox = Arc::new(Outbox {
            store,
            merchants,
            clock,
            stopping: AtomicBool::new(false),
            woken: Mutex::new(true),
            wake: Condvar::new(),
            busy: Mutex::new(HashSet::new()),
            threads: Mutex::new(Vec::new()),
        });
        let running = Arc::clone(&outbox);
        let dispatcher = std::thread::spawn(move || running.dispatch());
        lock(&outbox.threads).push(dispatcher);
        outbox
    }

    /// Something may have fallen due: look now.
    pub fn wake(&self) {
        *lock(&self.woken) = true;
        self.wake.notify_all();
    }

    /// Stops posting (a lane finishes the post in hand) and waits for every thread.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.wake();
        let threads = std::mem::take(&mut *lock(&self.threads));
        for thread in threads {
            let _ = thread.join();
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    fn dispatch(self: Arc<Self>) {
        while !self.stopping() {
            let _ = self.store.flush();
            self.store.checkpoint();
            let now = self.clock.now_ms();
            let due = self.store.due(now).unwrap_or_default();
            self.hand_out(due);
            // What is due now went to a lane, or waits for its URL's lane, which wakes this
            // thread when it is done: only a later due time shortens the wait.
            let wait = match self.store.next_due().ok().flatten() {
                Some(due) if due > now => {
                    Duration::from_millis(u64::try_from(due - now).unwrap_or(0)).min(TURN)
                }
                _ => TURN,
            };
            let mut woken = lock(&self.woken);
            if !*woken {
                woken = self
                    .wake
                    .wait_timeout(woken, wait.max(Duration::from_millis(1)))
                    .map_or_else(|p| p.into_inner().0, |(w, _)| w);
            }
            *woken = false;
        }
    }

    /// Gives each notify URL without a lane the deliveries due to it, in order.
    fn hand_out(self: &Arc<Self>, due: Vec<Queued>) {
        let mut lanes: Vec<(String, Vec<Queued>)> = Vec::new();
        for queued in due {
            match lanes.iter_mut().find(|(url, _)| *url == queued.notify_url) {
                Some((_, list)) => list.push(queued),
                None => lanes.push((queued.notify_url.clone(), vec![queued])),
            }
        }
        for (url, list) in lanes {
            if !lock(&self.busy).insert(url.clone()) {
                continue;
            }
            let outbox = Arc::clone(self);
            let lane = std::thread::spawn(move || {
                for queued in &list {
                    if outbox.stopping() {
                        break;
                    }
                    outbox.attempt(queued);
                }
                lock(&outbox.busy).remove(&url);
                outbox.wake();
            });
            let mut threads = lock(&self.threads);
            threads.retain(|t| !t.is_finished());
            threads.push(lane);
        }
    }

    /// One post of `queued`, written with what follows it. The first attempt of a probe
    /// delivery is the probe: WeChat Pay re-sends a refused probe correctly signed, and an
    /// accepted one (what the probe exists to catch) is followed by the real notification too.
    fn attempt(&self, queued: &Queued) {
        let made = self.store.attempts_made(&queued.id).unwrap_or(0);
        let probe = queued.probe && made == 0;
        let (status, error) = match self.post(queued, probe) {
            Ok(status) => (Some(status), None),
            Err(e) => (None, Some(e)),
        };
        let now = self.clock.now_ms();
        let accepted = status.is_some_and(|s| (200..300).contains(&s));
        let next = queued.retry_secs.get(made).map(|wait| {
            now.saturating_add(
                i64::try_from(wait.saturating_mul(queued.retry_unit_ms)).unwrap_or(i64::MAX),
            )
        });
        if let Some(merchant) = self.merchants.get(&queued.mchid).filter(|_| probe) {
            merchant.behaviours.count_probe(accepted);
        }
        let after = match (accepted, next) {
            (true, _) if !probe => After::Delivered,
            (true, next) => After::ProbeAccepted(next),
            (false, Some(due)) => After::RetryAt(due),
            (false, None) => After::GaveUp,
        };
        let attempt = Attempt {
            after_ms: u64::try_from(now - queued.created_ms).unwrap_or(0),
            status,
            error,
            probe,
        };
        let _ = self.store.attempted(&queued.id, &attempt, after);
    }

    /// Posts `queued` freshly signed on the real clock (each try its own timestamp and nonce,
    /// as WeChat's are), with the key the merchant's change to the public key has reached, or
    /// as a probe: the merchant's status, or why none came.
    fn post(&self, queued: &Queued, probe: bool) -> Result<u16, String> {
        let merchant = self
            .merchants
            .get(&queued.mchid)
            .ok_or_else(|| format!("merchant {} is no longer in the sandbox", queued.mchid))?;
        let signed = notification_headers(&merchant, queued.body.as_bytes(), probe)
            .map_err(|e| e.to_string())?;
        post(&queued.notify_url, &queued.body, &signed).map(|(status, _)| status)
    }
}
