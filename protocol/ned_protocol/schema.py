"""A small declarative schema for message fields: types, ranges, lengths, defaults, variants.

Each field's ``check(value, path)`` returns the cleaned value (defaults filled in, unknown map
keys dropped so that a newer minor version's extra fields are ignored) or raises
:class:`InvalidFieldError` naming the field path, e.g. ``content.source.frames.first``.
"""

from __future__ import annotations

import copy
import math
import re
from typing import Any, Callable, Dict, Iterable, Mapping, Optional

from .exceptions import InvalidFieldError

#: Marks a field that has no default, i.e. is required inside its map.
REQUIRED = object()


def invalid(path: str, expected: str, value: Any) -> InvalidFieldError:
    """An InvalidFieldError with an "expected ... got ..." message naming ``path``."""
    shown = repr(value)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return InvalidFieldError(f"{path}: expected {expected}, got {shown}", details={"field": path})


class Field:
    """Base of all field types. ``default`` is REQUIRED or the value used when the key is absent."""

    def __init__(self, default: Any = REQUIRED):
        self.default = default

    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError


class Str(Field):
    """A string of ``min_len..max_len`` characters, optionally from ``choices`` or matching ``pattern``."""

    def __init__(self, max_len: int = 4096, *, min_len: int = 0, choices: Optional[Iterable[str]] = None,
                 pattern: Optional[str] = None, default: Any = REQUIRED):
        super().__init__(default)
        self.min_len, self.max_len = min_len, max_len
        self.choices = tuple(choices) if choices is not None else None
        self.pattern = re.compile(pattern) if pattern else None

    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise invalid(path, "a string", value)
        if self.choices is not None and value not in self.choices:
            raise invalid(path, f"one of {list(self.choices)}", value)
        if not self.min_len <= len(value) <= self.max_len:
            raise invalid(path, f"a string of {self.min_len}..{self.max_len} characters", value)
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise invalid(path, f"a string matching {self.pattern.pattern}", value)
        return value


class Int(Field):
    """An integer (not a bool) in ``[min_value, max_value]``."""

    def __init__(self, min_value: int = -(1 << 63), max_value: int = (1 << 63) - 1, *, default: Any = REQUIRED):
        super().__init__(default)
        self.min_value, self.max_value = min_value, max_value

    def check(self, value: Any, path: str) -> int:
        if type(value) is not int or not self.min_value <= value <= self.max_value:
            raise invalid(path, f"an integer in [{self.min_value}, {self.max_value}]", value)
        return value


class Float(Field):
    """A finite number (int accepted, returned as float) in ``[min_value, max_value]``."""

    def __init__(self, min_value: float = -math.inf, max_value: float = math.inf, *, default: Any = REQUIRED):
        super().__init__(default)
        self.min_value, self.max_value = min_value, max_value

    def check(self, value: Any, path: str) -> float:
        if type(value) not in (int, float) or not math.isfinite(value) \
                or not self.min_value <= value <= self.max_value:
            raise invalid(path, f"a finite number in [{self.min_value}, {self.max_value}]", value)
        return float(value)


class Bool(Field):
    """true or false."""

    def check(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise invalid(path, "true or false", value)
        return value


class Nullable(Field):
    """``inner`` or null."""

    def __init__(self, inner: Field, *, default: Any = REQUIRED):
        super().__init__(default)
        self.inner = inner

    def check(self, value: Any, path: str) -> Any:
        return None if value is None else self.inner.check(value, path)


class ListOf(Field):
    """A list of ``min_len..max_len`` items, each checked by ``item``."""

    def __init__(self, item: Field, min_len: int = 0, max_len: int = 100_000, *, default: Any = REQUIRED):
        super().__init__(default)
        self.item, self.min_len, self.max_len = item, min_len, max_len

    def check(self, value: Any, path: str) -> list:
        if not isinstance(value, list) or not self.min_len <= len(value) <= self.max_len:
            raise invalid(path, f"a list of {self.min_len}..{self.max_len} items", value)
        return [self.item.check(item, f"{path}[{i}]") for i, item in enumerate(value)]


class AnyMap(Field):
    """A map with string keys whose values are not checked further (e.g. error details)."""

    def check(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise invalid(path, "a map with string keys", value)
        return value


class Map(Field):
    """A map with known keys. Unknown keys are dropped; ``rule`` checks relations between fields.

    Args:
        fields: key -> field; a field without default is required.
        rule: called with the cleaned map and its path; raises InvalidFieldError.
    """

    def __init__(self, fields: Mapping[str, Field], *, rule: Optional[Callable[[dict, str], None]] = None,
                 default: Any = REQUIRED):
        super().__init__(default)
        self.fields, self.rule = dict(fields), rule

    def check(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise invalid(path, "a map", value)
        cleaned: Dict[str, Any] = {}
        for key, field in self.fields.items():
            if key in value:
                cleaned[key] = field.check(value[key], f"{path}.{key}")
            elif field.default is REQUIRED:
                raise InvalidFieldError(f"{path}: missing required field {key!r}", details={"field": f"{path}.{key}"})
            else:
                cleaned[key] = _fresh(field.default)
        if self.rule is not None:
            self.rule(cleaned, path)
        return cleaned


class MapOf(Field):
    """A map of up to ``max_len`` entries, keys checked by ``key`` and values by ``value``."""

    def __init__(self, key: Str, value: Field, max_len: int = 64, *, default: Any = REQUIRED):
        super().__init__(default)
        self.key, self.value, self.max_len = key, value, max_len

    def check(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict) or not 0 < len(value) <= self.max_len:
            raise invalid(path, f"a map of 1..{self.max_len} entries", value)
        return {self.key.check(k, f"{path} key"): self.value.check(v, f"{path}.{k}") for k, v in value.items()}


class AnyOf(Field):
    """The first of ``options`` that accepts the value (e.g. a label or a blend map)."""

    def __init__(self, *options: Field, expected: str, default: Any = REQUIRED):
        super().__init__(default)
        self.options, self.expected = options, expected

    def check(self, value: Any, path: str) -> Any:
        for option in self.options:
            try:
                return option.check(value, path)
            except InvalidFieldError:
                continue
        raise invalid(path, self.expected, value)


class OneOf(Field):
    """One of several maps, chosen by the string value of the ``kind`` key."""

    def __init__(self, variants: Mapping[str, Map], *, default: Any = REQUIRED):
        super().__init__(default)
        self.variants = dict(variants)

    def check(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            raise invalid(path, "a map", value)
        kind = value.get("kind")
        if not isinstance(kind, str) or kind not in self.variants:
            raise invalid(f"{path}.kind", f"one of {list(self.variants)}", kind)
        cleaned = self.variants[kind].check(value, path)
        cleaned["kind"] = kind
        return cleaned


def _fresh(default: Any) -> Any:
    """A copy of a mutable default, so cleaned messages never share lists or maps."""
    return copy.deepcopy(default) if isinstance(default, (list, dict)) else default
