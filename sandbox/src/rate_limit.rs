//! A merchant's request rate: a token bucket over the API routes, refilled at the merchant's
//! requests per second. WeChat Pay's quotas are per merchant and unpublished for the pre-sign
//! endpoints, so the rate is a setting and unlimited unless set.

use std::time::Instant;

/// The code a request over the rate is answered with (`429`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitCode {
    /// What the issue quotes from the pre-sign pages' error tables: 频率限制.
    RatelimitExceeded,
    /// What every other APIv3 error table found gives: 频率超限.
    FrequencyLimited,
}

impl LimitCode {
    pub const ALL: [LimitCode; 2] = [LimitCode::RatelimitExceeded, LimitCode::FrequencyLimited];

    pub fn code(self) -> &'static str {
        match self {
            LimitCode::RatelimitExceeded => "RATELIMIT_EXCEEDED",
            LimitCode::FrequencyLimited => "FREQUENCY_LIMITED",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            LimitCode::RatelimitExceeded => "频率限制",
            LimitCode::FrequencyLimited => "频率超限",
        }
    }
}

/// The bucket: `tokens` of at most `burst`, refilled at `per_second` since `refilled`.
#[derive(Debug)]
pub struct Bucket {
    pub per_second: Option<f64>,
    pub burst: Option<f64>,
    pub code: LimitCode,
    tokens: f64,
    refilled: Instant,
}

impl Default for Bucket {
    fn default() -> Self {
        Bucket {
            per_second: None,
            burst: None,
            code: LimitCode::RatelimitExceeded,
            tokens: 0.0,
            refilled: Instant::now(),
        }
    }
}

impl Bucket {
    /// The most requests taken at once: `burst`, else one second's worth (at least one).
    fn capacity(&self, per_second: f64) -> f64 {
        self.burst.unwrap_or(per_second).max(1.0)
    }

    /// A new rate starts with a full bucket.
    pub fn set(&mut self, per_second: Option<f64>, burst: Option<f64>) {
        self.per_second = per_second;
        self.burst = burst;
        self.tokens = per_second.map_or(0.0, |r| self.capacity(r));
        self.refilled = Instant::now();
    }

    /// Whether one more request is within the rate (it takes a token if so).
    pub fn take(&mut self) -> bool {
        let Some(rate) = self.per_second else {
            return true;
        };
        let now = Instant::now();
        let earned = now.duration_since(self.refilled).as_secs_f64() * rate;
        self.tokens = (self.tokens + earned).min(self.capacity(rate));
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_takes_its_burst_then_refuses() {
        let mut bucket = Bucket::default();
        bucket.set(Some(2.0), None);
        assert!(bucket.take() && bucket.take());
        assert!(!bucket.take());
    }

    #[test]
    fn no_rate_takes_everything() {
        let mut bucket = Bucket::default();
        assert!((0..1000).all(|_| bucket.take()));
    }
}
