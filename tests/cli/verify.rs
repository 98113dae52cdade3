//! `--verify` against a local HTTPS server that answers as the providers document: live,
//! revoked, rate limited, server error, slow (timeout) and a redirect to another host (not
//! followed). The binary reaches it only through `--verify-endpoint-override` and trusts only
//! the test CA (`--verify-ca`). And without `--verify`, no network socket is opened at all.

use crate::common::credgate;
use credgate::testing::expand_generators;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A request the fake provider saw: method, path, and the credential-bearing headers.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    auth: String,
    body: String,
}

struct Server {
    port: u16,
    ca_pem: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// What the fake provider answers: status, extra headers, body, delay in milliseconds.
type Answer = (u16, Vec<(&'static str, String)>, String, u64);

/// Starts the fake providers: one TLS server on 127.0.0.1 with a certificate for `localhost`
/// from a CA made for this test. `route` answers (status, extra headers, body, delay).
fn serve(route: fn(&Seen) -> Answer) -> Server {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
    )
    .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(stream) = stream else { continue };
            let config = config.clone();
            let log = log.clone();
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() || line.is_empty() {
                    return;
                }
                let mut parts = line.split_whitespace();
                let method = parts.next().unwrap_or("").to_string();
                let path = parts.next().unwrap_or("").to_string();
                let mut auth = String::new();
                let mut len = 0usize;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
                        break;
                    }
                    let (k, v) = h.split_once(':').unwrap_or((&h, ""));
                    let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                    match k.as_str() {
                        "authorization" | "x-api-key" | "private-token" | "dd-api-key" => auth = v,
                        "content-length" => len = v.parse().unwrap_or(0),
                        _ => {}
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                let req = Seen {
                    method,
                    path,
                    auth,
                    body: String::from_utf8_lossy(&body).into_owned(),
                };
                log.lock().unwrap().push(req.clone());
                let (status, headers, body, delay) = route(&req);
                std::thread::sleep(Duration::from_millis(delay));
                let mut out = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\ncontent-type: application/json\r\n",
                    body.len()
                );
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                out.push_str(&body);
                let _ = tls.write_all(out.as_bytes());
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    Server {
        port,
        ca_pem: ca_cert.pem(),
        seen,
    }
}

fn github_route(r: &Seen) -> Answer {
    let token = r.auth.trim_start_matches("token ");
    let tag = &token[4..12];
    match tag {
        "FAKElive" => (
            200,
            vec![
                ("x-oauth-scopes", "repo, admin:org".into()),
                (
                    "github-authentication-token-expiration",
                    "2027-01-01 00:00:00 UTC".into(),
                ),
            ],
            r#"{"login":"octo-fake","id":1}"#.into(),
            0,
        ),
        "FAKEgone" => (401, vec![], r#"{"message":"Bad credentials"}"#.into(), 0),
        "FAKEbusy" => (429, vec![], "{}".into(), 0),
        "FAKEfail" => (503, vec![], "{}".into(), 0),
        "FAKEslow" => (200, vec![], r#"{"login":"late"}"#.into(), 3000),
        "FAKEaway" => (
            302,
            vec![("location", "https://collector.invalid/steal".into())],
            "{}".into(),
            0,
        ),
        _ => (404, vec![], "{}".into(), 0),
    }
}

fn ghp(tag: &str) -> String {
    // 30 characters of body: the tag, then filler; the checksum is generated.
    let body = format!(
        "{tag}{}",
        &"q7Lm2Vx9Tn4Wz8Kp3Rb6Jh1Cs5Df0G"[..30 - tag.len()]
    );
    expand_generators(&format!("{{{{crc32 ghp_ {body}}}}}"))
}

/// Scans `dir` with --verify, each of `hosts` sent to the local server (trusting only its CA,
/// 1 s timeout), plus `extra` arguments: exit code, JSON report, stderr.
fn run(dir: &Path, server: &Server, hosts: &[&str], extra: &[&str]) -> (i32, Value, String) {
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &server.ca_pem).unwrap();
    let mut cmd = credgate();
    cmd.current_dir(dir)
        .args([
            "scan",
            ".",
            "--format",
            "json",
            "--verify",
            "--verify-timeout",
            "1s",
        ])
        .arg("--verify-ca")
        .arg(&ca);
    for h in hosts {
        cmd.arg("--verify-endpoint-override")
            .arg(format!("{h}=https://localhost:{}", server.port));
    }
    let out = cmd.args(extra).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        out.status.code().unwrap(),
        v,
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The paths the fake provider was asked for, in order.
fn paths_seen(server: &Server) -> Vec<String> {
    server
        .seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.path.clone())
        .collect()
}

/// GitHub, Slack and Telegram go to the local server.
const CHAT_HOSTS: &[&str] = &["api.github.com", "slack.com", "api.telegram.org"];

/// The verification of the first finding of `detector` (in `path`, when given).
fn verification_of(report: &Value, detector: &str, path: Option<&str>) -> Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["detector_id"] == detector && path.is_none_or(|p| f["path"] == p))
        .unwrap_or_else(|| panic!("no {detector} in {path:?}: {report}"))["verification"]
        .clone()
}

