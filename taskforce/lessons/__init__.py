"""Anonymized case lessons."""
