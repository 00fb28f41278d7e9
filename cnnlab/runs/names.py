"""Run names as the student typed them: any language, any symbol, kept apart from the folder.

A run's folder is its id (cnnlab.runs.store.new_run_id), so its name never touches the file
system and needs no rewriting: "lr=0.01, bs=64 #2" and "My first CNN ✓" are kept exactly.
Only what cannot be shown on one line is dropped (control characters, and the invisible
direction overrides that can make a name read backwards), and the length is capped. Pages
that render Markdown show a name through `markdown_escaped`, so it reads as typed there too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

MAX_NAME = 60
# Invisible bidirectional overrides and isolates (they reorder the text around them).
_BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$:=])")


def clean_name(name: Any, default: str = "run") -> str:
    """The name as typed, trimmed, on one line, at most MAX_NAME characters; `default` if empty."""
    text = str(name) if name is not None else ""
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                   for ch in text.translate(_BIDI) if unicodedata.category(ch) != "Cs")
    text = " ".join(text.split())[:MAX_NAME].strip()
    return text or default


def markdown_escaped(name: str) -> str:
    """`name` for st.markdown/st.success: every Markdown character backslash-escaped."""
    return _MARKDOWN.sub(r"\\\1", name)
