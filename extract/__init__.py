"""Stage 1: find report PDFs on a portal, download them, read their tables."""
