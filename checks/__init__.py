"""Operational checks run from a checkout (``make faults``,
``make distributed-check``); not part of the installed product."""
