"""Conventions of the codebase that a linter cannot see, checked on the source (no app, no database):
`make lint` runs them, and so does the suite."""
