"""Company and project names normalised for matching.

"神州优车" and "神州优车(福建)有限公司" must be found as one company: we fold full-width to
half-width (NFKC), drop spaces and punctuation variants, a parenthesised place or 中国,
and the legal-form suffix. The result is a matching key, never shown to users.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Legal forms, longest first so that 股份有限公司 is not left as 股份.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "总公司",
    "公司",
    "co.,ltd.",
    "co.,ltd",
    "co.ltd.",
    "co.ltd",
    "ltd.",
    "ltd",
    "inc.",
    "inc",
)
# Province-level names and other region words that appear in brackets: 神州优车(福建)有限公司.
_REGIONS = [
    "中国",
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
    "福州",
    "厦门",
    "泉州",
    "漳州",
    "莆田",
    "三明",
    "南平",
    "龙岩",
    "宁德",
    "平潭",
    "长乐",
    "福清",
    "深圳",
    "广州",
    "杭州",
    "南京",
    "成都",
    "武汉",
    "合肥",
    "贵阳",
    "西安",
    "苏州",
    "亚太",
    "中国区",
    "大中华区",
    "国际",
]
_REGION_SUFFIX = re.compile(r"(省|市|区|县|自治区|特别行政区)$")
_BRACKETED = re.compile(r"\(([^()]*)\)")
_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"[\s·•\-_—,.、'\"“”‘’]+")


def _is_region(text: str) -> bool:
    core = _REGION_SUFFIX.sub("", text)
    return core in _REGIONS


@functools.lru_cache(maxsize=16384)  # an import asks for each investor several times
def normalize_company_name(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = text.replace("【", "(").replace("】", ")").replace("[", "(").replace("]", ")")
    text = _SPACE.sub("", text)
    text = _BRACKETED.sub(lambda m: "" if _is_region(m.group(1)) else m.group(1), text)
    for form in _LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
            break
    return _DROP.sub("", text)


_PROJECT_PUNCT = re.compile(r"[()《》\"“”]")


def normalize_project_name(name: str) -> str:
    """Project names: width, spaces and punctuation folded; the words themselves kept."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    return _DROP.sub("", _PROJECT_PUNCT.sub("", text))
