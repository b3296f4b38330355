//! 刷脸支付 (offline face-pay one-click card binding).

use super::Endpoint;

pub(super) static ENDPOINTS: &[Endpoint] = &[];
