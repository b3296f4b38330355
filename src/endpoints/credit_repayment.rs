//! 自动还款 (credit-card and loan auto-repayment, partner): the user's identity is sent encrypted.

use super::Endpoint;

pub(super) static ENDPOINTS: &[Endpoint] = &[];
