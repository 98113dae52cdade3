//! What a credential is worth to whoever reads it: how long it lives, how much it can do, which
//! environment it belongs to, where it sits, and the resulting risk, with the evidence for each.
//!
//! Every detector states the lifetime and scope of the credential type it finds (`unknown` is an
//! explicit choice). A finding starts from that statement; token analysis ([`token`]) refines it
//! from what the credential itself encodes (JWT claims, SAS expiry, macaroon caveats, X.509
//! validity, CLI state files), and [`context`] reads the environment and location from the
//! variable name, the file and its git status. [`risk`] then turns the result into one level
//! with one documented table.

pub mod context;
pub mod package;
pub mod token;

pub use crate::model::{Environment, Lifetime, Location, Risk, Scope};
use serde::Serialize;

/// Everything credgate can say offline about how dangerous a credential is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    /// The overall level, from the risk table.
    pub risk: Risk,
    /// One line: why the risk is what it is.
    pub why: String,
    /// How long it stays usable.
    pub lifetime: Lifetime,
    /// When the credential (or the token the finding is) stops working, if encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// How far it reaches.
    pub scope: Scope,
    /// An admin or service-role type (broad whatever its scope says).
    pub privileged: bool,
    /// The environment it belongs to.
    pub environment: Environment,
    /// Where it sits.
    pub location: Location,
    /// False when the credential cannot be used as found: an encrypted private key, an access
    /// key id without its secret.
    pub usable: bool,
    /// One short line per signal that decided the above.
    pub evidence: Vec<String>,
}

/// The inputs of [`risk`]: the assessment before the risk is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskInput {
    pub lifetime: Lifetime,
    pub scope: Scope,
    pub privileged: bool,
    pub environment: Environment,
    pub location: Location,
    pub usable: bool,
    /// The environment of the workspace being handed to the agent, when the user said it.
    pub workspace: Option<Environment>,
}

/// How long a credential lasts, in the four bands the risk table uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// `no-expiry`, `refreshable`, `long`: usable for months or forever.
    Durable,
    /// `unknown` or `expiring` (within 90 days).
    Bounded,
    /// `short-lived`: hours.
    Brief,
    /// `expired`.
    Dead,
}

/// How far a credential reaches, in the bands the risk table uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breadth {
    /// `account` or `org` scope, or a privileged (admin, service-role) type.
    Broad,
    /// `project` scope, or `unknown`: nothing says it is narrow.
    Project,
    /// `resource`, `restricted`, `read-only`.
    Narrow,
    /// `public`.
    Public,
}

pub fn durability(l: Lifetime) -> Durability {
    match l {
        Lifetime::NoExpiry | Lifetime::Refreshable | Lifetime::Long => Durability::Durable,
        Lifetime::Unknown | Lifetime::Expiring => Durability::Bounded,
        Lifetime::ShortLived => Durability::Brief,
        Lifetime::Expired => Durability::Dead,
    }
}

pub fn breadth(s: Scope, privileged: bool) -> Breadth {
    match (s, privileged) {
        (Scope::Public, _) => Breadth::Public,
        (_, true) | (Scope::Account | Scope::Org, _) => Breadth::Broad,
        (Scope::Project | Scope::Unknown, _) => Breadth::Project,
        (Scope::Resource | Scope::Restricted | Scope::ReadOnly, _) => Breadth::Narrow,
    }
}

/// The base table: durability x breadth. The principle: an agent that can read a credential can
/// use it, so what matters is how long it lasts and how far it reaches.
pub const BASE_TABLE: [(Durability, [Risk; 4]); 4] = [
    //                       Broad           Project        Narrow       Public
    (
        Durability::Durable,
        [Risk::Critical, Risk::High, Risk::Medium, Risk::Info],
    ),
    (
        Durability::Bounded,
        [Risk::High, Risk::Medium, Risk::Low, Risk::Info],
    ),
    (
        Durability::Brief,
        [Risk::Medium, Risk::Low, Risk::Low, Risk::Info],
    ),
    (
        Durability::Dead,
        [Risk::Info, Risk::Info, Risk::Info, Risk::Info],
    ),
];

