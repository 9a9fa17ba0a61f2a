"""The explicit registry of rules. Adding a rule = a module here + a line in ``ALL_RULES`` + fixtures.

Codes are stable forever: a retired code stays reserved (listed in ``RETIRED``) and is never reused.
Prefixes: Y = file and YAML problems, C = core schema, identity, lifecycle and references, P = pilot plans,
R = review tracking (复审) and implementation evidence,
G = changes since a git revision (only with ``lint --changed-since``),
S = the standard system (coverage, linkage between tiers) and the making of standards (projects),
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
from gbstd.rules.c018_suppression_unknown import SuppressionUnknown
from gbstd.rules.c019_name_line_break import NameLineBreak
from gbstd.rules.c020_name_odd_space import NameOddSpace
from gbstd.rules.d001_duplicate_subject import DuplicateSubject
from gbstd.rules.d002_remakes_upper_tier import RemakesUpperTier
from gbstd.rules.d003_sibling_copy import SiblingCopy
from gbstd.rules.g001_deleted_record import DeletedRecord
from gbstd.rules.g002_code_changed import CodeChanged
from gbstd.rules.g003_status_backwards import StatusBackwards
from gbstd.rules.g004_published_rewritten import PublishedRewritten
from gbstd.rules.p001_phase_order import PhaseOrder
from gbstd.rules.p002_phase_overlap import PhaseOverlap
from gbstd.rules.p003_phase_gap import PhaseGap
from gbstd.rules.p004_task_phase import TaskPhase
from gbstd.rules.p005_deadline_outside_phase import DeadlineOutsidePhase
from gbstd.rules.p006_task_no_deadline import TaskNoDeadline
from gbstd.rules.p007_target_filter import TargetFilter
from gbstd.rules.p008_evidence_unknown import EvidenceUnknown
from gbstd.rules.p009_task_overdue import TaskOverdue
from gbstd.rules.r001_review_overdue import ReviewOverdue
from gbstd.rules.r002_review_past_limit import ReviewPastLimit
from gbstd.rules.r003_review_due_soon import ReviewDueSoon
from gbstd.rules.r004_review_abolish_in_force import ReviewAbolishInForce
from gbstd.rules.r005_review_revise_no_successor import ReviewReviseNoSuccessor
from gbstd.rules.r006_review_date import ReviewDate
from gbstd.rules.r007_zombie_standard import ZombieStandard
from gbstd.rules.s001_module_gap import ModuleGap
from gbstd.rules.s002_module_dead import ModuleDead
from gbstd.rules.s003_linkage_undeclared import LinkageUndeclared
from gbstd.rules.s004_linkage_target import LinkageTarget
from gbstd.rules.s005_project_stalled import ProjectStalled
from gbstd.rules.s006_process_incomplete import ProcessIncomplete
from gbstd.rules.s007_project_covered import ProjectCovered
from gbstd.rules.s008_project_identity import ProjectIdentity
from gbstd.rules.s009_stage_order import StageOrder
from gbstd.rules.s010_framework_module import FrameworkModule
from gbstd.rules.y001_yaml_syntax import YamlSyntax
from gbstd.rules.y002_duplicate_key import DuplicateKey
from gbstd.rules.y003_empty_file import EmptyFile
from gbstd.rules.y004_binary_file import BinaryFile
from gbstd.rules.y005_not_utf8 import NotUtf8
from gbstd.rules.y006_utf8_bom import Utf8Bom
from gbstd.rules.y007_tab_indent import TabIndent
from gbstd.rules.y008_invisible_character import InvisibleCharacter
from gbstd.rules.y009_file_too_large import FileTooLarge
from gbstd.rules.y010_unreadable_file import UnreadableFile
from gbstd.rules.y011_stray_file import StrayFile
from gbstd.rules.y012_tab_whitespace import TabWhitespace
from gbstd.rules.y013_other_line_break import OtherLineBreak

ALL_RULES: tuple[type[Rule], ...] = (
    YamlSyntax, DuplicateKey, EmptyFile, BinaryFile, NotUtf8, Utf8Bom, TabIndent, InvisibleCharacter, FileTooLarge, UnreadableFile, StrayFile,
    TabWhitespace, OtherLineBreak,
    Schema, InvalidCode, FileName, CodeContradiction, CodeYear, PublishedAfterEffective, StatusDates,
    DuplicateCode, DuplicateTitle, SupersessionTarget, SupersessionMismatch, ReplacedInForce,
    SupersessionCycle, ReferenceAbolished, ReferenceUnknown, ModuleMembership, CodeSpelling, SuppressionUnknown,
    NameLineBreak, NameOddSpace,
    DuplicateSubject, RemakesUpperTier, SiblingCopy,
    ModuleGap, ModuleDead, LinkageUndeclared, LinkageTarget, ProjectStalled, ProcessIncomplete, ProjectCovered,
    ProjectIdentity, StageOrder, FrameworkModule,
    PhaseOrder, PhaseOverlap, PhaseGap, TaskPhase, DeadlineOutsidePhase, TaskNoDeadline, TargetFilter,
    EvidenceUnknown, TaskOverdue,
    DeletedRecord, CodeChanged, StatusBackwards, PublishedRewritten,
    ReviewOverdue, ReviewPastLimit, ReviewDueSoon, ReviewAbolishInForce, ReviewReviseNoSuccessor, ReviewDate,
    ZombieStandard,
)  # fmt: skip

# Codes that once existed and must never be reused (none yet).
RETIRED: frozenset[str] = frozenset()

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RETIRED", "RULES_BY_CODE", "Rule", "RuleContext"]
