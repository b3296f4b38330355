//! The contract store: the contracts signed sessions became, found by what the documented calls
//! on them name (their path's `{name}` segments, query and body).

use crate::beijing_rfc3339;
use crate::families::{self, Act, Bound, Call, Changed, ContractKind, Event, Member, Params};
use crate::http_server::Request as HttpRequest;
use crate::refusal::{Answered, Refusal, lock};
use crate::server::State as Served;
use crate::signer;
use serde_json::{Map, Value, json};
use std::sync::{Mutex, MutexGuard};
use wxpresign::endpoints::Endpoint;
use wxpresign::schema::{Field, Rule, Type};
use wxpresign::validation::validate;

use Member::{
    ContractId, Derived, Direct, ExpiredTime, Fixed, Given, If, Mchid, Object, OperateTime, Or,
    Partner, PartnerMchid, Request, RequestInteger, SignedAfter, SignedTime, State, Terminated,
    TerminatedTime, TerminationMode, TerminationRemark, UserOpenid,
};

/// The contracts signed sessions became, oldest first, as the store keeps them.
#[derive(Default)]
pub(crate) struct Contracts {
    held: Mutex<Vec<Contract>>,
}

impl Contracts {
    /// The contracts the store held when the sandbox started.
    pub fn loaded(contracts: Vec<Contract>) -> Contracts {
        Contracts {
            held: Mutex::new(contracts),
        }
    }

    pub fn add(&self, contract: Contract) {
        lock(&self.held).push(contract);
    }

    /// A contract by id, as it is now.
    pub fn get(&self, id: &str) -> Option<Contract> {
        lock(&self.held).iter().find(|c| c.id == id).cloned()
    }

    /// The contracts, held until the guard is dropped: a change of one is made through it.
    pub(crate) fn all(&self) -> MutexGuard<'_, Vec<Contract>> {
        lock(&self.held)
    }
}

