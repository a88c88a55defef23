"""Prepared answers (SPEC §7, shared/ANSWERS.md): intent detection and templated, fact-bound replies."""
