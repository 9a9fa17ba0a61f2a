"""The catalog's configuration, read from ``gbstd.toml`` at the catalog root.

Every option has a default; unknown keys are an error (a typo must not silently disable a check).
Other capabilities add their own section model here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from gbstd.i18n import Text, TextError
from gbstd.model.code import CodePattern, Tier
from gbstd.model.making import Stage, parse_stage
from gbstd.model.standard import TIER_ALIASES

if TYPE_CHECKING:
    import pathspec

Severity = Literal["error", "warning", "info"]
# [0-9]: \d took C００９, a selector no rule code starts with, left to each command to notice (or not)
RULE_SELECTOR = r"^(ALL|[A-Z][0-9]{0,3})$"


class _Section(BaseModel):
    # NaN passes no range: said for what it is. Strict: a value of the wrong TOML type is refused at its line, not
    # coerced (jobs = true ran one process, review_years = "3" passed as 3, abbreviations = "no" was true); an
    # integer where a number is wanted (min_score = 1) is still a number
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


class CatalogSection(_Section):
    """[catalog] where things live in the catalog and how internal codes look."""

    records: str = Field("records", description="标准记录目录 directory of standard records (one per file)")
    plans: str = Field("plans", description="试点方案目录 directory of pilot plans")
    projects: str = Field("projects", description="标准项目目录 directory of standards in the making")
    notes: str = Field("notes", description="通报素材目录 directory of bulletin notes")
    system: str = Field("system.yaml", description="标准体系文件 file with the standard system's modules")
    internal_code_pattern: str | None = Field(
        None,
        description="内部标准号的正则 regular expression for internal codes, e.g. '^HNJGSW \\d+-\\d{4}$'",
    )
    max_file_size: int = Field(
        1_000_000, ge=1, description="单个文件的大小上限（字节） files larger than this are refused"
    )
    cache_dir: str = Field(".gbstd-cache", description="缓存目录 cache directory (keep it in .gitignore)")
    jobs: int = Field(
        0, ge=0, description="读取文件的进程数 processes reading files in large catalogs: 0 = one per core, 1 = none"
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="不属于目录的路径 paths (gitignore-style globs, relative to the catalog root) that are not "
        "catalog files and are not reported as stray, e.g. ['docs/', 'mkdocs.yml']",
    )

    @field_validator("internal_code_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            compile_code_pattern(value)  # a ValueError names the reason
        return value

    @field_validator("exclude")
    @classmethod
    def _globs(cls, values: list[str]) -> list[str]:
        if values:  # (none: pathspec is not even imported)
            exclude_spec(values)  # a ValueError names the pattern
        return values

    @cached_property
    def exclude_spec(self) -> pathspec.GitIgnoreSpec:
        return exclude_spec(self.exclude)

    @cached_property
    def internal_regex(self) -> CodePattern | None:
        return compile_code_pattern(self.internal_code_pattern) if self.internal_code_pattern else None


# Keys of [catalog] that name a file or directory: each must stay inside the catalog root.
PATH_KEYS = ("records", "plans", "projects", "notes", "system", "cache_dir")


def compile_code_pattern(pattern: str) -> CodePattern:
    """Compile ``internal_code_pattern`` with RE2, whose matching time is linear in the input.

    A pull request can change gbstd.toml, and Python's backtracking ``re`` lets a pattern such as
    ``^(A+)+$`` take minutes on a 30-character code; RE2 cannot. What RE2 refuses (backreferences,
    lookaround) is refused here with RE2's reason.
    """
    import re2  # only catalogs with a pattern pay for loading it

    options = re2.Options()
    options.log_errors = False  # the reason goes into our one-line error, not onto stderr
    try:
        return re2.compile(pattern, options=options)  # type: ignore[no-any-return]
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise TextError(Text(
            f"不是 RE2 能编译的正则表达式（{reason}）；RE2 不支持反向引用与环视",
            f"not a regular expression RE2 can compile ({reason}); RE2 has no backreferences or lookaround",
        )) from None


def exclude_spec(patterns: list[str]) -> pathspec.GitIgnoreSpec:
    """``[catalog] exclude`` compiled with pathspec, which follows git's own rules for .gitignore lines
    (negation, ``**``, anchoring, directory-only patterns) that editors already know."""
    import pathspec  # imported here: a catalog without exclusions never needs it

    try:
        return pathspec.GitIgnoreSpec.from_lines(patterns)
    except (ValueError, TypeError) as exc:
        raise TextError(Text(f"不是 gitignore 式的路径模式（{exc}）", f"not a gitignore-style pattern ({exc})")) from None


class LintSection(_Section):
    """[lint] which rules run and how severe they are."""

    select: list[str] = Field(
        default_factory=lambda: ["ALL"],
        description="启用的规则 rule codes or prefixes to run (ALL, C, C00, C001)",
    )
    ignore: list[str] = Field(default_factory=list, description="忽略的规则 rule codes or prefixes to skip")
    severity: dict[str, Severity] = Field(
        default_factory=dict, description="严重级别覆盖 per-rule severity override, e.g. {C009 = 'error'}"
    )

    @field_validator("select", "ignore")
    @classmethod
    def _selectors(cls, values: list[str]) -> list[str]:
        # In any case, as `--select c007` on the command line: `select = ["c007"]` was refused as
        # "not a rule code".
        for value in values:
            if not re.match(RULE_SELECTOR, value.upper()):
                raise TextError(Text(f"{value!r} 不是规则代码或前缀（如 C001、C0、C、ALL）",
                                     f"{value!r} is not a rule code or prefix (e.g. C001, C0, C, ALL)"))
        return [value.upper() for value in values]

    @field_validator("severity", mode="before")
    @classmethod
    def _severity_codes(cls, values: object) -> object:
        """Rule codes in any case, as for select and ignore; one code given twice is refused, never one
        of the two dropped."""
        if not isinstance(values, dict):
            return values  # the type error is pydantic's to say
        upper: dict[object, object] = {}
        for key, value in values.items():
            name = key.upper() if isinstance(key, str) else key
            if name in upper:
                raise TextError(Text(f"{name} 给了两次（大小写不同）", f"{name} is given twice (in upper and lower case)"))
            upper[name] = value
        return upper


class DuplicatesSection(_Section):
    """[duplicates] how `gbstd dupes` and the D rules find duplicate and overlapping standards (重复建设)."""

    min_score: float = Field(
        0.75, ge=0, le=1, description="报告阈值 report pairs scoring at least this (0–1)"
    )
    candidate_jaccard: float = Field(
        0.5, gt=0, le=1,
        description="候选阈值 Jaccard similarity of subject bigrams at which MinHash LSH proposes a pair",
    )
    num_perm: int = Field(128, ge=16, le=512, description="MinHash 排列数 MinHash permutations (more = better recall, slower)")
    max_group: int = Field(
        200, ge=2,
        description="大组上限 a group of records with one subject larger than this is linked to one representative "
        "instead of pairwise",
    )
    subject_weight: float = Field(0.8, ge=0, le=1, description="主题词权重 weight of subject words against the whole title")
    aspect_penalty: float = Field(
        0.85, ge=0, le=1, description="方面词不同的折减 multiplier when two subjects name different aspects (配备/维护)"
    )
    substitution_penalty: float = Field(
        0.9, ge=0, le=1,
        description="替换词折减 multiplier when each subject has words the other lacks (礼堂装修/食堂装修)",
    )
    scope_weight: float = Field(0.25, ge=0, le=1, description="适用范围权重 weight of scope similarity (only raises a score)")
    scope_threshold: float = Field(
        0.85, ge=0, le=1,
        description="适用范围认定阈值 scopes at least this similar make a pair with compatible titles a duplicate",
    )
    scope_substitution_threshold: float = Field(
        0.9, ge=0, le=1,
        description="替换词时的适用范围阈值 the same when each title has a word the other lacks (维修/修缮)",
    )
    scope_candidate_jaccard: float = Field(
        0.8, gt=0, le=1,
        description="适用范围候选阈值 Jaccard similarity of scope bigrams at which MinHash LSH proposes a pair",
    )
    abbreviations: bool = Field(True, description="缩略词 match abbreviations by rule (环保 ≈ 环境保护)")
    thesaurus: bool = Field(True, description="同义词词林 use the thesaurus' equal groups as synonyms (修缮 ≈ 修理)")
    generic_words: list[str] = Field(default_factory=list, description="通用词（追加） extra generic words to ignore")
    domain_words: list[str] = Field(
        default_factory=list, description="机关范围词（追加） extra organisational-scope words to ignore, e.g. 省直机关"
    )
    aspect_words: list[str] = Field(default_factory=list, description="方面词（追加） extra aspect words (配备, 处置…)")
    synonyms: dict[str, str] = Field(default_factory=dict, description="同义词 variants rewritten before comparing, e.g. {公车 = '公务用车'}")

    @field_validator("synonyms")
    @classmethod
    def _synonyms_differ(cls, value: dict[str, str]) -> dict[str, str]:
        for key, target in value.items():
            left, right = unicodedata.normalize("NFKC", key).strip(), unicodedata.normalize("NFKC", target).strip()
            if not left or not right:
                raise TextError(Text(f"同义词为空：{key!r} = {target!r}", f"empty synonym: {key!r} = {target!r}"))
            if left == right:
                raise TextError(Text(f"同义词 {key!r} 映射到自身", f"synonym {key!r} maps to itself"))
        return value

    @field_validator("generic_words", "domain_words", "aspect_words")
    @classmethod
    def _no_empty_words(cls, value: list[str]) -> list[str]:
        if any(not w.strip() for w in value):
            raise TextError(Text("词为空", "empty word"))
        return value


class ReviewPolicy(_Section):
    """[review] how often standards must be reviewed (复审周期) and when a review counts as due.

    The period that applies to a record is the most specific one: its module (or the nearest ancestor module
    in the standard system with an override), else its tier, else ``period_years``.
    """

    period_years: int = Field(
        3, ge=1, le=100, description="复审周期（年） review period in years; Henan's plan: 执行三年以上 → 3"
    )
    tiers: dict[Annotated[Tier, Strict(False)], int] = Field(  # a tier's name is TOML text: read as the enum
        default_factory=dict,
        description="按层级覆盖复审周期 per-tier period in years, e.g. {internal = 2, national = 5}",
    )
    modules: dict[str, int] = Field(
        default_factory=dict,
        description="按体系模块覆盖复审周期 per-module period in years, sub-modules included, "
        'e.g. {"202" = 2}',
    )
    due_soon_months: int = Field(
        6, ge=0, le=120, description="临近到期窗口（月） a review due within this many months is 'due soon'"
    )
    hard_limit_years: int = Field(
        5, ge=1, le=100,
        description="法定上限（年） past this many years without review an overdue review is an error "
        "(Standardisation Law art. 29: at most 5)",
    )
    revise_grace_months: int = Field(
        24, ge=0, le=240,
        description="修订宽限期（月） months after a review concluding 修订 before a missing revised "
        "standard is reported",
    )

    @field_validator("tiers", mode="before")
    @classmethod
    def _tier_names(cls, value: object) -> object:
        # Chinese tier names (地方标准 = local) are accepted as keys, as they are in records.
        if isinstance(value, dict):
            return {TIER_ALIASES[k].value if k in TIER_ALIASES else k: v for k, v in value.items()}
        return value

    @field_validator("tiers", "modules")
    @classmethod
    def _positive(cls, values: dict[object, int]) -> dict[object, int]:
        for key, years in values.items():
            if years < 1:
                name = getattr(key, "value", key)
                raise TextError(Text(f"{name} 的复审周期至少为 1 年", f"the review period for {name} must be at least 1 year"))
        return values

    @model_validator(mode="after")
    def _within_hard_limit(self) -> ReviewPolicy:
        periods = {"period_years": self.period_years}
        periods.update({f"tiers.{t.value}": y for t, y in self.tiers.items()})
        periods.update({f"modules.{m}": y for m, y in self.modules.items()})
        too_long = [f"{name} = {years}" for name, years in periods.items() if years > self.hard_limit_years]
        if too_long:
            raise TextError(Text(
                f"复审周期长于 hard_limit_years = {self.hard_limit_years}：" + "，".join(too_long),
                f"review periods longer than hard_limit_years = {self.hard_limit_years}: " + ", ".join(too_long),
            ))
        return self

    def period_for(self, tier: Tier | None, modules: list[str] | tuple[str, ...] = ()) -> int:
        """The period in years for a record of ``tier`` in ``modules`` (its module first, then ancestors)."""
        for module in modules:
            if module in self.modules:
                return self.modules[module]
        if tier is not None and tier in self.tiers:
            return self.tiers[tier]
        return self.period_years


class PipelineSection(_Section):
    """[pipeline] how long a standard in the making may stay in one stage."""

    stall_months: int = Field(
        12, ge=1, description="停滞月数 months a project may stay in one stage before S005 reports it"
    )
    stage_months: dict[str, int] = Field(
        default_factory=dict,
        description='分阶段停滞月数 per-stage override, e.g. {"征求意见" = 3} or {consultation = 3}',
    )

    @field_validator("stage_months")
    @classmethod
    def _stages(cls, values: dict[str, int]) -> dict[str, int]:
        for name, months in values.items():
            if parse_stage(name) is None:
                raise TextError(Text(f"{name!r} 不是阶段（申报、立项、起草、征求意见、审查、批准发布）",
                                     f"{name!r} is not a stage (申报, 立项, 起草, 征求意见, 审查, 批准发布)"))
            if months < 1:
                raise TextError(Text(f"{name}：月数至少为 1", f"{name}: months must be at least 1"))
        return values

    def months_for(self, stage: Stage) -> int:
        for name, months in self.stage_months.items():
            if parse_stage(name) is stage:
                return months
        return self.stall_months


# A member's name prefixes its files' paths (``河南/records/…``) and names its cache directory, so it must be one
# path segment: no separators, not "." or "..", no leading dot (hidden: skipped by every walk), printable.
MEMBER_NAME_MAX = 64
# Transports git may use for a member: no ext:: (runs a command) or fd::, whatever a pull request writes.
GIT_SCHEMES = ("https://", "http://", "ssh://", "git://", "file://")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:]")  # git@example.org:owner/repo.git


def member_name_problem(name: str) -> Text | None:
    """Why ``name`` cannot name a federation member, or None."""
    if not name.strip():
        return Text("成员名称不能为空", "a member name must not be empty")
    if name != name.strip():
        return Text(f"成员名称 {name!r} 首尾有空格", f"member name {name!r} has leading or trailing spaces")
    if len(name) > MEMBER_NAME_MAX:
        return Text(f"成员名称 {name!r} 超过 {MEMBER_NAME_MAX} 个字符",
                    f"member name {name!r} is longer than {MEMBER_NAME_MAX} characters")
    if "/" in name or "\\" in name:
        return Text(f"成员名称 {name!r} 含路径分隔符（它是文件路径的前缀：只能是一级）",
                    f"member name {name!r} contains a path separator (it prefixes file paths: one segment only)")
    if name.startswith("."):
        return Text(f"成员名称 {name!r} 以点开头（不允许 \".\"、\"..\" 与隐藏名称）",
                    f"member name {name!r} starts with a dot (\".\", \"..\" and hidden names are not allowed)")
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in name):
        return Text(f"成员名称 {name!r} 含控制字符或不可见字符",
                    f"member name {name!r} contains control or invisible characters")
    return None


class Member(_Section):
    """[[federation.members]] one member catalog of a federation (全国一张网): a directory or a git repository."""

    name: str = Field(description="成员名称 member name, the prefix of its files' paths, e.g. 河南")
    path: str | None = Field(None, description="目录 the member catalog's directory, relative to this catalog")
    git: str | None = Field(None, description="git 仓库 URL of the member's repository (https://, ssh://, file://)")
    ref: str | None = Field(None, description="分支、标签或提交 branch, tag or commit to read (default: the remote HEAD)")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        problem = member_name_problem(value)
        if problem:
            raise TextError(problem)
        return value

    @field_validator("git")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith(GIT_SCHEMES) or _SCP_LIKE.match(value)):
            raise TextError(Text(
                f"{value!r} 不是 gbstd 可拉取的 git 地址（https://、http://、ssh://、git://、file:// 或 user@host:path）",
                f"{value!r} is not a git URL gbstd fetches (https://, http://, ssh://, git://, file:// or user@host:path)",
            ))
        return value

    @field_validator("ref")
    @classmethod
    def _ref(cls, value: str | None) -> str | None:
        # Passed to git as an argument: never an option, never two words.
        if value is not None and (not value or value.startswith("-") or any(c.isspace() or ord(c) < 32 for c in value)):
            raise TextError(Text(f"{value!r} 不是分支、标签或提交名", f"{value!r} is not a branch, tag or commit name"))
        return value

    @model_validator(mode="after")
    def _one_source(self) -> Member:
        if (self.path is None) == (self.git is None):
            raise TextError(Text(f"成员 {self.name!r} 须给出 `path` 与 `git` 之一（恰好一个）",
                                 f"member {self.name!r} needs exactly one of `path` and `git`"))
        if self.ref is not None and self.git is None:
            raise TextError(Text(f"成员 {self.name!r}：`ref` 只用于 `git` 成员",
                                 f"member {self.name!r}: `ref` applies to `git` members only"))
        return self

    @property
    def kind(self) -> Literal["path", "git"]:
        return "git" if self.git is not None else "path"


class FederationSection(_Section):
    """[federation] the member catalogs this catalog reads as one (全国一张网)."""

    members: list[Member] = Field(default_factory=list, description="成员目录 member catalogs, each [[federation.members]]")

    @field_validator("members")
    @classmethod
    def _unique(cls, members: list[Member]) -> list[Member]:
        seen: set[str] = set()
        for member in members:
            # Names differing only in case would share a cache directory on case-insensitive file systems.
            folded = unicodedata.normalize("NFKC", member.name).casefold()
            if folded in seen:
                raise TextError(Text(f"两个成员同名 {member.name!r}", f"two members are named {member.name!r}"))
            seen.add(folded)
        return members

    def names(self) -> list[str]:
        return [member.name for member in self.members]


class Config(_Section):
    """gbstd.toml as a whole."""

    catalog: CatalogSection = Field(default_factory=CatalogSection)
    lint: LintSection = Field(default_factory=LintSection)
    duplicates: DuplicatesSection = Field(default_factory=DuplicatesSection)
    review: ReviewPolicy = Field(default_factory=ReviewPolicy)
    pipeline: PipelineSection = Field(default_factory=PipelineSection)
    federation: FederationSection = Field(default_factory=FederationSection)
