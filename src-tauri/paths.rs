//! Where Hearken keeps its data: `--data-dir`, else `HEARKEN_DATA_DIR`, else
//! the OS data folder (on Linux `~/.local/share/hearken`).

use std::path::PathBuf;

pub const DATA_DIR_ENV: &str = "HEARKEN_DATA_DIR";

pub fn data_dir(cli: Option<PathBuf>) -> PathBuf {
    cli.or_else(|| {
        std::env::var_os(DATA_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| {
        directories::ProjectDirs::from("app", "hearken", "hearken")
            .map(|d| d.data_dir().to_path_buf())
    })
    .unwrap_or_else(|| PathBuf::from(".hearken"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_over_the_environment() {
        assert_eq!(data_dir(Some("/tmp/x".into())), PathBuf::from("/tmp/x"));
    }
}
