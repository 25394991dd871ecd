"""``python -m speechkit`` runs the command line."""

from speechkit.cli import main

main()
