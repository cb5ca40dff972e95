use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = knotless::cli::Cli::parse();
    match knotless::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            match e.downcast_ref::<knotless::commands::Reported>() {
                Some(report) => eprintln!("{report}"),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::FAILURE
        }
    }
}
