"""Reading actas (DOCX, text PDF, scanned PDF) into proposed commitments in
the import format: :func:`importer.actas.read.read_acta` gives an
:class:`importer.actas.proposal.ActaReading`, whose ``sheet()`` is the same
rows a spreadsheet would be, for the gerente to confirm and import."""
