"""The read-only JSON API under /api/v1: published ideas, action fields, municipalities and
portfolio projects as open data, described by the OpenAPI document at /api/v1/openapi.json."""
