"""Reference data (from the strategy) and demo content; both load idempotently."""
