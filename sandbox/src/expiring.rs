//! A map whose stale entries are dropped in amortised constant time, for what the sandbox
//! remembers for a while: nonces, sessions, faults already failed once.

use std::collections::HashMap;

/// A full sweep happens only when the map has doubled since the last one, so a long run of
/// requests stays linear.
pub(crate) struct Expiring<K, V> {
    pub map: HashMap<K, V>,
    sweep_at: usize,
}

impl<K, V> Default for Expiring<K, V> {
    fn default() -> Self {
        Expiring {
            map: HashMap::new(),
            sweep_at: 1024,
        }
    }
}

impl<K: std::hash::Hash + Eq, V> Expiring<K, V> {
    /// Drops the entries `keep` refuses, when a sweep is due.
    pub fn prune(&mut self, mut keep: impl FnMut(&V) -> bool) {
        if self.map.len() >= self.sweep_at {
            self.map.retain(|_, v| keep(v));
            self.sweep_at = (self.map.len() * 2).max(1024);
        }
    }
}
