//! The one read every keychain profile costs, on the wire: a plain D-Bus client that sends the
//! authentication, `Hello`, `OpenSession` and `SearchItems` in one write, then `GetSecret`: two
//! round trips to the Secret Service where a general client (zbus, with its runtime and handshake)
//! takes four and about twice the time (bench/run's `keychain-export` row). It handles the case a
//! run meets: a `unix:path=` bus and one unlocked entry, or none. Anything else (a locked keyring
//! to unlock through a prompt, two entries, another address, an answer it does not expect) is left
//! to the full client in `secret_service.rs`, which says what is wrong.
//!
//! Messages are D-Bus 1.0 wire format: a 16-byte fixed header, header fields (code, variant), the
//! body after 8-byte alignment; every value aligned to its size from the message's start.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use crate::credentials::Secret;

/// The Secret Service's names on the bus (this client's and `secret_service.rs`'s).
pub(super) const BUS_NAME: &str = "org.freedesktop.secrets";
pub(super) const SERVICE_PATH: &str = "/org/freedesktop/secrets";
pub(super) const SERVICE: &str = "org.freedesktop.Secret.Service";
pub(super) const ITEM: &str = "org.freedesktop.Secret.Item";
/// How long the bus may take to answer (the full client gets its own time after).
const LIMIT: Duration = Duration::from_secs(2);
/// The largest answer read (a secret of a few hundred bytes; D-Bus allows 128 MiB).
const MAX_MESSAGE: usize = 1 << 20;
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
/// should be asked instead (never with a secret in it).
pub fn read(address: &str, service: &str, account: &str) -> Result<Answer, String> {
    let path = unix_path(address).ok_or("the bus address is not a plain unix:path")?;
    let mut bus = UnixStream::connect(&path).map_err(|e| format!("{path}: {e}"))?;
    bus.set_read_timeout(Some(LIMIT))
        .and_then(|()| bus.set_write_timeout(Some(LIMIT)))
        .map_err(|e| e.to_string())?;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    let mut out = format!("\0AUTH EXTERNAL {}\r\nBEGIN\r\n", hex::encode(uid.to_string())).into_bytes();
    out.extend(call(
        1,
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "Hello",
        "org.freedesktop.DBus",
        "",
        &[],
    ));
    let mut open = Writer::default();
    open.string("plain");
    open.signature("s");
    open.string("");
    out.extend(call(2, SERVICE_PATH, SERVICE, "OpenSession", BUS_NAME, "sv", &open.bytes));
    let mut search = Writer::default();
    search.dictionary(&[("service", service), ("username", account)]);
    out.extend(call(3, SERVICE_PATH, SERVICE, "SearchItems", BUS_NAME, "a{ss}", &search.bytes));
    bus.write_all(&out).map_err(|e| e.to_string())?;
    authenticated(&mut bus)?;
    let (mut session, mut items) = (None, None);
    for _ in 0..MAX_MESSAGES {
        if session.is_some() && items.is_some() {
            break;
        }
        let answer = Message::read(&mut bus)?;
        match answer.reply_to {
            Some(2) => match answer.error.as_deref() {
                Some("org.freedesktop.DBus.Error.ServiceUnknown") => return Ok(Answer::NoService),
                Some(name) => return Err(format!("OpenSession: {name}")),
                None => session = Some(answer.expect("vo")?.open_session()?),
            },
            Some(3) => match answer.error.as_deref() {
                Some("org.freedesktop.DBus.Error.ServiceUnknown") => return Ok(Answer::NoService),
                Some(name) => return Err(format!("SearchItems: {name}")),
                None => items = Some(answer.expect("aoao")?.search_results()?),
            },
            // Hello's answer, NameAcquired and any other signal.
            _ => {}
        }
    }
    let (Some(session), Some((unlocked, locked))) = (session, items) else {
        return Err("the bus sent other messages, not the answers".into());
    };
    if !locked.is_empty() || unlocked.len() > 1 {
        return Err(format!("{} unlocked and {} locked entries", unlocked.len(), locked.len()));
    }
    let Some(item) = unlocked.first() else { return Ok(Answer::Missing) };
    let mut get = Writer::default();
    get.string(&session);
    bus.write_all(&call(4, item, ITEM, "GetSecret", BUS_NAME, "o", &get.bytes)).map_err(|e| e.to_string())?;
    for _ in 0..MAX_MESSAGES {
        let mut answer = Message::read(&mut bus)?;
        if answer.reply_to != Some(4) {
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
fn authenticated(bus: &mut UnixStream) -> Result<(), String> {
    let mut line = [0u8; 37];
    bus.read_exact(&mut line[..3]).map_err(|e| format!("the bus: {e}"))?;
    if &line[..3] != b"OK " {
        return Err(format!(
            "the bus did not accept the authentication ({})",
            String::from_utf8_lossy(&line[..3])
        ));
    }
    bus.read_exact(&mut line[3..]).map_err(|e| format!("the bus: {e}"))?;
    if !line.ends_with(b"\r\n") || !line[3..35].iter().all(u8::is_ascii_hexdigit) {
        return Err("the bus answered the authentication oddly".into());
    }
    Ok(())
}

/// A method call of serial `serial`, little-endian, with `body` of `signature`.
fn call(
    serial: u32,
    path: &str,
    interface: &str,
    member: &str,
    destination: &str,
    signature: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut w = Writer::default();
    w.bytes.extend([b'l', 1, 0, 1]);
    w.u32(u32::try_from(body.len()).unwrap_or(u32::MAX));
    w.u32(serial);
    w.u32(0);
    let fields: [(u8, &str, &str); 5] =
        [(1, "o", path), (2, "s", interface), (3, "s", member), (6, "s", destination), (8, "g", signature)];
    for (code, kind, value) in fields {
        if value.is_empty() {
            continue;
        }
        w.pad(8);
        w.bytes.push(code);
        w.signature(kind);
        if kind == "g" { w.signature(value) } else { w.string(value) }
    }
    let fields_len = u32::try_from(w.bytes.len() - 16).unwrap_or(u32::MAX);
    w.bytes[12..16].copy_from_slice(&fields_len.to_le_bytes());
    w.pad(8);
    w.bytes.extend(body);
    w.bytes
}

/// Marshalling, aligned from the start of what is written (a message, or a body: bodies start
/// 8-aligned, so both agree).
#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn pad(&mut self, to: usize) {
        while !self.bytes.len().is_multiple_of(to) {
            self.bytes.push(0);
        }
    }

    fn u32(&mut self, value: u32) {
        self.pad(4);
        self.bytes.extend(value.to_le_bytes());
    }

    /// A string or an object path.
    fn string(&mut self, text: &str) {
        self.u32(u32::try_from(text.len()).unwrap_or(u32::MAX));
        self.bytes.extend(text.as_bytes());
        self.bytes.push(0);
    }

    fn signature(&mut self, text: &str) {
        self.bytes.push(u8::try_from(text.len()).unwrap_or(u8::MAX));
        self.bytes.extend(text.as_bytes());
        self.bytes.push(0);
    }

    /// `a{ss}`.
    fn dictionary(&mut self, pairs: &[(&str, &str)]) {
        self.u32(0);
        let length_at = self.bytes.len() - 4;
        self.pad(8);
        let start = self.bytes.len();
        for (key, value) in pairs {
            self.pad(8);
            self.string(key);
            self.string(value);
        }
        let length = u32::try_from(self.bytes.len() - start).unwrap_or(u32::MAX);
        self.bytes[length_at..length_at + 4].copy_from_slice(&length.to_le_bytes());
    }
}

/// An answer: what it replies to, its error name, its body and the body's signature.
struct Message {
    reply_to: Option<u32>,
    error: Option<String>,
    signature: String,
    body: Vec<u8>,
    big_endian: bool,
}

impl Message {
    fn read(bus: &mut UnixStream) -> Result<Self, String> {
        let mut head = vec![0u8; 16];
        bus.read_exact(&mut head).map_err(|e| format!("the bus: {e}"))?;
        let big_endian = match head[0] {
            b'l' => false,
            b'B' => true,
            _ => return Err("the bus sent something that is not D-Bus".into()),
        };
        let mut fixed = Reader { bytes: &head, at: 4, big_endian };
        let body_len = fixed.u32()? as usize;
        fixed.at = 12;
        let fields_len = fixed.u32()? as usize;
        let header_len = (16 + fields_len).next_multiple_of(8);
        if header_len + body_len > MAX_MESSAGE {
            return Err("the bus sent an answer too large".into());
        }
        head.resize(header_len + body_len, 0);
        bus.read_exact(&mut head[16..]).map_err(|e| format!("the bus: {e}"))?;
        let kind = head[1];
        let mut fields = Reader { bytes: &head[..16 + fields_len], at: 16, big_endian };
        let (mut reply_to, mut error, mut signature) = (None, None, String::new());
        while fields.at < fields.bytes.len() {
            fields.pad(8)?;
            let code = fields.byte()?;
            let kind = fields.signature()?;
            match kind.as_str() {
                "s" | "o" => {
                    let value = fields.string()?;
                    if code == 4 {
                        error = Some(value);
                    }
                }
                "g" => signature = fields.signature()?,
                "u" => {
                    let value = fields.u32()?;
                    if code == 5 {
                        reply_to = Some(value);
                    }
                }
                other => return Err(format!("a header field of type {other}")),
            }
        }
        let body = head[header_len..].to_vec();
        head.fill(0);
        // Only answers count: a method return (2) or an error (3).
        let reply_to = reply_to.filter(|_| kind == 2 || kind == 3);
        Ok(Self { reply_to, error: error.filter(|_| kind == 3), signature, body, big_endian })
    }

    fn expect(&self, signature: &str) -> Result<Reader<'_>, String> {
        if self.signature != signature {
            return Err(format!(
                "an answer of signature {:?} where {signature:?} was expected",
                self.signature
            ));
        }
        Ok(Reader { bytes: &self.body, at: 0, big_endian: self.big_endian })
    }
}

