//! Every sign-in a person makes, each one function that takes what it needs and returns
//! credentials or a token: IAM Identity Center (`sso`), `aws login` (`login`), SAML (`saml`), the
//! console's federation link (`console`); and what they share: where a sign-in can happen
//! (`place`) and the loopback listener a browser's answer comes back to (`callback`). Uses the AWS
//! clients of `aws`; must not import `resolve` (the chain calls in, never the other way).

pub mod callback;
pub mod console;
pub mod login;
pub mod place;
pub mod saml;
pub mod sso;
