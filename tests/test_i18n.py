"""The Chinese catalogue: complete, faithful to the English placeholders, in step with the code,
in the course's terms; and the language machinery (per-thread language, numbers, plurals)."""

from __future__ import annotations

import string
import threading
import unicodedata
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from cnnlab import i18n
from cnnlab.paths import REPO_DIR

PO = i18n.catalogue_path("zh")
# Messages whose Chinese is rightly the same text (names, symbols); keep this list short.
SAME_IN_CHINESE = {"{n}/{total}", "Adam", "SGD", "RMSprop", "float32"}
# Words the course does not use, with the course's own term to use instead.
NOT_THE_COURSE_TERM = {"内核": "卷积核", "跨步": "步长", "步幅": "步长", "补丁": "填充",
                       "汇聚": "池化", "感受域": "感受野", "查准率": "精确率", "查全率": "召回率",
                       "过度拟合": "过拟合", "密集层": "全连接层", "数据扩增": "数据增强"}


def _catalog():
    with open(PO, "rb") as po:
        return read_po(po, locale="zh_Hans")


def _messages():
    return [m for m in _catalog() if m.id]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _forms(message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return ids, strings


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [m.id for m in _messages() if not all(_forms(m)[1]) or m.fuzzy]
    assert not untranslated, f"translate these in {PO}: {untranslated}"


def test_no_translation_is_left_in_english():
    same = [m.id for m in _messages() if _forms(m)[0][0] in _forms(m)[1]
            and _forms(m)[0][0] not in SAME_IN_CHINESE]
    assert not same, f"still English in {PO}: {same}"


def test_bold_text_closes_where_markdown_can_close_it():
    """A closing ** right after punctuation and right before a character (**句子。**下一句)
    is not a closer in CommonMark, so the page would show the asterisks: keep the full stop
    outside (**句子**。下一句)."""
    broken = []
    for message in _messages():
        for text in _forms(message)[1]:
            marks = [i for i in range(len(text) - 1) if text.startswith("**", i)
                     and not text.startswith("***", i)]
            for close in marks[1::2]:
                before, after = text[close - 1], text[close + 2:close + 3]
                if unicodedata.category(before).startswith("P") and after and \
                        not after.isspace() and not unicodedata.category(after).startswith("P"):
                    broken.append(text)
    assert not broken, broken


def test_placeholders_match_the_english():
    wrong = []
    for message in _messages():
        ids, strings = _forms(message)
        english = set().union(*(_fields(i) for i in ids))
        for translated in strings:
            if _fields(translated) != english:  # Chinese has one plural form: all fields in it
                wrong.append((ids[0], translated))
    assert not wrong, f"placeholders differ from the English: {wrong}"


def test_the_catalogue_has_every_string_the_code_marks():
    """A new _() in the code without a catalogue entry shows English on the Chinese pages:
    run scripts/translations.sh and translate it."""
    method_map = [("app.py", "python"), ("views/**.py", "python"), ("ui/**.py", "python"),
                  ("cnnlab/**.py", "python")]
    marked = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            REPO_DIR, method_map=method_map):
        marked.add(message[0] if isinstance(message, tuple) else message)
    in_catalogue = {_forms(m)[0][0] for m in _messages()}
    assert not marked - in_catalogue, f"not in {PO}: {sorted(marked - in_catalogue)}"


def test_the_translations_use_the_course_terms():
    found = [(m.id, word, NOT_THE_COURSE_TERM[word]) for m in _messages()
             for word in NOT_THE_COURSE_TERM if any(word in s for s in _forms(m)[1])]
    assert not found, f"(message, word, the course's term): {found}"


def test_chinese_and_english_text_numbers_and_plurals():
    i18n.set_language("zh")
    try:
        assert i18n._("Home") == "首页"
        assert i18n.ngettext("{n} layer", "{n} layers", 1).format(n=1) == "1 层"
        assert i18n.ngettext("{n} layer", "{n} layers", 5).format(n=5) == "5 层"
        assert i18n.number(1234567) == "1,234,567"
        assert i18n.percent(0.98765) == "98.8%"
        assert i18n._("no such message") == "no such message"
    finally:
        i18n.set_language("en")
    assert i18n._("Home") == "Home"
    assert i18n.ngettext("{n} layer", "{n} layers", 1).format(n=1) == "1 layer"
    assert i18n.ngettext("{n} layer", "{n} layers", 2).format(n=2) == "2 layers"
    assert i18n.number(1234.5, 1) == "1,234.5"


def test_each_thread_keeps_its_own_language():
    """Streamlit runs each session's page in its own thread: one student's 中文 never leaks."""
    seen = {}

    def page(lang: str, started: threading.Barrier) -> None:
        i18n.set_language(lang)
        started.wait(timeout=10)  # both languages are set before either reads
        seen[lang] = i18n._("Train")

    barrier = threading.Barrier(2)
    threads = [threading.Thread(target=page, args=(lang, barrier)) for lang in ("zh", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert seen == {"zh": "训练", "en": "Train"}


@pytest.mark.parametrize("locale, lang", [("zh-CN", "zh"), ("zh-TW", "zh"), ("zh", "zh"),
                                          ("en-US", "en"), ("fr-FR", "en"), (None, "en")])
def test_the_first_language_follows_the_browser(locale, lang):
    assert i18n.from_browser(locale) == lang


def test_an_unknown_language_falls_back_to_english():
    i18n.set_language("xx")
    assert i18n.language() == "en"


def test_the_glossary_gives_every_course_term_with_its_english():
    from cnnlab.glossary import TERMS

    chinese = {zh for _en, zh, _meaning in TERMS}
    assert {"卷积核", "步长", "填充", "池化", "特征图", "感受野", "参数量", "全连接层", "混淆矩阵",
            "精确率", "召回率", "数据增强", "过拟合", "函数式 API"} <= chinese
    assert Path(PO).is_file()


def test_babel_checks_every_translation_as_pybabel_compile_does():
    """Babel's own checkers (placeholders of %-formats, plural counts), as `pybabel compile`."""
    errors = [(message.id, [str(e) for e in problems]) for message, problems in _catalog().check()]
    assert not errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_babel_numbers_agree_with_the_one_format_every_page_uses(lang):
    """cnnlab.text writes counts and percents one way for all pages; Babel's locale data for
    both languages gives the very same digits, so neither language needs its own format."""
    from cnnlab import text

    i18n.set_language(lang)
    try:
        for value in (0, 7, 1290, 104_202, 12_345_678):
            assert i18n.number(value) == text.count(value)
        for fraction in (0.0, 0.5, 0.98123, 1.0):
            assert i18n.percent(fraction, 2) == text.percent(fraction)
    finally:
        i18n.set_language("en")
