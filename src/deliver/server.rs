//! Credential servers for SDKs that cannot run a credential_process: an IMDSv2 look-alike
//! (`--imds`) and the container credentials endpoint (`--container`). Loopback unless asked
//! otherwise; clients served concurrently, each connection with a short deadline (an idle or
//! slow-dripping client delays nobody); credentials re-resolved before they expire. Never logs a
//! secret. Both answer only the user who started them (on Linux, a loopback peer's uid from the
//! kernel's socket table: another user's connection is closed at once, so it cannot take the
//! owner's slots); the container endpoint also only its token (compared in constant time); the
//! IMDS endpoint, whose token is no authentication, never a token request that came through a proxy
//! (`X-Forwarded-For`), as EC2's own refuses it.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use chrono::Utc;

use crate::credentials::{Credentials, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Imds,
    Container,
}

/// `PORT` (loopback) or `HOST:PORT`; an address beyond loopback only when `remote` allows it.
pub fn address(text: &str, remote: bool) -> Result<SocketAddr> {
    let full = if text.contains(':') { text.to_string() } else { format!("127.0.0.1:{text}") };
    let address: SocketAddr =
        full.parse().map_err(|_| anyhow!("{text:?} is not PORT or HOST:PORT (an IP address)"))?;
    if !address.ip().is_loopback() && !remote {
        anyhow::bail!(
            "{address} is reachable from other machines, and the credentials go over plain HTTP: serve on loopback (PORT, 127.0.0.1:PORT), or add --allow-remote if you mean it"
        );
    }
    Ok(address)
}

/// Credentials are re-resolved when less than this is left.
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(15);
const ROLE_NAME: &str = "awsume";

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
}

/// How long one connection may take to send its request: SDKs send theirs at once.
const REQUEST_DEADLINE: Duration = Duration::from_secs(1);
/// Connections served at once; more are turned away at once rather than queued.
const MAX_CONNECTIONS: usize = 64;

/// A client's connection: plain, or TLS over it (`--tls`; the handshake runs in the first read,
/// under the request's deadline).
pub enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(stream) => stream,
            Conn::Tls(tls) => &tls.sock,
        }
    }

    /// Sends what is written and, over TLS, says the connection ends.
    fn finish(&mut self) {
        if let Conn::Tls(tls) = self {
            tls.conn.send_close_notify();
        }
        let _ = self.flush();
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(stream) => stream.read(buf),
            Conn::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(stream) => stream.write(buf),
            Conn::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(stream) => stream.flush(),
            Conn::Tls(tls) => tls.flush(),
        }
    }
}

/// A reader that gives up once the connection's deadline has passed, however slowly bytes drip.
struct Deadline<'a> {
    conn: &'a mut Conn,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        self.conn.tcp().set_read_timeout(Some(left))?;
        self.conn.read(buf)
    }
}

fn read_request(conn: &mut Conn) -> Result<Request> {
    let deadline = Deadline { conn, until: Instant::now() + REQUEST_DEADLINE };
    let mut reader = BufReader::new(deadline.take(64 * 1024));
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    Ok(Request { method, path, headers })
}

fn respond(conn: &mut impl Write, status: &str, content_type: &str, body: &str) {
    respond_with(conn, status, content_type, "", body);
}

fn respond_with(conn: &mut impl Write, status: &str, content_type: &str, extra_headers: &str, body: &str) {
    let _ = write!(
        conn,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra_headers}Connection: close\r\n\r\n{body}",
        body.len()
    );
}

/// The token container clients must send: `AWS_CONTAINER_AUTHORIZATION_TOKEN`, else a new one.
pub fn container_token() -> Result<Secret> {
    match crate::environment::var("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
        Some(token) => Ok(Secret::new(token)),
        None => crate::encoding::random_hex(24).map(Secret::new),
    }
}

/// What the connections share: the credentials, re-resolved when they near their end, and the
/// IMDS session tokens handed out.
struct Shared<F> {
    creds: Credentials,
    refresh: F,
    imds_tokens: Vec<(String, Instant)>,
}

