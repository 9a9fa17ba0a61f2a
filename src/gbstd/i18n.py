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


class TextError(ValueError):
    """A ValueError said in both languages. Raised in a pydantic validator, it stays in the error's
    ``ctx["error"]``, where :func:`gbstd.catalog.validation.describe_error` takes its ``text``; pydantic's own
    ``msg`` (and ``str()``) is the English one."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text
