//! `awsume --who` (`--whoami`): the profile awsume set in this shell and who its credentials are.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::AwsumeArgs;
use crate::deliver::Out;
use crate::deliver::text;
use crate::environment;
use crate::resolve;

pub fn run(args: &AwsumeArgs, out: &Out) -> Result<ExitCode> {
    let profile = environment::var("AWSUME_PROFILE").unwrap_or_else(|| "none set by awsume".into());
    let creds = resolve::environment_credentials().map_err(|_| {
        anyhow::anyhow!(
            "no credentials in this shell: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set (run `awsume PROFILE`)"
        )
    })?;
    let region = crate::environment::region().unwrap_or_else(|| "us-east-1".into());
    let timeout = crate::request::timeout(&args.common);
    let (account, arn, user_id) = resolve::caller_identity(&creds, &region, timeout)?;
    let expires =
        environment::var("AWSUME_EXPIRATION").or_else(|| environment::var("AWS_CREDENTIAL_EXPIRATION"));
    let mut fields = vec![
        ("Profile", profile),
        ("Account", account),
        ("ARN", arn),
        ("UserId", user_id),
        ("Key", creds.access_key_id.clone()),
    ];
    fields.extend(expires.map(|e| ("Expires", e)));
    out.text(&text::fields(&fields))
}
