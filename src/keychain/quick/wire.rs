//! The D-Bus 1.0 wire format, as much of it as the quick read speaks: a method call out, an answer
//! in (a 16-byte fixed header, header fields of code and variant, the body after 8-byte alignment;
//! every value aligned to its size from the message's start). Every length is checked against what
//! is there, the whole answer is read within one deadline, and nothing a bus sends can make it panic.

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::time::Instant;

use crate::credentials::Secret;

/// The largest answer read (a secret of a few hundred bytes; D-Bus allows 128 MiB).
const MAX_MESSAGE: usize = 1 << 20;

/// A method call of serial `serial`, little-endian, with `body` of `signature`.
pub(super) fn call(
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
pub(super) struct Writer {
    pub(super) bytes: Vec<u8>,
}

impl Writer {
    pub(super) fn pad(&mut self, to: usize) {
        while !self.bytes.len().is_multiple_of(to) {
            self.bytes.push(0);
        }
    }

    pub(super) fn u32(&mut self, value: u32) {
        self.pad(4);
        self.bytes.extend(value.to_le_bytes());
    }

    /// A string or an object path.
    pub(super) fn string(&mut self, text: &str) {
        self.u32(u32::try_from(text.len()).unwrap_or(u32::MAX));
        self.bytes.extend(text.as_bytes());
        self.bytes.push(0);
    }

    pub(super) fn signature(&mut self, text: &str) {
        self.bytes.push(u8::try_from(text.len()).unwrap_or(u8::MAX));
        self.bytes.extend(text.as_bytes());
        self.bytes.push(0);
    }

    /// `a{ss}`.
    pub(super) fn dictionary(&mut self, pairs: &[(&str, &str)]) {
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

/// An answer: what it replies to, who sent it (the bus fills that in: no peer can forge it), its
/// error name, its body and the body's signature.
pub(super) struct Message {
    pub(super) reply_to: Option<u32>,
    pub(super) sender: Option<String>,
    pub(super) error: Option<String>,
    signature: String,
    pub(super) body: Vec<u8>,
    big_endian: bool,
}

/// `buf` filled from the bus by `deadline`: a bus that drips bytes cannot stretch the wait.
pub(super) fn read_by(bus: &mut UnixStream, buf: &mut [u8], deadline: Instant) -> Result<(), String> {
    let mut at = 0;
    while at < buf.len() {
        let left = deadline.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
        let left = left.ok_or("the bus did not answer in time")?;
        bus.set_read_timeout(Some(left)).map_err(|e| format!("the bus: {e}"))?;
        match bus.read(&mut buf[at..]) {
            Ok(0) => return Err("the bus closed the connection".into()),
            Ok(n) => at += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("the bus: {e}")),
        }
    }
    Ok(())
}

impl Message {
    /// The next message, whole, by `deadline`.
    pub(super) fn read(bus: &mut UnixStream, deadline: Instant) -> Result<Self, String> {
        let mut head = vec![0u8; 16];
        read_by(bus, &mut head, deadline)?;
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
        read_by(bus, &mut head[16..], deadline)?;
        let kind = head[1];
        let mut fields = Reader { bytes: &head[..16 + fields_len], at: 16, big_endian };
        let (mut reply_to, mut sender, mut error, mut signature) = (None, None, None, String::new());
        while fields.at < fields.bytes.len() {
            fields.pad(8)?;
            let code = fields.byte()?;
            let kind = fields.signature()?;
            match kind.as_str() {
                "s" | "o" => {
                    let value = fields.string()?;
                    match code {
                        4 => error = Some(value),
                        7 => sender = Some(value),
                        _ => {}
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
        Ok(Self { reply_to, sender, error: error.filter(|_| kind == 3), signature, body, big_endian })
    }

    pub(super) fn expect(&self, signature: &str) -> Result<Reader<'_>, String> {
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
pub(super) struct Reader<'a> {
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

    /// GetNameOwner's `s`: the unique name that owns a name.
    pub(super) fn owner(mut self) -> Result<String, String> {
        self.string()
    }

    /// OpenSession's `vo`: the session's path (a plain session's output is an empty string).
    pub(super) fn open_session(mut self) -> Result<String, String> {
        match self.signature()?.as_str() {
            "s" => self.string().map(|_| ())?,
            other => return Err(format!("a session output of type {other}")),
        }
        self.string()
    }

    /// SearchItems' `aoao`: the unlocked items, then the locked ones.
    pub(super) fn search_results(mut self) -> Result<(Vec<String>, Vec<String>), String> {
        Ok((self.paths()?, self.paths()?))
    }

    /// GetSecret's `(oayays)`: the value.
    pub(super) fn secret(mut self) -> Result<Secret, String> {
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
    use std::io::Write;

    use super::*;
    use crate::keychain::quick::{BUS_NAME, SERVICE, SERVICE_PATH};

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
        w.bytes.extend([7, 1, b's', 0]);
        w.string(":1.7");
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
        Message::read(&mut b, Instant::now() + std::time::Duration::from_secs(2))
    }

    #[test]
    fn a_secret_answer_reads_back_and_a_cut_one_is_an_error() {
        let bytes = a_secret_answer();
        let message = received(&bytes).unwrap();
        assert_eq!((message.reply_to, message.sender.as_deref()), (Some(4), Some(":1.7")));
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
    fn a_bus_that_drips_is_cut_off_at_the_deadline() {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        a.write_all(&a_secret_answer()[..10]).unwrap();
        let deadline = Instant::now() + std::time::Duration::from_millis(200);
        assert!(Message::read(&mut b, deadline).is_err(), "one deadline for the whole answer");
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
