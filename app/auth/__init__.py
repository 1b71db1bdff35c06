"""Accounts: sign-up, e-mail confirmation, log-in/out, password reset."""
