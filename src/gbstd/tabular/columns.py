"""The columns of the 标准体系明细表 (catalog table), with the header spellings accepted on import.

The same list drives export (``gbstd report catalog``) and import (``gbstd import``): a column exported is
a column read back. Columns outside this list are kept per record in ``extra`` and exported after 备注.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gbstd.i18n import Lang


@dataclass(frozen=True)
class Column:
    """One column: a stable key, its Chinese and English headers, and other spellings seen in the wild."""

    key: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()

    def header(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.zh


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "No.", ("no", "#", "seq", "index", "编号序号")),
    Column(
        "module",
        "体系编号",
        "Module",
        ("体系表编号", "模块编号", "体系号", "体系代码", "module id", "system code"),
    ),
    Column(
        "code",
        "标准号",
        "Code",
        ("标准编号", "标准代号", "标准代号及编号", "standard code", "standard no", "standard number"),
    ),
    Column("title", "标准名称", "Title", ("名称", "标准中文名称", "standard title", "name")),
    Column("tier", "标准层级", "Tier", ("层级", "标准级别", "级别", "标准类型", "level")),
    Column("nature", "标准性质", "Nature", ("性质", "标准属性")),
    Column("status", "状态", "Status", ("标准状态", "现行状态")),
    Column(
        "published", "发布日期", "Published", ("发布时间", "publication date", "date published", "issued")
    ),
    Column("effective", "实施日期", "Effective", ("实施时间", "effective date", "implementation date")),
    Column("abolished", "废止日期", "Abolished", ("废止时间", "abolition date", "withdrawn")),
    Column("replaces", "代替标准", "Replaces", ("代替", "替代标准", "代替标准号")),
    Column("references", "引用标准", "References", ("规范性引用文件", "引用文件", "normative references")),
    Column("issuer", "发布部门", "Issuer", ("发布单位", "发布机构", "发布机关", "issued by", "issuing body")),
    Column(
        "administering_body", "归口单位", "Administering body", ("归口部门", "技术归口", "administered by")
    ),
    Column("drafters", "起草单位", "Drafters", ("主要起草单位", "drafting units", "drafted by")),
    Column("scope", "适用范围", "Scope", ("范围", "主要内容")),
    Column(
        "review_date",
        "最近复审日期",
        "Last review",
        ("复审日期", "最近复审时间", "复审时间", "last reviewed", "review date"),
    ),
    Column("review_conclusion", "复审结论", "Review conclusion", ("最近复审结论", "conclusion")),
    Column("note", "备注", "Note", ("notes", "remark", "remarks", "说明")),
)

COLUMN_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}

# Without these a row cannot become a record: the code names the file, the title is required.
REQUIRED_KEYS: tuple[str, ...] = ("code", "title")


# Characters that show as nothing and change nothing shown (zero-width space, joiners, the left-to-right and
# right-to-left marks, word joiner, a byte-order mark), pasted with text from a web page: a character-class body.
ZERO_WIDTH = "\u200b-\u200f\u2060\ufeff"


def fold_header(text: str) -> str:
    """Compare headers loosely: fullwidth → ASCII, no spaces, no zero-width characters (pasted from a web page
    with the header), no required-markers (*), case-insensitive."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[（(](必填|选填|可选|required|optional)[)）]", "", folded)
    return re.sub(rf"[\s*:：_{ZERO_WIDTH}]+", "", folded).rstrip(".")


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _spelling in (_column.zh, _column.en, _column.key, *_column.aliases):
        _LOOKUP.setdefault(fold_header(_spelling), _column.key)


# A header written in both languages, one after the other (标准号⏎Code, 发布日期 Publication date, No. 序号): the
# Chinese run and the Latin run, split where the script changes.
_BILINGUAL = (
    re.compile(r"([^A-Za-z]*[\u3400-\u9fff][^A-Za-z]*)([A-Za-z][^\u3400-\u9fff]*)", re.S),
    re.compile(r"([^\u3400-\u9fff]*[A-Za-z][^\u3400-\u9fff]*?)([\u3400-\u9fff][^A-Za-z]*)", re.S),
)


def column_for(header: str) -> Column | None:
    """The known column a header names, in any accepted spelling, or in both languages when each names the same
    column; None for an unknown column."""
    key = _LOOKUP.get(fold_header(header))
    if key is None:
        text = unicodedata.normalize("NFKC", header)
        for form in _BILINGUAL:
            if (halves := form.fullmatch(text)) and (zh := _LOOKUP.get(fold_header(halves[1]))) == _LOOKUP.get(
                fold_header(halves[2])
            ):
                key = zh
                break
    return COLUMN_BY_KEY[key] if key else None


# A note in brackets after a column's name, as bureaus head their tables: 标准编号（代号）, 发布日期【年月日】 (folded:
# fullwidth brackets are ASCII by then). A note naming another language makes another column: 标准名称（英文）.
_NOTED = re.compile(r"(?P<name>.+?)[(\[【〔](?P<note>[^()\[\]【】〔〕]*)[)\]】〕]")
_OTHER_LANGUAGE = re.compile(r"英|外文|english|^en$")


def noted_column(header: str) -> Column | None:
    """The known column a header names with a note in brackets after the name (标准编号（代号）); None for any
    other header. Weaker than :func:`column_for`: a header naming the column outright takes it first."""
    noted = _NOTED.fullmatch(fold_header(header))
    if noted is None or _OTHER_LANGUAGE.search(noted["note"]):
        return None
    key = _LOOKUP.get(noted["name"])
    return COLUMN_BY_KEY[key] if key else None


# A header that names an ``extra`` key outright, whatever the key reads like: ``附加:说明`` is the key 说明,
# never the 备注 column that 说明 is another name of. The export writes such a key so.
_EXTRA_PREFIXES = ("附加:", "附加：", "extra:")
# The member column a federation's table adds after 序号: no extra key may take its header.
MEMBER_HEADER = {"zh": "成员", "en": "Member"}
EXTRA_PREFIX = {"zh": "附加:", "en": "extra:"}


def explicit_extra(header: str) -> str | None:
    """The ``extra`` key a header marked with an extra prefix names; None for any other header."""
    for prefix in _EXTRA_PREFIXES:
        if header[: len(prefix)].casefold() == prefix:
            return header[len(prefix):]
    return None


def extra_header(key: str, lang: str) -> str:
    """The header an ``extra`` key is exported under: the key itself, unless it would read as a known column,
    as another extra key or as no header at all (the table could not be imported again)."""
    if key.strip() and column_for(key) is None and explicit_extra(key) is None and key not in MEMBER_HEADER.values():
        return key
    return EXTRA_PREFIX.get(lang, EXTRA_PREFIX["zh"]) + key