/// A call a family's page documents on a contract: the gateway's checks, what it names
/// checked, the contract found by those members, then queried, listed or terminated.
pub(crate) fn call(
    state: &Served,
    kind: &'static ContractKind,
    call: &'static Call,
    identified: &[(&'static str, String)],
    request: &HttpRequest,
) -> Answered {
    let merchant = state.gateway.call(request)?;
    let named = Naming::read(kind, call, identified, request)?;
    let mchid = merchant.mchid.as_str();
    let contracts = state.merchants.contracts(mchid);
    let mut held = contracts.all();
    let answer = match call.act {
        Act::Query | Act::QueryInForce => Some(
            held.iter()
                .filter(|c| !matches!(call.act, Act::QueryInForce) || c.terminated.is_none())
                .find(|c| named.identifies(c, mchid))
                .ok_or_else(|| not_found(kind))?
                .view(kind, mchid),
        ),
        Act::QueryAs(members) => Some(Value::Object(
            held.iter()
                .find(|c| named.identifies(c, mchid))
                .ok_or_else(|| not_found(kind))?
                .members(members, mchid),
        )),
        Act::Page {
            items,
            keep,
            state: fixed,
            default_limit,
        } => {
            let contract = held
                .iter()
                .find(|c| named.identifies(c, mchid))
                .ok_or_else(|| not_found(kind))?;
            let limit = named.queried_number("limit").unwrap_or(default_limit);
            let offset = named.queried_number("offset").unwrap_or(0);
            let all = contract.items(items, keep, fixed);
            Some(page(all, limit, offset))
        }
        Act::List { links, aligned } => Some(list(
            &named,
            &held,
            mchid,
            named.page(aligned)?,
            links.then_some(&request.target),
        )?),
        Act::Change { apply, event } => {
            let contract = held
                .iter_mut()
                .find(|c| named.identifies(c, mchid))
                .ok_or_else(|| not_found(kind))?;
            change(state, &merchant, contract, apply, &named.body, event)?
        }
        Act::Terminate { remark, answer } => {
            let contract = held
                .iter_mut()
                .find(|c| named.identifies(c, mchid))
                .ok_or_else(|| not_found(kind))?;
            let remark = remark.map(|name| named.remark(name)).transpose()?;
            terminate(state, &merchant, kind, contract, remark, false)?;
            answer.render(contract.view(kind, mchid))
        }
    };
    drop(held);
    match answer {
        Some(answer) => signer::ok(&merchant, &answer),
        None => signer::answer(&merchant, 204, Vec::new(), None),
    }
}

fn not_found(kind: &ContractKind) -> Refusal {
    Refusal::new(
        404,
        kind.not_found,
        "签约协议不存在: no contract here matches the path and query",
    )
}

/// A list call's answer: the contracts it names, filtered by the status it asks for, signed
/// before terminated ("结果中已签约合约排列于已解约合约之前"), the page it asks for of them.
fn list(
    named: &Naming,
    held: &[Contract],
    mchid: &str,
    page: Page,
    links_self: Option<&String>,
) -> Result<Value, Refusal> {
    let status = named.queried(LIST_STATUS);
    let mut found: Vec<&Contract> = held
        .iter()
        .filter(|c| named.identifies(c, mchid) && listed(status, c.terminated.is_some()))
        .collect();
    if found.is_empty() {
        return Err(not_found(named.kind));
    }
    found.sort_by_key(|c| c.terminated.is_some());
    let total = found.len();
    let listed = page.of(found).map(|c| c.view(named.kind, mchid)).collect();
    Ok(list_answer(
        listed,
        total,
        page,
        links_self.map(String::as_str),
    ))
}

/// The page of a list a call asks for.
#[derive(Clone, Copy)]
struct Page {
    offset: u64,
    limit: u64,
}

impl Page {
    /// The items of this page of `all`: from `offset`, at most `limit`.
    fn of<T>(self, all: impl IntoIterator<Item = T>) -> impl Iterator<Item = T> {
        all.into_iter()
            .skip(usize::try_from(self.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(self.limit).unwrap_or(usize::MAX))
    }
}

/// The page of `all` from `offset`, at most `limit` long, in the pages' envelope.
fn page(all: Vec<Value>, limit: u64, offset: u64) -> Value {
    let total = all.len();
    let data: Vec<Value> = Page { offset, limit }.of(all).collect();
    json!({ "data": data, "limit": limit, "offset": offset, "total_count": total })
}

/// Changes `merchant`'s `contract` in force as `apply` says of `body`, telling it with `event`:
/// what the call answers.
fn change(
    state: &Served,
    merchant: &crate::Identity,
    contract: &mut Contract,
    apply: fn(&Contract, &Value, u64) -> Result<Changed, Refusal>,
    body: &Value,
    event: Option<&'static Event>,
) -> Result<Option<Value>, Refusal> {
    if contract.terminated.is_some() {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "the contract is terminated: only a contract in force changes",
        ));
    }
    let now = state.clock.now_secs();
    let changed = apply(contract, body, now)?;
    let mut next = contract.clone();
    next.changed.extend(changed.members);
    if changed.counted {
        next.changed_at.push(now);
    }
    let queued = match (event, next.notify_url.clone()) {
        (Some(event), Some(url)) => Some(state.notifier.prepare(merchant, event, &next, url)?),
        _ => None,
    };
    state
        .store
        .changed(&next, queued.as_ref())
        .map_err(|e| Refusal::failed(&e))?;
    *contract = next;
    if queued.is_some() {
        state.notifier.queued();
    }
    Ok(changed.answer)
}

/// The contract `id` ended by its user in WeChat, now: terminated as a merchant's call does it,
/// its mode the user's, with no remark (the user gives the merchant none). The contract as it
/// is then.
pub(crate) fn end_by_user(state: &Served, id: &str) -> Result<Contract, Refusal> {
    let (mchid, _) = state
        .merchants
        .contract(id)
        .ok_or_else(|| no_contract(id))?;
    let merchant = state.merchants.named(&mchid)?;
    let contracts = state.merchants.contracts(&mchid);
    let mut held = contracts.all();
    let contract = held
        .iter_mut()
        .find(|c| c.id == id)
        .ok_or_else(|| no_contract(id))?;
    let kind = contract.kind().ok_or_else(|| no_contract(id))?;
    terminate(state, &merchant, kind, contract, None, true)?;
    Ok(contract.clone())
}

/// The refusal of a route naming a contract the sandbox does not hold.
pub(crate) fn no_contract(id: &str) -> Refusal {
    Refusal::new(404, "RESOURCE_NOT_EXISTS", format!("no contract {id}"))
}

/// Terminates `contract` now, by its user or by the merchant's call, with the kind's
/// termination notification where it has one.
fn terminate(
    state: &Served,
    merchant: &crate::Identity,
    kind: &ContractKind,
    contract: &mut Contract,
    remark: Option<String>,
    by_user: bool,
) -> Result<(), Refusal> {
    if contract.terminated.is_some() {
        return Err(Refusal::new(
            400,
            "INVALID_REQUEST",
            "the contract is already terminated",
        ));
    }
    let mut ended = contract.clone();
    ended.terminated = Some((state.clock.now_secs(), remark));
    ended.terminated_by_user = by_user;
    let queued = match (kind.terminated, ended.notify_url.clone()) {
        (Some(event), Some(url)) => Some(state.notifier.prepare(merchant, event, &ended, url)?),
        _ => None,
    };
    ended.termination_id = queued.as_ref().map(|q| q.id.clone());
    state
        .store
        .terminated(&ended, queued.as_ref())
        .map_err(|e| Refusal::failed(&e))?;
    *contract = ended;
    if queued.is_some() {
        state.notifier.queued();
    }
    Ok(())
}

/// Refuses a pre-sign of a contract code its family's pages allow once, when a contract of the
/// same kind of merchant `mchid` has it (for the same plan and sub-merchant), in force or
/// terminated: another merchant's codes are its own. A code
/// pre-signed and never signed stays free. The pages give no error for it: 400 INVALID_REQUEST
/// naming the member is the sandbox's choice (docs/where-sources-disagree.md).
pub(crate) fn code_unused(
    state: &Served,
    mchid: &str,
    endpoint: &Endpoint,
    request: &Value,
) -> Result<(), Refusal> {
    let Some(kind) = families::presign(endpoint).and_then(|p| p.contracts) else {
        return Ok(());
    };
    let Some(code) = request.get(CODE) else {
        return Ok(());
    };
    if !families::codes_used_once(endpoint.family) {
        return Ok(());
    }
    let same = |c: &Contract, name: &str| c.request.get(name) == request.get(name);
    let used = state.merchants.contracts(mchid).all().iter().any(|c| {
        c.kind().is_some_and(|k| std::ptr::eq(k, kind))
            && [CODE, "plan_id", "sub_mchid"].iter().all(|n| same(c, n))
    });
    if !used {
        return Ok(());
    }
    let issue = "商户签约协议号在进行签约后不能在重复使用: a contract was signed with this code";
    Err(Refusal {
        status: 400,
        code: "INVALID_REQUEST",
        message: format!("{issue}; query the contract to see it"),
        detail: Some(json!({
            "field": format!("/{CODE}"),
            "value": code,
            "issue": issue,
            "location": "body",
        })),
    })
}

/// The pre-sign member that names a contract on the merchant's side.
const CODE: &str = "out_contract_code";

/// A contract the sandbox holds: what the user signed, and whether it still holds.
#[derive(Clone, Debug)]
pub struct Contract {
    pub id: String,
    /// The pre-sign endpoint it was signed through.
    pub endpoint: &'static str,
    pub request: Value,
    pub signed_at: u64,
    /// When it was terminated, and the remark given.
    pub terminated: Option<(u64, Option<String>)>,
    /// Where its notifications go: the signing notification's URL (WeChat Pay sends the
    /// termination to the address configured with the plan; the sandbox has only this one),
    /// when the request has one.
    pub notify_url: Option<String>,
    /// The id of the termination notification, once terminated where the family sends one.
    pub termination_id: Option<String>,
    /// The user ended it in WeChat, rather than the merchant's call.
    pub terminated_by_user: bool,
    /// Members of the pre-sign request the calls on the contract have changed since (insurance's
    /// policy periods, modified or renewed), by name.
    pub changed: Map<String, Value>,
    /// When the changes that count against its limit were made (insurance's modifications),
    /// oldest first, in Unix seconds of the sandbox's clock.
    pub changed_at: Vec<u64>,
}

impl Contract {
    /// The kind of contract it is, as its pre-sign endpoint's family says.
    pub(crate) fn kind(&self) -> Option<&'static ContractKind> {
        families::presign_at(self.endpoint)?.contracts
    }

    /// The value `source` gives this contract, when it has one.
    fn value(&self, source: &Member, mchid: &str) -> Option<Value> {
        // A member a call on the contract replaced (its deduction's schedule) is read there.
        let at = |n: &str| {
            let (head, rest) = n.split_once('/').unwrap_or((n, ""));
            match self.changed.get(head) {
                Some(changed) if rest.is_empty() => Some(changed),
                Some(changed) => changed.pointer(&format!("/{rest}")),
                None => self.request.pointer(&format!("/{n}")),
            }
        };
        let first = |names: &[&str]| names.iter().find_map(|n| at(n)).cloned();
        let terminated = self.terminated.as_ref();
        match source {
            Request(names) => first(names),
            RequestInteger(names) => match first(names)? {
                Value::String(s) => s.parse::<i64>().ok().map(Value::from),
                other => Some(other),
            },
            UserOpenid(names) => first(names).or_else(|| Some(self.sandbox_openid().into())),
            Mchid => Some(mchid.into()),
            PartnerMchid => self.request.get("sub_mchid").map(|_| mchid.into()),
            Direct(inner) if self.request.get("sub_mchid").is_none() => self.value(inner, mchid),
            Partner(inner) if self.request.get("sub_mchid").is_some() => self.value(inner, mchid),
            Direct(_) | Partner(_) => None,
            ContractId => Some(self.id.clone().into()),
            State(signed, ended) => Some(
                if terminated.is_some() {
                    *ended
                } else {
                    *signed
                }
                .into(),
            ),
            SignedTime => Some(beijing_rfc3339(self.signed_at).into()),
            ExpiredTime => Some(beijing_rfc3339(self.signed_at + 10 * 365 * 86_400).into()),
            SignedAfter(secs) => Some(beijing_rfc3339(self.signed_at.saturating_add(*secs)).into()),
            OperateTime => {
                Some(beijing_rfc3339(terminated.map_or(self.signed_at, |(at, _)| *at)).into())
            }
            TerminatedTime => terminated.map(|(at, _)| beijing_rfc3339(*at).into()),
            TerminationMode(merchant, user) => terminated.map(|_| {
                if self.terminated_by_user {
                    *user
                } else {
                    *merchant
                }
                .into()
            }),
            TerminationRemark => terminated.and_then(|(_, r)| r.clone()).map(Value::from),
            Fixed(v) => Some((*v).into()),
            Object(members) => Some(Value::Object(self.members(members, mchid))),
            Terminated(members) => terminated.map(|_| Value::Object(self.members(members, mchid))),
            Given(name, members) => self
                .request
                .get(*name)
                .map(|_| Value::Object(self.members(members, mchid))),
            Or(first, second) => self
                .value(first, mchid)
                .or_else(|| self.value(second, mchid)),
            If(name, member) => self.request.get(*name).and(self.value(member, mchid)),
            Derived(prefix, member) => match self.value(member, mchid)? {
                Value::String(text) => Some(format!("{prefix}{text}").into()),
                other => Some(format!("{prefix}{other}").into()),
            },
        }
    }

    /// The pre-sign request's member `name` as the calls on the contract have left it.
    pub(crate) fn current(&self, name: &str) -> Option<&Value> {
        self.changed.get(name).or_else(|| self.request.get(name))
    }

    /// The openid the sandbox gives the user of a contract whose pre-sign named none: 28
    /// characters like WeChat's, the same for every answer and notification of the contract.
    fn sandbox_openid(&self) -> String {
        let tail: String = self.id.chars().rev().take(24).collect();
        format!("oSbx{}", tail.chars().rev().collect::<String>())
    }

    /// `members` as this contract has them, in their order.
    pub(crate) fn members(
        &self,
        members: &[(&'static str, Member)],
        mchid: &str,
    ) -> Map<String, Value> {
        members
            .iter()
            .filter_map(|(name, source)| Some(((*name).to_owned(), self.value(source, mchid)?)))
            .collect()
    }

    /// The items of the pre-sign's array member `items`, each with its members `keep` and the
    /// member `state` fixed.
    fn items(&self, items: &str, keep: &[&str], state: (&str, &str)) -> Vec<Value> {
        let all = self.current(items).and_then(Value::as_array);
        all.into_iter()
            .flatten()
            .map(|item| {
                let mut kept: Map<String, Value> = keep
                    .iter()
                    .filter_map(|n| Some(((*n).to_owned(), item.get(*n)?.clone())))
                    .collect();
                // An item's own state (an insurance period scheduled or paid) is its state.
                let own = item.get(state.0).cloned();
                kept.insert(state.0.to_owned(), own.unwrap_or_else(|| state.1.into()));
                Value::Object(kept)
            })
            .collect()
    }

    /// The answer to a query: the family's members the contract has.
    pub(crate) fn view(&self, kind: &ContractKind, mchid: &str) -> Value {
        Value::Object(self.members(kind.members, mchid))
    }

    /// Whether the contract has `value` as its member `name`: at the top of the family's answer
    /// or in one of its objects, else in the pre-sign request (a page's answer need not repeat
    /// what its path names). Numbers and strings compare by their text: a plan id is a number in
    /// some requests and always text in a path.
    pub(crate) fn has(&self, kind: &ContractKind, name: &str, value: &str, mchid: &str) -> bool {
        fn find<'a>(members: &'a [(&'static str, Member)], name: &str) -> Option<&'a Member> {
            members.iter().find_map(|(n, source)| match source {
                _ if *n == name => Some(source),
                Object(inner) => find(inner, name),
                _ => None,
            })
        }
        // A member the answer lacks may be one object down in the request (face pay's
        // `facepay_user/out_user_id`).
        let requested = || {
            let nested = || self.request.as_object()?.values().find_map(|v| v.get(name));
            self.request.get(name).or_else(nested).cloned()
        };
        let found = match find(kind.members, name) {
            Some(source) => self.value(source, mchid),
            None => requested(),
        };
        match found {
            Some(Value::String(s)) => s == value,
            Some(Value::Number(n)) => n.to_string() == value,
            _ => false,
        }
    }
}

/// The values a path gives its `{name}` segments, by name.
pub(crate) type Identified = Vec<(&'static str, String)>;

/// The documented call `method path` is, with the values of its `{name}` segments.
pub(crate) fn call_at(
    method: &str,
    path: &str,
) -> Option<(&'static ContractKind, &'static Call, Identified)> {
    families::contract_kinds().find_map(|kind| {
        kind.calls.iter().find_map(|call| {
            (call.method == method)
                .then(|| captures(call.path, path))
                .flatten()
                .map(|found| (kind, call, found))
        })
    })
}

/// The `{name}` segments of `template` as `path` fills them, when it matches.
fn captures(template: &'static str, path: &str) -> Option<Identified> {
    let (mut wanted, mut given) = (template.split('/'), path.split('/'));
    let mut found = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(found),
            (Some(w), Some(g)) => match w.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
                Some(name) if !g.is_empty() => found.push((name, percent_decoded(g)?)),
                Some(_) => return None,
                None if w == g => {}
                None => return None,
            },
            _ => return None,
        }
    }
}

/// A path segment with its %XX escapes decoded; `None` when they do not make UTF-8.
fn percent_decoded(segment: &str) -> Option<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A query string's members, decoded.
pub(crate) fn query_members(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decoded(name)?,
                percent_decoded(&value.replace('+', " "))?,
            ))
        })
        .collect()
}

