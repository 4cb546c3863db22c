"""Referral directory: partner services (HSDS-shaped), search, live capacity, HSDS/CSV exchange."""