/// The risk of a credential, and the one-line reason. One function, table-driven:
///
/// 1. Base level from [`BASE_TABLE`] (durability x breadth). Expired credentials and public keys
///    are `info`: reported, never hidden.
/// 2. Not usable as found (encrypted key, key id without its secret): one level down (not below
///    `low`).
/// 3. A `test` or `development` credential: one level down (not below `low`).
/// 4. In a file tracked by git or in an agent/MCP configuration: `low` and `medium` go one level
///    up (committed files reach everyone with the repository; agent configs are read by agents
///    by design). `high` stays `high`: a durable, broad credential is `critical` wherever it sits.
/// 5. A `production` credential in a workspace declared non-production (`--workspace-env`):
///    `critical`, the highest of all, since that is exactly the incident credgate exists for.
pub fn risk(i: &RiskInput) -> (Risk, String) {
    let d = durability(i.lifetime);
    let b = breadth(i.scope, i.privileged);
    let col = match b {
        Breadth::Broad => 0,
        Breadth::Project => 1,
        Breadth::Narrow => 2,
        Breadth::Public => 3,
    };
    let row = BASE_TABLE
        .iter()
        .find(|(k, _)| *k == d)
        .expect("every durability has a row");
    let mut r = row.1[col];
    let mut why = format!(
        "{} lifetime, {}{} scope",
        i.lifetime,
        i.scope,
        if i.privileged { " (privileged)" } else { "" }
    );
    if r == Risk::Info {
        why.push_str(match (d, b) {
            (Durability::Dead, _) => ": expired, kept for the record",
            _ => ": public by design",
        });
        return (r, why);
    }
    if !i.usable {
        r = r.down().max(Risk::Low);
        why.push_str("; not usable as found");
    }
    if matches!(i.environment, Environment::Test | Environment::Development) {
        r = r.down().max(Risk::Low);
        why.push_str(&format!("; {} credential", i.environment));
    }
    if matches!(i.location, Location::Tracked | Location::AgentConfig) && r < Risk::High {
        r = r.up();
        why.push_str(&format!(
            "; in a file that is {}",
            match i.location {
                Location::Tracked => "tracked by git",
                _ => "an agent configuration",
            }
        ));
    }
    if i.environment == Environment::Production
        && i.workspace
            .is_some_and(|w| w != Environment::Production && w != Environment::Unknown)
    {
        r = Risk::Critical;
        why.push_str(&format!(
            "; production credential in a {} workspace",
            i.workspace.expect("checked")
        ));
    }
    (r, why)
}

/// Where a finding sits, for [`assess`].
pub struct Site<'a> {
    /// The whole (decoded) content of the file.
    pub hay: &'a [u8],
    pub secret: std::ops::Range<usize>,
    /// Offset of the start of the secret's line.
    pub line_start: usize,
    /// The path as reported (relative to the scan root).
    pub path: &'a std::path::Path,
    pub location: Location,
    /// Ids of every detector with a finding in the same file (for pairing).
    pub detectors_in_file: &'a [&'a str],
    /// The catalog, to look up paired detectors.
    pub catalog: &'a crate::detectors::Catalog,
    /// The environment of the workspace, when declared (`--workspace-env`).
    pub workspace: Option<Environment>,
    pub now: jiff::Timestamp,
}

fn location_note(l: Location) -> &'static str {
    match l {
        Location::Tracked => "in a file tracked by git: everyone with the repository has it",
        Location::Gitignored => "in a gitignored file: an agent can read it, git does not show it",
        Location::Untracked => "in an untracked file: not committed yet",
        Location::OutsideRepository => "in a file outside any git repository",
        Location::CliStore => {
            "in a CLI credential store: the CLI (and anything running as the user) uses it"
        }
        Location::AgentConfig => "in an agent or MCP configuration: agents read it by design",
        Location::AgentTranscript => {
            "in an agent's session transcript: the agent saw it and sent it to its model; rotate it"
        }
        Location::EnvironmentVariable => {
            "in an environment variable: every child process inherits it"
        }
    }
}

