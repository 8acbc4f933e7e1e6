"""The generated corpus: a seeded model of reports, two renderers, and a CMS-like portal."""
