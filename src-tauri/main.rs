// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use hearken_lib::cli::{self, Cli};

fn main() {
    hearken_lib::startup::mark_launch();
    let cli = Cli::parse();
    if cli.command.is_none() {
        hearken_lib::run_gui(cli.data_dir);
        return;
    }
    std::process::exit(cli::run(cli));
}
