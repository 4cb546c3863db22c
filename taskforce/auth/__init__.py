"""Accounts and organizations: sign-in (argon2id, TOTP), sessions, invitations, roles, the partners area.

The lowest domain (DESIGN §2): every other domain may import it, it imports none of them.
"""
