"""Lab codes are random, folder-safe, and anything path-like is refused."""

from cnnlab.classroom.lab_codes import is_lab_code, new_lab_code


def test_new_codes_are_valid_and_distinct():
    codes = {new_lab_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(is_lab_code(code) for code in codes)


def test_path_like_or_malformed_values_are_refused():
    for bad in ["", "short", "../../etc/passwd", "a/b" * 10, "x" * 65, None, 12345678901234, "abc def ghi jkl"]:
        assert not is_lab_code(bad)
