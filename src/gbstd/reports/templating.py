"""Finding and rendering the reports' jinja2 templates, always in jinja2's sandbox, always on plain data.

Templates are looked up, first match wins, in:

1. the catalog's own ``templates/`` directory (next to ``gbstd.toml``): a bureau overrides any file by
   putting one of the same relative name there, e.g. ``templates/bulletin/bulletin.html.j2``;
2. the templates shipped with gbstd: ``templates/`` at the repository root, packaged into the wheel as
   ``gbstd/templates`` (hatch ``force-include``), or read from the source checkout in an editable install.

A catalog's templates come from whoever wrote the pull request, so they are treated as hostile:

* a template (or a static asset, ``site.css``/``site.js``) from the catalog that is a symlink, lies under a
  symlinked directory, or resolves outside the catalog's ``templates/`` is refused (:class:`TemplateOutside`);
* the context is converted by :mod:`gbstd.reports.view` into plain immutable data (strings, numbers, dates,
  tuples, read-only mappings) — no object with methods that reach files, processes or the interpreter;
* rendering uses :class:`jinja2.sandbox.ImmutableSandboxedEnvironment` (no ``_``-attributes, no mutation of
  lists and dicts), without the ``attr`` and ``format`` filters and without ``str.format``/``format_map``
  (format specs reach attributes and build huge strings), and with bounds: ``range`` at most 100 000 items a
  call and 1 000 000 a render, ``{% for %}`` iterations and calls at most 20 million a render, no number argument
  above 100 000 to a filter or method, no string or sequence longer than 16 million items from an operator,
  filter or method, no output above 256 million characters;
* autoescaping for HTML templates (``*.html.j2``), so a record's text can never inject markup or script;
  Markdown templates get the ``md`` filter (:func:`gbstd.tabular.safety.markdown_text`), which neutralises
  inline HTML and Markdown syntax.

Any failure while rendering — syntax, an unknown variable, a sandbox refusal, an exceeded bound, any Python
error the template provoked — is a :class:`jinja2.TemplateError`, shown by :func:`template_error` in one line.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    nodes,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.environment import Environment
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.sandbox import MAX_RANGE, ImmutableSandboxedEnvironment

from gbstd.i18n import Text
from gbstd.reports.view import view_context
from gbstd.tabular.safety import markdown_text

CATALOG_TEMPLATES = "templates"

MAX_ARGUMENT = MAX_RANGE  # a number passed to a filter or method (widths, counts, slices)
MAX_RANGE_TOTAL = 1_000_000  # range() items per render: nested loops cannot multiply without end
MAX_TEXT = 16_000_000  # items in one string or sequence a template computes
MAX_OUTPUT = 256_000_000  # characters one template writes
MAX_INT_BITS = 100_000  # bits of an integer a template computes
MAX_ITERATIONS = 20_000_000  # items all {% for %} loops of one render go through: a few seconds of work


class _Budget:
    """What one render may still spend: range() items and loop iterations."""

    def __init__(self) -> None:
        self.range_items = MAX_RANGE_TOTAL
        self.iterations = MAX_ITERATIONS


_budget: contextvars.ContextVar[_Budget] = contextvars.ContextVar("gbstd_template_budget")


MAX_TEMPLATE_BYTES = 4 * 1024 * 1024  # a catalog's template or asset: the shipped ones are a few kB


class TemplateOutside(SecurityError):
    """A catalog template or asset that is a symlink, not a regular file, resolves outside the catalog's
    ``templates/``, or is too large to read."""

    def __init__(self, rel: str, too_large: bool = False) -> None:
        super().__init__(f"a template or asset must be a regular file inside templates/, not a symlink: {rel}")
        self.rel = rel
        self.too_large = too_large


def builtin_template_dir() -> Path:
    """The templates shipped with gbstd: inside the installed package, else the source checkout's ``templates/``."""
    packaged = resources.files("gbstd") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "templates"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("gbstd's templates are missing from this installation (expected gbstd/templates)")


def template_dirs(catalog_root: Path | None) -> list[Path]:
    dirs = []
    if catalog_root is not None:
        own = catalog_root / CATALOG_TEMPLATES
        if own.is_dir() or own.is_symlink():  # a symlinked templates/ is refused when used, not skipped
            dirs.append(own)
    dirs.append(builtin_template_dir())
    return dirs


