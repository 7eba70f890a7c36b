//! HTTPS for the container endpoint (`export --container PORT --tls`). The SDKs take plain HTTP only
//! from loopback and the ECS/EKS link-local addresses, so a container on a bridge network needs
//! HTTPS. awsume makes a CA once (`$XDG_DATA_HOME/awsume/tls/`, else `~/.awsume/tls/`, 0700: the key
//! `ca.key` 0600, never printed; the certificate `ca.pem` 0644, what containers are given to trust)
//! and, for each run, a certificate for the host's addresses (IP SANs), `localhost` and
//! `host.docker.internal`, with a key that lives in memory only. The CA may sign only those kinds of
//! names (name constraints: private, loopback, link-local and shared address ranges, those two
//! names), so its key, were it taken, could not pass for any public site.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use rcgen::{
    BasicConstraints, CertificateParams, CidrSubnet, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
    GeneralSubtree, IsCa, Issuer, KeyPair, KeyUsagePurpose, NameConstraints, SanType,
};

use crate::files::{self, display};

/// The names a certificate of ours may carry besides addresses.
const NAMES: [&str; 2] = ["localhost", "host.docker.internal"];

/// The address ranges the CA may sign for: where a container reaches its host.
const RANGES: [(IpAddr, u8); 9] = [
    (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8),
    (IpAddr::V4(Ipv4Addr::new(172, 16, 0, 0)), 12),
    (IpAddr::V4(Ipv4Addr::new(192, 168, 0, 0)), 16),
    (IpAddr::V4(Ipv4Addr::new(127, 0, 0, 0)), 8),
    (IpAddr::V4(Ipv4Addr::new(169, 254, 0, 0)), 16),
    (IpAddr::V4(Ipv4Addr::new(100, 64, 0, 0)), 10),
    (IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
    (IpAddr::V6(Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0)), 7),
    (IpAddr::V6(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0)), 10),
];

/// The TLS settings for an endpoint bound to `bound`, and where the CA's certificate is.
pub fn endpoint(bound: SocketAddr) -> Result<(Arc<rustls::ServerConfig>, PathBuf, Vec<IpAddr>)> {
    let addresses = addresses(bound.ip());
    if let Some(public) = addresses.iter().find(|ip| !allowed(ip)) {
        bail!(
            "--tls serves private, loopback and link-local addresses only, and {public} is none of those: bind one (--bind)"
        );
    }
    let (issuer, ca_path) = authority()?;
    let key = KeyPair::generate().map_err(|e| anyhow!("cannot make a key: {e}"))?;
    let mut params = CertificateParams::new(NAMES.map(String::from).to_vec()).map_err(|e| anyhow!("{e}"))?;
    params.subject_alt_names.extend(addresses.iter().map(|ip| SanType::IpAddress(*ip)));
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, "awsume credentials endpoint");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::days(30);
    let cert = params.signed_by(&key, &issuer).map_err(|e| anyhow!("cannot sign the certificate: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )?;
    Ok((Arc::new(config), ca_path, addresses))
}

/// The CA's own settings: the same every time, so a stored key signs as the stored certificate says.
fn ca_params() -> Result<CertificateParams> {
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| anyhow!("{e}"))?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.distinguished_name.push(DnType::OrganizationName, "awsume");
    params.distinguished_name.push(DnType::CommonName, "awsume local CA for container endpoints");
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let mut permitted: Vec<GeneralSubtree> =
        NAMES.iter().map(|n| GeneralSubtree::DnsName(n.to_string())).collect();
    permitted.extend(
        RANGES.iter().map(|(ip, bits)| GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(*ip, *bits))),
    );
    params.name_constraints =
        Some(NameConstraints { permitted_subtrees: permitted, excluded_subtrees: Vec::new() });
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::hours(1);
    params.not_after = now + time::Duration::days(3650);
    Ok(params)
}

