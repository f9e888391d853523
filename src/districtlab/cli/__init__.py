"""The command-line front end (typer + rich): thin, it parses, calls the library and prints."""
