"""Running an installation: structured logs, its status, backups."""