fn verification<'a>(report: &'a Value, starts: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["line_text"].as_str().unwrap_or("").starts_with(starts))
        .unwrap_or_else(|| panic!("no finding on the line {starts}"))
        .get("verification")
        .unwrap_or(&Value::Null)
}

#[test]
fn github_answers_each_settle_or_not() {
    let server = serve(github_route);
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for tag in [
        "FAKElive", "FAKEgone", "FAKEbusy", "FAKEfail", "FAKEslow", "FAKEaway",
    ] {
        text.push_str(&format!("{tag}={}\n", ghp(tag)));
    }
    // The live token twice: it is sent once.
    text.push_str(&format!("AGAIN={}\n", ghp("FAKElive")));
    std::fs::write(dir.path().join("tokens.txt"), text).unwrap();
    let (code, report, err) = run(dir.path(), &server, CHAT_HOSTS, &[]);
    assert!(err.contains("WARNING: --verify-endpoint-override"), "{err}");

    let live = verification(&report, "FAKElive=");
    assert_eq!(live["status"], "live", "{live}");
    assert_eq!(live["identity"], "octo-fake");
    assert_eq!(live["scopes"], serde_json::json!(["repo", "admin:org"]));
    assert_eq!(live["expires"], "2027-01-01 00:00:00 UTC");
    let gone = verification(&report, "FAKEgone=");
    assert_eq!(gone["status"], "revoked", "{gone}");
    for (tag, why) in [
        ("FAKEbusy=", "rate limited"),
        ("FAKEfail=", "server error"),
        ("FAKEslow=", "timed out"),
        ("FAKEaway=", "redirect to collector.invalid not followed"),
    ] {
        let v = verification(&report, tag);
        assert_eq!(v["status"], "unknown", "{tag} {v}");
        assert!(v["reason"].as_str().unwrap().contains(why), "{tag} {v}");
    }
    // A revoked token is not usable and no longer fails the run on its own; the live one does.
    let f = |tag: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["line_text"].as_str().unwrap().starts_with(tag))
            .unwrap()
            .clone()
    };
    assert_eq!(f("FAKEgone=")["assessment"]["risk"], "info");
    assert_eq!(f("FAKEgone=")["assessment"]["usable"], false);
    assert_eq!(f("FAKElive=")["assessment"]["risk"], "critical");
    assert_eq!(code, 1);
    // Each distinct secret was sent once, only to the declared path; nothing was sent to the
    // redirect target (it is not even resolvable).
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen.iter().all(|s| s.method == "GET" && s.path == "/user"));
    // The report never holds a whole token.
    let text = report.to_string();
    assert!(!text.contains(&ghp("FAKElive")));
}

