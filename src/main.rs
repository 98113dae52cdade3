fn main() -> std::process::ExitCode {
    credgate::cli::run()
}
