//! The Secret Service (GNOME Keyring, KWallet, KeePassXC) over the session bus through zbus: one
//! connection, one session, one call per step, the service's own prompt when a keyring is locked.
//! It writes (`keys add`, `import`, `rotate`, `remove`) and reads what `quick.rs` leaves to it.
//! keyring-core's zbus store took 15-20 ms for a read (a Diffie-Hellman session, zbus's own
//! threads and runtime); this one about 3, the quick read about 1.5.
//!
//! The session is `plain`, as aws-vault's and granted's (99designs/keyring through go-libsecret)
//! are: the secret crosses the user's own bus socket, where only the user's processes are, and any
//! of them could ask the Secret Service for it anyway; an encrypted session would shield it from
//! nobody who could see it. Items are those of the keyring crate's store (attributes `service` and
//! `username`), so entries written before are found, and keychain apps show the label.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use super::quick::{BUS_NAME, ITEM, SERVICE, SERVICE_PATH};
use crate::credentials::Secret;

/// The collection new items go to, as libsecret's default.
const DEFAULT_COLLECTION: &str = "/org/freedesktop/secrets/aliases/default";
/// How long one call may take (the service answers in milliseconds).
const CALL_LIMIT: Duration = Duration::from_secs(10);
/// How long a person may take to unlock the keyring in the service's own dialog.
const PROMPT_LIMIT: Duration = Duration::from_secs(120);

/// A secret as the Secret Service carries it: session, parameters, value, content type.
type Wire = (OwnedObjectPath, Vec<u8>, Vec<u8>, String);

/// A connection to the Secret Service with a session open.
pub struct SecretService {
    runtime: &'static tokio::runtime::Runtime,
    bus: Bus,
    session: OwnedObjectPath,
}

/// The session bus, and the unique name that owns `org.freedesktop.secrets` now: the only sender
/// whose answers and signals count (another process of the user's could answer a call's serial).
struct Bus {
    connection: zbus::Connection,
    owner: String,
}

impl SecretService {
    /// Connects to the session bus and opens a session; an error when either is missing.
    pub fn connect() -> Result<Self> {
        let Some(address) = crate::environment::var("DBUS_SESSION_BUS_ADDRESS") else {
            bail!("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)");
        };
        let runtime = crate::runtime::get()?;
        let (bus, session) = runtime.block_on(async {
            let connection = limited(session_bus(&address)).await.context("the session bus")?;
            let bus = Bus::of(connection).await?;
            let (_, session): (OwnedValue, OwnedObjectPath) =
                bus.call(SERVICE_PATH, SERVICE, "OpenSession", &("plain", Value::from(""))).await?;
            Ok::<_, anyhow::Error>((bus, session))
        })?;
        Ok(Self { runtime, bus, session })
    }

    /// The secret of `account` under `service`; `None` when there is none.
    pub fn get(&self, service: &str, account: &str) -> Result<Option<Secret>> {
        self.runtime.block_on(async {
            let Some(item) = self.find(service, account).await? else { return Ok(None) };
            let (_, _, value, _): Wire =
                self.bus.call(item.as_str(), ITEM, "GetSecret", &(&self.session,)).await?;
            let value = String::from_utf8(value)
                .map_err(|_| anyhow!("the entry for {account} (service {service}) is not text"))?;
            Ok(Some(Secret::new(value)))
        })
    }

