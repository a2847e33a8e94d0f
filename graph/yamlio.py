"""YAML parsing shared by everything that reads YAML (front matter, corpus.yaml, profiles, links.yaml, the
linker's examples, uploads): LibYAML's C loader when present (faster), safe always, and no aliases.

Aliases are refused before any value is built: nine lines of ``&a [*b, *b, …]`` are 400 bytes that expand to
billions of values (5 GB and a MemoryError) the moment anything walks, prints or copies them. The corpus and
profiles never need them; a refusal names the alias and its line, and every caller adds the file's name.
"""

from __future__ import annotations

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AliasRefused(yaml.MarkedYAMLError):
    """The text uses a YAML alias (``*name``); ``problem_mark`` is where."""

    def __str__(self) -> str:
        m = self.problem_mark
        return f"{self.problem} (line {m.line + 1}, column {m.column + 1})" if m else str(self.problem)


# ValueError: e.g. `date: 2023-02-30` (a timestamp that is no date); RecursionError: nesting thousands deep
ERRORS = (yaml.YAMLError, ValueError, RecursionError)


def _refuse_aliases(text: str) -> None:
    """One pass over the parser's events (linear, nothing built): AliasRefused at the first alias."""
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise AliasRefused(problem=f"the alias *{event.anchor} is refused (aliases can expand a few hundred "
                                       "bytes into gigabytes); write the value out instead of using & and *",
                               problem_mark=event.start_mark)


def load(text: str):
    """One YAML document as plain Python values (no tags that construct objects, no aliases)."""
    _refuse_aliases(text)
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - SafeLoader / CSafeLoader only build plain values


def compose(text: str) -> yaml.Node | None:
    """One YAML document as its node tree, with line numbers (no aliases)."""
    _refuse_aliases(text)
    return yaml.compose(text, Loader=SafeLoader)


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text, or a ValueError that names the file, the byte and its offset."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{name}: is not UTF-8 text (invalid byte 0x{raw[e.start]:02x} at offset {e.start}); save it as UTF-8"
        ) from e
