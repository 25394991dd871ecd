"""The typo detectors that generalise: near-misses of fixed phrases and standard formulations,
doubled characters, Word prompts left in content controls; property tests that clean text
stays clean."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speechkit.check import check, check_text, confusion
from speechkit.check.ruletypes.formulationnear import FormulationNearMiss

CORPUS = Path(__file__).resolve().parent / "corpus"
NEW_RULES = {
    "typo.near-miss",
    "typo.doubled-char",
    "typo.doubled-word",
    "typo.doubled-prefix",
    "typo.zi-ji",
    "typo.si-yi",
    "typo.si-other",
    "typo.official-terms",
    "typo.zhu-yi",
    "typo.ji-shi",
    "typo.pinyin-initials",
    "forbidden.formulation-near-miss",
    "placeholder.word-prompt",
    "placeholder.content-control",
    "placeholder.repeated-marks",
    "placeholder.name-missing",
    "placeholder.single-mark",
    "punct.doc-number-brackets",
    "punct.arabic-enum",
    "number.date-no-month",
    "number.arabic-in-term",
}
_SLIP = re.compile(r"⟦([^|⟧]*)\|([^|⟧]*)\|[a-z]+⟧")


def rules_of(text: str) -> set[str]:
    return {f.rule for f in check_text(text).findings}


def test_confusion_tables():
    assert confusion.sound_alike("做", "作") and confusion.sound_alike("融", "溶")
    assert confusion.sound_alike("明", "民")  # -ng/-n blurred
    assert not confusion.sound_alike("党", "员")
    assert confusion.shape_alike("己", "已") and confusion.shape_alike("已", "巳")
    assert confusion.confusion_kind("化", "划") == "音近"
    assert confusion.confusion_kind("己", "巳") == "形近"
    assert confusion.confusion_kind("党", "党") is None


@pytest.mark.parametrize(
    ("a", "b", "off"),
    [("abcd", "abxd", 2), ("abcd", "abd", 2), ("abd", "abcd", 2), ("abcd", "abcd", None)],
)
def test_one_edit(a, b, off):
    assert confusion.one_edit(a, b) == off


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("要以身做则", "以身作则"),
        ("出谋化策", "出谋划策"),
        ("做到溶汇贯通", "融会贯通"),  # two changes in one half, both sound-alikes
        ("做到久久为工", "久久为功"),
        ("问计于明", "问计于民"),
        ("坚持祛殉治乱", "祛疴治乱"),  # a rare character (疴) written as any other
        ("确保学习教育见行见，取得实效", "见行见效"),  # the last character left out
        ("做到见行见", "见行见效"),
    ],
)
def test_near_miss_of_fixed_phrases(text, suggestion):
    got = [f for f in check_text(text).findings if f.rule == "typo.near-miss"]
    assert [f.suggestion for f in got] == [suggestion]
    assert any(k in got[0].message for k in ("音近", "形近", "生僻字", "漏写末字"))


@pytest.mark.parametrize(
    "text",
    [
        "推动学习教育见行见效。",
        "见行见效、取得实效",
        "坚持祛疴治乱",
        "获得实效，",
        "看得见、行得通",
    ],
)
def test_whole_phrases_and_ordinary_endings_are_not_truncations(text):
    assert "typo.near-miss" not in rules_of(text)


@pytest.mark.parametrize(
    ("text", "match", "suggestion"),
    [
        ("深入贯彻zy八项规定精神", "zy", "中央"),
        ("坚决落实党zy决策部署", "zy", "中央"),
        ("学习zy精神。", "zy", "中央"),
        ("市委zzb印发通知", "zzb", "组织部"),
        ("各dzb要认真组织", "dzb", "党支部"),
    ],
)
def test_pinyin_initials_next_to_chinese(text, match, suggestion):
    got = [f for f in check_text(text).findings if f.rule == "typo.pinyin-initials"]
    assert [(f.match, f.suggestion, f.severity) for f in got] == [(match, suggestion, "error")]


@settings(max_examples=150, deadline=None)
@given(
    before=st.sampled_from(["", "联系", "中央", "网址 ", "党"]),
    word=st.from_regex(r"[A-Za-z0-9]{0,3}(?:zy|zzb|xcb|dzb)[A-Za-z0-9.@/_-]{0,6}", fullmatch=True),
    after=st.sampled_from(["", "精神", "。", "，"]),
)
def test_initials_inside_latin_words_addresses_and_codes_are_not_reported(before, word, after):
    if word in ("zy", "zzb", "xcb", "dzb"):
        return  # the bare abbreviation itself
    assert "typo.pinyin-initials" not in rules_of(before + word + after)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_correct_fixed_phrases_are_never_reported(data):
    phrases = sorted(confusion.fixed_phrases())
    picked = data.draw(st.lists(st.sampled_from(phrases), min_size=1, max_size=6))
    text = "我们要" + "，".join(picked) + "。"
    assert "typo.near-miss" not in rules_of(text)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_phrase_index_candidates_are_the_windows_starting_or_ending_a_phrase(data):
    index = confusion.PhraseIndex(["以身作则", "出谋划策", "融会贯通", "一如既往"])
    alphabet = st.sampled_from(list("以身作则做出谋划策化融会贯通溶汇一如既往继"))
    text = data.draw(st.text(alphabet, max_size=30))
    expected = [
        i
        for i in range(len(text) - 3)
        if text[i : i + 2] in index.heads or text[i + 2 : i + 4] in index.tails
    ]
    assert index.candidates(text) == expected


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("党党的十九大", "typo.doubled-char"),
        ("认真真学习", "typo.doubled-char"),
        ("有时满足于于完成任务", "typo.doubled-char"),
        ("本本单位", "typo.doubled-prefix"),
        ("加强工作工作作风建设", "typo.doubled-word"),
    ],
)
def test_doubled_characters_and_words(text, rule):
    assert rule in rules_of(text)


_REDUPLICATIONS = [
    "常常深入基层",
    "认认真真学习",
    "扎扎实实推进",
    "人人参与",
    "天天向上",
    "大家研究研究",
    "红红脸、出出汗",
    "学习习近平总书记重要讲话",
    "对对方的意见",
    "一天天好起来",
    "十五五规划",
    "反对本本主义",
    "的的确确",
    "一步一步地推进",
    "由刘婷婷同志负责",
    "请王军军、杨敏敏参加",
    "涛涛同志发言",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_REDUPLICATIONS), min_size=1, max_size=5))
def test_real_reduplication_is_not_reported(parts):
    found = rules_of("，".join(parts) + "。")
    assert not found & {"typo.doubled-char", "typo.doubled-word", "typo.doubled-prefix"}


def _standards() -> list[str]:
    from speechkit.check.pack import default_rules

    rule = default_rules().get("forbidden.formulation-near-miss")
    assert isinstance(rule, FormulationNearMiss)
    return list(rule.standards)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_formulation_with_one_sound_alike_inside_is_reported(data):
    std = data.draw(st.sampled_from([s for s in _standards() if "、" not in s]))
    pool = "时事是世市式试示势视识士实始使史施师诗湿食"
    inner = [
        i
        for i in range(1, len(std) - 1)
        if any(ch != std[i] and confusion.sound_alike(ch, std[i]) for ch in pool)
    ]
    if not inner:
        return
    i = data.draw(st.sampled_from(inner))
    alike = next(ch for ch in pool if ch != std[i] and confusion.sound_alike(ch, std[i]))
    slip = std[:i] + alike + std[i + 1 :]
    got = [f for f in check_text(f"要坚持{slip}。").findings if f.rule.endswith("near-miss")]
    assert any(f.suggestion == std for f in got), (slip, got)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_correct_formulations_are_not_reported(data):
    std = data.draw(st.sampled_from(_standards()))
    before = data.draw(st.sampled_from(["", "坚持", "学习贯彻", "以", "深入推进"]))
    after = data.draw(st.sampled_from(["", "。", "的", "为指导", "思想", "体系"]))
    assert "forbidden.formulation-near-miss" not in rules_of(before + std + after)


def _clean_sentences() -> list[str]:
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        clean = _SLIP.sub(lambda m: m.group(2), path.read_text(encoding="utf-8"))
        out.extend(s + "。" for s in re.split(r"[。\n]", clean) if len(s) > 6)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_clean_sentences_recombined_stay_clean(rnd: random.Random):
    sentences = _clean_sentences()
    text = "".join(rnd.sample(sentences, 12))
    assert not rules_of(text) & NEW_RULES


def _sdt(inner: str, showing: bool) -> str:
    flag = "<w:showingPlcHdr/>" if showing else ""
    return f"<w:sdt><w:sdtPr>{flag}</w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_content_controls_still_showing_their_prompt(tmp_path, make_docx):
    body = [
        {"xml": f"<w:p>{_run('发文机关：')}{_sdt(_run('输入机关名称'), True)}</w:p>"},
        {"xml": _sdt(f"<w:p>{_run('单击或点按此处输入正文')}</w:p>", True)},
        {"xml": f"<w:p>{_run('主送：')}{_sdt(_run('东湖镇各党支部'), False)}</w:p>"},
    ]
    path = make_docx(tmp_path / "模板.docx", body=body)
    got = [f for f in check(path).findings if f.rule == "placeholder.content-control"]
    assert [(f.location.paragraph, f.match) for f in got] == [
        (1, "输入机关名称"),
        (2, "单击或点按此处输入正文"),
    ]
    assert all(f.severity == "error" for f in got)


@pytest.mark.parametrize(
    "prompt", ["[此处输入正文内容]", "[单击此处输入文字]", "单击或点击此处输入文字。"]
)
def test_word_prompts_typed_as_text(prompt):
    assert "placeholder.word-prompt" in rules_of(f"正文：{prompt}")


def test_confusion_cache_is_rebuilt_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"甲": ("a",)}

    assert confusion.cached("probe", build) == {"甲": ("a",)}
    assert confusion.cached("probe", build) == {"甲": ("a",)}
    assert len(calls) == 1  # the second call read the cache
    for f in (tmp_path / "speechkit").glob("confusion-probe-*"):
        f.write_bytes(b"\x00garbage")
    assert confusion.cached("probe", build) == {"甲": ("a",)}
    assert len(calls) == 2
