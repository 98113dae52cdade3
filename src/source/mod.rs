//! Where content comes from. Each source turns one kind of input into pieces of content with an
//! [`Origin`](crate::finding::Origin) and hands them to the [`pipeline`](crate::pipeline), which
//! does the rest the same way for all of them:
//!
//! - [`fs`]: the workspace as an agent sees it (the walk itself is [`walk`]);
//! - [`home`]: the credential stores of a home directory;
//! - [`env`](mod@env): this process's environment;
//! - [`git_index`]: what is staged, with the lines it adds;
//! - [`git_history`]: the distinct blobs of a revision range, with commit provenance;
//! - [`files`]: files someone else named (a hook's tool call);
//! - [`bytes`]: content in memory.

pub mod bytes;
pub mod env;
pub mod files;
pub mod fs;
pub mod git_history;
pub mod git_index;
pub mod home;
pub mod walk;
