//! How long awsume waits for a person and for another run: one figure each, so that whoever waits
//! for a lock outlasts whoever holds it while a person finishes.

use std::time::Duration;

const PERSON_SECONDS: u64 = 300;

/// A person's time to finish a sign-in in a browser or to answer a dialog.
pub const PERSON: Duration = Duration::from_secs(PERSON_SECONDS);

/// How long a run waits for a lock another run holds: that run may be waiting for a person.
pub const OTHER_RUN: Duration = Duration::from_secs(PERSON_SECONDS + 30);
