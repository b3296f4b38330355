//! One notify URL for many merchants: every merchant's WeChat Pay key (public key or platform
//! certificate) is its own, so the `Wechatpay-Serial` of a notification says which merchant's
//! client verifies and decrypts it.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::verification::SignedHeaders;

/// For one notify URL serving several merchants: the client among `clients` whose WeChat Pay key
/// (public key or platform certificate) is the one `Wechatpay-Serial` names, with its index.
/// Every merchant's WeChat Pay key is its own, so the serial says whose notification it is.
/// When none holds it yet, the clients that download their certificates try to learn it first.
pub fn client_for<'a>(
    clients: &[&'a Client],
    headers: &SignedHeaders,
) -> Result<(usize, &'a Client)> {
    crate::verification::not_a_probe(headers, "notification")?;
    let serial = headers.serial.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::verify(
            "the notification has no Wechatpay-Serial header: an unsigned notification must be treated as forged",
        )
    })?;
    let holder = || clients.iter().position(|c| c.knows_serial(serial));
    let mut failed = Vec::new();
    if holder().is_none() {
        failed = learn_serial(clients, serial);
    }
    let at = holder().ok_or_else(|| {
        let e = Error::verify(format!(
            "Wechatpay-Serial {serial} names the key of none of the {} merchants given{}: \
             the notification is for another merchant, or forged",
            clients.len(),
            match failed.first() {
                Some(e) => format!(
                    ", and downloading the platform certificates failed for {} of them ({})",
                    failed.len(),
                    e.message()
                ),
                None => String::new(),
            }
        ));
        match failed.first() {
            Some(cause) => e.with_cause(cause),
            None => e,
        }
    })?;
    Ok((at, clients[at]))
}

/// Lets every client that downloads its platform certificates learn `serial` (before its first
/// download, or after a rotation), each within its own bounds (at most one download per
/// [`crate::client::REFETCH_INTERVAL`], never two at once) and all at the same time, so that
/// the wait is at most the longest of their timeouts. The downloads that failed.
fn learn_serial(clients: &[&Client], serial: &str) -> Vec<Error> {
    let learning = clients.iter().filter(|c| c.could_learn(serial));
    std::thread::scope(|scope| {
        let started: Vec<_> = learning
            .map(|client| {
                let learn = move || client.learn_notification_serial(serial);
                // A thread that cannot be started: this one learns instead.
                std::thread::Builder::new()
                    .spawn_scoped(scope, learn)
                    .map_err(|_| learn())
            })
            .collect();
        started
            .into_iter()
            .filter_map(|thread| match thread {
                Ok(handle) => match handle.join() {
                    Ok(learned) => learned.err(),
                    Err(_) => Some(Error::internal("a platform certificate download panicked")),
                },
                Err(learned) => learned.err(),
            })
            .collect()
    })
}
