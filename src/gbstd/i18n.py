"""Bilingual text. Messages are built in both languages and chosen at the edge (``--lang``)."""

from __future__ import annotations

from typing import Literal, NamedTuple

Lang = Literal["zh", "en"]


class Text(NamedTuple):
    """A message in Chinese and English; ``str()`` gives the Chinese one."""

    zh: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh

    def __str__(self) -> str:
        return self.zh
