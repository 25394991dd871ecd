"""A city of 50 towns: the town list and a town's form answer within 300 ms (cached)."""

from __future__ import annotations

import shutil
import time

from tests.web.conftest import PROFILES, TEMPLATES


def test_fifty_towns_list_and_form_within_300_ms(tmp_path):
    from speechkit.web import create_app

    root = tmp_path / "profiles"
    (root / "towns").mkdir(parents=True)
    shutil.copy(PROFILES / "city.yaml", root / "city.yaml")
    source = (PROFILES / "towns" / "donghu.yaml").read_text(encoding="utf-8")
    for i in range(50):
        text = source.replace("name: 东湖镇", f"name: 东湖{i}镇").replace(
            "members: 612", f"members: {100 + i}"
        )
        (root / "towns" / f"t{i:02d}.yaml").write_text(text, encoding="utf-8")
    client = create_app(root, TEMPLATES, tmp_path / "out").test_client()
    assert client.get("/").status_code == 200  # first visit fills the cache
    assert client.get("/towns/t07").status_code == 200

    def best(url: str) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            assert client.get(url).status_code == 200
            times.append(time.perf_counter() - start)
        return min(times)

    list_time, form_time = best("/"), best("/towns/t07")
    assert list_time < 0.3, f"town list took {list_time * 1000:.0f} ms"
    assert form_time < 0.3, f"town form took {form_time * 1000:.0f} ms"
    # a changed file is validated again (the cache is keyed by content)
    town = root / "towns" / "t07.yaml"
    town.write_text(
        town.read_text(encoding="utf-8").replace("branches: 28", "branches: -1"), "utf-8"
    )
    assert "不能为负数" in client.get("/towns/t07").get_data(as_text=True)
    print(f"\n50 towns: list {list_time * 1000:.0f} ms, form {form_time * 1000:.0f} ms")
