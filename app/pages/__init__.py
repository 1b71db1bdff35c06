"""Pages composed of several areas, above them and below the routes (docs/architecture.md).

`idea`: an idea's public page, with its comments (participation), its official answer and
moderation forms, and the reader's own parts.
"""
