"""Information packages for regional governments: period figures (pure),
renderers (PDF, XLSX, CSV, JSON) and the package builder."""
