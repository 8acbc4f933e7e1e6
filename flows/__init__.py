"""Orchestration only: Prefect flows wiring the extract → expectations → warehouse stages."""
