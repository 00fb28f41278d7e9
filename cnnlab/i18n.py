"""Chinese and English: gettext catalogues managed with Babel, and numbers written per language.

Every string a student reads is written in English inside `_()` (or `ngettext()` when it counts
something) and translated from `locales/<locale>/LC_MESSAGES/cnnlab.po`. The .po files are read
with Babel when first needed, so there is no compiled file to keep in step. The language is a
ContextVar set by the Streamlit glue at the top of every page run: each session's script runs
in its own thread, so two students reading two languages never see each other's. Code that
never sets it gets English, the source language, unless a fallback is registered: the Streamlit
glue registers one that reads the session's choice, for code Streamlit runs before the page's
top (button callbacks). The CLI picks its language with `from_environment` (gettext's rules)
or `--lang`; a training job carries its student's language and runs under `using(lang)`.

Strings defined at import time (module constants) are marked with `N_()` so that `pybabel
extract` finds them, and translated where they are shown, with `_(CONSTANT)`.
"""

from __future__ import annotations

import gettext
import io
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Callable, Iterator, Mapping

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

_language: ContextVar[str | None] = ContextVar("cnnlab_language", default=None)
_fallback: Callable[[], str | None] | None = None  # asked when this thread set no language


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


def set_fallback(ask: Callable[[], str | None] | None) -> None:
    """Where `language()` looks when this thread set none (None: nowhere, English). The
    Streamlit glue registers the session's choice here, so code Streamlit runs before the page
    sets the language (button callbacks) still speaks the student's language."""
    global _fallback
    _fallback = ask


@contextmanager
def using(lang: str | None) -> Iterator[None]:
    """Speak `lang` inside the block (a training job in its student's language), then go back."""
    token = _language.set(lang if lang in LANGUAGES else SOURCE)
    try:
        yield
    finally:
        _language.reset(token)


def language() -> str:
    lang = _language.get()
    if lang is None and _fallback is not None:
        lang = _fallback()
    return lang if lang in LANGUAGES else SOURCE


def from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The CLI's language by gettext's own rules: the first of LANGUAGE, LC_ALL, LC_MESSAGES
    and LANG that is set, whose first usable entry of the colon-separated list decides ("C" or
    "POSIX": English); English when none is set or none is Chinese or English."""
    env = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(variable)
        if value:
            for entry in value.split(":"):
                code = entry.split(".")[0].split("@")[0].replace("-", "_").lower()
                if code in ("c", "posix"):
                    return SOURCE
                if code.split("_")[0] in LANGUAGES:
                    return code.split("_")[0]
            return SOURCE
    return SOURCE


def _(message: str) -> str:
    """The message in the current language."""
    return translator(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for n, by the current language's plural rule."""
    return translator(language()).ngettext(singular, plural, n)


def sentences(*parts: str) -> str:
    """Sentences one after another: a space between them in English, none in Chinese."""
    return _("{sentence} {next}").format(sentence=parts[0], next=sentences(*parts[1:])) \
        if len(parts) > 1 else parts[0]


def N_(message: str) -> str:
    """Marks a module-level string for extraction; translate it where shown, with _()."""
    return message


def number(value: float, digits: int | None = None) -> str:
    """A number with the current language's grouping (1,234 / 1,234.5)."""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(value, format=pattern, locale=NUMBER_LOCALES[language()])


def percent(fraction: float, digits: int = 1) -> str:
    """A fraction as a percent in the current language (0.9876 -> 98.8%)."""
    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(fraction, format=pattern, locale=NUMBER_LOCALES[language()])
