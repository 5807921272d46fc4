"""Real parts that both ``checks/`` (fault injection, the distributed check)
and ``benchmarks/`` drive, so that neither imports the other: a synthetic
national workbook, a recording SMTP server in its own process, a free
loopback port."""
