"""CLI commands for batch (parse, call the library, print)."""

from __future__ import annotations

COMMANDS: list = []