    /// Stores `value` for `account` under `service`: the item's secret when there is one, else a
    /// new item in the default collection, labelled `label`.
    pub fn set(&self, service: &str, account: &str, label: &str, value: &Secret) -> Result<()> {
        self.runtime.block_on(async {
            let secret: Wire = (
                self.session.clone(),
                Vec::new(),
                value.expose().as_bytes().to_vec(),
                "text/plain".to_string(),
            );
            if let Some(item) = self.find(service, account).await? {
                let () = self.bus.call(item.as_str(), ITEM, "SetSecret", &(secret,)).await?;
                return Ok(());
            }
            self.unlock(vec![OwnedObjectPath::try_from(DEFAULT_COLLECTION)?]).await?;
            let attributes = HashMap::from([("service", service), ("username", account)]);
            let properties = HashMap::from([
                ("org.freedesktop.Secret.Item.Label", Value::from(label)),
                ("org.freedesktop.Secret.Item.Attributes", Value::from(attributes)),
            ]);
            let (_, prompt): (OwnedObjectPath, OwnedObjectPath) = self.bus.call(
                DEFAULT_COLLECTION,
                "org.freedesktop.Secret.Collection",
                "CreateItem",
                &(properties, secret, true),
            )
            .await
            .map_err(|e| match e.downcast_ref::<Refused>() {
                Some(refused) if refused.name.ends_with(".NoSuchObject") || refused.name.ends_with(".UnknownObject") => {
                    anyhow!(
                        "the Secret Service has no default keyring (collection): create one in your keychain app"
                    )
                }
                _ => e,
            })?;
            self.complete(prompt).await.map(|_| ())
        })
    }

    /// Deletes the item of `account` under `service`; false when there was none.
    pub fn delete(&self, service: &str, account: &str) -> Result<bool> {
        self.runtime.block_on(async {
            let Some(item) = self.find(service, account).await? else { return Ok(false) };
            let prompt: OwnedObjectPath = self.bus.call(item.as_str(), ITEM, "Delete", &()).await?;
            self.complete(prompt).await.map(|_| true)
        })
    }

    /// The one item for `account` under `service`, unlocked; `None` when there is none.
    async fn find(&self, service: &str, account: &str) -> Result<Option<OwnedObjectPath>> {
        let attributes = HashMap::from([("service", service), ("username", account)]);
        let (unlocked, locked): (Vec<OwnedObjectPath>, Vec<OwnedObjectPath>) =
            self.bus.call(SERVICE_PATH, SERVICE, "SearchItems", &(attributes,)).await?;
        let found = unlocked.len() + locked.len();
        if found > 1 {
            bail!(
                "{found} entries for {account} (service {service}): remove all but one in your keychain app"
            );
        }
        if !locked.is_empty() {
            self.unlock(locked.clone()).await?;
        }
        Ok(unlocked.into_iter().chain(locked).next())
    }

    /// Unlocks `objects`, through the service's own prompt (a dialog) when it asks for one.
    async fn unlock(&self, objects: Vec<OwnedObjectPath>) -> Result<()> {
        let (_, prompt): (Vec<OwnedObjectPath>, OwnedObjectPath) =
            self.bus.call(SERVICE_PATH, SERVICE, "Unlock", &(objects,)).await?;
        if self.complete(prompt).await? {
            Ok(())
        } else {
            bail!("the keyring is locked and was not unlocked")
        }
    }

    /// Runs a prompt the service asked for (`/` is none) and waits for it; false when dismissed.
    async fn complete(&self, prompt: OwnedObjectPath) -> Result<bool> {
        use futures_util::StreamExt;
        if prompt.as_str() == "/" {
            return Ok(true);
        }
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface("org.freedesktop.Secret.Prompt")?
            .member("Completed")?
            .path(prompt.as_str())?
            .sender(self.bus.owner.as_str())?
            .build();
        let mut signals =
            limited(zbus::MessageStream::for_match_rule(rule, &self.bus.connection, None)).await?;
        let () = self.bus.call(prompt.as_str(), "org.freedesktop.Secret.Prompt", "Prompt", &("",)).await?;
        let signal = tokio::time::timeout(PROMPT_LIMIT, signals.next())
            .await
            .map_err(|_| anyhow!("nobody answered the keyring's prompt within {} s", PROMPT_LIMIT.as_secs()))?
            .ok_or_else(|| anyhow!("the session bus closed"))??;
        let (dismissed, _): (bool, OwnedValue) = signal.body().deserialize()?;
        Ok(!dismissed)
    }
}

