"""Property tests for the loader: bad input only ever raises ProfileError; valid data round-trips."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speechkit.errors import ProfileError
from speechkit.profiles import load_data_file, load_profile, validate
from tests.profiles.helpers import CITY, TOWN

_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@contextlib.contextmanager
def _dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="profiles-prop-") as tmp:
        root = Path(tmp)
        (root / "towns").mkdir()
        (root / "city.yaml").write_text(CITY, encoding="utf-8")
        yield root


def _try_everything(root: Path, raw: bytes) -> None:
    town = root / "towns" / "t.yaml"
    town.write_bytes(raw)
    try:
        load_profile(town)
    except ProfileError as exc:
        assert exc.problems, "a ProfileError must carry its problems"
        assert all(p.location.file for p in exc.problems)
    problems = validate([root, town])
    assert all(p.severity in ("error", "warning") for p in problems)
    with contextlib.suppress(ProfileError):
        load_data_file(town)


_YAML_BITS = st.sampled_from(
    [
        "town:", "  name: 样例镇", "  kind: 镇", "party:", "  members: ", "- ", "&a ", "*a",
        "<<: *a", "[", "]", "{", "}", ": ", "\t", "：", "2024-02-30", "2024-07-05", "-1", "0x1F",
        "六千九", "'", '"', "#", "---", "...", "!!binary", "!foo", "~", "null", ".inf", "\n", "  ",
        "slogans:", "meeting:", "  date: ", "?", "|", ">", "%YAML 1.2", "\u3000", "\ufeff",
    ]
)  # fmt: skip


@_SETTINGS
@given(raw=st.binary(max_size=400))
def test_arbitrary_bytes_only_raise_profile_error(raw):
    with _dir() as root:
        _try_everything(root, raw)


@_SETTINGS
@given(text=st.text(max_size=300))
def test_arbitrary_text_only_raises_profile_error(text):
    with _dir() as root:
        _try_everything(root, text.encode("utf-8"))


@_SETTINGS
@given(bits=st.lists(_YAML_BITS, max_size=40), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_yaml_like_text_only_raises_profile_error(bits, encoding):
    text = "".join(bits)
    with _dir() as root:
        _try_everything(root, text.encode(encoding, errors="replace"))


@_SETTINGS
@given(cut=st.integers(min_value=0, max_value=len(TOWN)), insert=_YAML_BITS)
def test_mangled_valid_town_only_raises_profile_error(cut, insert):
    with _dir() as root:
        _try_everything(root, (TOWN[:cut] + insert + TOWN[cut:]).encode("utf-8"))


_NAME = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=8
)
_DATE = st.dates(min_value=dt.date(2024, 7, 1), max_value=dt.date(2024, 12, 31))


@st.composite
def _towns(draw):
    kind = draw(st.sampled_from(["镇", "区", "街道"]))
    return {
        "town": {"name": draw(_NAME) + kind, "kind": kind, "secretary": draw(_NAME)},
        "party": {
            "members": draw(st.integers(0, 10**6)),
            "branches": draw(st.integers(0, 10**4)),
        },
        "meeting": {"date": draw(_DATE), "venue": draw(_NAME)},
        "slogans": draw(st.lists(_NAME, min_size=0, max_size=4)),
        "note": draw(st.one_of(st.none(), st.booleans(), st.integers(), _NAME)),
    }


def _dump(data) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


@_SETTINGS
@given(town=_towns(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_round_tripped_valid_profiles_load(town, encoding):
    with _dir() as root:
        path = root / "towns" / "t.yaml"
        path.write_bytes(_dump(town).encode(encoding))
        profile = load_profile(path)
    for section in ("town", "party", "meeting", "slogans", "note"):
        assert profile.data[section] == town[section]
    assert profile.data["campaign"]["members"] == 100
    assert profile.locate("town.name").line is not None


_JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), _NAME, _DATE),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_NAME, inner, max_size=4)),
    max_leaves=20,
)


@_SETTINGS
@given(data=st.dictionaries(_NAME, _JSONISH, max_size=5))
def test_load_data_file_round_trip(data):
    with _dir() as root:
        path = root / "data.yaml"
        path.write_text(_dump(data), encoding="utf-8")
        assert load_data_file(path) == data


_KEY_LINES = [i for i, line in enumerate(TOWN.splitlines()) if ": " in line]


@_SETTINGS
@given(chosen=st.sets(st.sampled_from(_KEY_LINES), min_size=1))
def test_fullwidth_colons_are_the_only_errors(chosen):
    """Any set of ``key：`` lines in a valid town gives exactly one error per such line."""
    lines = TOWN.splitlines()
    for i in chosen:
        lines[i] = lines[i].replace(": ", "：", 1)
    with _dir() as root:
        town = root / "towns" / "t.yaml"
        town.write_text("\n".join(lines) + "\n", encoding="utf-8")
        errors = [p for p in validate([town]) if p.severity == "error"]
    assert sorted(p.location.line for p in errors) == sorted(i + 1 for i in chosen)
    assert all("全角冒号" in p.message for p in errors)