/// Assesses one finding: the detector's statement, refined by token analysis, pairing and
/// context, then the risk.
pub fn assess(det: &crate::detectors::Detector, site: &Site) -> Assessment {
    let mut lifetime = det.lifetime;
    let mut scope = det.scope;
    let mut privileged = det.privileged;
    let mut usable = det.usable;
    let mut expires_at = None;
    let mut environment: Option<(Environment, String)> = det
        .environment
        .map(|e| (e, format!("environment {e}: named by the token itself")));
    let mut evidence = vec![det.evidence.clone()];
    if det
        .validators
        .contains(&crate::detectors::Validator::Crc32Base62)
    {
        evidence.push("CRC32 checksum valid: a real token, not a placeholder".into());
    }
    for a in &det.analyzers {
        let f = token::analyze(*a, site.hay, site.secret.clone(), site.now);
        lifetime = f.lifetime.unwrap_or(lifetime);
        scope = f.scope.unwrap_or(scope);
        privileged |= f.privileged;
        usable = f.usable.unwrap_or(usable);
        expires_at = f.expires_at.or(expires_at);
        if let (Some(e), None) = (f.environment, &environment) {
            environment = Some((e, format!("environment {e}: named by the token itself")));
        }
        evidence.extend(f.evidence);
    }
    if !det.requires.is_empty() {
        match det
            .requires
            .iter()
            .find(|r| site.detectors_in_file.contains(&r.as_str()))
        {
            Some(r) => {
                evidence.push(format!("paired with {r} in the same file: usable as is"));
                // A credential made of parts lives as long as its shortest-lived part: a secret
                // key beside a temporary (ASIA) key id is a temporary credential.
                if let Some(partner) = site.catalog.get(r)
                    && partner.lifetime == Lifetime::ShortLived
                    && lifetime == det.lifetime
                    && lifetime != Lifetime::ShortLived
                {
                    lifetime = Lifetime::ShortLived;
                    evidence.push(format!("{r} is short-lived, and so is this pair"));
                }
            }
            None => {
                usable = false;
                evidence.push(format!(
                    "no {} in the same file: not usable alone",
                    det.requires.join(" or ")
                ));
            }
        }
    }
    if environment.is_none() {
        environment = context_environment(site);
    }
    let (environment, env_note) = environment.unwrap_or((Environment::Unknown, String::new()));
    if !env_note.is_empty() {
        evidence.push(env_note);
    }
    evidence.push(location_note(site.location).to_string());
    let (risk, why) = risk(&RiskInput {
        lifetime,
        scope,
        privileged,
        environment,
        location: site.location,
        usable,
        workspace: site.workspace,
    });
    Assessment {
        risk,
        why,
        lifetime,
        expires_at: expires_at.map(|t| t.to_string()),
        scope,
        privileged,
        environment,
        location: site.location,
        usable,
        evidence,
    }
}