fn chat_route(r: &Seen) -> Answer {
    if r.path == "/api/auth.test" {
        return if r.auth.contains("FAKEokay") {
            (
                200,
                vec![("x-oauth-scopes", "chat:write,channels:history".into())],
                r#"{"ok":true,"user":"deploybot","team":"T0FAKE"}"#.into(),
                0,
            )
        } else {
            (
                200,
                vec![],
                r#"{"ok":false,"error":"invalid_auth"}"#.into(),
                0,
            )
        };
    }
    if r.path.starts_with("/bot") && r.path.ends_with("/getMe") {
        return if r.path.contains("AAFAKEokay") {
            (
                200,
                vec![],
                r#"{"ok":true,"result":{"username":"fake_bot"}}"#.into(),
                0,
            )
        } else {
            (401, vec![], r#"{"ok":false,"error_code":401}"#.into(), 0)
        };
    }
    (404, vec![], "{}".into(), 0)
}

#[test]
fn slack_and_telegram_answers() {
    let server = serve(chat_route);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tokens.txt"),
        "SLACK_OK=xoxb-7391046285019-4820193756204-FAKEokayW7qLm2Vx9Tn4Wz8K\n\
         SLACK_BAD=xoxb-7391046285019-4820193756204-FAKEbadqW7qLm2Vx9Tn4Wz8K\n\
         TG_OK=739104628:AAFAKEokay7qLm2Vx9Tn4Wz8Kp3Rb6Jh1Cs\n\
         TG_BAD=739104628:AAFAKEnope7qLm2Vx9Tn4Wz8Kp3Rb6Jh1Cs\n",
    )
    .unwrap();
    let (_, report, _) = run(dir.path(), &server, CHAT_HOSTS, &[]);
    let ok = verification(&report, "SLACK_OK=");
    assert_eq!(ok["status"], "live", "{ok}");
    assert_eq!(ok["identity"], "deploybot");
    assert_eq!(
        ok["scopes"],
        serde_json::json!(["chat:write", "channels:history"])
    );
    let bad = verification(&report, "SLACK_BAD=");
    assert_eq!(bad["status"], "revoked", "{bad}");
    assert!(bad["reason"].as_str().unwrap().contains("invalid_auth"));
    assert_eq!(verification(&report, "TG_OK=")["identity"], "fake_bot");
    assert_eq!(verification(&report, "TG_BAD=")["status"], "revoked");
    // --no-verify: the provider is left alone.
    server.seen.lock().unwrap().clear();
    let (_, report, _) = run(
        dir.path(),
        &server,
        CHAT_HOSTS,
        &["--no-verify", "telegram"],
    );
    assert!(verification(&report, "TG_OK=").is_null());
    assert!(paths_seen(&server).iter().all(|p| p == "/api/auth.test"));
    // --verify-only: only that one.
    server.seen.lock().unwrap().clear();
    let (_, report, _) = run(
        dir.path(),
        &server,
        CHAT_HOSTS,
        &["--verify-only", "telegram"],
    );
    assert!(verification(&report, "SLACK_OK=").is_null());
    assert!(paths_seen(&server).iter().all(|p| p.starts_with("/bot")));
}