def contained(directory: Path, name: str) -> Path | None:
    """``directory/name`` when it is a regular file inside ``directory``; None when there is no such file.

    Raises :class:`TemplateOutside` when ``directory`` itself, any directory on the way or the file is a
    symlink, or the file resolves outside ``directory`` (``..`` included).
    """
    rel = f"{CATALOG_TEMPLATES}/{name}"
    path = directory
    for part in [None, *name.split("/")]:
        if part is not None:
            if part in ("", ".", ".."):
                raise TemplateOutside(rel)
            path = path / part
        if path.is_symlink():
            raise TemplateOutside(rel)
        if not path.exists():
            return None
    if not path.resolve().is_relative_to(directory.resolve()) or not path.is_file():  # a FIFO would hang
        raise TemplateOutside(rel)
    if path.stat().st_size > MAX_TEMPLATE_BYTES:
        raise TemplateOutside(rel, too_large=True)
    return path


class CatalogLoader(FileSystemLoader):
    """The catalog's ``templates/``: like FileSystemLoader, but only regular files inside, no symlinks."""

    def __init__(self, directory: Path) -> None:
        super().__init__(str(directory))
        self.directory = directory

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        contained(self.directory, template)  # raises for a symlink; a missing file falls through below
        return super().get_source(environment, template)


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html", ".htm", ".js.j2"))  # type: ignore[union-attr]


def md_escape(value: object) -> str:
    """The ``md`` filter: any value as Markdown text, by the one escaper of all gbstd's Markdown (a second one
    here kept control characters, let a bare CR split a table row and gave ``<`` a backslash, no escape to
    every renderer)."""
    return markdown_text(str(value))


def _bounded(value: Any) -> Any:
    """``value`` when it is within the bounds a template may build; SecurityError otherwise."""
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > MAX_TEXT:
        raise SecurityError(f"a template built a value of {len(value)} items (at most {MAX_TEXT})")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError(f"a template built a number of {value.bit_length()} bits (at most {MAX_INT_BITS})")
    return value


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
            raise SecurityError(f"number {value} too large for a template call (at most {MAX_ARGUMENT})")


