"""Chinese and English: gettext catalogues managed with Babel, and numbers written per language.

Every string a student reads is written in English inside `_()` (or `ngettext()` when it counts
something) and translated from `locales/<locale>/LC_MESSAGES/cnnlab.po`. The .po files are read
with Babel when first needed, so there is no compiled file to keep in step. The language is a
ContextVar set by the Streamlit glue at the top of every page run: each session's script runs
in its own thread, so two students reading two languages never see each other's. Code that
never sets it (the CLI, training workers, tests) gets English, the source language.

Strings defined at import time (module constants) are marked with `N_()` so that `pybabel
extract` finds them, and translated where they are shown, with `_(CONSTANT)`.
"""

from __future__ import annotations

import gettext
import io
from contextvars import ContextVar
from functools import lru_cache

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from cnnlab.paths import REPO_DIR

DOMAIN = "cnnlab"
LOCALES_DIR = REPO_DIR / "locales"
LANGUAGES = {"zh": "中文", "en": "English"}  # code in the address (?lang=) -> its own name
SOURCE = "en"
CATALOGUES = {"zh": "zh_Hans"}  # code -> the catalogue folder under locales/ (en is the source)
NUMBER_LOCALES = {"zh": "zh_Hans_CN", "en": "en_US"}  # code -> Babel locale for numbers

_language: ContextVar[str] = ContextVar("cnnlab_language", default=SOURCE)


def catalogue_path(lang: str):
    """The .po file of a language."""
    return LOCALES_DIR / CATALOGUES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translator(lang: str) -> gettext.NullTranslations:
    """The gettext translations of a language (English: the messages as written)."""
    if lang not in CATALOGUES:
        return gettext.NullTranslations()
    with open(catalogue_path(lang), "rb") as po:
        catalog = read_po(po, locale=CATALOGUES[lang], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def from_browser(locale: str | None) -> str:
    """The language to start in from the browser's locale ("zh-CN", "en-US", ...)."""
    return "zh" if (locale or "").lower().startswith("zh") else SOURCE


def set_language(lang: str) -> None:
    """Use this language for the rest of this page run (this thread)."""
    _language.set(lang if lang in LANGUAGES else SOURCE)


def language() -> str:
    return _language.get()


def _(message: str) -> str:
    """The message in the current language."""
    return translator(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for n, by the current language's plural rule."""
    return translator(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a module-level string for extraction; translate it where shown, with _()."""
    return message


def number(value: float, digits: int | None = None) -> str:
    """A number with the current language's grouping (1,234 / 1,234.5)."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=NUMBER_LOCALES[_language.get()])


def percent(fraction: float, digits: int = 1) -> str:
    """A fraction as a percent in the current language (0.9876 -> 98.8%)."""
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(fraction, format=pattern, locale=NUMBER_LOCALES[_language.get()])
