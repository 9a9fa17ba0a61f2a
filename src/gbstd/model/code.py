"""Standard codes (标准号): parsing, normalisation and what a code says about a standard.

A code such as ``GB/T 41568-2022`` carries its tier (national), nature (recommended), region (for DB codes)
and year of publication. Spellings seen in the wild (em dashes, fullwidth characters, missing spaces,
``GBT``/``DB41T``) are normalised, never rejected; a code that cannot be understood raises
:class:`CodeError` with a bilingual reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from typing import Protocol

from gbstd.i18n import Text
from gbstd.model.regions import PROVINCES, is_valid_region
from gbstd.undecodable import has_undecodable


class CodePattern(Protocol):
    """A compiled ``internal_code_pattern`` (RE2, see :mod:`gbstd.model.config`): only ``fullmatch`` is used."""

    def fullmatch(self, string: str) -> object | None: ...


class Tier(str, Enum):
    """标准层级."""

    NATIONAL = "national"
    INDUSTRY = "industry"
    LOCAL = "local"
    GROUP = "group"
    ENTERPRISE = "enterprise"
    INTERNAL = "internal"

    @property
    def label(self) -> Text:
        return TIER_LABELS[self]


TIER_LABELS: dict[Tier, Text] = {
    Tier.NATIONAL: Text("国家标准", "national"),
    Tier.INDUSTRY: Text("行业标准", "industry"),
    Tier.LOCAL: Text("地方标准", "local"),
    Tier.GROUP: Text("团体标准", "group"),
    Tier.ENTERPRISE: Text("企业标准", "enterprise"),
    Tier.INTERNAL: Text("内部标准", "internal"),
}

# Upper tiers come first: a lower-tier standard should adopt rather than re-make an upper-tier one.
TIER_RANK: dict[Tier, int] = {
    Tier.NATIONAL: 0, Tier.INDUSTRY: 1, Tier.LOCAL: 2, Tier.GROUP: 3, Tier.ENTERPRISE: 4, Tier.INTERNAL: 5,
}  # fmt: skip


class Nature(str, Enum):
    """标准性质."""

    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"
    GUIDANCE = "guidance"

    @property
    def label(self) -> Text:
        return NATURE_LABELS[self]


NATURE_LABELS: dict[Nature, Text] = {
    Nature.MANDATORY: Text("强制性", "mandatory"),
    Nature.RECOMMENDED: Text("推荐性", "recommended"),
    Nature.GUIDANCE: Text("指导性", "guidance"),
}

# Industry standard prefixes (行业标准代号) approved by SAC. Kept as data: the list is long and grows.
INDUSTRY_PREFIXES: frozenset[str] = frozenset(
    ["AQ", "BB", "CB", "CH", "CJ", "CY", "DA", "DB", "DL", "DZ", "EJ", "FZ", "GA", "GD", "GH", "GM", "GY", "HB", "HG", "HJ", "HS", "HY", "JB", "JC", "JG", "JR", "JT", "JY", "LB", "LD", "LS", "LY", "MH", "MT", "MZ", "NB", "NY", "QB", "QC", "QJ", "QX", "RB", "SB", "SC", "SF", "SH", "SJ", "SL", "SN", "SW", "SY", "TB", "TD", "TY", "WB", "WH", "WJ", "WM", "WS", "WW", "XB", "XF", "YB", "YC", "YD", "YJ", "YS", "YY", "YZ", "ZY", "JGJ", "CJJ", "JTG", "CECS"]
)

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe58\ufe63\uff0d"
_DASH_RE = re.compile(f"[{_DASHES}]")
_SPACE_RE = re.compile(r"\s+")
# [0-9], not \d, in every pattern here: NFKC makes fullwidth digits (４１５６８) ASCII, but \d took the digits of
# other scripts that NFKC leaves (٤١٥٦٨, २०२२), and a code GB/T ٤١٥٦٨-٢٠٢٢ was canonical, its file GB-T-_____-____.yaml
_NUMBER_YEAR = r"(?P<number>[0-9]+(?:\.[0-9]+)*)-(?P<year>[0-9]{4}|[0-9]{2})"

# A code as normalised, complete but for its year: DB41/T 2397, GB/T 29118, HNJGSW 302.
_UNDATED_RE = re.compile(r"[A-Z]+[0-9]*(?:/[A-Z])? ?[0-9]+(?:\.[0-9]+)*")
_GB_RE = re.compile(rf"^GB(?:/?(?P<suffix>[TZ]))? ?{_NUMBER_YEAR}$")
_DB_RE = re.compile(rf"^DB(?P<region>[0-9]{{2}}|[0-9]{{4}}|[0-9]{{6}})(?:/?(?P<suffix>[TZ]))? ?{_NUMBER_YEAR}$")
_INDUSTRY_RE = re.compile(rf"^(?P<prefix>[A-Z]{{2,4}})(?:/(?P<suffix>[TZ]))? ?{_NUMBER_YEAR}$")
_ORG_RE = re.compile(rf"^(?P<kind>[TQ])/(?P<org>[A-Z][A-Z0-9]*?) ?{_NUMBER_YEAR}$")
# The prefix is the shortest that leaves a number, as for an unknown prefix: HNJGSW102-2022 is HNJGSW 102.
_INTERNAL_RE = re.compile(rf"^(?P<prefix>[A-Z][A-Z0-9]*?(?:/[A-Z0-9]+)?) ?{_NUMBER_YEAR}$")
# Looks like a code under a prefix nobody registered (often an internal code such as HNJGSW 101-2022).
# The prefix is the shortest that leaves a number (HNJGSW102-2022: HNJGSW, not HNJGSW10).
_UNKNOWN_PREFIX_RE = re.compile(rf"^(?P<prefix>[A-Z][A-Z0-9]{{1,15}}?)(?:/[TZ])? ?{_NUMBER_YEAR}$")


# A national or local code already as normalise_spelling leaves it (ASCII, one space, nothing around "/" and "-"):
# "GB/T 41568-2022", "DB41/T 2144-2021", "DB4103 12-2019". Read by the same rules as _GB_RE and _DB_RE.
_NORMAL_GB_DB_RE = re.compile(
    r"(?:GB(?:/([TZ]))?|DB([0-9]{2}|[0-9]{4}|[0-9]{6})(?:/([TZ]))?) ([0-9]+(?:\.[0-9]+)*)-([0-9]{4}|[0-9]{2})"
)


def _canonical(prefix: str, suffix: str, number: str, year_text: str) -> str:
    """``GB/T 41568-2022``: the code as gbstd writes it."""
    head = f"{prefix}/{suffix}" if suffix else prefix
    return f"{head} {number}-{year_text}"


class CodeError(ValueError):
    """A code that cannot be understood; ``reason`` says why in both languages."""

    def __init__(self, raw: str, reason: Text) -> None:
        super().__init__(f"{raw!r}: {reason.en}")
        self.raw = raw
        self.reason = reason


@dataclass(frozen=True)
class StandardCode:
    """A parsed, normalised standard code."""

    prefix: str  # "GB", "DB41", "DB4103", "JT", "T/CAGA", "Q/ABC", "HNJGSW"
    suffix: str  # "T", "Z" or ""
    number: str  # "41568", "1.1"
    year_text: str  # as written: "2022" or "80"
    tier: Tier
    region: str | None  # division code for DB codes
    # ``GB/T 41568-2022``: made once, with the code (every record's key, read by most rules; a cached_property
    # takes a lock on each first access before Python 3.12, at 100 000 records a tenth of a second per load)
    canonical: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "canonical", _canonical(self.prefix, self.suffix, self.number, self.year_text))

    @classmethod
    def _made(cls, prefix: str, suffix: str, number: str, year_text: str, tier: Tier, region: str | None) -> StandardCode:
        """``cls(...)`` without the frozen dataclass's ``object.__setattr__`` per field: a load makes one code a
        record (100 000 at national scale), and that was a third of parsing one."""
        code = object.__new__(cls)
        code.__dict__.update(prefix=prefix, suffix=suffix, number=number, year_text=year_text, tier=tier,
                             region=region, canonical=_canonical(prefix, suffix, number, year_text))
        return code

    @property
    def year(self) -> int:
        if len(self.year_text) == 4:
            return int(self.year_text)
        # Two-digit years predate 2000 in practice (GB 2312-80); codes switched to four digits in 1990s.
        return 1900 + int(self.year_text)

    @property
    def nature(self) -> Nature | None:
        """Nature follows from the suffix; group, enterprise and internal codes have none of their own."""
        if self.suffix == "T":
            return Nature.RECOMMENDED
        if self.suffix == "Z":
            return Nature.GUIDANCE
        if self.tier in (Tier.NATIONAL, Tier.LOCAL, Tier.INDUSTRY):
            return Nature.MANDATORY
        if self.tier in (Tier.GROUP, Tier.ENTERPRISE):
            return Nature.RECOMMENDED
        return None

    @property
    def filename(self) -> str:
        """A file name derived from the code, safe on every file system: ``GB-T-41568-2022.yaml``."""
        return filename_stem(self.canonical) + ".yaml"

    def __str__(self) -> str:
        return self.canonical

    @classmethod
    def parse(cls, raw: str, internal_pattern: CodePattern | None = None, *, seen_again: bool = True) -> StandardCode:
        """Parse any common spelling of a code.

        ``internal_pattern`` is the catalog's pattern for its own internal codes (matched against the
        normalised spelling); without it, codes outside the public prefixes are rejected. ``seen_again``:
        whether the spelling is likely to be parsed again in this process (False for a record's own code,
        unique in its catalog: remembering 100 000 of them in a bounded cache costs a quarter of a second).
        """
        if not isinstance(raw, str):
            raise CodeError(str(raw), Text("标准号必须是文本", "a code must be text"))
        if not seen_again:
            return cls._parse(raw, internal_pattern)
        # A national catalog repeats the same few thousand referenced codes; parse each spelling once.
        parsed = _parse_cached(raw, internal_pattern)
        if isinstance(parsed, Text):
            raise CodeError(raw, parsed)
        return parsed

    @classmethod
    def _parse(cls, raw: str, internal_pattern: CodePattern | None) -> StandardCode:
        if m := _NORMAL_GB_DB_RE.fullmatch(raw):  # the spelling of nearly every code of a catalog: one match
            gb_suffix, region, db_suffix, number, year = m.groups()
            if region is None:
                return cls._made("GB", gb_suffix or "", number, year, Tier.NATIONAL, None)
            if is_valid_region(region):
                return cls._made(f"DB{region}", db_suffix or "", number, year, Tier.LOCAL, region)
        return cls._parse_spelling(raw, internal_pattern)

    @classmethod
    def _parse_spelling(cls, raw: str, internal_pattern: CodePattern | None) -> StandardCode:
        """Any spelling: normalised first, then read by the first pattern that matches."""
        text = normalise_spelling(raw)
        if not text:
            raise CodeError(raw, Text("标准号为空", "the code is empty"))
        if has_undecodable(text):  # bytes of a command-line argument that are not UTF-8 (the internal pattern's
            # engine refuses them): no code holds one
            raise CodeError(raw, Text("标准号含有非 UTF-8 字节", "the code holds bytes that are not UTF-8"))
        if m := _GB_RE.match(text):
            return cls("GB", m["suffix"] or "", m["number"], m["year"], Tier.NATIONAL, None)
        if m := _DB_RE.match(text):
            region = m["region"]
            if not is_valid_region(region):
                raise CodeError(
                    raw,
                    Text(
                        f"DB{region} 不是有效的行政区划代码（省级代码见 GB/T 2260）",
                        f"DB{region} is not a valid administrative division (province codes: GB/T 2260)",
                    ),
                )
            return cls(f"DB{region}", m["suffix"] or "", m["number"], m["year"], Tier.LOCAL, region)
        if (m := _ORG_RE.match(text)) and m["kind"] in "TQ":
            tier = Tier.GROUP if m["kind"] == "T" else Tier.ENTERPRISE
            return cls(f"{m['kind']}/{m['org']}", "", m["number"], m["year"], tier, None)
        if (m := _INDUSTRY_RE.match(text)) and m["prefix"] in INDUSTRY_PREFIXES:
            return cls(m["prefix"], m["suffix"] or "", m["number"], m["year"], Tier.INDUSTRY, None)
        if internal_pattern is not None and internal_pattern.fullmatch(text):
            m = _INTERNAL_RE.match(text)
            if m:
                return cls(m["prefix"], "", m["number"], m["year"], Tier.INTERNAL, None)
            raise CodeError(
                raw,
                Text("内部标准号须为“代号 顺序号-年份”", "an internal code must read 'PREFIX NUMBER-YEAR'"),
            )
        if _UNDATED_RE.fullmatch(text):  # DB41/T 2397: the year is what is missing, not the region
            raise CodeError(
                raw,
                Text(
                    f"标准号 {text} 缺少年份，应为 {text}-年份",
                    f"the code {text} has no year; expected {text}-YYYY",
                ),
            )
        if text.startswith("DB") and text[2:3].isdigit():  # DB٤١ too: told what a DB code holds
            raise CodeError(
                raw,
                Text(
                    "地方标准号应为 DB+2或4位行政区划代码，如 DB41/T 2144-2021",
                    "a local code is DB + a 2- or 4-digit division code, e.g. DB41/T 2144-2021",
                ),
            )
        if m := _UNKNOWN_PREFIX_RE.match(text):
            hint = (  # with a pattern set, asking to set one would send the user the wrong way
                Text("，也不符合 gbstd.toml 的 internal_code_pattern（内部标准号）",
                     ", and not an internal code either: it does not match internal_code_pattern in gbstd.toml")
                if internal_pattern is not None else
                Text("；内部标准请在 gbstd.toml 中设置 internal_code_pattern",
                     "; for internal standards set internal_code_pattern in gbstd.toml")
            )
            raise CodeError(raw, Text(f"未知的标准代号 {m['prefix']}{hint.zh}", f"unknown prefix {m['prefix']}{hint.en}"))
        raise CodeError(
            raw,
            Text(
                "无法识别的标准号，应为“代号[/T] 顺序号-年份”，如 GB/T 41568-2022",
                "not a standard code; expected 'PREFIX[/T] NUMBER-YEAR', e.g. GB/T 41568-2022",
            ),
        )


@lru_cache(maxsize=1 << 17)
def _parse_cached(raw: str, internal_pattern: CodePattern | None) -> StandardCode | Text:
    """The parsed code, or the reason it cannot be parsed (a new :class:`CodeError` is raised each time)."""
    try:
        return StandardCode._parse(raw, internal_pattern)
    except CodeError as exc:
        return exc.reason


_SLASH_RE = re.compile(r" ?/ ?")
_HYPHEN_RE = re.compile(r" ?- ?")
_GB_SLASH_RE = re.compile(r"^GB([TZ])(?=[ 0-9])")
_DB_SLASH_RE = re.compile(r"^(DB[0-9]{2}(?:[0-9]{2}){0,2})([TZ])(?=[ 0-9])")


# A spelling that every step of normalise_spelling leaves as it is (ASCII capitals, digits, one space, no
# space beside "/" or "-"), unless it is GBT 123 / DB41T 123: nearly every code of a catalog, which then
# costs one match instead of NFKC and six substitutions.
_NORMAL_RE = re.compile(r"[A-Z0-9]+(?:/[A-Z0-9]+)? [0-9.]+-[0-9]+")


@lru_cache(maxsize=1 << 17)
def normalise_spelling(raw: str) -> str:
    """Undo the usual variations: fullwidth forms, dashes, odd spacing, GBT/DB41T."""
    if _NORMAL_RE.fullmatch(raw) and not _GB_SLASH_RE.match(raw) and not _DB_SLASH_RE.match(raw):
        return raw
    return _normalise(raw)


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw)
    text = _DASH_RE.sub("-", text).upper().strip()
    text = _SPACE_RE.sub(" ", text)
    text = _SLASH_RE.sub("/", text)
    text = _HYPHEN_RE.sub("-", text)
    # GBT 123 / GBZ 123 / DB41T 123 are GB/T, GB/Z, DB41/T with the slash dropped.
    text = _GB_SLASH_RE.sub(r"GB/\1", text)
    text = _DB_SLASH_RE.sub(r"\1/\2", text)
    return text


def filename_stem(canonical: str) -> str:
    """``GB/T 41568-2022`` → ``GB-T-41568-2022``; anything outside [A-Za-z0-9.-] becomes ``_``."""
    stem = canonical.replace("/", "-").replace(" ", "-")
    return re.sub(r"[^A-Za-z0-9.\-]", "_", stem)


def try_parse(raw: str, internal_pattern: CodePattern | None = None) -> StandardCode | None:
    try:
        return StandardCode.parse(raw, internal_pattern)
    except CodeError:
        return None


__all__ = [
    "INDUSTRY_PREFIXES",
    "PROVINCES",
    "TIER_RANK",
    "CodeError",
    "Nature",
    "StandardCode",
    "Tier",
    "filename_stem",
    "normalise_spelling",
    "try_parse",
]
