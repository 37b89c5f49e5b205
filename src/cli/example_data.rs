//! `scorec example-data`: writes the deterministic example event data of
//! `crate::datagen` for the bundled example scorecard.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_OK, EXIT_USAGE};
use crate::datagen::{self, Config, FileFormat};

/// Which files to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DataFormat {
    /// `<schema>.<table>.parquet`.
    Parquet,
    /// `<schema>.<table>.csv`.
    Csv,
    /// Both.
    #[default]
    Both,
}

/// `scorec example-data`.
#[derive(Debug, Args)]
pub struct ExampleDataArgs {
    /// Rows of auth and checkout events together (duplicates included);
    /// tickets and fraud cases scale with it.
    #[arg(long, default_value_t = Config::default().events)]
    pub events: u64,
    /// Seed: the same seed and --events give the same data.
    #[arg(long, default_value_t = Config::default().seed)]
    pub seed: u64,
    /// Which files to write.
    #[arg(long, value_enum, default_value_t = DataFormat::Both)]
    pub format: DataFormat,
    /// Folder to write `<schema>.<table>.parquet` and `.csv` into (created
    /// when missing).
    #[arg(long)]
    pub out: PathBuf,
}

pub(super) fn run(args: &ExampleDataArgs) -> u8 {
    let config = Config {
        events: args.events,
        seed: args.seed,
    };
    let format = match args.format {
        DataFormat::Parquet => FileFormat::Parquet,
        DataFormat::Csv => FileFormat::Csv,
        DataFormat::Both => FileFormat::Both,
    };
    match datagen::write(&config, &args.out, format) {
        Ok(paths) => {
            for path in paths {
                println!("wrote {}", path.display());
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}
