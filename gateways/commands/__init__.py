"""What each CLI subcommand runs: one function per command, taking the settings."""
