//! Turning findings into what agents understand: deny rules in their configuration files
//! ([`policy`]), and a Claude Code hook that blocks a tool call before it reads a credential
//! ([`claude_hook`]), and a sandbox that starts the agent where those credentials read as empty
//! ([`sandbox`]).

pub mod claude_hook;
pub mod guard;
pub mod policy;
pub mod sandbox;
pub mod shell;
