"""The settings in force at a bench: the declared defaults, overlaid by one TOML file.

A bench reads one TOML file whose tables mirror the dotted keys::

    [scanner]
    wedge_prefix = "~"
    duplicate_window_ms = 500

A bad file is refused with a message that names the key and the problem. What each key
means, its type and default are declared in ``station.setting_keys``.
"""

import os
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import tomli_w

from station import setting_keys as keys
from station.errors import ConfigError
from station.operators import Role, SignedIn, require

_TYPE_WORDS: dict[type, str] = {str: "text", int: "a whole number", bool: "true or false"}


class Settings:
    """The values in force: the registry's defaults, overlaid by one TOML file."""

    def __init__(
        self,
        values: Mapping[str, Any] | None = None,
        source: str = "defaults",
        file: Path | None = None,
    ) -> None:
        self.source = source
        self.file = file  # where these settings are read from and saved to
        self._values: dict[str, Any] = {key: s.default for key, s in keys.REGISTRY.items()}
        for key, value in (values or {}).items():
            self._values[key] = _validated(key, value, source)

    def __getitem__(self, setting: keys.Setting[keys.T]) -> keys.T:
        value: keys.T = self._values[setting.key]
        return value

    def with_values(self, **changes: Any) -> "Settings":
        """A copy with some keys changed; keys spelled with ``__`` for the dot."""
        values = dict(self._values)
        values.update({key.replace("__", "."): value for key, value in changes.items()})
        return Settings(values, self.source, self.file)

    def changed(self, values: Mapping[str, Any]) -> "Settings":
        """A copy with ``values`` (dotted keys) checked and in force; ConfigError if one is bad."""
        return Settings({**self._values, **values}, "the settings screen", self.file)

    def save(self) -> Path:
        """Write what differs from the defaults to the settings' file, whole or not at all."""
        if self.file is None:
            raise ConfigError("These settings have no file to be saved to.")
        tables: dict[str, dict[str, Any]] = {}
        for key, setting in keys.REGISTRY.items():
            value = self._values[key]
            if value != setting.default:
                table, _, name = key.rpartition(".")
                tables.setdefault(table, {})[name] = value
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            partial = self.file.with_name(self.file.name + ".part")
            with partial.open("w", encoding="utf-8") as out:
                out.write(tomli_w.dumps(tables))
                out.flush()
                os.fsync(out.fileno())
            partial.replace(self.file)
        except OSError as exc:
            raise ConfigError(f"{self.file} cannot be written: {exc}") from exc
        return self.file

    def save_at_bench(self, by: SignedIn | None) -> Path:
        """``save`` from the bench's settings screen, for a supervisor signed in there only:
        the settings name the printers, the scanner and the ERP the bench trusts. (The
        command line, run by whoever owns the station's files, saves with ``save``.)"""
        require(by, Role.SUPERVISOR, action="save the settings")
        return self.save()

    @classmethod
    def load(cls, file: Path, *, required: bool = False) -> "Settings":
        if not file.exists():
            if required:
                raise ConfigError(f"The configuration file {file} does not exist.")
            return cls(source=f"defaults ({file} not present)", file=file)
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file} is not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file} cannot be read: {exc}") from exc
        return cls(dict(_flatten(raw, file)), source=str(file), file=file)


def _flatten(table: Mapping[str, Any], file: Path, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from _flatten(value, file, f"{key}.")
        else:
            yield key, value


def _validated(key: str, value: Any, source: str) -> Any:
    setting = keys.REGISTRY.get(key)
    if setting is None:
        raise ConfigError(f"{source}: unknown setting '{key}'.")
    # bool is a subclass of int in Python; a TOML `true` is not a number of milliseconds.
    if type(value) is not setting.kind:
        raise ConfigError(
            f"{source}: setting '{key}' must be {_TYPE_WORDS[setting.kind]}, got {value!r}."
        )
    problem = setting.check(value) if setting.check else None
    if problem:
        raise ConfigError(f"{source}: setting '{key}' {problem} (got {value!r}).")
    return value


def reference() -> str:
    """The configuration reference as a Markdown table, for the README and ``--help``."""
    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for setting in keys.REGISTRY.values():
        default = setting.default
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif isinstance(default, str):
            shown = f"'{default}'"  # as a TOML literal string: patterns need no escaping
        else:
            shown = str(default)
        shown = shown.replace("|", "\\|")
        lines.append(
            f"| `{setting.key}` | {_TYPE_WORDS[setting.kind]} | `{shown}` | {setting.meaning} |"
        )
    return "\n".join(lines)
