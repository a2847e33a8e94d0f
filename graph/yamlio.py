"""YAML parsing shared by ingest and profiles: LibYAML's C loader when present (faster), safe always."""

from __future__ import annotations

import yaml

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# ValueError: e.g. `date: 2023-02-30` (a timestamp that is no date); RecursionError: nesting thousands deep
ERRORS = (yaml.YAMLError, ValueError, RecursionError)


def load(text: str):
    """One YAML document as plain Python values (no tags that construct objects)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - SafeLoader / CSafeLoader only build plain values


def decode(raw: bytes, name: str) -> str:
    """UTF-8 text, or a ValueError that names the file, the byte and its offset."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"{name}: is not UTF-8 text (invalid byte 0x{raw[e.start]:02x} at offset {e.start}); save it as UTF-8"
        ) from e
