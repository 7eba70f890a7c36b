//! Integration tests: the built binary, a temp HOME, a real moto STS and real shells.

mod testenv;

mod agent;
mod chain;
mod cli;
mod concurrent;
mod config;
mod conformance;
mod consoles;
mod containers;
mod eks;
mod errors;
mod export;
mod feedback;
mod hardening;
mod interactive;
mod keys;
mod login;
mod network;
mod packaging;
mod partitions;
mod plugins;
mod process;
mod reliability;
mod resolve;
mod rolecache;
mod saml;
mod serve;
mod shells;
mod signins;
mod sso;
mod switching;
