"""Key paths into profile data (``town.name``, ``campaign.phases[0].start``): one spelling."""

from __future__ import annotations


def normalize_keypath(keypath: str) -> str:
    """Return ``keypath`` with numeric dotted parts as indexes: ``a.0.b`` → ``a[0].b``."""
    out = ""
    for part in keypath.split("."):
        if part.isdigit():
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else part
    return out
