"""Incident detection (SPEC §6): one rule set, run on ingest and by the periodic sweep."""
