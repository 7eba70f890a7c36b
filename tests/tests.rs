//! Integration tests: the built binary, a temp HOME, a real moto STS and real shells.

mod testenv;

mod errors;
mod export;
mod resolve;
mod shells;
