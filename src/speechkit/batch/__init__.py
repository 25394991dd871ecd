"""batch (to be written)."""
