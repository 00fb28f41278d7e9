"""Messages raised deep in cnnlab reach a Chinese page in Chinese: design imports, model files,
uploads, runs, the teacher's settings, the training queue and its workers; and no LabError
message or cached spinner is left outside the catalogue. No TensorFlow is imported here."""

from __future__ import annotations

import ast
import re
import threading
from pathlib import Path

import numpy as np
import pytest

from cnnlab import i18n
from cnnlab.classroom.limits import Limits
from cnnlab.classroom.settings import load_settings
from cnnlab.design.editing import read_design_file as import_design
from cnnlab.design.spec import Architecture, Dense, Flatten
from cnnlab.drawing.uploads import read_upload
from cnnlab.errors import LabError
from cnnlab.paths import REPO_DIR
from cnnlab.runs.model_file import load_model
from cnnlab.runs.store import load_run
from cnnlab.training.config import TrainConfig
from cnnlab.training.queue import JobManager
from cnnlab.training.worker import JobSpec, death_message, run_job

CJK = re.compile(r"[\u4e00-\u9fff]")
BAD_LAYER = b'{"layers": [{"type": "Conv2D", "filters": 0, "kernel_size": 3}]}'


def refusal(call, lang: str = "zh") -> str:
    """The LabError message `call()` raises while the page speaks `lang`."""
    with i18n.using(lang), pytest.raises(LabError) as raised:
        call()
    return str(raised.value)


def test_a_design_json_with_a_bad_layer_is_refused_in_chinese_at_that_layer():
    with i18n.using("zh"), pytest.raises(LabError) as raised:
        import_design(BAD_LAYER, Limits())
    assert raised.value.layer == 1
    assert str(raised.value) == "第 1 层（Conv2D）：filters 必须是不小于 1 的整数；收到的是 0。"
    english = refusal(lambda: import_design(BAD_LAYER, Limits()), "en")
    assert english == "Layer 1 (Conv2D): filters must be a whole number of at least 1; got 0."


@pytest.mark.parametrize("data, words", [
    (b'{"layers": [', "这不是有效的 JSON"),
    (b'{"layers": [{"type": "Conv3D"}]}', "第 1 层：未知的层类型 'Conv3D'"),
    (b'{"layers": [], "extra": 1}', "未知的顶层键 ['extra']"),
    (b"\xff\xfe\x00", "这个文件不是文本（UTF-8）"),
    (b'{"layers": [{"type": "Dense", "units": 10, "colour": "red"}]}', "未知的键 'colour'"),
])
def test_every_kind_of_broken_design_file_says_why_in_chinese(data, words):
    assert words in refusal(lambda: import_design(data, Limits()))


def test_a_damaged_model_file_is_refused_in_chinese(tmp_path):
    bad = tmp_path / "model.keras"
    bad.write_bytes(b"this is not a zip archive")
    message = refusal(lambda: load_model(bad))
    assert message.startswith("model.keras 不是 CNN Lab 能读取的 Keras 模型文件（它不是 zip 压缩包")
    assert message.endswith("请重新下载，或重新训练。")


def test_an_upload_that_is_not_an_image_is_refused_in_chinese():
    assert refusal(lambda: read_upload(b"hello, not a picture", "notes.txt")).startswith(
        "notes.txt 不是 PNG 或 JPEG 图像")


def test_a_damaged_run_and_a_bad_setting_are_refused_in_chinese(tmp_path):
    assert "中的运行不完整" in refusal(lambda: load_run(tmp_path))
    settings = {"CNNLAB_CONFIG": str(tmp_path / "none.toml"), "CNNLAB_MAX_EPOCHS": "many"}
    assert refusal(lambda: load_settings(environ=settings)) == (
        "设置项 max_epochs 必须是整数；收到的是 'many'。")
    assert "学习率" not in refusal(lambda: TrainConfig(learning_rate=0))  # the key stays a key
    assert refusal(lambda: TrainConfig(learning_rate=0)).startswith("learning_rate 必须大于 0、")


