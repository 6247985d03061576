"""Resident Voice: a council and its housing associations keep a resident participation charter."""
