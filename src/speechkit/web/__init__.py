"""web (to be written)."""
