//! The shared vocabulary of findings: how long a credential lives ([`Lifetime`]), how far it
//! reaches ([`Scope`]), the environment it belongs to, where it sits, how far a detector's match
//! can be trusted, and the resulting [`Risk`].
//!
//! A leaf: it depends on nothing else in the crate and knows nothing of the command line, so the
//! detector schema, the assessment, the reports and an embedder all speak the same words. The
//! command line parses these through [`std::str::FromStr`] and [`Risk::ALL`]-style lists.

use serde::{Deserialize, Serialize};

/// How much a match of this detector can be trusted on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often matches what is not a credential (generic assignments).
    Low,
    /// A format shared with other things, confirmed by context.
    Medium,
    /// A format unique to the type, often checksummed.
    High,
}

/// The kind of name a detector of the generic-credential layer reports (`assignment = KIND`
/// in a detector file): the name holds a password, a secret, a token, a key, an authorization
/// or credentials, or a nonce or salt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssignmentKind {
    Password,
    Secret,
    Token,
    Key,
    Auth,
    Nonce,
}

/// How long a credential stays usable once an agent has read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifetime {
    /// Never expires by design (AWS `AKIA`, Stripe `sk_live_`): valid until someone revokes it.
    NoExpiry,
    /// Expires, but months or years out (more than 90 days).
    Long,
    /// Carries an encoded expiry that is in the future, within 90 days.
    Expiring,
    /// Carries an encoded expiry that has passed.
    Expired,
    /// Lives hours by design (AWS `ASIA`, GitHub `ghs_`).
    ShortLived,
    /// A refresh token: mints new access tokens, so long-lived whatever the access token says.
    Refreshable,
    /// Cannot be told offline.
    Unknown,
}

/// How much a credential can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Everything the user can do, across every org, team or workspace.
    Account,
    /// A whole organisation, workspace or team.
    Org,
    /// One project, app or environment.
    Project,
    /// A narrower slice: one repository, bucket, channel.
    Resource,
    /// Explicitly restricted permissions (e.g. Stripe `rk_`).
    Restricted,
    /// Can read but not change.
    ReadOnly,
    /// Public by design (publishable keys).
    Public,
    /// Cannot be told offline.
    Unknown,
}

/// The environment a credential belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Environment {
    /// Production.
    Production,
    /// Staging, pre-production, UAT.
    Staging,
    /// Development or local.
    Development,
    /// Tests, fixtures, sandboxes.
    Test,
    /// Nothing says which.
    Unknown,
}

/// Where the credential sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Location {
    /// A file tracked by git: everyone with the repository has it.
    Tracked,
    /// A file git ignores: invisible to `git status`, readable by an agent.
    Gitignored,
    /// A file in a git work tree that is neither tracked nor ignored.
    Untracked,
    /// A file outside any git work tree.
    OutsideRepository,
    /// A CLI's credential store (`~/.aws/credentials`, `~/.railway/config.json`, ...).
    CliStore,
    /// An agent or MCP configuration file (`.mcp.json`, `~/.claude.json`, ...).
    AgentConfig,
    /// An agent's session transcript (`~/.claude/projects/*/*.jsonl`, Codex's rollouts): the
    /// agent saw the credential, and sent it to its model.
    AgentTranscript,
    /// An environment variable of the process.
    EnvironmentVariable,
}

/// The overall level, from the risk table in `assessment`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Kept for the record: expired, public by design.
    Info,
    /// Narrow or short-lived.
    Low,
    /// Limited in lifetime or reach.
    Medium,
    /// Durable or broad: an agent should not have it.
    High,
    /// Durable and broad: what the incident credgate exists for was made of.
    Critical,
}

/// `as_str`, `ALL`, `Display` and `FromStr` for an enum of names, so that flags, config files
/// and reports share one spelling.
macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every value, in declaration order.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];

            /// The name used in detector files, config files, flags and reports.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok(<$t>::$v),)*
                    _ => Err(format!(
                        "{s:?} is not one of: {}",
                        [$($s),*].join(", ")
                    )),
                }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use names;

names!(Lifetime { NoExpiry => "no-expiry", Long => "long", Expiring => "expiring", Expired => "expired",
    ShortLived => "short-lived", Refreshable => "refreshable", Unknown => "unknown" });
names!(Scope { Account => "account", Org => "org", Project => "project", Resource => "resource",
    Restricted => "restricted", ReadOnly => "read-only", Public => "public", Unknown => "unknown" });
names!(Environment { Production => "production", Staging => "staging", Development => "development",
    Test => "test", Unknown => "unknown" });
names!(Location { Tracked => "tracked", Gitignored => "gitignored", Untracked => "untracked",
    OutsideRepository => "outside-repository", CliStore => "cli-store", AgentConfig => "agent-config", AgentTranscript => "agent-transcript",
    EnvironmentVariable => "environment-variable" });
names!(AssignmentKind { Password => "password", Secret => "secret", Token => "token", Key => "key",
    Auth => "auth", Nonce => "nonce" });
names!(Confidence { Low => "low", Medium => "medium", High => "high" });
names!(Risk { Info => "info", Low => "low", Medium => "medium", High => "high", Critical => "critical" });

impl Risk {
    pub(crate) fn up(self) -> Risk {
        match self {
            Risk::Info => Risk::Info,
            Risk::Low => Risk::Medium,
            Risk::Medium => Risk::High,
            r => r,
        }
    }
    pub(crate) fn down(self) -> Risk {
        match self {
            Risk::Critical => Risk::High,
            Risk::High => Risk::Medium,
            Risk::Medium | Risk::Low => Risk::Low,
            Risk::Info => Risk::Info,
        }
    }
}

// Which agent can read a finding: filled by `agent::access`, carried by `Finding`.

/// Whether one kind of tool of an agent can read something.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Can {
    /// No rule stops it.
    Read,
    /// The agent asks the user first (a path outside its working directories).
    Ask,
    /// A rule or the sandbox stops it.
    Denied,
    /// The policy is not where credgate can read it.
    Unknown,
    /// The agent has no such tool, or the tool cannot reach this (an environment variable is no
    /// file).
    None,
}

names!(Can { Read => "read", Ask => "ask", Denied => "denied", Unknown => "unknown", None => "none" });

/// What one agent can do with a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Access {
    /// `claude`, `cursor`, `codex`, `gemini`, `gemini-code-assist`, `copilot`.
    pub agent: &'static str,
    /// In a few words: `denied to Read, readable from Bash`.
    pub verdict: String,
    /// Its file tools (Read, Grep, Glob and the like).
    pub file_tools: Can,
    /// The commands it runs.
    pub shell: Can,
    /// The rules and facts that decided, each with the file it is in.
    pub because: Vec<String>,
}
