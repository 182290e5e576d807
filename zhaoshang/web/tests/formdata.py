"""What a browser would send for a form as a page renders it: the values of its inputs,
checked boxes, selected options and text areas (submit buttons left out)."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

SKIPPED_TYPES = {"submit", "button", "reset", "file", "image"}


class _FormReader(HTMLParser):
    def __init__(self, path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.path = path
        self.depth = 0  # >0 while inside the chosen form
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self.names: list[str] = []  # every named control, filled or not
        self._select: str | None = None
        self._select_multiple = False
        self._selected: list[str] = []
        self._first_option: str | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._text = ""

    def _chosen(self, attrs: dict[str, Any]) -> bool:
        if (attrs.get("method") or "").lower() != "post":
            return False
        return attrs.get("action", "") in ("", self.path)

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: (v if v is not None else "") for k, v in attr_list}
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif not self.done and self._chosen(attrs):
                self.depth = 1
            return
        if not self.depth:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in SKIPPED_TYPES:
                return
            self.names.append(name)
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            else:
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name and "disabled" not in attrs:
            self.names.append(name)
            self._select, self._select_multiple = name, "multiple" in attrs
            self._selected, self._first_option = [], None
        elif tag == "option" and self._select is not None:
            self._option = attrs
            self._text = ""
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.names.append(name)
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._option is not None or self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0
            return
        if tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            if self._option is not None:
                self._close_option()
            values = self._selected
            if not values and not self._select_multiple and self._first_option is not None:
                values = [self._first_option]  # a browser sends the first option
            self.fields.extend((self._select, v) for v in values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None

    def _close_option(self) -> None:
        assert self._option is not None
        value = self._option.get("value", self._text.strip())
        if self._first_option is None:
            self._first_option = value
        if "selected" in self._option:
            self._selected.append(value)
        self._option = None


def form_data(html: str, path: str) -> tuple[dict[str, list[str]], list[str]]:
    """The submission of the page's own form (the first that posts to `path`, the page's
    address): {name: [values]}, and the names of every control in it."""
    reader = _FormReader(path)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data, reader.names
