//! `awsume eks`: the token kubectl's exec plugin runs, and the kubeconfig entry that runs it.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::CommonArgs;
use super::values::{cluster_name, role_arn};

#[derive(Args, Debug)]
pub struct EksArgs {
    #[command(subcommand)]
    pub command: EksCommand,
}

#[derive(Subcommand, Debug)]
pub enum EksCommand {
    /// Print an EKS token as kubectl's exec plugin wants it (ExecCredential JSON), kept until shortly
    /// before it ends
    #[command(
        after_help = "In ~/.kube/config, a user's exec plugin:\n  command: awsume\n  args: [eks, token, --cluster, NAME, --profile, PROFILE]"
    )]
    Token(EksTokenArgs),
    /// Add or update the cluster, a user whose exec plugin is `awsume eks token` and a context (made
    /// current) in the kubeconfig, as `aws eks update-kubeconfig` does; every other entry and
    /// comment kept
    #[command(
        override_usage = "awsume eks kubeconfig --cluster NAME [--profile P] [--region R] [--alias A] [--dry-run]"
    )]
    Kubeconfig(EksKubeconfigArgs),
}

#[derive(Args, Debug)]
pub struct EksKubeconfigArgs {
    /// The EKS cluster's name
    #[arg(long, value_name = "NAME", value_parser = cluster_name)]
    pub cluster: String,
    /// Profile whose credentials sign the cluster's tokens, written into the user entry [default:
    /// $AWS_PROFILE; with none, kubectl's tokens use the shell's credentials]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Sign the tokens as this role, assumed with the profile's credentials
    #[arg(long, value_name = "ARN", value_parser = role_arn)]
    pub role_arn: Option<String>,
    /// The context's name [default: the user entry's]
    #[arg(long, value_name = "NAME")]
    pub alias: Option<String>,
    /// The user entry's name [default: the cluster's ARN]
    #[arg(long, value_name = "NAME")]
    pub user_alias: Option<String>,
    /// The kubeconfig to change [default: of $KUBECONFIG's files the one that has the cluster, else
    /// its first; without KUBECONFIG ~/.kube/config]
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The cluster's API server, instead of asking EKS (DescribeCluster); with --ca-file
    #[arg(long, value_name = "URL", requires = "ca_file")]
    pub endpoint: Option<String>,
    /// The cluster's certificate authority (a PEM file), instead of asking EKS; with --endpoint
    #[arg(long, value_name = "PATH", requires = "endpoint")]
    pub ca_file: Option<PathBuf>,
    /// Print the kubeconfig as it would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Args, Debug)]
pub struct EksTokenArgs {
    /// The EKS cluster's name (signed into the token as x-k8s-aws-id)
    #[arg(long, value_name = "NAME")]
    pub cluster: String,
    /// Profile whose credentials sign [default: $AWS_PROFILE; with none, the shell's credentials by
    /// botocore's default chain]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Sign as this role, assumed with the profile's credentials
    #[arg(long, value_name = "ARN", value_parser = role_arn)]
    pub role_arn: Option<String>,
    #[command(flatten)]
    pub common: CommonArgs,
}
