"""Cleaning pasted briefings and news items before anything is read from them.

Traditional → simplified (OpenCC `t2s`, which converts characters and never rewrites
words), pinyin annotations such as `長(zhǎng)樂(lè)` removed while real parentheses such
as `(福城)` or `(2017)` stay, doubled punctuation `,,` `,、` `,。` repaired, full-width digits and
letters folded, `。` used as a decimal point inside a number (`132。9亿元`) repaired, and
HTML remnants dropped."""

from __future__ import annotations

import html
import re
from functools import cache

import opencc

TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = f"a-zA-Zü{TONE_MARKS}"
# A parenthesised run of pinyin syllables right after a CJK character, with at least one
# tone mark (so "(CEO)" or "(福城)" are never taken for pinyin).
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（]\s*([{_PINYIN_LETTERS}]+(?:[\s'][{_PINYIN_LETTERS}]+)*)\s*[)）]"
)
_TAG = re.compile(r"<[^<>]{0,200}>")
# Spam injected into scraped pages: hidden elements, URLs, gambling ads glued into words
# ("循环星河娱乐OKbet利用", "17.3亿JZ8868元"), ◆…◆ banners.
_HIDDEN = re.compile(r"<(\w+)[^<>]*display\s*:\s*none[^<>]*>.*?</\1\s*>", re.S | re.I)
_URL = re.compile(
    r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:com|cc|net|org|top|vip|xyz|info)(?:/\S*)?",
    re.I,
)
_GAMBLING = re.compile(
    r"[\u4e00-\u9fff]{0,2}(?:娱乐|博彩|棋牌|彩票|赌场)[A-Za-z][A-Za-z0-9]*(?:官网)?"
)
_BANNER = re.compile(r"◆[^◆\n]{1,20}◆")
_GLUED_CODE = re.compile(
    r"(?<=[\u4e00-\u9fff\d])(?=[A-Za-z]*\d)[A-Za-z]{1,4}\d{3,}(?=[\u4e00-\u9fff])"
)
_RUN = re.compile(r"[,，、]{2,}")
_BEFORE_STOP = re.compile(r"[,，、]+(?=[。！？；!?;])")  # "亿元,。" → "亿元。"
_DECIMAL_POINT = re.compile(r"(?<=\d)[。．](?=\d)")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_FULL_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULL_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ


# Cheap searches for what each rewrite needs to find: most texts hold no URL, no spam, no
# pinyin, no full-width digit, and scanning for a literal is many times faster than trying a
# pattern that starts with a lookbehind or optional groups at every character (a third of
# the extractor's time went here). Each hint is implied by any match of its pattern.
_URL_HINT = re.compile(r"\.(?:com|cc|net|org|top|vip|xyz|info)", re.I)
_GAMBLING_HINT = re.compile(r"娱乐|博彩|棋牌|彩票|赌场")
_GLUED_HINT = re.compile(r"[A-Za-z]\d{3}")
_TONE_HINT = re.compile(f"[{TONE_MARKS}]")  # pinyin without a tone mark is left as it is
_FULL_WIDTH_HINT = re.compile(r"[０-９Ａ-Ｚａ-ｚ]")
_DECIMAL_HINT = re.compile(r"\d[。．]\d")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _strip_pinyin(match: re.Match[str]) -> str:
    inner = match.group(1)
    return "" if any(ch in TONE_MARKS for ch in inner) else match.group(0)


def _repair_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if "、" in run:
        return "、"
    return "，" if "，" in run else ","


def clean_text(text: str) -> str:
    text = _HIDDEN.sub("", text)
    text = html.unescape(_TAG.sub("", text))
    if _URL_HINT.search(text):
        text = _URL.sub("", text)
    if _GAMBLING_HINT.search(text):
        text = _GAMBLING.sub("", text)
    if "◆" in text:
        text = _BANNER.sub("", text)
    if _GLUED_HINT.search(text):
        text = _GLUED_CODE.sub("", text)
    if _TONE_HINT.search(text):
        text = _PINYIN.sub(_strip_pinyin, text)
    text = _converter().convert(text)
    if _FULL_WIDTH_HINT.search(text):
        text = text.translate(_FULL_WIDTH)
    if _DECIMAL_HINT.search(text):
        text = _DECIMAL_POINT.sub(".", text)
    text = _RUN.sub(_repair_run, text)
    text = _BEFORE_STOP.sub("", text)
    lines = (line.strip() for line in _SPACES.sub(" ", text).splitlines())
    return "\n".join(line for line in lines if line)
