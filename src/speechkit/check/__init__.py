"""check (to be written)."""
