//! The names of the offline token analyses a detector can ask for (`analyzers = ["jwt"]`). The
//! analyses themselves live in `assessment::token`; the detector schema only needs their names,
//! so that the catalog can be loaded (and checked) without the assessment code.

use std::str::FromStr;

/// The analyzers, by the names detector files use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Analyzer {
    /// `jwt`: `exp`, `iat`, `iss`, `aud`, `sub`, `role`, `scope`/`scp` claims.
    Jwt,
    /// `azure-sas`: `se` (expiry), `sp` (permissions), `ss`/`srt` (account SAS), `sr`, `si`.
    AzureSas,
    /// `pypi-macaroon`: project and expiry caveats of a PyPI token.
    PypiMacaroon,
    /// `aws-key-id`: the AWS account id encoded in an access key id.
    AwsKeyId,
    /// `openssh`: whether an OpenSSH private key is encrypted (`ciphername`).
    Openssh,
    /// `kube-client-cert`: the client certificate beside a kubeconfig key: `notAfter`, groups.
    KubeClientCert,
    /// `cli-state`: an `expiresAt`-style field in the JSON object around the token, and whether
    /// the file holds a refresh token.
    CliState,
    /// `doppler-service-token`: the config slug embedded in `dp.st.<config>.`.
    DopplerServiceToken,
}

impl FromStr for Analyzer {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "jwt" => Analyzer::Jwt,
            "azure-sas" => Analyzer::AzureSas,
            "pypi-macaroon" => Analyzer::PypiMacaroon,
            "aws-key-id" => Analyzer::AwsKeyId,
            "openssh" => Analyzer::Openssh,
            "kube-client-cert" => Analyzer::KubeClientCert,
            "cli-state" => Analyzer::CliState,
            "doppler-service-token" => Analyzer::DopplerServiceToken,
            _ => return Err("unknown analyzer (known: jwt, azure-sas, pypi-macaroon, aws-key-id, openssh, kube-client-cert, cli-state, doppler-service-token)".into()),
        })
    }
}
