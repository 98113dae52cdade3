fn main() -> std::process::ExitCode {
    credgate::run_cli()
}
