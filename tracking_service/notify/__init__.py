"""Notices (SPEC §7): the outbox dispatcher and its channels — webhooks, email, SMS, desk connectors."""
