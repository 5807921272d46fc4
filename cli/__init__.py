"""The ``cumple`` command line (Typer). It only parses, calls in and prints."""
