"""Every heading and label of the city and town forms is Chinese, for every shipped pack."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

PACKS = Path(__file__).resolve().parents[2] / "src" / "speechkit" / "packs"
LABEL_TAGS = re.compile(
    r"<(label|legend|h[1-4]|summary|th|caption)\b[^>]*>(.*?)</\1>", re.S | re.IGNORECASE
)
RAW_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _labels(html: str) -> list[str]:
    """The visible text of every label-like element of a page."""
    out = []
    for _tag, inner in LABEL_TAGS.findall(html):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inner)).strip()
        if text:
            out.append(text)
    return out


@pytest.mark.parametrize("pack", sorted(p.name for p in PACKS.iterdir() if (p / "demo").is_dir()))
def test_city_and_town_forms_show_no_raw_keys(pack, tmp_path, output_dir):
    from speechkit.web import create_app

    profiles = tmp_path / "profiles"
    shutil.copytree(PACKS / pack / "demo", profiles)
    app = create_app(profiles, PACKS / pack / "templates", output_dir, batch_jobs=1)
    client = app.test_client()
    town = sorted((profiles / "towns").glob("*.yaml"))[0].stem
    for url in ("/city", f"/towns/{town}"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        labels = _labels(resp.get_data(as_text=True))
        assert len(labels) > 5, (url, labels)
        raw = [text for text in labels if RAW_KEY.fullmatch(text) or "_" in text]
        assert not raw, f"{pack} {url}: {raw}"