/// The environment from the variable name, the section, the file name, then the directories.
fn context_environment(site: &Site) -> Option<(Environment, String)> {
    let before = &site.hay[site.line_start..site.secret.start];
    if let Some(name) = context::assigned_name(before)
        && let Some(e) = context::env_from_name(&name)
    {
        return Some((e, format!("environment {e}: variable name {name}")));
    }
    if let Some(section) = context::section_name(site.hay, site.line_start)
        && let Some(e) = context::env_from_name(&section)
    {
        return Some((e, format!("environment {e}: section [{section}]")));
    }
    if let Some(name) = site.path.file_name().map(|n| n.to_string_lossy())
        && let Some(e) = context::env_from_name(&name)
    {
        return Some((e, format!("environment {e}: file name {name}")));
    }
    if let Some(dir) = site.path.parent().map(|p| p.to_string_lossy())
        && let Some(e) = context::env_from_dir(&dir)
    {
        return Some((e, format!("environment {e}: path {dir}/")));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(lifetime: Lifetime, scope: Scope) -> RiskInput {
        RiskInput {
            lifetime,
            scope,
            privileged: false,
            environment: Environment::Unknown,
            location: Location::Gitignored,
            usable: true,
            workspace: None,
        }
    }

    /// Every lifetime x scope combination, against the documented base table.
    #[test]
    fn base_table_every_lifetime_and_scope() {
        use Lifetime::*;
        use Risk::*;
        use Scope::*;
        let lifetimes = [
            NoExpiry,
            Refreshable,
            Long,
            Lifetime::Unknown,
            Expiring,
            ShortLived,
            Expired,
        ];
        let scopes = [
            Account,
            Org,
            Project,
            Scope::Unknown,
            Resource,
            Restricted,
            ReadOnly,
            Public,
        ];
        let expected: [[Risk; 8]; 7] = [
            // Account Org       Project Unknown Resource Restricted ReadOnly Public
            [Critical, Critical, High, High, Medium, Medium, Medium, Info], // no-expiry
            [Critical, Critical, High, High, Medium, Medium, Medium, Info], // refreshable
            [Critical, Critical, High, High, Medium, Medium, Medium, Info], // long
            [High, High, Medium, Medium, Low, Low, Low, Info],              // unknown
            [High, High, Medium, Medium, Low, Low, Low, Info],              // expiring
            [Medium, Medium, Low, Low, Low, Low, Low, Info],                // short-lived
            [Info, Info, Info, Info, Info, Info, Info, Info],               // expired
        ];
        for (li, l) in lifetimes.iter().enumerate() {
            for (si, s) in scopes.iter().enumerate() {
                let (r, _) = risk(&input(*l, *s));
                assert_eq!(r, expected[li][si], "{l} x {s}");
            }
        }
    }

    #[test]
    fn privileged_is_broad() {
        let mut i = input(Lifetime::NoExpiry, Scope::Project);
        i.privileged = true;
        assert_eq!(risk(&i).0, Risk::Critical);
        i.lifetime = Lifetime::ShortLived;
        assert_eq!(risk(&i).0, Risk::Medium);
    }

    #[test]
    fn modifiers() {
        // Not usable: one down, not below low.
        let mut i = input(Lifetime::NoExpiry, Scope::Account);
        i.usable = false;
        assert_eq!(
            risk(&i),
            (
                Risk::High,
                "no-expiry lifetime, account scope; not usable as found".into()
            )
        );
        let mut i = input(Lifetime::ShortLived, Scope::Resource);
        i.usable = false;
        assert_eq!(risk(&i).0, Risk::Low);
        // Test and development credentials: one down.
        for env in [Environment::Test, Environment::Development] {
            let mut i = input(Lifetime::NoExpiry, Scope::Account);
            i.environment = env;
            assert_eq!(risk(&i).0, Risk::High, "{env}");
        }
        // Staging and production alone change nothing.
        for env in [Environment::Staging, Environment::Production] {
            let mut i = input(Lifetime::NoExpiry, Scope::Project);
            i.environment = env;
            assert_eq!(risk(&i).0, Risk::High, "{env}");
        }
        // Tracked or agent config: low and medium go up, high stays.
        for loc in [Location::Tracked, Location::AgentConfig] {
            let mut i = input(Lifetime::ShortLived, Scope::Project);
            i.location = loc;
            assert_eq!(risk(&i).0, Risk::Medium);
            let mut i = input(Lifetime::NoExpiry, Scope::Resource);
            i.location = loc;
            assert_eq!(risk(&i).0, Risk::High);
            let mut i = input(Lifetime::NoExpiry, Scope::Project);
            i.location = loc;
            assert_eq!(risk(&i).0, Risk::High);
        }
        // Other locations change nothing.
        for loc in [
            Location::Gitignored,
            Location::Untracked,
            Location::OutsideRepository,
            Location::CliStore,
            Location::EnvironmentVariable,
        ] {
            let mut i = input(Lifetime::ShortLived, Scope::Project);
            i.location = loc;
            assert_eq!(risk(&i).0, Risk::Low, "{loc}");
        }
        // Production credential in a non-production workspace: critical.
        for ws in [
            Environment::Staging,
            Environment::Development,
            Environment::Test,
        ] {
            let mut i = input(Lifetime::ShortLived, Scope::Resource);
            i.environment = Environment::Production;
            i.workspace = Some(ws);
            let (r, why) = risk(&i);
            assert_eq!(r, Risk::Critical);
            assert!(
                why.ends_with(&format!("production credential in a {ws} workspace")),
                "{why}"
            );
        }
        // ...but not in a production or undeclared workspace.
        for ws in [
            Some(Environment::Production),
            Some(Environment::Unknown),
            None,
        ] {
            let mut i = input(Lifetime::ShortLived, Scope::Resource);
            i.environment = Environment::Production;
            i.workspace = ws;
            assert_eq!(risk(&i).0, Risk::Low);
        }
        // Expired and public stay info whatever else holds.
        for (l, s) in [
            (Lifetime::Expired, Scope::Account),
            (Lifetime::NoExpiry, Scope::Public),
        ] {
            let mut i = input(l, s);
            i.location = Location::Tracked;
            i.environment = Environment::Production;
            i.workspace = Some(Environment::Staging);
            assert_eq!(risk(&i).0, Risk::Info);
        }
    }
}
