"""Estimating capacity ``alpha`` and source ``beta`` from a user's data (theory §6)."""