/// The member a list call filters by, `ADD`, `DELETE` or `ALL`.
const LIST_STATUS: &str = "contract_status";

/// Whether a list call filtering by `status` (ADD when absent) lists a contract that is
/// `terminated` or not.
fn listed(status: Option<&str>, terminated: bool) -> bool {
    match status.unwrap_or("ADD") {
        "ALL" => true,
        "DELETE" => terminated,
        _ => !terminated,
    }
}

/// The answer to a list call: `contracts` in the page's envelope, `total_count` those before
/// paging, with `links` where the page has them: `self` the request's target, `prev` and `next`
/// the same with the offset of the pages before and after, where there are such pages.
fn list_answer(contracts: Vec<Value>, total: usize, page: Page, links_self: Option<&str>) -> Value {
    let mut answer = json!({
        "data": contracts,
        "total_count": total,
        "offset": page.offset,
        "limit": page.limit,
    });
    if let Some(target) = links_self {
        let mut links = json!({ "self": target });
        if page.offset > 0 {
            links["prev"] = paged(target, page.offset.saturating_sub(page.limit)).into();
        }
        let next = page.offset.saturating_add(page.limit);
        if next < total as u64 {
            links["next"] = paged(target, next).into();
        }
        answer["links"] = links;
    }
    answer
}