/// The CA, made on first use (under a lock: concurrent first runs make one).
fn authority() -> Result<(Issuer<'static, KeyPair>, PathBuf)> {
    let dir = files::data_dir("tls");
    files::private_dir(&dir).with_context(|| format!("cannot create {}", display(&dir)))?;
    let (key_path, cert_path) = (dir.join("ca.key"), dir.join("ca.pem"));
    let _lock = files::lock_beside(&key_path, crate::waits::OTHER_RUN, "making the CA")?;
    let key = match read_key(&key_path)? {
        Some(key) if cert_path.is_file() => key,
        _ => {
            let key = KeyPair::generate().map_err(|e| anyhow!("cannot make the CA's key: {e}"))?;
            let cert = ca_params()?.self_signed(&key).map_err(|e| anyhow!("cannot make the CA: {e}"))?;
            files::write_atomic(&key_path, key.serialize_pem().as_bytes(), 0o600)
                .with_context(|| format!("cannot write {}", display(&key_path)))?;
            files::write_atomic(&cert_path, cert.pem().as_bytes(), 0o644)
                .with_context(|| format!("cannot write {}", display(&cert_path)))?;
            crate::messages::note(&format!("made a CA for container endpoints: {}", display(&cert_path)));
            key
        }
    };
    Ok((Issuer::new(ca_params()?, key), cert_path))
}

/// The CA's key, if it is there and only its owner can touch it (the trust rule).
fn read_key(path: &Path) -> Result<Option<KeyPair>> {
    if let Some(why) = files::untrusted(path) {
        bail!("{}: {why}", display(path));
    }
    let Some(pem) = files::read_optional(path)? else { return Ok(None) };
    let pem = crate::credentials::Secret::new(pem);
    KeyPair::from_pem(pem.expose())
        .map(Some)
        .map_err(|_| anyhow!("{} is not a key awsume wrote", display(path)))
}

/// The addresses a certificate for `bound` names: that one (loopback's both), or every address
/// of this host when it is bound to all.
fn addresses(bound: IpAddr) -> Vec<IpAddr> {
    let mut all = vec![IpAddr::V4(Ipv4Addr::LOCALHOST), IpAddr::V6(Ipv6Addr::LOCALHOST)];
    if bound.is_unspecified() {
        all.extend(host_addresses());
    } else if !bound.is_loopback() {
        all.push(bound);
    }
    all.sort();
    all.dedup();
    all
}

fn allowed(ip: &IpAddr) -> bool {
    RANGES.iter().any(|(range, bits)| within(ip, range, *bits))
}

fn within(ip: &IpAddr, range: &IpAddr, bits: u8) -> bool {
    let (a, b): (u128, u128) = match (ip, range) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u32::from(*a).into(), u32::from(*b).into()),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(*a), u128::from(*b)),
        _ => return false,
    };
    let width = if ip.is_ipv4() { 32 } else { 128 };
    let shift = width - u32::from(bits);
    shift >= 128 || (a >> shift) == (b >> shift)
}

/// This host's addresses in the ranges a container reaches (Linux: the kernel's tables).
fn host_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    // /proc/net/fib_trie: a local address is the line before `/32 host LOCAL`.
    if let Ok(text) = std::fs::read_to_string("/proc/net/fib_trie") {
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            if pair[1].contains("/32 host LOCAL")
                && let Some(ip) =
                    pair[0].trim().trim_start_matches(['|', '-', '+', ' ']).parse::<Ipv4Addr>().ok()
            {
                found.push(IpAddr::V4(ip));
            }
        }
    }
    // /proc/net/if_inet6: the address in 32 hex digits first on each line.
    if let Ok(text) = std::fs::read_to_string("/proc/net/if_inet6") {
        for hex in text.lines().filter_map(|l| l.split_whitespace().next()) {
            if let Ok(bits) = u128::from_str_radix(hex, 16) {
                found.push(IpAddr::V6(Ipv6Addr::from(bits)));
            }
        }
    }
    found.retain(allowed);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_private_addresses_and_every_one_of_the_host() {
        assert!(allowed(&"10.1.2.3".parse().unwrap()) && allowed(&"172.31.0.1".parse().unwrap()));
        assert!(!allowed(&"172.32.0.1".parse().unwrap()) && !allowed(&"8.8.8.8".parse().unwrap()));
        assert!(allowed(&"fd00::1".parse().unwrap()) && !allowed(&"2001:db8::1".parse().unwrap()));
        let bound: IpAddr = "10.99.0.1".parse().unwrap();
        assert_eq!(addresses(bound).len(), 3, "the address and both loopbacks");
        assert!(addresses("0.0.0.0".parse().unwrap()).contains(&IpAddr::V4(Ipv4Addr::LOCALHOST)));
    }
}
