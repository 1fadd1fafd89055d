"""Read PHP's ``var_export`` output (the transcripts' ``.php-decoded.txt``) into Python values.

Arrays whose keys are 0..n-1 become lists, other arrays and ``(object)`` casts become dicts, the
same shapes magesoap returns.
"""
from __future__ import annotations

import re
from typing import Any

_TOKEN = re.compile(
    r"\s*(?:(?P<object>\(object\)\s*array\s*\()|(?P<array>array\s*\()|(?P<close>\))|(?P<comma>,)|(?P<arrow>=>)"
    r"|'(?P<string>(?:[^'\\]|\\.)*)'|(?P<float>-?\d+\.\d+(?:E[+-]?\d+)?|-?INF|NAN)|(?P<int>-?\d+)"
    r"|(?P<null>NULL)|(?P<true>true)|(?P<false>false))",
    re.S,
)


def loads(text: str) -> Any:
    tokens = [(m.lastgroup, m.group(m.lastgroup)) for m in _TOKEN.finditer(text)]
    value, position = _value(tokens, 0)
    return value


def _value(tokens: list, i: int) -> tuple[Any, int]:
    kind, text = tokens[i]
    if kind in ("array", "object"):
        items: list[tuple[Any, Any]] = []
        i += 1
        while tokens[i][0] != "close":
            key, i = _value(tokens, i)
            assert tokens[i][0] == "arrow", tokens[i]
            value, i = _value(tokens, i + 1)
            items.append((key, value))
            if tokens[i][0] == "comma":
                i += 1
        keys = [k for k, _ in items]
        if kind == "array" and keys == list(range(len(items))):
            return [v for _, v in items], i + 1
        return dict(items), i + 1
    if kind == "string":
        return re.sub(r"\\(['\\])", r"\1", text), i + 1
    if kind == "int":
        return int(text), i + 1
    if kind == "float":
        return float(text), i + 1
    return {"null": None, "true": True, "false": False}[kind], i + 1
