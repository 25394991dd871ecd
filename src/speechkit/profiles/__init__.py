"""Town profiles: YAML facts about the city and each town, merged, validated and located.

``profiles/city.yaml`` holds what all towns share; ``profiles/towns/<slug>.yaml`` one town
each. A town's values are deep-merged over the city's (town wins, lists replace). Every value
keeps the file, line and column where it was written, so problems point at the right place.
"""

from __future__ import annotations

from speechkit.errors import ProfileError
from speechkit.profiles.edit import ConcurrentEditError, update_town_file
from speechkit.profiles.model import (
    Profile,
    assemble,
    canonical_json,
    deep_merge,
    find_towns,
    load_data_file,
    load_profile,
)
from speechkit.profiles.validate import has_errors, validate

__all__ = [
    "ConcurrentEditError",
    "update_town_file",
    "Profile",
    "ProfileError",
    "assemble",
    "canonical_json",
    "deep_merge",
    "find_towns",
    "load_data_file",
    "load_profile",
    "has_errors",
    "validate",
]
