//! The merchants one sandbox serves: the one `sandbox init` makes, and the direct merchants,
//! service providers and sub-merchants `sandbox merchant add` adds, each with its own keys,
//! APIv3 key and `DIR/merchants/<mchid>/client.json`. Requests are checked against the
//! merchant their Authorization names; a partner request's `sp_mchid` and `sub_mchid` against
//! the service provider's sub-merchants.

use crate::contracts::{Contract, Contracts};
use crate::http_server::Request;
use crate::refusal::{Refusal, lock};
use crate::store::Store;
use crate::{Authorization, Identity, Mode};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use wxpresign::error::{Error, Result};
use wxpresign::keys::PrivateKey;

/// The folder of DIR that holds each added merchant's files.
pub const MERCHANTS_DIR: &str = "merchants";

/// What a merchant is to WeChat Pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 直连商户: calls for itself.
    Direct,
    /// 服务商: calls for its sub-merchants (`sp_mchid`, `sub_mchid`).
    ServiceProvider,
    /// 特约商户 (子商户): a merchant a service provider calls for.
    SubMerchant,
}

impl Kind {
    /// Its name in `merchant list`, the admin route and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Direct => "direct",
            Kind::ServiceProvider => "service_provider",
            Kind::SubMerchant => "sub_merchant",
        }
    }

    /// The kind `name` names, as [`Kind::as_str`] writes it.
    pub fn named(name: &str) -> Option<Kind> {
        [Kind::Direct, Kind::ServiceProvider, Kind::SubMerchant]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// Which `sub_mchid` a service provider may call for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubMerchants {
    /// Any `sub_mchid`, under any `sp_mchid` the request names: the merchant `sandbox init`
    /// makes, so that partner requests work before any sub-merchant is added.
    Any,
    /// Only its own sub-merchants (`merchant add --sub-merchant-of`), with itself as
    /// `sp_mchid`, as WeChat Pay checks a service provider.
    Registered,
}

impl SubMerchants {
    /// Its name in `merchant list`, the admin route and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SubMerchants::Any => "any",
            SubMerchants::Registered => "registered",
        }
    }
}

/// A merchant's place among the others: its kind, its service provider (a sub-merchant's),
/// and which sub-merchants it may call for (a service provider's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub kind: Kind,
    pub provider: Option<String>,
    pub sub_merchants: SubMerchants,
}

impl Default for Standing {
    /// `sandbox init`'s merchant: a service provider acting for any sub-merchant, which also
    /// calls the direct endpoints for itself.
    fn default() -> Standing {
        Standing {
            kind: Kind::ServiceProvider,
            provider: None,
            sub_merchants: SubMerchants::Any,
        }
    }
}

/// The name of `mode` in `merchant list`, the admin route and the database.
pub fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::PublicKey => "public_key",
        Mode::Certificate => "certificate",
        Mode::Migration => "migration",
    }
}

fn mode_named(name: &str) -> Option<Mode> {
    [Mode::PublicKey, Mode::Certificate, Mode::Migration]
        .into_iter()
        .find(|m| mode_name(*m) == name.replace('-', "_"))
}

/// What `sandbox merchant add` asks for.
#[derive(Clone, Debug)]
pub struct NewMerchant {
    pub kind: Kind,
    /// The service provider of a sub-merchant.
    pub provider: Option<String>,
    pub mode: Mode,
}

