"""Per-process caches of compiled templates and loaded profiles (a worker's whole state).

Each worker compiles a template once and loads a profile once; the planner inspects templates
through the same cache, so the process that inspects a template renders with it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: "seconds,megabytes": the render budget of this process and of the workers it starts (set
#: by the web page's generation job, see :mod:`speechkit.web.batchjob`); unset: the default.
LIMITS_ENV = "SPEECHKIT_RENDER_LIMITS"

_TEMPLATES: dict[str, Any] = {}
_PROFILES: dict[str, Any] = {}


def reset_caches() -> None:
    """Forget compiled templates and loaded profiles (a new run in the same process, e.g. the
    web app with one job, must see edited templates and profiles)."""
    _TEMPLATES.clear()
    _PROFILES.clear()


def render_limits():
    """The render budget from :data:`LIMITS_ENV`, or None (the engine's default)."""
    raw = os.environ.get(LIMITS_ENV, "")
    try:
        seconds, memory = raw.split(",")
        from speechkit.engine import RenderLimits

        return RenderLimits(seconds=float(seconds), memory_mb=int(memory))
    except ValueError:
        return None


def compiled(path: str):
    """The template at ``path``, compiled once per process."""
    tpl = _TEMPLATES.get(path)
    if tpl is None:
        from speechkit.engine import Template

        tpl = _TEMPLATES[path] = Template(Path(path), limits=render_limits())
    return tpl


def profile(town_path: str):
    """The town profile at ``town_path``, loaded once per process."""
    loaded = _PROFILES.get(town_path)
    if loaded is None:
        from speechkit.profiles import load_profile

        loaded = _PROFILES[town_path] = load_profile(Path(town_path))
    return loaded