/// Serves until killed, or until `stop` is set (and one more connection wakes the loop: `wake`).
/// `refresh` resolves the credentials again when they near their expiry.
pub fn serve<F>(
    kind: Kind,
    listener: TcpListener,
    container_token: Option<&Secret>,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    creds: Credentials,
    refresh: F,
    stop: &AtomicBool,
) -> Result<()>
where
    F: FnMut() -> Result<Credentials> + Send,
{
    let shared = Mutex::new(Shared { creds, refresh, imds_tokens: Vec::new() });
    let busy = AtomicUsize::new(0);
    #[cfg(unix)]
    let owner = crate::files::my_uid();
    #[cfg(not(unix))]
    let owner = 0;
    std::thread::scope(|scope| {
        // Another local user's connections are handed over at once, before a thread or a slot is
        // given (nobody else can hold the owner's), to one thread that refuses them in turn;
        // when it is behind, they are simply closed.
        let (refuse, refused) = std::sync::mpsc::sync_channel::<TcpStream>(256);
        scope.spawn(move || refused.into_iter().for_each(|stream| refuse_politely(&stream)));
        for stream in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            if !peer_is(&stream, owner) {
                let _ = refuse.try_send(stream);
                continue;
            }
            if busy.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                busy.fetch_sub(1, Ordering::SeqCst);
                respond(&mut &stream, "503 Service Unavailable", "text/plain", "busy");
                continue;
            }
            let mut conn = match &tls {
                Some(config) => match rustls::ServerConnection::new(config.clone()) {
                    Ok(server) => Conn::Tls(Box::new(rustls::StreamOwned::new(server, stream))),
                    Err(_) => continue,
                },
                None => Conn::Plain(stream),
            };
            let (shared, busy) = (&shared, &busy);
            scope.spawn(move || {
                answer(kind, &mut conn, container_token, shared);
                conn.finish();
                busy.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Ok(())
}

/// Says 403 to another user's connection, then reads what it sent (briefly) before closing, so
/// that its client reads the answer instead of a reset.
fn refuse_politely(stream: &TcpStream) {
    respond(
        &mut &*stream,
        "403 Forbidden",
        "text/plain",
        "this endpoint serves only the user who started it",
    );
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
    let _ = std::io::copy(&mut Read::take(stream, 64 * 1024), &mut std::io::sink());
}

fn answer<F>(kind: Kind, stream: &mut Conn, token: Option<&Secret>, shared: &Mutex<Shared<F>>)
where
    F: FnMut() -> Result<Credentials>,
{
    let Ok(request) = read_request(stream) else { return };
    if kind == Kind::Container {
        let given = request.headers.get("authorization").map(String::as_bytes).unwrap_or_default();
        if !token.is_some_and(|t| same(given, t.expose().as_bytes())) {
            respond(stream, "401 Unauthorized", "text/plain", "wrong or missing Authorization");
            return;
        }
    }
    let mut shared = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !shared.creds.valid_for(Utc::now(), REFRESH_MARGIN) {
        match (shared.refresh)() {
            Ok(fresh) => shared.creds = fresh,
            Err(e) => {
                crate::messages::error(&e.context("cannot refresh the credentials"));
                respond(
                    stream,
                    "503 Service Unavailable",
                    "text/plain",
                    "credentials could not be refreshed",
                );
                return;
            }
        }
    }
    let Shared { creds, imds_tokens, .. } = &mut *shared;
    match kind {
        Kind::Imds => imds(stream, &request, creds, imds_tokens),
        Kind::Container => respond(stream, "200 OK", "application/json", &body(creds, false)),
    }
}

/// Ends a `serve` on `address`: sets `stop`, then connects once so that the waiting accept returns.
pub fn wake(address: SocketAddr, stop: &AtomicBool) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect_timeout(&address, Duration::from_secs(1));
}

/// Byte strings compared in time that depends on their lengths only, not on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// Whether the connection's other end belongs to `uid`. On Linux, the kernel's socket table
/// (`/proc/net/tcp`, `tcp6`) names the owner of the peer's socket, which is on this machine: a
/// loopback client. Elsewhere (and for a peer on another machine, with `--allow-remote`) nothing
/// tells: the endpoint is then as open as its address, which `export` says when it starts.
pub fn peer_is(stream: &TcpStream, uid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let (Ok(ours), Ok(theirs)) = (stream.local_addr(), stream.peer_addr()) else { return false };
    if !theirs.ip().is_loopback() && !theirs.ip().to_canonical().is_loopback() {
        // Not on this machine: only an explicit --allow-remote binds where such peers reach us.
        return true;
    }
    socket_owner(theirs, ours) == Some(uid)
}

/// The uid owning the TCP socket `local` connected to `remote`, from the kernel's table.
fn socket_owner(local: SocketAddr, remote: SocketAddr) -> Option<u32> {
    let (local, remote) = (proc_address(local), proc_address(remote));
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().find_map(|table| {
        let text = std::fs::read_to_string(table).ok()?;
        text.lines().skip(1).find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (l, r, uid) = (fields.get(1)?, fields.get(2)?, fields.get(7)?);
            (l.eq_ignore_ascii_case(&local) && r.eq_ignore_ascii_case(&remote))
                .then(|| uid.parse().ok())
                .flatten()
        })
    })
}

