"""A cached check result is used again only while the rules are the same: editing a campaign
pack's rules.yaml changes the key, so the batch checks its outputs again."""

from __future__ import annotations

from types import SimpleNamespace

from speechkit.batch.checkcache import rules_digest


def test_a_campaign_packs_rules_are_part_of_the_key(tmp_path, monkeypatch):
    from speechkit import campaigns

    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: []\n", encoding="utf-8")
    fake = SimpleNamespace(id="my-pack", root=tmp_path)
    monkeypatch.setattr(campaigns, "list_packs", lambda near=None: [fake])
    before = rules_digest()
    rules.write_text("rules: []\n# edited\n", encoding="utf-8")
    assert rules_digest() != before
