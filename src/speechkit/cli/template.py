"""CLI commands for template (parse, call the library, print)."""

from __future__ import annotations

COMMANDS: list = []
