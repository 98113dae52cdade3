//! Turning findings into what agents understand: which agent can read each one now
//! ([`access`]), deny rules in their configuration files ([`policy`]; JSON files are edited by
//! [`config_file`]), hooks that stop an agent's tool call before it reads a credential ([`hook`]:
//! Claude Code, Cursor, Codex, Gemini), what a shell command reaches ([`shell`]), and a sandbox
//! that starts the agent where those credentials read as empty ([`sandbox`]).

pub mod access;
pub mod codex_login;
pub mod config_file;
pub mod guard;
pub mod hook;
pub mod policy;
pub mod sandbox;
pub mod shell;
