//! The one read every keychain profile costs, on the wire: a plain D-Bus client that sends the
//! authentication, `Hello`, `GetNameOwner`, `OpenSession` and `SearchItems` in one write, then
//! `GetSecret`: two
//! round trips to the Secret Service where a general client (zbus, with its runtime and handshake)
//! takes four and about twice the time (bench/run's `keychain-export` row). It handles the case a
//! run meets: a `unix:path=` bus and one unlocked entry, or none. Anything else (a locked keyring
//! to unlock through a prompt, two entries, another address, an answer it does not expect) is left
//! to the full client in `secret_service.rs`, which says what is wrong.
//!
//! Why hand-written, kept after a measured trial (bench/run): zbus, the one maintained pure-Rust
//! client, needs four round trips and its own handshake for this read, twice the time of a static
//! profile's export; libdbus would add a C library to build against. What it may do: read one
//! entry, nothing else; it writes nothing, unlocks nothing, follows no other address. Its wire
//! format is in `wire.rs`.

mod wire;

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use wire::{Message, Writer, call};

use crate::credentials::Secret;

/// The Secret Service's names on the bus (this client's and `secret_service.rs`'s).
pub(super) const BUS_NAME: &str = "org.freedesktop.secrets";
pub(super) const SERVICE_PATH: &str = "/org/freedesktop/secrets";
pub(super) const SERVICE: &str = "org.freedesktop.Secret.Service";
pub(super) const ITEM: &str = "org.freedesktop.Secret.Item";
/// The bus itself, which answers `Hello` and `GetNameOwner`.
const BUS: &str = "org.freedesktop.DBus";
const BUS_PATH: &str = "/org/freedesktop/DBus";
/// How long the bus may take to answer a question, all of it (the full client gets its own time).
const LIMIT: Duration = Duration::from_secs(2);
/// How many messages may come before the answers awaited (the bus sends `NameAcquired`; nothing
/// else is asked for).
const MAX_MESSAGES: usize = 32;

/// What the Secret Service holds for an account.
pub enum Answer {
    Found(Secret),
    Missing,
    /// No Secret Service on this bus: nobody owns `org.freedesktop.secrets` and none can start.
    NoService,
}

