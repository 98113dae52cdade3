fn main() -> std::process::ExitCode {
    credsweep::cli::run()
}
