//! `wxpresign notify-test`: plays WeChat Pay against a merchant's own notify URL and grades its
//! answers. Good notifications of each event type of the chosen families (and each again, as a
//! retry), hostile ones the handler must refuse, and a signature probe; the answers are graded
//! as WeChat Pay's notification pages ask (2xx within 5 s for success; 4xx or 5xx with
//! `{"code":"FAIL","message":...}` for a failure).

mod checks;
mod report;

pub use checks::{Check, Expect};
pub use report::{Outcome, Report};

pub use crate::trigger::{FAMILIES, event_types, family_name, family_named};
pub use wxpresign::endpoints::Family;

use crate::families::Event;
use crate::{Identity, delivery, trigger};
use std::time::{Duration, Instant};
use wxpresign::error::{Error, Result};

/// How long a handler has to answer: "需在5秒内完成对报文的验签,并应答回调通知"
/// (https://pay.weixin.qq.com/doc/v3/merchant/4012978455, 回调验签与应答).
pub const ANSWER_WITHIN: Duration = delivery::ANSWER_TIMEOUT;

/// What to test: the URL, the families whose event types are sent, and the sandbox's time
/// (Unix seconds) the contracts they tell of are signed at.
pub struct Plan<'a> {
    pub url: &'a str,
    pub families: Vec<Family>,
    pub now: u64,
}

impl Plan<'_> {
    /// The event types to send, each once, in family order.
    pub fn event_types(&self) -> Vec<&'static str> {
        self.events().iter().map(|(_, e)| e.event_type).collect()
    }

    /// Each family's events, each once, with the family that sends it.
    fn events(&self) -> Vec<(Family, &'static Event)> {
        let mut events: Vec<(Family, &'static Event)> = Vec::new();
        for family in &self.families {
            for event in trigger::events(*family) {
                if !events.iter().any(|(_, e)| e.event_type == event.event_type) {
                    events.push((*family, event));
                }
            }
        }
        events
    }

    /// Sends every check to the URL, one after the other, and grades the answers.
    pub fn run(&self, identity: &Identity) -> Result<Report> {
        let events = self.events();
        let Some((family, event)) = events.first() else {
            let names: Vec<&str> = self.families.iter().map(|f| family_name(*f)).collect();
            return Err(Error::config(format!(
                "{}: WeChat Pay publishes no notification payload for this family, so there is \
                 nothing to send; choose another --family",
                names.join(", ")
            )));
        };
        let mut list = Vec::new();
        for (family, event) in &events {
            list.extend(checks::good(identity, *family, event, self.now)?);
        }
        list.extend(checks::hostile(identity, *family, event, self.now)?);
        let outcomes = list.into_iter().map(|check| self.send(check)).collect();
        Ok(Report { outcomes })
    }

    /// One delivery, graded: posted as the sandbox posts its notifications.
    fn send(&self, check: Check) -> Outcome {
        let started = Instant::now();
        let answer = delivery::post(self.url, &check.body, &check.headers);
        Outcome::grade(check, answer, started.elapsed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_send_their_signing_and_termination_events() {
        assert_eq!(
            event_types(Family::Global),
            ["PAPAY.SIGN", "PAPAY.TERMINATE"]
        );
        assert!(event_types(Family::PasswordExempt).is_empty());
    }

    /// Every family of the library's table is listed, so that `--family` and the trigger
    /// route can name it.
    #[test]
    fn every_family_of_the_table_is_listed_once_by_its_name() {
        for endpoint in wxpresign::endpoints::all() {
            let listed = FAMILIES.iter().filter(|f| **f == endpoint.family).count();
            assert_eq!(listed, 1, "{}", endpoint.path);
            assert_eq!(
                family_named(family_name(endpoint.family)),
                Ok(endpoint.family)
            );
        }
    }
}
