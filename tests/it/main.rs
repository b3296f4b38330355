//! The library's integration tests in one binary: a module per subject, each the file of its
//! name here (`cargo test --test it -- proxy::` runs one). One binary links the library, the
//! sandbox and the test helpers once, where a binary per file linked them once per file.
//!
//! Tests that need a process of their own (they fork, count the process's threads and file
//! descriptors, or set process-wide state) are binaries beside this directory, tests/*.rs, each
//! saying why at its top.

#[path = "../common/mod.rs"]
mod common;
#[path = "../common/tinyproxy.rs"]
mod tinyproxy;
#[path = "../common/tls_relay.rs"]
mod tls_relay;

mod c_abi;
mod certificate_download_answer;
mod certificates;
mod choices_deduction_insurance_password_free;
mod choices_ecommerce_repayment_campus_cross_border;
mod client;
mod closed_without_an_answer;
mod composer;
mod concurrency;
mod config;
mod conformance;
mod contract_conformance;
mod contracts;
mod encrypted_fields_in_arrays;
mod failover;
mod ffi_wrappers;
mod fuzz_regressions;
mod fuzz_smoke;
mod header;
mod key_migration;
mod many_merchants;
mod nonce_randomness;
mod notification;
mod notification_envelope;
mod notification_headers_json;
mod notify_url_loopback;
mod path_parameters;
mod php_fpm;
mod platform_certificate_validity;
mod probes;
mod proxy;
mod rate_limit;
mod recorder;
mod replay_window;
mod request;
mod request_clock;
mod retries;
mod secrets;
mod shipped_library;
mod signed_headers;
mod supply_chain;
mod tls;
mod transport_faults;
mod validation;
mod vectors;
