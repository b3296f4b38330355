//! The change from platform certificate to WeChat Pay public key (平台证书切换微信支付公钥),
//! for a merchant that holds both: its states, which key signs an answer (the one the request's
//! `Wechatpay-Serial` names, once started) and a notification (the public key with a share that
//! rises by day until day 7).
//!
//! WeChat Pay's words: "应答场景是跟商户请求时的wechatpay-serial保持一致,但回调场景是随机的,并且公钥
//! 比例逐日增加,第七天及之后才是100%用公钥"; the shares "第一天0.1%,第二天1%,第三天 5%,第四天10%,
//! 第五天20%,第六天50%,第七天 100%"
//! (https://developers.weixin.qq.com/community/pay/doc/0008ce1ea905609afef23aa2a66000); before the
//! start "即使商户调接口时在wechatpay-serial传了公钥ID,微信侧也仍会用平台证书返回"
//! (https://developers.weixin.qq.com/community/develop/doc/0004e8c40b09182972936db6d69400).

use wxpresign::keys::PrivateKey;

/// The share of notifications signed with the public key on day 1 to 7 of the change.
pub const RAMP: [f64; 7] = [0.001, 0.01, 0.05, 0.10, 0.20, 0.50, 1.0];

/// The length of a simulated day unless a merchant's settings say otherwise: a real day.
pub const DAY_SECS: u64 = 86_400;

/// The WeChat Pay public key a merchant in migration holds besides its platform certificate.
pub struct PublicKeyPair {
    /// `PUB_KEY_ID_...`.
    pub id: String,
    /// The key the sandbox signs with when the public key is in use.
    pub key: PrivateKey,
}

/// Where a merchant stands in the change (商户平台: 开始更换, 停止更换, 作废平台证书).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The merchant holds one kind of key only: there is nothing to change.
    None,
    NotStarted,
    Started,
    /// 停止更换: "停止后将全部切换回平台证书".
    Stopped,
    /// 作废平台证书: "后续的请求都需要用公钥".
    Completed,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::None => "none",
            State::NotStarted => "not_started",
            State::Started => "started",
            State::Stopped => "stopped",
            State::Completed => "completed",
        }
    }

    /// The state a merchant in migration may be moved to, by name.
    pub fn settable(name: &str) -> Option<State> {
        [
            State::NotStarted,
            State::Started,
            State::Stopped,
            State::Completed,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

/// A merchant's change: its state, when it started and how long a simulated day lasts.
#[derive(Clone, Copy, Debug)]
pub struct Migration {
    pub state: State,
    /// Unix seconds of the sandbox's clock when the merchant last started the change.
    pub started_at: Option<u64>,
    pub day_secs: u64,
}

impl Migration {
    pub fn new(holds_both: bool) -> Migration {
        Migration {
            state: if holds_both {
                State::NotStarted
            } else {
                State::None
            },
            started_at: None,
            day_secs: DAY_SECS,
        }
    }

    /// Day 1 is the start's, at `now` (Unix seconds of the sandbox's clock); `None` while the
    /// change is not running.
    pub fn day(&self, now: u64) -> Option<u64> {
        let started = self.started_at.filter(|_| self.state == State::Started)?;
        Some(now.saturating_sub(started) / self.day_secs.max(1) + 1)
    }

    /// The share of notifications signed with the public key at `now`.
    pub fn notification_share(&self, now: u64) -> f64 {
        match (self.state, self.day(now)) {
            (State::Completed, _) => 1.0,
            (State::Started, Some(day)) => RAMP[(day.min(7) - 1) as usize],
            _ => 0.0,
        }
    }

    /// Whether an answer to a request whose `Wechatpay-Serial` is `requested` is signed with
    /// the public key `id`: once started, when the request names it ("不指定则默认平台证书");
    /// always once completed.
    pub fn answers_with_public_key(&self, requested: Option<&str>, id: &str) -> bool {
        match self.state {
            State::Completed => true,
            State::Started => requested.is_some_and(|s| s.trim() == id),
            _ => false,
        }
    }

    /// Whether a request's encrypted fields may name the public key: only once started.
    pub fn public_key_decrypts(&self) -> bool {
        matches!(self.state, State::Started | State::Completed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    fn started(days_ago: u64) -> Migration {
        Migration {
            state: State::Started,
            started_at: Some(NOW - days_ago * 10),
            day_secs: 10,
        }
    }

    #[test]
    fn the_public_key_share_follows_the_ramp_and_stays_whole_from_day_seven() {
        assert_eq!(started(0).notification_share(NOW), 0.001);
        assert_eq!(started(5).notification_share(NOW), 0.50);
        assert_eq!(started(6).notification_share(NOW), 1.0);
        assert_eq!(started(30).notification_share(NOW), 1.0);
        assert_eq!(Migration::new(true).notification_share(NOW), 0.0);
    }

    #[test]
    fn answers_follow_the_requested_serial_only_once_started() {
        let id = "PUB_KEY_ID_0101";
        assert!(started(0).answers_with_public_key(Some(id), id));
        assert!(!started(0).answers_with_public_key(Some("5157F09E"), id));
        assert!(!started(0).answers_with_public_key(None, id));
        assert!(!Migration::new(true).answers_with_public_key(Some(id), id));
    }
}