/// The secret of `account` under `service` on the bus at `address`; `Err` says why the full client
/// should be asked instead (never with a secret in it). Answers count only from the unique name
/// that owns `org.freedesktop.secrets` (asked of the bus in the same write), and each must come
/// within `LIMIT` of its question, however the bus drips it.
pub fn read(address: &str, service: &str, account: &str) -> Result<Answer, String> {
    let path = unix_path(address).ok_or("the bus address is not a plain unix:path")?;
    let mut bus = UnixStream::connect(&path).map_err(|e| format!("{path}: {e}"))?;
    bus.set_write_timeout(Some(LIMIT)).map_err(|e| e.to_string())?;
    let uid = crate::files::my_uid();
    let mut out = format!("\0AUTH EXTERNAL {}\r\nBEGIN\r\n", hex::encode(uid.to_string())).into_bytes();
    out.extend(call(1, BUS_PATH, BUS, "Hello", BUS, "", &[]));
    let mut owner = Writer::default();
    owner.string(BUS_NAME);
    out.extend(call(2, BUS_PATH, BUS, "GetNameOwner", BUS, "s", &owner.bytes));
    let mut open = Writer::default();
    open.string("plain");
    open.signature("s");
    open.string("");
    out.extend(call(3, SERVICE_PATH, SERVICE, "OpenSession", BUS_NAME, "sv", &open.bytes));
    let mut search = Writer::default();
    search.dictionary(&[("service", service), ("username", account)]);
    out.extend(call(4, SERVICE_PATH, SERVICE, "SearchItems", BUS_NAME, "a{ss}", &search.bytes));
    bus.write_all(&out).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + LIMIT;
    authenticated(&mut bus, deadline)?;
    let (mut owner, mut session, mut items) = (None, None, None);
    for _ in 0..MAX_MESSAGES {
        if owner.is_some() && session.is_some() && items.is_some() {
            break;
        }
        let answer = Message::read(&mut bus, deadline)?;
        let from = answer.sender.clone().unwrap_or_default();
        match (answer.reply_to, answer.error.as_deref()) {
            (
                Some(2..=4),
                Some(
                    "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner",
                ),
            ) => {
                return Ok(Answer::NoService);
            }
            (Some(2), None) if from == BUS => owner = Some(answer.expect("s")?.owner()?),
            (Some(3), None) => session = Some((from, answer.expect("vo")?.open_session()?)),
            (Some(4), None) => items = Some((from, answer.expect("aoao")?.search_results()?)),
            (Some(n @ 2..=4), Some(name)) => return Err(format!("call {n}: {name}")),
            // Hello's answer, NameAcquired and any other signal.
            _ => {}
        }
    }
    let (Some(owner), Some((session_from, session)), Some((items_from, (unlocked, locked)))) =
        (owner, session, items)
    else {
        return Err("the bus sent other messages, not the answers".into());
    };
    if session_from != owner || items_from != owner {
        return Err(format!(
            "answers from {session_from} and {items_from}, not from {owner}, the Secret Service"
        ));
    }
    if !locked.is_empty() || unlocked.len() > 1 {
        return Err(format!("{} unlocked and {} locked entries", unlocked.len(), locked.len()));
    }
    let Some(item) = unlocked.first() else { return Ok(Answer::Missing) };
    let mut get = Writer::default();
    get.string(&session);
    bus.write_all(&call(5, item, ITEM, "GetSecret", BUS_NAME, "o", &get.bytes)).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + LIMIT;
    for _ in 0..MAX_MESSAGES {
        let mut answer = Message::read(&mut bus, deadline)?;
        if answer.reply_to != Some(5) || answer.sender.as_deref() != Some(owner.as_str()) {
            answer.body.fill(0);
            continue;
        }
        if let Some(name) = &answer.error {
            return Err(format!("GetSecret: {name}"));
        }
        let secret = answer.expect("(oayays)").and_then(|a| a.secret());
        answer.body.fill(0);
        return secret.map(Answer::Found);
    }
    Err("the bus sent other messages, not the secret".into())
}

/// The socket of the first address when it is a plain `unix:path=…`, else `None` (an escaped path,
/// rare, is left to zbus).
pub fn unix_path(address: &str) -> Option<String> {
    let first = address.split(';').next()?;
    let keys = first.strip_prefix("unix:")?;
    let path = keys.split(',').find_map(|pair| pair.strip_prefix("path="))?;
    (!path.is_empty() && !path.contains('%')).then(|| path.to_string())
}

/// The server's line of the authentication: `OK ` and the server's GUID (32 hex digits) when it
/// accepts, read to its end and no further (the first message follows it).
fn authenticated(bus: &mut UnixStream, deadline: Instant) -> Result<(), String> {
    let mut line = [0u8; 37];
    wire::read_by(bus, &mut line[..3], deadline)?;
    if &line[..3] != b"OK " {
        return Err(format!(
            "the bus did not accept the authentication ({})",
            String::from_utf8_lossy(&line[..3])
        ));
    }
    wire::read_by(bus, &mut line[3..], deadline)?;
    if !line.ends_with(b"\r\n") || !line[3..35].iter().all(u8::is_ascii_hexdigit) {
        return Err("the bus answered the authentication oddly".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unix_path_address_is_read_here_and_others_are_left_to_the_full_client() {
        assert_eq!(unix_path("unix:path=/run/user/1000/bus").as_deref(), Some("/run/user/1000/bus"));
        assert_eq!(unix_path("unix:path=/tmp/a+b,guid=0f;tcp:host=x").as_deref(), Some("/tmp/a+b"));
        assert_eq!(unix_path("unix:path=/tmp/a%20b"), None);
        assert_eq!(unix_path("unix:abstract=/tmp/dbus-x,guid=1"), None);
        assert_eq!(unix_path("tcp:host=127.0.0.1,port=1"), None);
        assert_eq!(unix_path(""), None);
    }
}
