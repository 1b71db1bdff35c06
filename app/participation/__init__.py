"""Participation: supports, comments, reports and following."""
