//! 刷脸支付 (offline face-pay card binding) in the sandbox: its session and
//! FACEPAY.USER_STATE_CHANGE; no calls on its contracts are modelled.

use super::Member::{ContractId, Mchid, Request, SignedTime};
use super::{APPID, Behaviour, Event, OPENID, Presign, RETRY_SCHEDULE_SECS, Source};

pub(super) static BEHAVIOUR: Behaviour = Behaviour {
    presigns: &[Presign {
        path: "v3/offlineface/contracts/presign",
        answer: &[("presign_token", Source::SessionId)],
        // The merchant's own id, `facepay_user.out_user_id`, is nested; faults read top-level
        // members.
        fault_field: "business_name",
        session_minutes: 10,
        contracts: None,
        signed: Some(&SIGNED),
    }],
};

static SIGNED: Event = Event {
    retry_secs: &RETRY_SCHEDULE_SECS,
    event_type: "FACEPAY.USER_STATE_CHANGE",
    original_type: "facepay",
    summary: "用户签约状态变更",
    resource: &[
        ("user_id", ContractId),
        ("out_user_id", Request(&["facepay_user/out_user_id"])),
        (
            "organization_id",
            Request(&["facepay_user/organization_id"]),
        ),
        ("mch_id", Mchid),
        ("notify_create_time", SignedTime),
        ("appid", APPID),
        ("openid", OPENID),
        ("contract_id", ContractId),
    ],
};