#[test]
fn without_verify_no_network_socket_is_opened() {
    let strace = ["/usr/bin/strace", "/bin/strace"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("strace is needed for this test (.ci/run installs it)");
    let ws = crate::common::materialize("agent-workspace");
    let home = crate::common::materialize("home");
    let trace = ws.path().join("trace.txt");
    let bin = crate::common::binary();
    let traced = |args: &[&str]| {
        let _ = std::fs::remove_file(&trace);
        let out = std::process::Command::new(strace)
            .args(["-f", "-qq", "-e", "trace=socket,connect", "-o"])
            .arg(&trace)
            .arg(&bin)
            .args(args)
            .current_dir(ws.path())
            .output()
            .unwrap();
        assert!(out.status.code().is_some());
        std::fs::read_to_string(&trace).unwrap()
    };
    let home_arg = home.path().to_str().unwrap();
    for args in [
        vec!["scan", ".", "--format", "json"],
        vec![
            "scan", "--reach", "all", "--home", home_arg, "--format", "sarif",
        ],
        vec![
            "guard",
            "--workspace",
            ".",
            "--home",
            home_arg,
            "--",
            "true",
        ],
    ] {
        let log = traced(&args);
        assert!(
            !log.contains("AF_INET"),
            "{args:?} opened a network socket:\n{log}"
        );
    }
    // The same tracing sees the socket when verification does run (to a closed local port).
    std::fs::write(
        ws.path().join("tokens.txt"),
        format!("T={}\n", ghp("FAKElive")),
    )
    .unwrap();
    let log = traced(&[
        "scan",
        "tokens.txt",
        "--verify",
        "--verify-endpoint-override",
        "api.github.com=https://localhost:9",
        "--verify-timeout",
        "1s",
    ]);
    assert!(
        log.contains("AF_INET"),
        "the trace missed the verification socket:\n{log}"
    );
}

fn sts_route(r: &Seen) -> Answer {
    // The fake STS checks the shape of the SigV4 header: the companion key id, today's
    // scope for us-east-1/sts, and the signed headers.
    let ok = r.method == "POST"
        && r.path == "/"
        && r.auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIAFAKEUV5Y4WPVXG2R/")
        && r.auth.contains("/us-east-1/sts/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date, Signature=");
    if ok {
        (
            200,
            vec![],
            r#"{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Account":"000000000000","Arn":"arn:aws:iam::000000000000:user/fake-deployer","UserId":"AIDAFAKE"}}}"#.into(),
            0,
        )
    } else {
        (
            403,
            vec![],
            r#"{"Error":{"Code":"SignatureDoesNotMatch"}}"#.into(),
            0,
        )
    }
}

#[test]
fn aws_keys_are_verified_as_a_pair_with_sigv4() {
    let server = serve(sts_route);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tokens.txt"),
        "[default]\naws_access_key_id = AKIAFAKEUV5Y4WPVXG2R\naws_secret_access_key = FAKEq7Lm2Vx9Tn4Wz8Kp3Rb6Jh1Cs5Df0GeTaUyI\n",
    )
    .unwrap();
    let (_, report, _) = run(dir.path(), &server, &["sts.amazonaws.com"], &[]);
    let v = verification(&report, "aws_secret_access_key");
    assert_eq!(v["status"], "live", "{v}");
    assert_eq!(
        v["identity"],
        "arn:aws:iam::000000000000:user/fake-deployer"
    );
    // A secret key alone (no key id in the file) is not sent anywhere.
    server.seen.lock().unwrap().clear();
    std::fs::write(
        dir.path().join("tokens.txt"),
        "aws_secret_access_key = FAKEq7Lm2Vx9Tn4Wz8Kp3Rb6Jh1Cs5Df0GeTaUyI\n",
    )
    .unwrap();
    let (_, report, _) = run(dir.path(), &server, &["sts.amazonaws.com"], &[]);
    assert!(verification(&report, "aws_secret_access_key").is_null());
    assert!(server.seen.lock().unwrap().is_empty());
}