def test_the_queue_refuses_in_the_students_language(tmp_path):
    jobs = JobManager(tmp_path, max_workers=1, limits=Limits(max_jobs_per_student=0), warm=False)
    try:
        arch = Architecture((Flatten(), Dense(10, "softmax")))
        message = refusal(lambda: jobs.submit("ann", arch, TrainConfig()))
        assert message.startswith("你已经有 0 个训练任务在排队或运行")
        untrainable = Architecture((Flatten(), Dense(7, "softmax")))
        assert "最后一层输出 7 个值" in refusal(lambda: jobs.submit("ann", untrainable, TrainConfig()))
    finally:
        jobs.shutdown(timeout_s=5)


def test_a_job_fails_in_the_language_it_was_started_in():
    """The worker speaks the job's language (JobSpec.language), whatever its own thread's."""
    spec = JobSpec("j1", "run", {"layers": []}, TrainConfig().to_dict(), "/nonexistent", 1,
                   language="zh")
    sent = []
    run_job(spec, lambda kind, payload: sent.append((kind, payload)), lambda: False)
    assert sent == [("failed", "'layers' 必须是一个非空的层列表；请至少添加一层。")]
    assert i18n.language() == "en"  # and the worker's own language is back
    with i18n.using("zh"):
        assert death_message(-9) == ("训练进程意外停止（被信号 9 终止）；可能是内存不足。没有保存"
                                     "任何内容。请尝试更小的模型或批大小。")


def test_a_thread_without_a_language_asks_the_registered_fallback():
    """What lets a Streamlit button callback speak the session's language (ui/language.py)."""
    seen = []

    def fresh_thread() -> None:  # as Streamlit's script thread for a rerun: nothing set yet
        seen.append((i18n.language(), i18n._("Train")))
        with i18n.using("en"):
            seen.append(i18n.language())  # a language set in the thread wins

    previous = i18n._fallback
    try:
        for fallback in (lambda: "zh", lambda: None):
            i18n.set_fallback(fallback)
            thread = threading.Thread(target=fresh_thread)
            thread.start()
            thread.join(timeout=10)
    finally:
        i18n.set_fallback(previous)
    assert seen == [("zh", "训练"), "en", ("en", "Train"), "en"]


def _python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((REPO_DIR / folder).rglob("*.py"))]


def test_no_labError_message_bypasses_the_catalogue():
    """A LabError built from a bare string or f-string shows English on a Chinese page: mark
    its text with _() (placeholders filled with .format) and run scripts/translations.sh."""
    bare = []
    for path in _python_files("cnnlab", "ui", "views"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "LabError"
                    and node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
                bare.append(f"{path.relative_to(REPO_DIR)}:{node.lineno}")
    assert not bare, f"LabError text not marked for translation: {bare}"


def test_no_cached_function_shows_streamlits_english_spinner():
    """st.cache_resource / st.cache_data show "Running func(...)" in English unless told not
    to; ui/resources.py shows a translated st.spinner where a wait is worth a word."""
    shown = []
    for path in _python_files("ui", "views"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for decorator in node.decorator_list:
                call = decorator if isinstance(decorator, ast.Call) else None
                target = call.func if call else decorator
                if getattr(target, "attr", "") not in ("cache_resource", "cache_data"):
                    continue
                quiet = call and any(k.arg == "show_spinner" and isinstance(k.value, ast.Constant)
                                     and k.value.value is False for k in call.keywords)
                if not quiet:
                    shown.append(f"{path.relative_to(REPO_DIR)}:{node.name}")
    assert not shown, f"add show_spinner=False: {shown}"
    assert CJK.search(i18n.translator("zh").gettext("Loading the model…"))


def test_chinese_sentences_follow_each_other_without_a_space():
    from cnnlab.drawing.doubt import how_it_decides
    from cnnlab.drawing.novelty import Novelty, Sign

    signs = (Sign("hidden", np.log(16.3), 0.5), Sign("conv1", np.log(14.6), 3.1), Sign("energy", -9.0, -0.4))
    for novelty in (None, Novelty(2.1, 0.5, -4.9, 4, 16.3, signs)):
        with i18n.using("zh"):
            chinese = how_it_decides(novelty)
        english = how_it_decides(novelty)
        assert "。 " not in chinese and "。" in chinese
        assert ". This" in english or ". The other" in english
