//! Fuzz-style tests: thousands of generated inputs through the INI reader, the planner and the
//! credential_process parser. Nothing may panic; every rejection is one line; no secret is echoed.

use crate::config::{Config, Files, ini};
use crate::plan::{Options, plan};

/// xorshift64*: deterministic, so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    fn junk(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| match self.below(6) {
                0 => char::from_u32(self.below(0x2FFFF) as u32).unwrap_or('\u{fffd}'),
                1 => ['\t', '\u{1}', '\u{7f}', '\u{feff}', '=', ':', '[', ']', '#', ';', '"', '\'']
                    [self.below(12)],
                _ => char::from(b'a' + self.below(26) as u8),
            })
            .collect()
    }
}

const NAMES: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "default", "x y", "ü", ""];
const KEYS: &[&str] = &[
    "role_arn",
    "source_profile",
    "credential_source",
    "mfa_serial",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "region",
    "duration_seconds",
    "external_id",
    "credential_process",
    "web_identity_token_file",
    "sso_account_id",
    "sso_role_name",
    "sso_session",
    "role_session_name",
    "endpoint_url",
    "services",
    "Region",
    "s3",
];
const VALUES: &[&str] = &[
    "a",
    "b",
    "c",
    "default",
    "arn:aws:iam::1:role/r",
    "Environment",
    "Ec2InstanceMetadata",
    "EcsContainer",
    "Bogus",
    "AKIA1",
    "3600",
    "-1",
    "99999999999",
    "eu-west-1",
    "/bin/true",
    "",
    "x y",
];

fn line(rng: &mut Rng) -> String {
    // Mostly well-formed, so the planner sees thousands of files; the rest is hostile.
    match rng.below(40) {
        0..=4 => format!("[profile {}]", rng.pick(NAMES)),
        5..=7 => format!("[{}]", rng.pick(NAMES)),
        8 => rng
            .pick(&[
                "[sso-session s]",
                "[services s]",
                "[profile \"q a\"]",
                "[profile a b]",
                "[",
                "[]",
                "[profile]",
            ])
            .to_string(),
        9..=11 => rng.pick(&["", " ", "# c", "; c", "  # indented"]).to_string(),
        12 => {
            let len = rng.below(40);
            rng.junk(len)
        }
        13 => format!("k = {}", "x".repeat(rng.below(20_000))),
        14 => format!("  {} = {}", rng.pick(KEYS), rng.pick(VALUES)),
        15 => rng.pick(KEYS).to_string(),
        _ => {
            let key = rng.pick(KEYS);
            // Secrets get a marker value that no message may ever show.
            let value = if key.contains("secret") || key.contains("token") {
                "SECRETVALUE"
            } else {
                rng.pick(VALUES)
            };
            format!("{key}{}{value}", rng.pick(&[" = ", "=", ": ", " =  "]))
        }
    }
}

fn file(rng: &mut Rng) -> String {
    let eol = if rng.below(4) == 0 { "\r\n" } else { "\n" };
    // Most real files open with a section; one in eight here opens with anything.
    let first = if rng.below(8) == 0 { line(rng) } else { format!("[profile {}]", rng.pick(NAMES)) };
    std::iter::once(first).chain((0..rng.below(16)).map(|_| line(rng))).collect::<Vec<_>>().join(eol)
}

#[test]
fn ten_thousand_generated_files_never_panic() {
    let files = Files { config: "/h/.aws/config".into(), credentials: "/h/.aws/credentials".into() };
    let (mut parsed, mut rejected, mut plans) = (0, 0, 0);
    for seed in 1..=10_000u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let (config_text, credentials_text) = (file(&mut rng), file(&mut rng));
        let (config, credentials) = match (ini::parse(&config_text), ini::parse(&credentials_text)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) | (_, Err(e)) => {
                assert!(e.line >= 1 && !e.to_string().contains('\n'), "seed {seed}: {e}");
                rejected += 1;
                continue;
            }
        };
        parsed += 1;
        let config = Config::from_sections(files.clone(), config, credentials);
        for name in config.profiles.keys() {
            plans += 1;
            if let Err(e) = plan(&config, name, &Options::default()) {
                let text = format!("{e:#}");
                assert!(!text.contains('\n') && !text.contains("SECRETVALUE"), "seed {seed}: {text}");
            }
        }
    }
    assert_eq!(parsed + rejected, 10_000);
    assert!(
        parsed > 1_000 && rejected > 1_000 && plans > 5_000,
        "{parsed} parsed, {rejected} rejected, {plans} plans"
    );
}

#[test]
fn ten_thousand_mutated_process_payloads_never_panic_or_echo() {
    let valid = br#"{"Version": 1, "AccessKeyId": "AKIA1", "SecretAccessKey": "SECRETMARK", "SessionToken": "TOKENMARK", "Expiration": "2030-01-01T00:00:00Z"}"#;
    for seed in 1..=10_000u64 {
        let mut rng = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
        let mut bytes = valid.to_vec();
        for _ in 0..=rng.below(6) {
            let at = rng.below(bytes.len().max(1));
            match rng.below(3) {
                0 if !bytes.is_empty() => {
                    bytes.remove(at);
                }
                1 => bytes.insert(at, rng.below(256) as u8),
                _ if !bytes.is_empty() => bytes[at] = rng.below(256) as u8,
                _ => {}
            }
        }
        if let Err(e) = crate::resolve::parse_process_output(&bytes) {
            let text = format!("{e:#}");
            assert!(!text.contains("SECRETMARK") && !text.contains("TOKENMARK"), "seed {seed}: {text}");
        }
    }
}