impl NewMerchant {
    /// The body of `POST /sandbox/merchants`: `{"kind", "provider", "mode"}`, each optional
    /// (a direct merchant in public-key mode).
    pub(crate) fn from_json(body: &Value) -> std::result::Result<NewMerchant, Refusal> {
        let text = |name: &str| match body.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(Refusal::param_error(
                &format!("/{name}"),
                v.clone(),
                "must be a string",
                "body",
            )),
        };
        let kind = match text("kind")? {
            None => Kind::Direct,
            Some(name) => Kind::named(&name).ok_or_else(|| {
                Refusal::param_error(
                    "/kind",
                    name.into(),
                    "must be direct, service_provider or sub_merchant",
                    "body",
                )
            })?,
        };
        let mode = match text("mode")? {
            None => Mode::PublicKey,
            Some(name) => mode_named(&name).ok_or_else(|| {
                Refusal::param_error(
                    "/mode",
                    name.into(),
                    "must be public_key, certificate or migration",
                    "body",
                )
            })?,
        };
        Ok(NewMerchant {
            kind,
            provider: text("provider")?,
            mode,
        })
    }

    fn to_json(&self) -> Value {
        json!({
            "kind": self.kind.as_str(),
            "provider": self.provider,
            "mode": mode_name(self.mode),
        })
    }

    /// The standing the new merchant gets, once its provider is checked against `known`.
    fn standing(&self, known: &dyn Fn(&str) -> Option<Standing>) -> Result<Standing> {
        let provider = match (self.kind, &self.provider) {
            (Kind::SubMerchant, None) => {
                return Err(Error::config(
                    "a sub-merchant needs its service provider: --sub-merchant-of SP_MCHID",
                ));
            }
            (Kind::SubMerchant, Some(sp)) => Some(sp.clone()),
            (_, Some(sp)) => {
                return Err(Error::config(format!(
                    "only a sub-merchant has a service provider ({sp} given for a {})",
                    self.kind.as_str()
                )));
            }
            (_, None) => None,
        };
        if let Some(sp) = &provider {
            match known(sp) {
                None => {
                    return Err(Error::config(format!(
                        "--sub-merchant-of {sp}: no merchant {sp} in this sandbox (add one \
                         with `merchant add DIR --service-provider`)"
                    )));
                }
                Some(s) if s.kind != Kind::ServiceProvider => {
                    return Err(Error::config(format!(
                        "--sub-merchant-of {sp}: {sp} is a {} merchant, not a service \
                         provider: only a service provider has sub-merchants",
                        s.kind.as_str().replace('_', "-")
                    )));
                }
                Some(_) => {}
            }
        }
        Ok(Standing {
            kind: self.kind,
            provider,
            sub_merchants: SubMerchants::Registered,
        })
    }
}

/// A merchant as `merchant list` and `GET /sandbox/merchants` show it.
#[derive(Clone, Debug)]
pub struct Listed {
    pub mchid: String,
    pub standing: Standing,
    pub mode: Mode,
    pub client_json: PathBuf,
}

impl Listed {
    pub fn to_json(&self) -> Value {
        json!({
            "mchid": self.mchid,
            "kind": self.standing.kind.as_str(),
            "provider": self.standing.provider,
            "sub_merchants": (self.standing.kind == Kind::ServiceProvider)
                .then(|| self.standing.sub_merchants.as_str()),
            "mode": mode_name(self.mode),
            "client_json": self.client_json.display().to_string(),
        })
    }
}

/// Where merchant `mchid`'s client.json is in `dir`: DIR/client.json for `init`'s,
/// DIR/merchants/<mchid>/client.json for the others.
fn client_json(dir: &Path, mchid: &str, primary: bool) -> PathBuf {
    if primary {
        dir.join("client.json")
    } else {
        dir.join(MERCHANTS_DIR).join(mchid).join("client.json")
    }
}

/// The merchants a running sandbox serves, `init`'s first; added ones are served at once.
pub(crate) struct Merchants {
    held: RwLock<Vec<Arc<Identity>>>,
    /// Each merchant's contracts: another merchant's are not found.
    contracts: Mutex<HashMap<String, Arc<Contracts>>>,
}

impl Merchants {
    pub fn new(primary: Arc<Identity>) -> Merchants {
        Merchants {
            held: RwLock::new(vec![primary]),
            contracts: Mutex::new(HashMap::new()),
        }
    }

    /// `sandbox init`'s merchant: the one the sandbox's own answers are signed for.
    pub fn primary(&self) -> Arc<Identity> {
        let held = self.held.read().unwrap_or_else(|p| p.into_inner());
        // `new` puts it first and nothing removes a merchant.
        Arc::clone(&held[0])
    }

