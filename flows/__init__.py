"""Orchestration only: Prefect flows wiring the extract → expectations → warehouse stages."""

from flows.ingest import ingest

__all__ = ["ingest"]
