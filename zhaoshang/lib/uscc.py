"""统一社会信用代码 (unified social credit code), GB 32100-2015.

18 characters from a 31-symbol alphabet (digits and capitals without I, O, S, V, Z);
the last is a check character computed with weights 3^i mod 31. Lower case is not the
standard's alphabet and is refused rather than silently upper-cased: a code is copied
from a licence, and a lower-case one was typed, not copied.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


def check_character(body: str) -> str:
    """The check character for the first 17 characters."""
    total = sum(_VALUE[ch] * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """None when the code is valid, else the reason in Chinese."""
    if len(code) != LENGTH:
        return f"应为18位,实际为{len(code)}位"
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        return f"含有不允许的字符“{bad[0]}”(只允许数字和除I、O、S、V、Z外的大写字母)"
    if not code[2:8].isdigit():
        return "第3至8位应为行政区划代码(数字)"
    if check_character(code[:17]) != code[17]:
        return "校验位不正确"
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_error(code) is None
