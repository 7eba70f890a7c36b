//! `awsume eks kubeconfig --cluster NAME [--profile P] [--region R] [--alias A]`: the cluster, a
//! user whose exec plugin is `awsume eks token …` and a context, made current, in the kubeconfig,
//! as `aws eks update-kubeconfig` writes them. The cluster's API server and certificate authority
//! come from EKS (DescribeCluster) when the file has no entry for the cluster yet, or from
//! `--endpoint`/`--ca-file`; an entry the file has is kept as it is. Written in place (every other
//! entry and comment kept), under a lock, atomically, 0600; unchanged entries write nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};

use crate::aws::{Net, Where, eks};
use crate::cli::EksKubeconfigArgs;
use crate::config::edit::{Holds, update};
use crate::files::display;
use crate::kubeconfig::{self, Entry};
use crate::messages::debug;
use crate::request::{Prepared, prepare};
use crate::{deliver, environment, messages, resolve};

pub fn run(args: &EksKubeconfigArgs) -> Result<ExitCode> {
    messages::set_level(args.common.info, args.common.debug);
    let named = args.profile.clone().or_else(environment::profile);
    let prepared =
        prepare(super::signer(args.profile.as_deref(), named.clone(), args.role_arn.clone(), &args.common))?;
    let Some(region) = prepared.plan.region.clone() else {
        bail!(
            "eks kubeconfig: no region for cluster {:?}: pass --region, or set region in the profile",
            args.cluster
        );
    };
    let paths = paths(args.kubeconfig.as_deref());
    let mut texts = Vec::new();
    for path in &paths {
        texts.push(crate::files::read_optional(path)?.unwrap_or_default());
    }
    // The file (of KUBECONFIG's) that has the cluster already, else the first, as the AWS CLI picks.
    let found = texts.iter().enumerate().find_map(|(n, text)| {
        kubeconfig::eks_cluster_entry(text, &region, &args.cluster).map(|arn| (n, arn))
    });
    let (at, known) = found.map_or((0, None), |(n, arn)| (n, Some(arn)));
    let (path, text) = (&paths[at], &texts[at]);
    let (arn, cluster) = cluster_entry(args, &prepared, &region, known)?;
    let user_name = args.user_alias.clone().unwrap_or_else(|| arn.clone());
    let context_name = args.alias.clone().unwrap_or_else(|| user_name.clone());
    let mut token_args: Vec<String> =
        ["eks", "token", "--cluster", &args.cluster, "--region", &region].map(String::from).to_vec();
    if let Some(profile) = &named {
        token_args.extend(["--profile".to_string(), profile.clone()]);
    }
    if let Some(role) = &args.role_arn {
        token_args.extend(["--role-arn".to_string(), role.clone()]);
    }
    let mut entries: Vec<Entry> = cluster.into_iter().collect();
    entries.push(kubeconfig::user(&user_name, &command(), &token_args));
    entries.push(kubeconfig::context(&context_name, &arn, &user_name));
    let merge = |text: &str| {
        kubeconfig::merge(text, &entries, &context_name)
            .map_err(|why| anyhow!("cannot change it in place: {why} (or pass --kubeconfig FILE)"))
    };
    if args.dry_run {
        deliver::stdout(&merge(text).with_context(|| display(path))?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let had = kubeconfig::names(text, "contexts").contains(&context_name);
    let before = text.clone();
    update(path, Holds::Secrets, merge)?;
    let after = crate::files::read_optional(path)?.unwrap_or_default();
    let shown = messages::flat(&context_name);
    match (before == after, had) {
        (true, _) => messages::say(&format!("Context {shown} in {} is already up to date", display(path))),
        (false, true) => messages::say(&format!("Updated context {shown} in {}", display(path))),
        (false, false) => messages::say(&format!("Added new context {shown} to {}", display(path))),
    }
    Ok(ExitCode::SUCCESS)
}

/// The kubeconfigs to look in: `--kubeconfig`, else `KUBECONFIG`'s files, else `~/.kube/config`.
fn paths(flag: Option<&Path>) -> Vec<PathBuf> {
    if let Some(path) = flag {
        return vec![crate::files::expand_tilde(path)];
    }
    let listed: Vec<PathBuf> = environment::path("KUBECONFIG")
        .map(|v| std::env::split_paths(&v).filter(|p| !p.as_os_str().is_empty()).collect())
        .unwrap_or_default();
    if listed.is_empty() { vec![crate::files::home_dir().join(".kube").join("config")] } else { listed }
}

/// The cluster's ARN, and the cluster entry to write (`None`: the file's own is kept).
fn cluster_entry(
    args: &EksKubeconfigArgs,
    prepared: &Prepared,
    region: &str,
    known: Option<String>,
) -> Result<(String, Option<Entry>)> {
    let (plan, options) = (&prepared.plan, &prepared.options);
    let at = Where {
        region: region.to_string(),
        endpoint_url: plan.endpoint_url.clone(),
        ca_bundle: plan.ca_bundle.clone(),
        timeout: std::time::Duration::from_secs(args.common.timeout),
    };
    match (&args.endpoint, &args.ca_file, known) {
        (None, None, Some(arn)) => Ok((arn, None)),
        (Some(server), Some(ca_file), known) => {
            let pem = std::fs::read_to_string(ca_file)
                .with_context(|| format!("cannot read the certificate authority {}", display(ca_file)))?;
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                bail!("{} is not a PEM certificate (-----BEGIN CERTIFICATE-----)", display(ca_file));
            }
            let arn = match known {
                Some(arn) => arn,
                None => {
                    let creds = resolve::resolve(plan, options)?;
                    let account = match creds.account_id.clone() {
                        Some(account) => account,
                        None => {
                            let net = Net::new(&at)?;
                            net.runtime.block_on(net.sts.get_caller_identity(&creds))?.0
                        }
                    };
                    format!(
                        "arn:{}:eks:{region}:{account}:cluster/{}",
                        crate::aws::partition::of_region(region).id,
                        args.cluster
                    )
                }
            };
            let ca = crate::encoding::base64(pem.as_bytes());
            Ok((arn.clone(), Some(kubeconfig::cluster(&arn, server, &ca))))
        }
        _ => {
            let creds = resolve::resolve(plan, options)?;
            let net = Net::new(&at)?;
            let endpoint = eks::eks_endpoint(region, plan.endpoint_url.as_deref());
            debug!("EKS endpoint {endpoint}");
            let found = net.runtime.block_on(eks::describe_cluster(
                &net.http,
                &creds,
                region,
                &endpoint,
                &args.cluster,
                at.timeout,
            ))?;
            let entry = kubeconfig::cluster(&found.arn, &found.endpoint, &found.ca_data);
            Ok((found.arn, Some(entry)))
        }
    }
}

/// How the exec plugin names awsume: `awsume` when that is this program on PATH (an upgrade that
/// moves the binary keeps working), else this program's path.
fn command() -> String {
    let me = environment::this_program();
    let found = environment::on_path(Path::new(if cfg!(windows) { "awsume.exe" } else { "awsume" }));
    let same = |a: &Path, b: &Path| std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok();
    match found {
        Some(on_path) if same(&on_path, &me) => "awsume".to_string(),
        _ => me.to_string_lossy().into_owned(),
    }
}
