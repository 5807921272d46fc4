"""What the CLI and the web call: queries over commitments, recorded
changes with their history, and the protocols with regional governments.
Thin layers over the tables and pure rules of ``models``."""
