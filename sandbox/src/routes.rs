//! The route table: which handler answers a method and path. The sandbox's own routes are
//! listed here; then come the calls each family's file documents on its contracts
//! (`families/<family>.rs`, [`ContractKind::calls`](crate::families::ContractKind)), then the
//! pre-sign endpoints of the library's table. Errors become answers in one place, here.

use crate::admin;
use crate::behaviours;
use crate::clock;
use crate::contracts;
use crate::dashboard;
use crate::http_server::{Reply, Request};
use crate::money;
use crate::refusal::{Answered, Refusal};
use crate::server::State;
use crate::sessions;
use crate::signer;
use crate::trigger;
use crate::user_actions;
use wxpresign::endpoints::{self, Endpoint};

/// A handler: the shared state, the request, and the `{id}` its path gave (empty for none).
type Handler = fn(&State, &Request, &str) -> Answered;

/// One route: a method (`None`: any, the handler refuses what it does not take) and a path,
/// where `{id}` stands for the rest of the path up to the literal text after it.
struct Route {
    method: Option<&'static str>,
    path: &'static str,
    handler: Handler,
}

/// The sandbox's own routes. A session's routes come before the session: `{id}` takes what
/// its path leaves, slashes included, as an id no session has.
static ROUTES: &[Route] = &[
    route(Some("GET"), "/sandbox/", dashboard::overview),
    route(None, "/sandbox/stats", admin::stats),
    route(None, "/sandbox/requests", admin::requests),
    route(None, "/sandbox/sessions/{id}/sign", admin::sign),
    route(None, "/sandbox/sessions/{id}/cancel", admin::cancel),
    route(
        Some("GET"),
        "/sandbox/sessions/{id}/detail",
        dashboard::session,
    ),
    route(None, "/sandbox/sessions/{id}", admin::show_session),
    route(
        None,
        "/sandbox/contracts/{id}/user-terminate",
        user_actions::user_terminate,
    ),
    route(None, "/sandbox/contracts/{id}", admin::show_contract),
    route(None, "/sandbox/certificates/rotate", admin::rotate),
    route(None, "/sandbox/notifications/trigger", trigger::trigger),
    route(None, "/sandbox/merchants", admin::merchants),
    route(
        None,
        "/sandbox/merchants/{id}/behaviours",
        behaviours::settings_route,
    ),
    route(
        None,
        "/sandbox/merchants/{id}/probe-notification",
        behaviours::probe_notification,
    ),
    route(None, "/sandbox/clock", clock::clock),
    route(Some("GET"), "/v3/certificates", certificate_list),
    // The APIv3 order queries of the library's table (src/endpoints/calls/orders.rs),
    // answering the orders of the families without queries of their own, the scheduled
    // deduction's and insurance's (sandbox/src/money/); each request is checked against its
    // table entry as any call on a contract is.
    route(
        Some("GET"),
        "/v3/pay/transactions/out-trade-no/{id}",
        money::order_by_out_trade_no,
    ),
    route(
        Some("GET"),
        "/v3/pay/partner/transactions/out-trade-no/{id}",
        money::order_by_out_trade_no,
    ),
    route(
        Some("GET"),
        "/v3/pay/transactions/id/{id}",
        money::order_by_transaction_id,
    ),
    route(
        Some("GET"),
        "/v3/pay/partner/transactions/id/{id}",
        money::order_by_transaction_id,
    ),
];

const fn route(method: Option<&'static str>, path: &'static str, handler: Handler) -> Route {
    Route {
        method,
        path,
        handler,
    }
}

/// The answer to `request`, recorded.
pub(crate) fn handle(state: &State, request: Request) -> Reply {
    // Each merchant's behaviours (its rate, its probes) apply to its own requests.
    let merchant = state.merchants.addressed(&request);
    let reply = behaviours::admit(&merchant, &request)
        .and_then(|()| answer(state, &request))
        .unwrap_or_else(Refusal::into_reply);
    let reply = behaviours::bend_answer(&merchant, &request, reply);
    if let Some(received) = state.record.note(&request, &reply) {
        state.store.note_request(received);
    }
    reply
}

fn answer(state: &State, request: &Request) -> Answered {
    let path = request.path();
    for route in ROUTES {
        if route.method.is_some_and(|m| m != request.method) {
            continue;
        }
        if let Some(id) = captured(route.path, path) {
            return (route.handler)(state, request, id);
        }
    }
    if let Some(answered) = money::call(state, request) {
        return answered;
    }
    if let Some((kind, call, identified)) = contracts::call_at(&request.method, path) {
        // A contract's query shows what the clock has made of it (an insurance period expired)
        // though no money call came since, as the money calls' answers do.
        money::settle(state)?;
        return contracts::call(state, kind, call, &identified, request);
    }
    sessions::presign(state, presign_endpoint(request)?, request)
}

/// What `template`'s `{id}` is in `path`, or "" for a template without one; `None` when the
/// path is not the template's.
fn captured<'a>(template: &str, path: &'a str) -> Option<&'a str> {
    match template.split_once("{id}") {
        None => (template == path).then_some(""),
        Some((before, after)) => path.strip_prefix(before)?.strip_suffix(after),
    }
}

/// The pre-sign endpoint a request's path names: 404 for none, 405 for a method other than POST.
fn presign_endpoint(request: &Request) -> Result<&'static Endpoint, Refusal> {
    let path = request.path();
    let endpoint = endpoints::find(path)
        .filter(|e| path.starts_with('/') && e.stage == endpoints::Stage::Presign)
        .ok_or_else(|| Refusal::new(404, "NOT_FOUND", format!("no pre-sign endpoint at {path}")))?;
    if request.method != "POST" {
        return Err(Refusal::post_only(endpoint.path));
    }
    Ok(endpoint)
}

/// `GET /v3/certificates`: the caller's platform certificates, each encrypted with its APIv3
/// key. A merchant in public-key mode has none: 404, and nothing else about it changes.
fn certificate_list(state: &State, request: &Request, _: &str) -> Answered {
    let merchant = state.gateway.call(request)?;
    let listing = merchant
        .certificate_list()
        .ok_or_else(|| {
            Refusal::new(
                404,
                "RESOURCE_NOT_EXISTS",
                "this merchant verifies with a WeChat Pay public key and has no platform certificates",
            )
        })?
        .map_err(|e| Refusal::failed(&e))?;
    signer::ok(&merchant, &listing)
}