/// Unmarshalling, with every length checked against what is there.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    big_endian: bool,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.at.checked_add(n).filter(|&end| end <= self.bytes.len());
        let end = end.ok_or("the bus sent a short answer")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn pad(&mut self, to: usize) -> Result<(), String> {
        let padding = self.at.next_multiple_of(to) - self.at;
        self.take(padding).map(|_| ())
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        self.pad(4)?;
        let raw: [u8; 4] = self.take(4)?.try_into().map_err(|_| "a short number")?;
        Ok(if self.big_endian { u32::from_be_bytes(raw) } else { u32::from_le_bytes(raw) })
    }

    fn string(&mut self) -> Result<String, String> {
        let len = self.u32()? as usize;
        let text = String::from_utf8(self.take(len)?.to_vec()).map_err(|_| "a string that is not UTF-8")?;
        self.take(1)?;
        Ok(text)
    }

    fn signature(&mut self) -> Result<String, String> {
        let len = usize::from(self.byte()?);
        let text = String::from_utf8_lossy(self.take(len)?).into_owned();
        self.take(1)?;
        Ok(text)
    }

    /// `ay`.
    fn byte_array(&mut self) -> Result<Vec<u8>, String> {
        let len = self.u32()? as usize;
        Ok(self.take(len)?.to_vec())
    }

    /// `ao`.
    fn paths(&mut self) -> Result<Vec<String>, String> {
        let len = self.u32()? as usize;
        let end = self.at + len;
        let mut paths = Vec::new();
        while self.at < end {
            paths.push(self.string()?);
        }
        Ok(paths)
    }

    /// OpenSession's `vo`: the session's path (a plain session's output is an empty string).
    fn open_session(mut self) -> Result<String, String> {
        match self.signature()?.as_str() {
            "s" => self.string().map(|_| ())?,
            other => return Err(format!("a session output of type {other}")),
        }
        self.string()
    }

    /// SearchItems' `aoao`: the unlocked items, then the locked ones.
    fn search_results(mut self) -> Result<(Vec<String>, Vec<String>), String> {
        Ok((self.paths()?, self.paths()?))
    }

    /// GetSecret's `(oayays)`: the value.
    fn secret(mut self) -> Result<Secret, String> {
        self.pad(8)?;
        self.string()?;
        self.byte_array()?;
        let mut value = self.byte_array()?;
        let text = String::from_utf8(std::mem::take(&mut value)).map_err(|e| {
            let mut bytes = e.into_bytes();
            bytes.fill(0);
            "the entry is not text".to_string()
        })?;
        Ok(Secret::new(text))
    }
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

    #[test]
    fn a_call_is_the_wire_format_and_reads_back() {
        let mut body = Writer::default();
        body.dictionary(&[("service", "awsume"), ("username", "p")]);
        let bytes = call(3, SERVICE_PATH, SERVICE, "SearchItems", BUS_NAME, "a{ss}", &body.bytes);
        assert_eq!(&bytes[..4], b"l\x01\x00\x01");
        assert_eq!(u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize, body.bytes.len());
        assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 3);
        let fields_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let header_len = (16 + fields_len).next_multiple_of(8);
        assert_eq!(bytes.len(), header_len + body.bytes.len());
        // The dictionary: its length counts from the first entry (8-aligned), keys and values read back.
        let mut r = Reader { bytes: &body.bytes, at: 0, big_endian: false };
        let len = r.u32().unwrap() as usize;
        r.pad(8).unwrap();
        assert_eq!(r.at + len, body.bytes.len());
        assert_eq!(r.string().unwrap(), "service");
        assert_eq!(r.string().unwrap(), "awsume");
        r.pad(8).unwrap();
        assert_eq!(r.string().unwrap(), "username");
        assert_eq!(r.string().unwrap(), "p");
    }

    /// A method return to `serial` with `body` of `signature`, as the bus would send it.
    fn answer(serial: u32, signature: &str, body: &[u8]) -> Vec<u8> {
        let mut w = Writer::default();
        w.bytes.extend([b'l', 2, 1, 1]);
        w.u32(u32::try_from(body.len()).unwrap());
        w.u32(9);
        w.u32(0);
        w.pad(8);
        w.bytes.extend([5, 1, b'u', 0]);
        w.u32(serial);
        w.pad(8);
        w.bytes.push(8);
        w.signature("g");
        w.signature(signature);
        let fields_len = u32::try_from(w.bytes.len() - 16).unwrap();
        w.bytes[12..16].copy_from_slice(&fields_len.to_le_bytes());
        w.pad(8);
        w.bytes.extend(body);
        w.bytes
    }

    fn received(bytes: &[u8]) -> Result<Message, String> {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(bytes).unwrap();
        drop(a);
        Message::read(&mut b)
    }

    #[test]
    fn a_secret_answer_reads_back_and_a_cut_one_is_an_error() {
        let bytes = a_secret_answer();
        let message = received(&bytes).unwrap();
        assert_eq!(message.reply_to, Some(4));
        assert_eq!(message.expect("(oayays)").unwrap().secret().unwrap().expose(), "s3cr3");
        assert!(message.expect("aoao").is_err());
        for cut in [3, 16, 20, bytes.len() - 1] {
            assert!(received(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    fn a_secret_answer() -> Vec<u8> {
        let mut body = Writer::default();
        body.pad(8);
        body.string("/org/freedesktop/secrets/session/s1");
        body.u32(0);
        body.u32(5);
        body.bytes.extend(b"s3cr3");
        body.string("text/plain");
        answer(4, "(oayays)", &body.bytes)
    }

    fn read_every_way(bytes: &[u8]) {
        if let Ok(message) = received(bytes) {
            let _ = message.expect(&message.signature).map(|r| r.search_results());
            let _ = message.expect(&message.signature).map(|r| r.secret());
            let _ = message.expect(&message.signature).map(|r| r.open_session());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_from_the_bus_are_an_answer_or_an_error(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            read_every_way(&bytes);
        }

        #[test]
        fn a_damaged_answer_is_an_answer_or_an_error(changes in proptest::collection::vec((0usize..200, proptest::num::u8::ANY), 1..8)) {
            let mut bytes = a_secret_answer();
            for (at, byte) in changes {
                let at = at % bytes.len();
                bytes[at] = byte;
            }
            read_every_way(&bytes);
        }
    }

    #[test]
    fn short_or_odd_answers_are_errors_not_panics() {
        let mut w = Writer::default();
        w.u32(1000);
        let mut r = Reader { bytes: &w.bytes, at: 0, big_endian: false };
        assert!(r.string().is_err(), "a length beyond the answer");
        let mut r = Reader { bytes: &[0xff], at: 0, big_endian: false };
        assert!(r.signature().is_err());
        let mut w = Writer::default();
        w.signature("ay");
        assert!(Reader { bytes: &w.bytes, at: 0, big_endian: false }.open_session().is_err());
    }
}