/// The session bus. A `unix:path=` address (what systemd and dbus-launch give) is connected here,
/// at once: zbus would connect on a thread of its own, whose pool the runtime then waits for when
/// it ends, a few milliseconds of a run that takes a few. Other addresses go through zbus.
async fn session_bus(address: &str) -> zbus::Result<zbus::Connection> {
    let Some(path) = super::quick::unix_path(address) else { return zbus::Connection::session().await };
    let stream = std::os::unix::net::UnixStream::connect(&path)
        .and_then(|s| s.set_nonblocking(true).map(|()| s))
        .and_then(tokio::net::UnixStream::from_std)
        .map_err(|e| zbus::Error::Address(format!("{path}: {e}")))?;
    zbus::connection::Builder::unix_stream(stream).build().await
}

impl Bus {
    /// The bus, with the Secret Service running (it may be started on demand) and its owner known.
    async fn of(connection: zbus::Connection) -> Result<Self> {
        const DBUS: &str = "org.freedesktop.DBus";
        // A ping starts the service where the bus may start it, and says when nothing answers.
        let peer = Some("org.freedesktop.DBus.Peer");
        limited(connection.call_method(Some(BUS_NAME), SERVICE_PATH, peer, "Ping", &()))
            .await
            .map_err(|e| refused(e, "Ping"))?;
        let path = "/org/freedesktop/DBus";
        let owner: String =
            limited(connection.call_method(Some(DBUS), path, Some(DBUS), "GetNameOwner", &(BUS_NAME,)))
                .await
                .map_err(|e| refused(e, "GetNameOwner"))?
                .body()
                .deserialize()
                .map_err(|e| anyhow!("GetNameOwner: an answer awsume cannot read ({e})"))?;
        Ok(Self { connection, owner })
    }

    /// One method call of the Secret Service, bounded in time; its answer decoded, when it comes
    /// from the service's owner.
    async fn call<B, R>(&self, path: &str, interface: &str, method: &str, body: &B) -> Result<R>
    where
        B: serde::Serialize + zbus::zvariant::DynamicType,
        R: for<'de> serde::Deserialize<'de> + zbus::zvariant::Type,
    {
        let answer =
            limited(self.connection.call_method(Some(BUS_NAME), path, Some(interface), method, body))
                .await
                .map_err(|e| refused(e, method))?;
        let sender = answer.header().sender().map(|s| s.to_string());
        if sender.as_deref() != Some(self.owner.as_str()) {
            bail!(
                "{method}: answered by {}, not by the Secret Service ({})",
                sender.unwrap_or_default(),
                self.owner
            );
        }
        answer.body().deserialize::<R>().map_err(|e| anyhow!("{method}: an answer awsume cannot read ({e})"))
    }
}

/// A failed call in one line: no Secret Service, or the service's error (`Refused`, by name).
fn refused(e: zbus::Error, method: &str) -> anyhow::Error {
    match e {
        zbus::Error::MethodError(name, _, _)
            if name.as_str() == "org.freedesktop.DBus.Error.ServiceUnknown" =>
        {
            anyhow!("no Secret Service answers on the session bus ({BUS_NAME})")
        }
        zbus::Error::MethodError(name, text, _) => anyhow::Error::new(Refused {
            line: format!(
                "{method}: {}{}",
                name.as_str(),
                text.map(|t| format!(" ({t})")).unwrap_or_default()
            ),
            name: name.to_string(),
        }),
        e => anyhow!("{method}: {e}"),
    }
}

/// A method the service answered with an error: its D-Bus error name, for callers that act on it.
#[derive(Debug)]
struct Refused {
    name: String,
    line: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.line)
    }
}

impl std::error::Error for Refused {}

/// A bus operation within `CALL_LIMIT`.
async fn limited<T>(operation: impl Future<Output = zbus::Result<T>>) -> zbus::Result<T> {
    tokio::time::timeout(CALL_LIMIT, operation)
        .await
        .unwrap_or_else(|_| Err(zbus::Error::Failure(format!("no answer within {} s", CALL_LIMIT.as_secs()))))
}
