use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A shell asking for completions (`KNOTLESS_COMPLETE=bash knotless --
    // ...`, from the script `knotless completions bash` prints) is answered
    // here.
    clap_complete::CompleteEnv::with_factory(knotless::cli::command)
        .var(knotless::completion::ENV_VAR)
        .complete();
    let cli = knotless::cli::Cli::parse();
    match knotless::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Written, not `eprintln!`: a terminal that went away must not
            // turn an error into a panic.
            let mut err = std::io::stderr().lock();
            let _ = match e.downcast_ref::<knotless::commands::Reported>() {
                Some(report) => writeln!(err, "{report}"),
                None => writeln!(err, "error: {e:#}"),
            };
            ExitCode::FAILURE
        }
    }
}
