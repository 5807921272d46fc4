"""Planning a daily cycle: which stage of which commitment is due, who hears
about it, one digest per person, written to the outbox (set-based)."""
