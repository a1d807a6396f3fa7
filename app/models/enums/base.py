"""The labelled enum every enumeration of the platform is, and the registry of its labels."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Self

#: (enum class, code) -> Chinese label, filled by each module with :func:`label_members`.
_LABELS: dict[tuple[type[StrEnum], str], str] = {}


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Chinese label."""

    @property
    def label(self) -> str:
        # Keyed by class too: members of different enums with equal values are equal strings.
        return _LABELS.get((type(self), self.value), self.value)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_code(cls, value: str | None) -> Self | None:
        """The member with this code (a query parameter, a form value), or None."""
        return cls._value2member_map_.get(value or "")  # type: ignore[return-value]

    @classmethod
    def _missing_(cls, value: object) -> LabelledEnum | None:
        # People (forms, spreadsheets) write the Chinese label: 许可 means TransferMode.LICENSE.
        if isinstance(value, str):
            for member in cls:
                if member.label == value.strip():
                    return member
        return None


def label_members(pairs: Iterable[tuple[StrEnum, str]]) -> None:
    """Give each member its Chinese label."""
    _LABELS.update({(type(member), member.value): text for member, text in pairs})
