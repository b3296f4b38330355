//! 收付通 (e-commerce platforms): combined entrusted payment (合单代扣) and individual payee contracts (个人收款).

use super::Endpoint;

pub(super) static ENDPOINTS: &[Endpoint] = &[];
