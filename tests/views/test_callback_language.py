"""Button callbacks run before the page's top sets the language; what they raise still comes out
in the session's language (ui/language.py registers the session's choice as i18n's fallback).
And the file uploader's English box is explained in Chinese beside it."""

from __future__ import annotations

from cnnlab import i18n
from tests.views.conftest import open_app_on

BAD_LAYER = '{"layers": [{"type": "Conv2D", "filters": 0, "kernel_size": 3}]}'


def test_an_error_raised_in_a_callback_is_in_the_sessions_language(fresh_server):
    at = open_app_on("views/design.py", lang="zh")
    assert any("Browse files" in c.value and "每个文件最多" in c.value for c in at.caption)
    # AppTest formats the widgets' labels in this thread, as a browser keeps them: in Chinese.
    # The script and its callbacks run in AppTest's own thread, which this one does not reach.
    with i18n.using("zh"):
        at.text_area(key="design_paste").set_value(BAD_LAYER)
        at.button(key="design_use_paste").click().run()  # on_click: import_bytes raises
        errors = [e.value for e in at.error]
        assert any("第 1 层（Conv2D）：filters 必须是不小于 1 的整数；收到的是 0。" in e
                   for e in errors), errors
        at.text_area(key="design_paste").set_value('{"layers": [')
        at.button(key="design_use_paste").click().run()
        assert any("这不是有效的 JSON" in e.value for e in at.error)


def test_english_stays_english_and_shows_no_extra_caption(fresh_server):
    at = open_app_on("views/design.py", lang="en")
    assert not any("Browse files" in c.value for c in at.caption)  # Streamlit's box says it
    at.text_area(key="design_paste").set_value(BAD_LAYER)
    at.button(key="design_use_paste").click().run()
    assert any("Layer 1 (Conv2D): filters must be a whole number of at least 1; got 0." in e.value
               for e in at.error)
