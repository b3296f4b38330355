//! Notifications on demand: each family's events, by name, about a contract of the family made
//! up for the merchant. `notify-test` builds its notifications here, so that it sends what the
//! sandbox sends for that family.

use crate::contracts::Contract;
use crate::families::{self, Event};
use crate::random_hex;
use wxpresign::endpoints::{self, Family};
use wxpresign::signing::unix_now;

/// Every family, in the order of the library's endpoint table.
pub const FAMILIES: [Family; 8] = [
    Family::ScheduledDeduct,
    Family::Insurance,
    Family::PasswordExempt,
    Family::Ecommerce,
    Family::CreditRepayment,
    Family::Education,
    Family::OfflineFace,
    Family::Global,
];

/// A family's name as the command line and the trigger route spell it: its module's name.
pub fn family_name(family: Family) -> &'static str {
    match family {
        Family::ScheduledDeduct => "scheduled_deduct",
        Family::Insurance => "insurance",
        Family::PasswordExempt => "password_exempt",
        Family::Ecommerce => "ecommerce",
        Family::CreditRepayment => "credit_repayment",
        Family::Education => "education",
        Family::OfflineFace => "offline_face",
        Family::Global => "global",
    }
}

/// The family called `name`, or an error listing the names.
pub fn family_named(name: &str) -> Result<Family, String> {
    FAMILIES
        .into_iter()
        .find(|f| family_name(*f) == name)
        .ok_or_else(|| format!("unknown family {name:?}: one of {}", family_names()))
}

fn family_names() -> String {
    FAMILIES.map(family_name).join(", ")
}

/// The notifications a family sends: each signing notification of its pre-sign endpoints, then
/// each termination of its contracts, once each.
pub(crate) fn events(family: Family) -> Vec<&'static Event> {
    let presigns = families::behaviour(family).presigns;
    let signed = presigns.iter().filter_map(|p| p.signed);
    let terminated = presigns.iter().filter_map(|p| p.contracts?.terminated);
    let mut events: Vec<&'static Event> = Vec::new();
    for event in signed.chain(terminated) {
        if !events.iter().any(|e| std::ptr::eq(*e, event)) {
            events.push(event);
        }
    }
    events
}

/// The event types of [`events`], as a notification names them.
pub fn event_types(family: Family) -> Vec<&'static str> {
    events(family).iter().map(|e| e.event_type).collect()
}

/// Whether `event` is one `family` sends when a contract ends.
fn terminates(family: Family, event: &Event) -> bool {
    families::behaviour(family)
        .presigns
        .iter()
        .filter_map(|p| p.contracts?.terminated)
        .any(|e| std::ptr::eq(e, event))
}

/// A contract of `family` made up for `event`: signed now through the first pre-sign endpoint
/// whose sessions or contracts send it, with that endpoint's example request, as the sandbox
/// would hold it had the user signed that example.
pub(crate) fn made_up(family: Family, event: &Event) -> Option<Contract> {
    let presign = families::behaviour(family).presigns.iter().find(|p| {
        p.signed.is_some_and(|e| std::ptr::eq(e, event))
            || p.contracts
                .and_then(|k| k.terminated)
                .is_some_and(|e| std::ptr::eq(e, event))
    })?;
    let request = serde_json::from_str(endpoints::find(presign.path)?.example).ok()?;
    Some(Contract {
        id: format!("2026{}", random_hex(12)),
        endpoint: presign.path,
        request,
        signed_at: unix_now(),
        terminated: None,
        notify_url: None,
        termination: None,
    })
}

/// `contract` as `event` tells of it: as signed for a signing notification; terminated (now,
/// when it is not yet) for a termination. The sandbox's own contract is left as it is.
pub(crate) fn as_told(mut contract: Contract, family: Family, event: &Event) -> Contract {
    if terminates(family, event) {
        contract.terminated.get_or_insert((unix_now(), None));
    } else {
        contract.terminated = None;
    }
    contract
}
