"""engine (to be written)."""