/// An address as `/proc/net/tcp{,6}` writes it: the address's 32-bit words in host byte order, in
/// hex, then `:` and the port in hex. An IPv4 peer of an IPv6 socket is written IPv4-mapped.
fn proc_address(address: SocketAddr) -> String {
    let words = |bytes: &[u8]| -> String {
        bytes.chunks(4).map(|w| format!("{:08X}", u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))).collect()
    };
    match address {
        SocketAddr::V4(a) => format!("{}:{:04X}", words(&a.ip().octets()), a.port()),
        SocketAddr::V6(a) => format!("{}:{:04X}", words(&a.ip().octets()), a.port()),
    }
}

fn imds(stream: &mut Conn, request: &Request, creds: &Credentials, tokens: &mut Vec<(String, Instant)>) {
    tokens.retain(|(_, until)| *until > Instant::now());
    if request.method == "PUT" && request.path == "/latest/api/token" {
        // EC2 refuses token requests relayed by a proxy: they may be forged through it.
        if request.headers.contains_key("x-forwarded-for") {
            respond(stream, "403 Forbidden", "text/plain", "");
            return;
        }
        let ttl =
            request.headers.get("x-aws-ec2-metadata-token-ttl-seconds").and_then(|t| t.parse::<u64>().ok());
        let Some(ttl) = ttl.filter(|t| (1..=21_600).contains(t)) else {
            respond(stream, "400 Bad Request", "text/plain", "missing or bad token TTL");
            return;
        };
        let Ok(token) = crate::encoding::random_hex(24) else {
            respond(stream, "500 Internal Server Error", "text/plain", "");
            return;
        };
        tokens.push((token.clone(), Instant::now() + Duration::from_secs(ttl)));
        let ttl_header = format!("X-aws-ec2-metadata-token-ttl-seconds: {ttl}\r\n");
        respond_with(stream, "200 OK", "text/plain", &ttl_header, &token);
        return;
    }
    let token = request.headers.get("x-aws-ec2-metadata-token");
    if !token.is_some_and(|t| tokens.iter().any(|(known, _)| same(known.as_bytes(), t.as_bytes()))) {
        respond(stream, "401 Unauthorized", "text/plain", "");
        return;
    }
    match request.path.as_str() {
        "/latest/meta-data/iam/security-credentials/" | "/latest/meta-data/iam/security-credentials" => {
            respond(stream, "200 OK", "text/plain", ROLE_NAME)
        }
        path if path == format!("/latest/meta-data/iam/security-credentials/{ROLE_NAME}") => {
            respond(stream, "200 OK", "application/json", &body(creds, true))
        }
        _ => respond(stream, "404 Not Found", "text/plain", ""),
    }
}

fn body(creds: &Credentials, imds: bool) -> String {
    // Long-term keys get a nominal hour: both protocols require an expiry.
    let expiration = creds.expiration_rfc3339().unwrap_or_else(|| {
        (Utc::now() + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    });
    let mut json = serde_json::json!({
        "AccessKeyId": creds.access_key_id,
        "SecretAccessKey": creds.secret_access_key.expose(),
        "Token": creds.session_token.as_ref().map(|t| t.expose()).unwrap_or_default(),
        "Expiration": expiration,
    });
    if imds {
        json["Code"] = "Success".into();
        json["Type"] = "AWS-HMAC".into();
        json["LastUpdated"] = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into();
    }
    json.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_written_as_the_kernel_writes_them() {
        // /proc/net/tcp on a little-endian machine writes 127.0.0.1:8080 as 0100007F:1F90.
        let v4: SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let expected = if cfg!(target_endian = "little") { "0100007F:1F90" } else { "7F000001:1F90" };
        assert_eq!(proc_address(v4), expected);
        assert_eq!(proc_address("[::1]:80".parse().unwrap()).len(), 32 + 5);
    }

    #[test]
    fn only_loopback_without_allow_remote_and_tokens_compare_whole() {
        assert!(address("0", false).unwrap().ip().is_loopback());
        assert!(address("0.0.0.0:0", false).unwrap_err().to_string().contains("--allow-remote"));
        assert!(address("0.0.0.0:0", true).is_ok());
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"abc", b"ab"));
    }
}
