"""CLI commands for profiles (parse, call the library, print)."""

from __future__ import annotations

COMMANDS: list = []
