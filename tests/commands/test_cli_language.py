"""The command line speaks the language of `--lang zh|en`, else of LANGUAGE / LC_ALL /
LC_MESSAGES / LANG by gettext's rules, else English. No TensorFlow is imported here."""

from __future__ import annotations

import pytest

from cnnlab import i18n
from cnnlab.__main__ import main

LANG_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def no_language_set(monkeypatch):
    for name in LANG_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("environ, lang", [
    ({}, "en"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, "zh"),  # LANGUAGE first, its list in order
    ({"LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}, "en"),
    ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ({"LC_MESSAGES": "zh_SG", "LANG": "C"}, "zh"),
    ({"LANGUAGE": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty variable is skipped
])
def test_the_language_follows_gettexts_order_of_variables(environ, lang):
    assert i18n.from_environment(environ) == lang


def _error(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    return capsys.readouterr().err


def test_errors_are_english_by_default_and_chinese_when_asked(tmp_path, capsys, monkeypatch):
    missing = str(tmp_path / "none.json")
    assert _error(capsys, ["summary", missing]).startswith(
        f"error: Cannot read the design file '{missing}': ")
    assert _error(capsys, ["--lang", "zh", "summary", missing]).startswith(
        f"错误：无法读取设计文件 '{missing}'：")
    assert _error(capsys, ["summary", missing, "--lang=zh"]).startswith("错误：")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    bad = tmp_path / "bad.json"
    bad.write_text('{"layers": [{"type": "Dense", "units": 0}]}', encoding="utf-8")
    assert _error(capsys, ["summary", str(bad)]) == (
        "错误：第 1 层（Dense）：units 必须是不小于 1 的整数；收到的是 0。\n")
    assert _error(capsys, ["--lang", "en", "summary", str(bad)]).startswith("error: Layer 1 (Dense)")
    assert i18n.language() == "en"  # the command's language ends with the command


def test_help_and_output_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "zh", "--help"])
    assert "在 MNIST 上训练一个设计" in capsys.readouterr().out
    assert main(["presets", "--params", "--lang", "zh"]) == 0
    assert "推荐" in capsys.readouterr().out


def test_an_unknown_language_is_refused_naming_the_choices(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "fr", "presets"])
    assert "invalid choice: 'fr'" in capsys.readouterr().err


def test_the_evaluate_and_robustness_reports_in_chinese():
    import numpy as np

    from cnnlab.commands.evaluate import format_report as evaluation_report
    from cnnlab.commands.robustness import format_report as robustness_report
    from cnnlab.evaluation.evaluate import from_outputs

    outputs = np.eye(10)[[3, 5, 3]] * 0.9 + 0.01  # the third image, a 5, is read as a 3
    ev = from_outputs(outputs, np.array([3, 5, 5]), seconds=0.5)
    with i18n.using("zh"):
        report = evaluation_report(ev, "我的运行", mistakes=1)
        curves = robustness_report({"cached": True, "n_images": 100, "drawn_images": 10,
                                    "clean": 0.98, "curves": {"rotate": [[15, 0.9]]},
                                    "person_level": {"rotate": 0.9}})
    assert report.splitlines()[:3] == ["运行：我的运行", "测试图像：3 张（评估用时 0.50 秒）",
                                       "测试准确率：66.67%（2 张正确，1 张错误）"]
    assert "混淆矩阵（行：真实数字，列：预测数字）：" in report
    assert "测试图像 #2：真实为 5，以 " in report
    assert "旋转 (度): 绕图像中心旋转；正值为逆时针" in curves
    assert "原始图像上的准确率：98.00%" in curves


def test_chinese_tables_line_up_in_a_terminal(tmp_path, capsys):
    """Chinese characters take two terminal columns: every row of the summary table and of the
    per-digit table ends its numbers in the same column as its header."""
    import numpy as np

    from cnnlab.commands.evaluate import format_report
    from cnnlab.design.presets import get_preset
    from cnnlab.evaluation.evaluate import from_outputs
    from cnnlab.text import display_width

    design = tmp_path / "cnn_a.json"
    design.write_text(get_preset("cnn_a").arch.to_json())
    assert main(["--lang", "zh", "summary", str(design), "--no-formulas"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("#  层（类型）"))
    rule = display_width(lines[header - 1])
    assert "参数量" in lines[header] and "乘加次数" in lines[header] and "总参数量：104,202" in lines
    table = lines[header:header + 2 + len(get_preset("cnn_a").arch.layers)]
    assert {display_width(line) for line in table if set(line) != {"-"}} == {rule}
    ev = from_outputs(np.eye(10)[[3, 5, 3]] * 0.9 + 0.01, np.array([3, 5, 5]), seconds=0.5)
    with i18n.using("zh"):
        report = format_report(ev, "我的运行").splitlines()
    start = report.index("每个数字（0/0 记为 0）：") + 1
    rows = report[start:start + 11]  # the header and digits 0-9
    assert "精确率" in rows[0] and "召回率" in rows[0]
    assert len({display_width(row) for row in rows}) == 1, rows
