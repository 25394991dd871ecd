"""typeset (to be written)."""
