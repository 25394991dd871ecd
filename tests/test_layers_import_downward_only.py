"""The layers of docs/architecture.md: a module imports only from its own layer or below."""

from __future__ import annotations

from tests.test_import_graph_has_no_cycle import import_graph

# Lowest first; a module belongs to the layer of its longest matching prefix.
LAYERS = [
    ("基础", ["speechkit", "speechkit._lazy", "speechkit.errors", "speechkit.fsutil",
              "speechkit.procpool", "speechkit.cnnum", "speechkit.keypath", "speechkit.docx.address", "speechkit.data"]),
    ("文档", ["speechkit.docx", "speechkit.docxfile", "speechkit.filters"]),
    ("资料", ["speechkit.profiles", "speechkit.campaigns"]),
    ("功能", ["speechkit.engine", "speechkit.check", "speechkit.typeset",
              "speechkit.templatize", "speechkit.campaigns.build", "speechkit.campaigns.scaffold",
              "speechkit.campaigns.validate"]),
    ("编排", ["speechkit.batch"]),
    ("界面", ["speechkit.cli", "speechkit.web", "speechkit.__main__"]),
]  # fmt: skip


def layer_of(module: str) -> int:
    """Index in :data:`LAYERS` of ``module``'s layer."""
    best = (-1, -1)
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            exact = module == prefix
            if (exact or (prefix != "speechkit" and module.startswith(prefix + "."))) and len(
                prefix
            ) > best[1]:
                best = (index, len(prefix))
    assert best[0] >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return best[0]


def test_every_module_has_a_layer():
    for module in import_graph():
        layer_of(module)


def test_no_module_imports_from_a_higher_layer():
    upward = [
        f"{m}（{LAYERS[layer_of(m)][0]}）→ {t}（{LAYERS[layer_of(t)][0]}）"
        for m, targets in import_graph().items()
        for t in sorted(targets)
        if layer_of(t) > layer_of(m)
    ]
    assert upward == []


def test_an_upward_import_would_be_seen():
    assert layer_of("speechkit.errors") < layer_of("speechkit.check.engine")
    assert layer_of("speechkit.docx.address") < layer_of("speechkit.docx.parts")
