"""profiles (to be written)."""