/// `target` asking for the page at `offset`: its query's other members as they were sent.
fn paged(target: &str, offset: u64) -> String {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut members: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("offset"))
        .map(str::to_owned)
        .collect();
    members.push(format!("offset={offset}"));
    format!("{path}?{}", members.join("&"))
}

/// The request against its page's description, path first, then query, then body: the first
/// member that breaks it is refused with `400 PARAM_ERROR` naming it and where it was.
fn check_params(
    params: &Params,
    identified: &[(&'static str, String)],
    query: &[(String, String)],
    body: &Value,
) -> Result<(), Refusal> {
    let path: Vec<(String, String)> = identified
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone()))
        .collect();
    check_part(
        params.path,
        &[],
        &[],
        &text_object(params.path, &path),
        "path",
    )?;
    let query = text_object(params.query, query);
    check_part(
        params.query,
        params.query_rules,
        params.bounds,
        &query,
        "query",
    )?;
    if params.describes_body() {
        let undefined = wxpresign::schema::undefined_members(params.body, body);
        if !undefined.is_empty() {
            return Err(Refusal::undefined_members(undefined));
        }
    }
    check_part(params.body, params.rules, params.bounds, body, "body")
}

/// One part of the request against its fields, rules and the bounds on its members.
fn check_part(
    fields: &[Field],
    rules: &[Rule],
    bounds: &[Bound],
    part: &Value,
    location: &str,
) -> Result<(), Refusal> {
    // Members outside the fields are the caller's business here: the body's are refused before.
    validate(fields, rules, part, true).map_err(|e| {
        let field = e.field().unwrap_or("").to_owned();
        let shown = part.pointer(&field).cloned().unwrap_or(Value::Null);
        Refusal::param_error(&field, shown, e.issue().unwrap_or(e.message()), location)
    })?;
    for bound in bounds {
        let Some(value) = part.pointer(bound.member) else {
            continue;
        };
        if !value
            .as_i64()
            .is_some_and(|n| (bound.min..=bound.max).contains(&n))
        {
            return Err(Refusal::param_error(
                bound.member,
                value.clone(),
                format!("must be an integer from {} to {}", bound.min, bound.max),
                location,
            ));
        }
    }
    Ok(())
}

