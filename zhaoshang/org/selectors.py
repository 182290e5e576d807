"""Finding units by what operators type: a GB/T 2260 code or an unambiguous name."""

from __future__ import annotations

from zhaoshang.org.models import Unit


class UnitLookupError(LookupError):
    """No unit, or several, answer to a name; the message says which (in Chinese)."""


def unit_resolve(text: str, *, within: Unit | None = None) -> Unit:
    """ "350112", "长乐区", "福州市鼓楼区" or "福州市/鼓楼区" → the unit.

    A bare name that several units share (鼓楼区 is in 福州, 南京, 徐州, 开封) is refused
    with the candidates listed; `within` first narrows the search to a subtree."""
    text = text.strip()
    qs = Unit.objects.all() if within is None else Unit.objects.subtree(within)
    if not text:
        raise UnitLookupError("单位不能为空")
    by_code = qs.filter(code=text).first()
    if by_code:
        return by_code
    candidates = list(qs.filter(name=text)[:10])
    if not candidates:
        candidates = _by_qualified_name(qs, text)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise UnitLookupError(f"找不到单位“{text}”")
    listed = "、".join(f"{u.full_name}({u.code})" for u in candidates)
    raise UnitLookupError(f"单位“{text}”不唯一:{listed};请用代码或带上级名称")


def _by_qualified_name(qs, text: str) -> list[Unit]:  # type: ignore[no-untyped-def]
    """ "福州市鼓楼区" / "福州市/鼓楼区": the last unit whose name ends the text and whose
    ancestors' names make up the rest."""
    flat = text.replace("/", "").replace(" ", "")
    found = []
    for unit in qs.filter(name__in=_suffixes(flat))[:50]:
        if flat.endswith(unit.full_name) or unit.full_name.endswith(flat):
            found.append(unit)
    return found


def _suffixes(text: str) -> list[str]:
    return [text[i:] for i in range(1, len(text))]
