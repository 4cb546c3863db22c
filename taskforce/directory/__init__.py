"""Referral directory: partner services (HSDS-shaped), search, live capacity; the HSDS/CSV exchange is the
`exchange` subpackage."""
