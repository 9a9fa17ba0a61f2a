"""The explicit registry of rules. Adding a rule = a module here + a line in ``ALL_RULES`` + fixtures.

Codes are stable forever: a retired code stays reserved (listed in ``RETIRED``) and is never reused.
Prefixes: Y = file and YAML problems, C = core schema, identity, lifecycle and references,
D = duplicate and overlapping standards (重复建设).
"""

from __future__ import annotations

from gbstd.rules.base import Rule, RuleContext
from gbstd.rules.c001_schema import Schema
from gbstd.rules.c002_invalid_code import InvalidCode
from gbstd.rules.c003_file_name import FileName
from gbstd.rules.c004_code_contradiction import CodeContradiction
from gbstd.rules.c005_code_year import CodeYear
from gbstd.rules.c006_published_after_effective import PublishedAfterEffective
from gbstd.rules.c007_status_dates import StatusDates
from gbstd.rules.c008_duplicate_code import DuplicateCode
from gbstd.rules.c009_duplicate_title import DuplicateTitle
from gbstd.rules.c010_supersession_target import SupersessionTarget
from gbstd.rules.c011_supersession_mismatch import SupersessionMismatch
from gbstd.rules.c012_replaced_in_force import ReplacedInForce
from gbstd.rules.c013_supersession_cycle import SupersessionCycle
from gbstd.rules.c014_reference_abolished import ReferenceAbolished
from gbstd.rules.c015_reference_unknown import ReferenceUnknown
from gbstd.rules.c016_module import ModuleMembership
from gbstd.rules.c017_code_spelling import CodeSpelling
from gbstd.rules.d001_duplicate_subject import DuplicateSubject
from gbstd.rules.d002_remakes_upper_tier import RemakesUpperTier
from gbstd.rules.d003_sibling_copy import SiblingCopy
from gbstd.rules.y001_yaml_syntax import YamlSyntax
from gbstd.rules.y002_duplicate_key import DuplicateKey
from gbstd.rules.y003_empty_file import EmptyFile
from gbstd.rules.y004_binary_file import BinaryFile
from gbstd.rules.y005_not_utf8 import NotUtf8
from gbstd.rules.y006_utf8_bom import Utf8Bom
from gbstd.rules.y007_tab_indent import TabIndent
from gbstd.rules.y009_file_too_large import FileTooLarge
from gbstd.rules.y010_unreadable_file import UnreadableFile

ALL_RULES: tuple[type[Rule], ...] = (
    YamlSyntax, DuplicateKey, EmptyFile, BinaryFile, NotUtf8, Utf8Bom, TabIndent, FileTooLarge, UnreadableFile,
    Schema, InvalidCode, FileName, CodeContradiction, CodeYear, PublishedAfterEffective, StatusDates,
    DuplicateCode, DuplicateTitle, SupersessionTarget, SupersessionMismatch, ReplacedInForce,
    SupersessionCycle, ReferenceAbolished, ReferenceUnknown, ModuleMembership, CodeSpelling,
    DuplicateSubject, RemakesUpperTier, SiblingCopy,
)  # fmt: skip

# Codes that once existed and must never be reused (none yet; Y008 was never assigned).
RETIRED: frozenset[str] = frozenset()

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RETIRED", "RULES_BY_CODE", "Rule", "RuleContext"]