fn registry_route(r: &Seen) -> Answer {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let pypi = "pypi-AgEIcHlwaS5vcmcCAUZBS0Vsc09RY3hScjRqWUw5RDF3YjhYUjlhQkJiTWhPZUJnaHc4eFhwZTBZRktzeTBrenBmQ2VWNUxmRHE0ZURUVFBINFlIdTZ2SFh0SnVkT2hBa3RiQUw0aXVIRkpMbUwxMWMxbk5FajNGYTRoeXF3aHRDTUp2Nw";
    let ado =
        "FAKERObaYLsAt0moARr4WYfCSKY7WidrDUjOiwERcAC68LP0Lj26PDc0MCFg4PJmHwVhiT9LeFlSAZDOPr9K";
    match (r.method.as_str(), r.path.split('?').next().unwrap_or("")) {
        // PyPI: authenticated, then the empty upload form is refused.
        ("POST", "/legacy/")
            if r.auth == format!("Basic {}", b64(&format!("__token__:{pypi}"))) =>
        {
            (400, vec![], "{}".into(), 0)
        }
        ("POST", "/legacy/") => (403, vec![], "{}".into(), 0),
        ("GET", "/token")
            if r.auth == "Basic ZmFrZXVzZXI6ZGNrcl9wYXRfRkFLRUNwaXlwa1NIU1MwRTJGRGkwTnRsc0JC" =>
        {
            (200, vec![], r#"{"token":"x"}"#.into(), 0)
        }
        ("GET", "/_apis/profile/profiles/me")
            if r.auth == format!("Basic {}", b64(&format!(":{ado}"))) =>
        {
            (
                200,
                vec![],
                r#"{"emailAddress":"dev@fake.invalid"}"#.into(),
                0,
            )
        }
        _ => (401, vec![], "{}".into(), 0),
    }
}

#[test]
fn pypi_docker_and_azure_devops_answers() {
    let server = serve(registry_route);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tokens.txt"),
        "password = pypi-AgEIcHlwaS5vcmcCAUZBS0Vsc09RY3hScjRqWUw5RDF3YjhYUjlhQkJiTWhPZUJnaHc4eFhwZTBZRktzeTBrenBmQ2VWNUxmRHE0ZURUVFBINFlIdTZ2SFh0SnVkT2hBa3RiQUw0aXVIRkpMbUwxMWMxbk5FajNGYTRoeXF3aHRDTUp2Nw\n\
         AZURE_DEVOPS_PAT=FAKERObaYLsAt0moARr4WYfCSKY7WidrDUjOiwERcAC68LP0Lj26PDc0MCFg4PJmHwVhiT9LeFlSAZDOPr9K\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join(".docker")).unwrap();
    std::fs::write(
        dir.path().join(".docker/config.json"),
        r#"{"auths": {"https://index.docker.io/v1/": {"auth": "ZmFrZXVzZXI6ZGNrcl9wYXRfRkFLRUNwaXlwa1NIU1MwRTJGRGkwTnRsc0JC"}}}"#,
    )
    .unwrap();
    let (_, report, _) = run(
        dir.path(),
        &server,
        &[
            "upload.pypi.org",
            "auth.docker.io",
            "app.vssps.visualstudio.com",
        ],
        &[],
    );
    let by = |id: &str| verification_of(&report, id, None);
    assert_eq!(by("pypi.api-token")["status"], "live");
    assert_eq!(by("docker.config-auth")["status"], "live");
    assert_eq!(by("azure-devops.pat")["identity"], "dev@fake.invalid");
}

fn google_route(r: &Seen) -> Answer {
    use base64::Engine as _;
    // The assertion is a JWT signed with the service account key; its claims name the account.
    let jwt = r.body.split("assertion=").nth(1).unwrap_or("");
    let claims = jwt
        .split('.')
        .nth(1)
        .and_then(|c| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(c)
                .ok()
        })
        .and_then(|c| serde_json::from_slice::<Value>(&c).ok())
        .unwrap_or(Value::Null);
    let header_ok = jwt.starts_with("eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.");
    let read_only = claims["scope"] == "https://www.googleapis.com/auth/cloud-platform.read-only";
    match claims["iss"].as_str() {
        Some("live-sa@fake-project.iam.gserviceaccount.com") if header_ok && read_only => (
            200,
            vec![],
            r#"{"access_token":"fake","expires_in":3599,"token_type":"Bearer"}"#.into(),
            0,
        ),
        _ => (400, vec![], r#"{"error":"invalid_grant"}"#.into(), 0),
    }
}

#[test]
fn google_service_account_keys_sign_a_token_request() {
    let server = serve(google_route);
    let dir = tempfile::tempdir().unwrap();
    // A throwaway RSA key made for this test, in the shape Google's JSON key files have.
    let out = std::process::Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .output()
        .expect("openssl is needed for this test (.ci/run installs it)");
    let pem = String::from_utf8(out.stdout).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    for (name, email) in [
        ("live.json", "live-sa@fake-project.iam.gserviceaccount.com"),
        ("gone.json", "gone-sa@fake-project.iam.gserviceaccount.com"),
    ] {
        let sa = serde_json::json!({
            "type": "service_account",
            "project_id": "fake-project",
            "private_key_id": "cafe3d91a7b2e4f60c58d1e9a2b7c430cafe3d91",
            "private_key": pem,
            "client_email": email,
            "client_id": "000000000000000000000",
        });
        std::fs::write(
            dir.path().join(name),
            serde_json::to_string_pretty(&sa).unwrap(),
        )
        .unwrap();
    }
    let (_, report, _) = run(dir.path(), &server, &["oauth2.googleapis.com"], &[]);
    let by = |path: &str| verification_of(&report, "google.service-account-key", Some(path));
    let live = by("live.json");
    assert_eq!(live["status"], "live", "{live}");
    assert_eq!(
        live["identity"],
        "live-sa@fake-project.iam.gserviceaccount.com"
    );
    assert_eq!(by("gone.json")["status"], "revoked");
    // The private key itself never went over the wire: only signed assertions did.
    let body_start: String = pem.lines().nth(1).unwrap().chars().take(40).collect();
    assert!(
        server
            .seen
            .lock()
            .unwrap()
            .iter()
            .all(|s| !s.body.contains(&body_start))
    );
}
