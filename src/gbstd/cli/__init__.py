"""The command line: one module per command; each parses arguments, calls the library, picks an output."""
