"""Loading: kam.toml, reading files, parsing values, the validated workspace. The only code that opens input files."""
