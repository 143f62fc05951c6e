"""One user-facing string in the three languages of the booth.

The booth speaks Simplified Chinese (``zh_CN``, the source language), English (``en``)
and Traditional Chinese as written in Hong Kong (``zh_HK``). Everything a citizen reads
that comes from data rather than from Qt's translation files (catalog names, rating
levels, material names) is a :class:`Text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["zh_CN", "en", "zh_HK"]
LANGS: tuple[Lang, ...] = ("zh_CN", "en", "zh_HK")


@dataclass(frozen=True, slots=True)
class Text:
    """A string in zh_CN, en and zh_HK."""

    zh_CN: str
    en: str
    zh_HK: str

    def get(self, lang: str) -> str:
        """The string in ``lang``; an unknown language falls back to zh_CN.

        Locale spellings are accepted too (``zh-HK``, ``en_US``, ``zh_TW`` -> zh_HK).
        """
        norm = lang.replace("-", "_")
        if norm.startswith("en"):
            return self.en
        if norm in ("zh_HK", "zh_TW", "zh_MO", "zh_Hant"):
            return self.zh_HK
        return self.zh_CN

    def to_json(self) -> dict[str, str]:
        return {"zh_CN": self.zh_CN, "en": self.en, "zh_HK": self.zh_HK}

    @classmethod
    def from_json(cls, doc: dict[str, str]) -> Text:
        return cls(zh_CN=doc["zh_CN"], en=doc["en"], zh_HK=doc["zh_HK"])