    pub fn all(&self) -> Vec<Arc<Identity>> {
        self.held.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn get(&self, mchid: &str) -> Option<Arc<Identity>> {
        let held = self.held.read().unwrap_or_else(|p| p.into_inner());
        held.iter().find(|m| m.mchid == mchid).map(Arc::clone)
    }

    pub fn add(&self, merchant: Arc<Identity>) {
        let mut held = self.held.write().unwrap_or_else(|p| p.into_inner());
        if !held.iter().any(|m| m.mchid == merchant.mchid) {
            held.push(merchant);
        }
    }

    /// The merchant a request's Authorization names, or the primary one for a request that
    /// names none known (the gateway refuses it later where a merchant is needed).
    pub fn addressed(&self, request: &Request) -> Arc<Identity> {
        request
            .header("Authorization")
            .and_then(|h| Authorization::parse(h).ok())
            .and_then(|auth| self.get(&auth.mchid))
            .unwrap_or_else(|| self.primary())
    }

    /// The merchant an admin path names, or 404 naming the mchid.
    pub fn named(&self, mchid: &str) -> std::result::Result<Arc<Identity>, Refusal> {
        self.get(mchid).ok_or_else(|| {
            Refusal::new(
                404,
                "RESOURCE_NOT_EXISTS",
                format!("no merchant {mchid} in this sandbox"),
            )
        })
    }

    /// Merchant `mchid`'s contracts.
    pub fn contracts(&self, mchid: &str) -> Arc<Contracts> {
        Arc::clone(lock(&self.contracts).entry(mchid.to_owned()).or_default())
    }

    /// The contracts the store held at the start, each to its merchant.
    pub fn load_contracts(&self, contracts: Vec<(String, Contract)>) {
        let mut by_merchant: HashMap<String, Vec<Contract>> = HashMap::new();
        for (mchid, contract) in contracts {
            by_merchant.entry(mchid).or_default().push(contract);
        }
        let mut held = lock(&self.contracts);
        for (mchid, contracts) in by_merchant {
            held.insert(mchid, Arc::new(Contracts::loaded(contracts)));
        }
    }

    /// A contract of any merchant by id, with its merchant: for the admin routes.
    pub fn contract(&self, id: &str) -> Option<(String, Contract)> {
        lock(&self.contracts)
            .iter()
            .find_map(|(mchid, held)| Some((mchid.clone(), held.get(id)?)))
    }

    /// Every merchant as `GET /sandbox/merchants` lists them, their files in `dir`.
    pub fn listed(&self, dir: &Path) -> Vec<Listed> {
        self.all()
            .iter()
            .enumerate()
            .map(|(n, m)| Listed {
                mchid: m.mchid.clone(),
                standing: m.standing.clone(),
                mode: m.mode(),
                client_json: client_json(dir, &m.mchid, n == 0),
            })
            .collect()
    }

    /// A partner request's `sp_mchid` and `sub_mchid` against `caller`: a service provider
    /// calls for its sub-merchants only, unless it acts for any (`init`'s).
    pub fn check_partner(
        &self,
        caller: &Identity,
        request: &Value,
    ) -> std::result::Result<(), Refusal> {
        let sub = request.get("sub_mchid").and_then(Value::as_str);
        let sp = request.get("sp_mchid").and_then(Value::as_str);
        if sub.is_none() && sp.is_none() {
            return Ok(());
        }
        let standing = &caller.standing;
        if standing.kind != Kind::ServiceProvider {
            return Err(no_auth(format!(
                "merchant {} is a {} merchant, not a service provider: it cannot call for a \
                 sub-merchant",
                caller.mchid,
                standing.kind.as_str().replace('_', "-")
            )));
        }
        if standing.sub_merchants == SubMerchants::Any {
            return Ok(());
        }
        if let Some(sp) = sp.filter(|sp| *sp != caller.mchid) {
            return Err(Refusal::param_error(
                "/sp_mchid",
                sp.into(),
                format!(
                    "must be the service provider that signs the request ({})",
                    caller.mchid
                ),
                "body",
            ));
        }
        let Some(sub) = sub else { return Ok(()) };
        let registered = self.get(sub).is_some_and(|m| {
            m.standing.kind == Kind::SubMerchant
                && m.standing.provider.as_deref() == Some(caller.mchid.as_str())
        });
        if registered {
            return Ok(());
        }
        Err(no_auth(format!(
            "sub_mchid {sub} is not a sub-merchant of service provider {}",
            caller.mchid
        )))
    }
}

/// WeChat Pay's answer to a sub-merchant the service provider has no relation with: 403
/// NO_AUTH, 受理关系不存在 (docs/where-sources-disagree.md).
fn no_auth(issue: String) -> Refusal {
    Refusal::new(403, "NO_AUTH", format!("受理关系不存在 ({issue})"))
}

/// A fresh merchant as `new` asks, written to DIR/merchants/<mchid>/ (its client.json, for
/// clients of `base_url`, and its private key) and added to `store`; `known` says what the
/// merchants already there are. Returns it and its client.json's path.
pub(crate) fn create(
    dir: &Path,
    base_url: &str,
    new: &NewMerchant,
    store: &Store,
    known: &dyn Fn(&str) -> Option<Standing>,
) -> Result<(Identity, PathBuf)> {
    let standing = new.standing(known)?;
    let (identity, merchant_key) = loop {
        let (identity, key) = Identity::generate_in(new.mode)?;
        // Ten random digits may repeat an mchid this sandbox has, or a folder left in DIR:
        // draw again.
        let taken = dir.join(MERCHANTS_DIR).join(&identity.mchid).exists();
        if known(&identity.mchid).is_none() && !taken {
            break (identity, key);
        }
    };
    let identity = identity.with_standing(standing);
    let folder = dir.join(MERCHANTS_DIR).join(&identity.mchid);
    let io =
        |e: std::io::Error| Error::config(format!("cannot write to {}: {e}", folder.display()));
    std::fs::create_dir_all(dir.join(MERCHANTS_DIR)).map_err(io)?;
    // Made here and nowhere else: a folder that appeared since the draw is another's.
    std::fs::create_dir(&folder).map_err(io)?;
    let client = identity.client_config(&merchant_key, base_url)?;
    crate::write_private(
        &folder.join("apiclient_key.pem"),
        &merchant_key_pem(&merchant_key)?,
    )
    .map_err(io)?;
    let path = folder.join("client.json");
    crate::write_private(&path, &crate::pretty(&client)).map_err(io)?;
    if !store.merchant_added(&identity, &identity.to_file("")?, &identity.standing)? {
        return Err(Error::config(format!(
            "mchid {} is DIR's already: run the command again for another",
            identity.mchid
        )));
    }
    Ok((identity, path))
}

fn merchant_key_pem(key: &PrivateKey) -> Result<String> {
    Ok(key.to_pkcs8_pem()?.as_str().to_owned())
}

/// `sandbox merchant add DIR`: a fresh merchant in DIR, made by the sandbox serving DIR when
/// one does (it serves the merchant at once), else written to DIR's database here. Returns
/// the new merchant's mchid and client.json's path.
pub fn add(dir: &Path, new: &NewMerchant) -> Result<(String, PathBuf)> {
    if let Some(base_url) = crate::store::served_at(dir)? {
        return add_served(&base_url, new);
    }
    let (primary, listen) = Identity::load_dir(dir)?;
    let store = Store::open(dir)?;
    let added = (|| {
        store.merchant_added(&primary, &primary.to_file(&listen)?, &Standing::default())?;
        let rows = store.merchants()?;
        let known = |mchid: &str| {
            rows.iter()
                .find(|(file, _)| file.mchid == mchid)
                .map(|(_, s)| s.clone())
        };
        create(dir, &format!("http://{listen}"), new, &store, &known)
    })();
    store.close();
    let (identity, path) = added?;
    Ok((identity.mchid, path))
}

/// Asks the sandbox serving DIR at `base_url` to add the merchant (`POST /sandbox/merchants`).
fn add_served(base_url: &str, new: &NewMerchant) -> Result<(String, PathBuf)> {
    let url = format!("{base_url}/sandbox/merchants");
    let (status, answer) = crate::delivery::post(&url, &new.to_json().to_string(), &[])
        .map_err(|e| Error::config(format!("the sandbox serving DIR at {base_url}: {e}")))?;
    let answer: Value = serde_json::from_str(&answer).unwrap_or(Value::Null);
    if status != 201 {
        let message = answer["message"].as_str().unwrap_or("no message");
        return Err(Error::config(format!(
            "the sandbox serving DIR at {base_url} refused: {message}"
        )));
    }
    match (answer["mchid"].as_str(), answer["client_json"].as_str()) {
        (Some(mchid), Some(path)) => Ok((mchid.to_owned(), PathBuf::from(path))),
        _ => Err(Error::config(format!(
            "the sandbox serving DIR at {base_url} answered without mchid and client_json"
        ))),
    }
}

/// `sandbox merchant list DIR`: `init`'s merchant first, then the added ones, oldest first.
/// Reads DIR's database without taking DIR, so it also works while a sandbox serves DIR.
pub fn list(dir: &Path) -> Result<Vec<Listed>> {
    let (primary, _) = Identity::load_dir(dir)?;
    let mut listed = vec![Listed {
        mchid: primary.mchid.clone(),
        standing: primary.standing.clone(),
        mode: primary.mode(),
        client_json: client_json(dir, &primary.mchid, true),
    }];
    for (file, standing) in crate::store::merchants_in(dir)? {
        if file.mchid == primary.mchid {
            continue;
        }
        let mchid = file.mchid.clone();
        let mode = Identity::from_file(file)?.mode();
        listed.push(Listed {
            client_json: client_json(dir, &mchid, false),
            mchid,
            standing,
            mode,
        });
    }
    Ok(listed)
}

/// Merchant `mchid` of `dir` with the keys WeChat Pay signs and seals for it (`init`'s when
/// `None`): what `notify-test --merchant` plays WeChat Pay with.
pub fn identity_in(dir: &Path, mchid: Option<&str>) -> Result<Identity> {
    let (primary, _) = Identity::load_dir(dir)?;
    let Some(mchid) = mchid.filter(|m| *m != primary.mchid) else {
        return Ok(primary);
    };
    let (file, standing) = crate::store::merchants_in(dir)?
        .into_iter()
        .find(|(file, _)| file.mchid == mchid)
        .ok_or_else(|| {
            Error::config(format!(
                "--merchant {mchid}: no merchant {mchid} in {} (`wxpresign sandbox merchant \
                 list {0}` lists them)",
                dir.display()
            ))
        })?;
    Ok(Identity::from_file(file)?.with_standing(standing))
}
