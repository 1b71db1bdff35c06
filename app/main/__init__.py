"""The start page and site-wide pages."""