def _bounded_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose extra arguments and result are checked; the piped value itself is data, not checked."""

    @functools.wraps(func)  # keeps jinja's pass_context/pass_eval_context marks
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        _check_arguments(args[2:] if getattr(func, "jinja_pass_arg", None) else args[1:], kwargs)
        return _bounded(func(*args, **kwargs))

    return wrapper


def _budgeted_range(*args: int) -> range:
    _check_arguments(args, {})
    rng = range(*args)
    budget = _budget.get(None)
    if budget is not None:
        budget.range_items -= len(rng)
        if budget.range_items < 0:
            raise SecurityError(f"the template's ranges exceed {MAX_RANGE_TOTAL} items in one render")
    return rng


def _counted(iterable: Any) -> Any:
    """A ``{% for %}`` loop's items, each charged to the render's budget: nested loops over the data or over
    long strings cannot run for hours."""
    budget = _budget.get(None)
    if budget is None:
        return iterable

    def items() -> Iterator[Any]:
        for item in iterable:
            budget.iterations -= 1
            if budget.iterations < 0:
                raise SecurityError(f"the template's loops exceed {MAX_ITERATIONS} iterations in one render")
            yield item

    return items()


def _refused_format(*args: Any, **kwargs: Any) -> str:
    raise SecurityError("str.format and format_map are not available in templates")


class _BoundedCodeGenerator(CodeGenerator):
    """``a ~ b`` (jinja's string concatenation) checked like the intercepted operators."""

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.bounded(")
        super().visit_Concat(node, frame)
        self.write(")")


class CatalogSandbox(ImmutableSandboxedEnvironment):
    """The sandbox every report template renders in (see the module documentation for what it refuses)."""

    code_generator_class = _BoundedCodeGenerator
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.filters["attr"], self.filters["format"]  # attribute names and format specs from the template
        self.filters = {name: _bounded_filter(func) for name, func in self.filters.items()}
        self.globals["range"] = _budgeted_range
        self.globals["lipsum"] = _bounded_filter(self.globals["lipsum"])

    @staticmethod
    def bounded(value: Any) -> Any:
        return _bounded(value)

    counted = staticmethod(_counted)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """Every ``{% for x in items %}`` becomes ``{% for x in environment.counted(items) %}``."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [loop.iter], [], None, None,
                                   lineno=loop.iter.lineno)
        tree.set_environment(self)
        return tree

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "*" and isinstance(left, int | str | list | tuple) and isinstance(right, int | str | list | tuple):
            size = [len(v) if not isinstance(v, int) else v for v in (left, right)]
            if (isinstance(left, int) != isinstance(right, int)) and abs(size[0] * size[1]) > MAX_TEXT:
                raise SecurityError(f"a template repetition of more than {MAX_TEXT} items")
        big_power = isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
        if op == "**" and big_power and left.bit_length() * right > MAX_INT_BITS:
            raise SecurityError(f"a template power of more than {MAX_INT_BITS} bits")
        if op == "%" and isinstance(left, str):
            raise SecurityError("printf-style formatting is not available in templates")
        return _bounded(self.binop_table[op](left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _check_arguments(args, kwargs)
        budget = _budget.get(None)
        if budget is not None:  # a call is a step too: a macro calling itself twice has no loop to count
            budget.iterations -= 1
            if budget.iterations < 0:
                raise SecurityError(f"the template's loops and calls exceed {MAX_ITERATIONS} steps in one render")
        return _bounded(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if super().wrap_str_format(value) is not None:
            return _refused_format
        return None


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> CatalogSandbox:
    builtin = builtin_template_dir()
    loaders: list[BaseLoader] = [FileSystemLoader(str(d)) if d == builtin else CatalogLoader(d) for d in dirs]
    env = CatalogSandbox(
        loader=ChoiceLoader(loaders),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _bounded_filter(md_escape)
    return env


def environment(catalog_root: Path | None) -> CatalogSandbox:
    return _environment(tuple(template_dirs(catalog_root)))


def template_error(exc: TemplateError) -> Text:
    """A template that fails (syntax, unknown variable, sandbox violation, symlink) as a one-line message."""
    if isinstance(exc, TemplateOutside) and exc.too_large:
        limit = MAX_TEMPLATE_BYTES // (1024 * 1024)
        return Text(f"模板或静态文件过大（超过 {limit} MB）：{exc.rel}",
                    f"a template or asset is too large (over {limit} MB): {exc.rel}")
    if isinstance(exc, TemplateOutside):
        return Text(f"模板或静态文件必须是 templates/ 目录内的普通文件，不能是符号链接或指向目录之外：{exc.rel}",
                    f"a template or asset must be a regular file inside templates/, not a symlink "
                    f"or a path leading outside: {exc.rel}")
    where = f"{getattr(exc, 'gbstd_template', '')}: " if getattr(exc, "gbstd_template", None) else ""
    if isinstance(exc, TemplateSyntaxError):
        where = f"{exc.name or exc.filename}:{exc.lineno}: "  # the template's name, not a machine path
    message = " ".join(str(exc.message or exc).split())  # one line, whatever the exception said
    kind = "模板不安全，已被沙箱拒绝" if isinstance(exc, SecurityError) else "模板错误"
    en = "unsafe template refused by the sandbox" if isinstance(exc, SecurityError) else "template error"
    return Text(f"{kind}：{where}{message}", f"{en}: {where}{message}")


class Renderer:
    """One template, looked up and compiled once, rendered on many contexts (the site's pages).

    Each call is a render of its own: a fresh budget, the context converted to view data, the output capped.
    """

    def __init__(self, catalog_root: Path | None, name: str) -> None:
        self.root, self.name = catalog_root, name
        self.template = environment(catalog_root).get_template(name)

    def __call__(self, **context: Any) -> str:
        name = self.name
        token = _budget.set(_Budget())
        try:
            return "".join(_capped(self.template.generate(view_context(self.root, **context)), name))
        except TemplateError as exc:
            exc.gbstd_template = name  # type: ignore[attr-defined]  # which template failed, for the message
            raise
        except Exception as exc:  # whatever the template provoked (TypeError, OverflowError, MemoryError…)
            error = SecurityError(f"{type(exc).__name__}: {exc}")
            error.gbstd_template = name  # type: ignore[attr-defined]
            raise error from None
        finally:
            _budget.reset(token)


def render(catalog_root: Path | None, name: str, **context: Any) -> str:
    """Template ``name`` rendered on ``context`` converted to view data (:func:`gbstd.reports.view.view`)."""
    return Renderer(catalog_root, name)(**context)


def _capped(chunks: Iterator[str], name: str) -> Iterator[str]:
    written = 0
    for chunk in chunks:
        written += len(chunk)
        if written > MAX_OUTPUT:
            raise SecurityError(f"output larger than {MAX_OUTPUT} characters")
        yield chunk


def static_file(catalog_root: Path | None, name: str) -> bytes:
    """A non-template file (CSS, JS) from the first template directory that has it; a catalog's own copy must
    be a regular file inside its ``templates/`` (:func:`contained`)."""
    builtin = builtin_template_dir()
    for directory in template_dirs(catalog_root):
        path = directory / name if directory == builtin else contained(directory, name)
        if path is not None and path.is_file():
            return path.read_bytes()
    raise FileNotFoundError(name)


__all__ = [
    "CatalogSandbox",
    "Renderer",
    "TemplateOutside",
    "builtin_template_dir",
    "contained",
    "environment",
    "md_escape",
    "render",
    "static_file",
    "template_dirs",
    "template_error",
]