/// A path's segments or a query as a JSON object: a member its fields type as an integer becomes
/// one when its text is a decimal integer, so that the schema checks it as the page types it.
fn text_object(fields: &[Field], query: &[(String, String)]) -> Value {
    let integer = |name: &str| {
        fields
            .iter()
            .any(|f| f.name == name && matches!(f.ty, Type::Integer { .. }))
    };
    let members: Map<String, Value> = query
        .iter()
        .map(|(name, text)| {
            let value = match text.parse::<i64>() {
                Ok(n) if integer(name) => n.into(),
                _ => text.as_str().into(),
            };
            (name.clone(), value)
        })
        .collect();
    Value::Object(members)
}

/// What a call on a contract names: its path's `{name}` segments, its query and its JSON body,
/// with the members its page requires present.
struct Naming<'a> {
    kind: &'static ContractKind,
    call: &'static Call,
    identified: &'a [(&'static str, String)],
    query: Vec<(String, String)>,
    body: Value,
}

impl<'a> Naming<'a> {
    fn read(
        kind: &'static ContractKind,
        call: &'static Call,
        identified: &'a [(&'static str, String)],
        request: &HttpRequest,
    ) -> Result<Self, Refusal> {
        let query = query_members(request.target.split_once('?').map_or("", |(_, q)| q));
        let body: Value = if request.body.is_empty() {
            json!({})
        } else {
            serde_json::from_slice(&request.body).map_err(|e| {
                Refusal::new(400, "PARAM_ERROR", format!("the body is not JSON: {e}"))
            })?
        };
        check_params(&call.params, identified, &query, &body)?;
        let named = Naming {
            kind,
            call,
            identified,
            query,
            body,
        };
        for name in call.query {
            if named.queried(name).is_none() {
                return Err(Refusal::param_error(
                    name,
                    Value::Null,
                    format!("{name} is required in the query ({})", call.page),
                    "query",
                ));
            }
        }
        for name in call.body {
            if named.in_body(name).is_none() {
                return Err(Refusal::param_error(
                    name,
                    named.body.get(name).cloned().unwrap_or(Value::Null),
                    format!("{name} is required in the body ({})", call.page),
                    "body",
                ));
            }
        }
        Ok(named)
    }

    fn queried(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query member that is a whole number (the schema checked it before).
    fn queried_number(&self, name: &str) -> Option<u64> {
        self.queried(name)?.parse().ok()
    }

    /// A body member that names a contract, as text (a plan id may be a number).
    fn in_body(&self, name: &str) -> Option<String> {
        match self.body.get(name) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        }
    }

    /// Whether `contract` is the kind's and has every member the call names (a list's
    /// status filters, it is not matched).
    fn identifies(&self, contract: &Contract, mchid: &str) -> bool {
        let kind = self.kind;
        let listing = matches!(self.call.act, Act::List { .. });
        contract.kind().is_some_and(|k| std::ptr::eq(k, kind))
            && self
                .identified
                .iter()
                .all(|(n, v)| contract.has(kind, n, v, mchid))
            && self
                .call
                .query
                .iter()
                .filter(|n| !(listing && **n == LIST_STATUS))
                .all(|n| {
                    self.queried(n)
                        .is_some_and(|v| contract.has(kind, n, v, mchid))
                })
            && self.call.body.iter().all(|n| {
                self.in_body(n)
                    .is_some_and(|v| contract.has(kind, n, &v, mchid))
            })
            && self.call.params.matched.iter().all(|n| {
                let sent = self
                    .queried(n)
                    .map(str::to_owned)
                    .or_else(|| self.in_body(n));
                sent.is_none_or(|v| contract.has(kind, n, &v, mchid))
            })
    }

    /// The page a list call asks for: `offset` and `limit`, 0 and 20 when absent; `aligned`,
    /// the offset a multiple of the limit.
    fn page(&self, aligned: bool) -> Result<Page, Refusal> {
        let read = |name: &str, default: u64| match self.queried(name) {
            None => Ok(default),
            Some(text) => text.parse::<u64>().map_err(|_| {
                Refusal::param_error(
                    &format!("/{name}"),
                    text.into(),
                    "must be an integer from 0",
                    "query",
                )
            }),
        };
        let page = Page {
            offset: read("offset", 0)?,
            limit: read("limit", 20)?,
        };
        if aligned && page.limit > 0 && page.offset % page.limit != 0 {
            return Err(Refusal::param_error(
                "/offset",
                page.offset.into(),
                format!(
                    "must be a multiple of limit {} (\"请保持为分页大小limit的整数倍\", {})",
                    page.limit, self.call.page
                ),
                "query",
            ));
        }
        Ok(page)
    }

    /// The termination remark the page requires in body member `name`.
    fn remark(&self, name: &str) -> Result<String, Refusal> {
        match self.body.get(name).and_then(Value::as_str) {
            Some(text) if !text.is_empty() => Ok(text.to_owned()),
            _ => Err(Refusal::param_error(
                name,
                self.body.get(name).cloned().unwrap_or(Value::Null),
                format!("{name} is required ({})", self.call.page),
                "body",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the checks of the call `method path` say of `query` and `body`: `Ok`, or the
    /// refusal's status, code, member and where it was.
    fn checked(method: &str, target: &str, body: Value) -> Result<(), (u16, String, Value)> {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let (_, call, identified) = call_at(method, path).expect("a documented call");
        check_params(&call.params, &identified, &query_members(query), &body).map_err(|r| {
            let detail = r.detail.unwrap_or(Value::Null);
            let at = json!([detail["field"], detail["location"]]);
            (r.status, r.code.to_owned(), at)
        })
    }

    const TERMINATE: &str = "/v3/papay/sign/contracts/plan-id/12535/out-contract-code";

    #[test]
    fn an_out_contract_code_of_33_characters_in_the_path_is_refused_naming_it() {
        let code = "a".repeat(33);
        let refused = checked(
            "POST",
            &format!("{TERMINATE}/{code}/terminate"),
            json!({ "contract_termination_remark": "用户解约" }),
        );
        let at = json!(["/out_contract_code", "path"]);
        assert_eq!(refused, Err((400, "PARAM_ERROR".to_owned(), at)));
    }

    #[test]
    fn a_plan_id_that_is_not_an_integer_in_the_path_is_refused_naming_it() {
        let refused = checked(
            "GET",
            "/v3/papay/insurance-sign/contracts/plan-id/12x/out-contract-code/c1",
            json!({}),
        );
        let at = json!(["/plan_id", "path"]);
        assert_eq!(refused, Err((400, "PARAM_ERROR".to_owned(), at)));
    }

    #[test]
    fn a_termination_remark_of_257_characters_is_refused_naming_it() {
        let refused = checked(
            "POST",
            &format!("{TERMINATE}/c1/terminate"),
            json!({ "contract_termination_remark": "解".repeat(257) }),
        );
        let at = json!(["/contract_termination_remark", "body"]);
        assert_eq!(refused, Err((400, "PARAM_ERROR".to_owned(), at)));
    }

    #[test]
    fn a_body_member_the_page_does_not_define_is_refused() {
        let refused = checked(
            "POST",
            &format!("{TERMINATE}/c1/terminate"),
            json!({ "contract_termination_remark": "用户解约", "reason": "x" }),
        );
        assert_eq!(
            refused,
            Err((400, "PARAM_ERROR".to_owned(), json!([null, null])))
        );
    }

    #[test]
    fn a_partner_query_without_sub_mchid_is_refused_naming_it() {
        let path = "/v3/papay/sign/partner/contracts/plan-id/1/out-contract-code/c1";
        let at = json!(["/sub_mchid", "query"]);
        assert_eq!(
            checked("GET", path, json!({})),
            Err((400, "PARAM_ERROR".to_owned(), at))
        );
        assert_eq!(
            checked("GET", &format!("{path}?sub_mchid=1900000109"), json!({})),
            Ok(())
        );
    }

    /// Each documented call is found by its own method and path alone: no two families' calls
    /// take the same request, so the order they are tried in never decides the answer.
    #[test]
    fn every_contract_call_is_found_by_its_method_and_path_alone() {
        for kind in families::contract_kinds() {
            for call in kind.calls {
                let path: String = call
                    .path
                    .split('/')
                    .map(|s| if s.starts_with('{') { "x" } else { s })
                    .collect::<Vec<_>>()
                    .join("/");
                let taking: Vec<&str> = families::contract_kinds()
                    .flat_map(|k| k.calls.iter())
                    .filter(|c| c.method == call.method && captures(c.path, &path).is_some())
                    .map(|c| c.path)
                    .collect();
                assert_eq!(taking, [call.path], "{} {path}", call.method);
            }
        }
    }
}
