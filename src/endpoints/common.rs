//! Schema pieces and answer values shared by several families.

use crate::schema::{Charset, Field, integer, object, object_array, string};

/// string(32), "只能是数字、大小写字母的组合": the contract code of the entrusted-payment,
/// insurance and password-free pages.
pub(super) const OUT_CONTRACT_CODE: Field = string("out_contract_code")
    .max(32)
    .charset(Charset::Alphanumeric)
    .required();

pub(super) const AMOUNT: &[Field] = &[
    integer("total").positive().required(),
    string("currency").one_of(&["CNY"]),
];

pub(super) const DEDUCT_SCHEDULE: &[Field] = &[
    string("estimated_deduct_date").date().required(),
    object("estimated_deduct_amount", AMOUNT).required(),
    string("description").required(),
];

pub(super) const REAL_IDENTITY: &[Field] = &[
    string("real_name").encrypted().required(),
    string("id_card_number").encrypted().required(),
    string("identity_type").one_of(&["ID_CARD"]),
];

pub(super) const POLICY_CLAUSE: &[Field] = &[string("clause_name"), string("clause_quota")];

pub(super) const POLICY_COVERAGE_DETAIL: &[Field] = &[
    string("policy_amount"),
    object_array("policy_clauses", POLICY_CLAUSE),
];

pub(super) const POLICY_PERIOD: &[Field] = &[
    integer("policy_period_id").positive().required(),
    string("estimated_deduct_date").date().required(),
    object("estimated_deduct_amount", AMOUNT).required(),
    object("policy_coverage_detail", POLICY_COVERAGE_DETAIL),
];

/// Where WeChat returns after signing in the H5 scene.
pub(super) const JUMP_CONTROL: &[Field] = &[string("jump_appid")];
