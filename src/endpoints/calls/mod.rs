//! The calls made on a signed contract, one module per family (as the pre-signs have theirs):
//! each entry is a [`Stage::Contract`](super::Stage::Contract) endpoint whose request JSON
//! carries its path and query parameters as members.

pub(super) mod scheduled_deduct;

// WeChat Pay's APIv3 order queries, which answer the asynchronous deductions' orders.
pub(super) mod orders;

// The cross-border, combined-deduction and credit-repayment calls.
pub(super) mod credit_repayment;
pub(super) mod ecommerce;
pub(super) mod global;

// Insurance, education renewal and campus easy pay.
pub(super) mod education;
pub(super) mod insurance;
