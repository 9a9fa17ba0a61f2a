"""Finding and rendering the reports' jinja2 templates, always in jinja2's sandbox.

Templates are looked up, first match wins, in:

1. the catalog's own ``templates/`` directory (next to ``gbstd.toml``): a bureau overrides any file by
   putting one of the same relative name there, e.g. ``templates/bulletin/bulletin.html.j2``;
2. the templates shipped with gbstd: ``templates/`` at the repository root, packaged into the wheel as
   ``gbstd/templates`` (hatch ``force-include``), or read from the source checkout in an editable install.

Rendering uses :class:`jinja2.sandbox.SandboxedEnvironment` — an overriding template cannot reach Python
internals — with autoescaping for HTML templates (``*.html.j2``), so a record's text can never inject markup
or script. Markdown templates get the ``md`` filter, which neutralises inline HTML.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from gbstd.i18n import Text

CATALOG_TEMPLATES = "templates"
_MD_SPECIAL = re.compile(r"([<>&|\\`*_\[\]])")


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
    if catalog_root is not None and (catalog_root / CATALOG_TEMPLATES).is_dir():
        dirs.append(catalog_root / CATALOG_TEMPLATES)
    dirs.append(builtin_template_dir())
    return dirs


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html", ".htm", ".js.j2"))  # type: ignore[union-attr]


def md_escape(value: object) -> str:
    """Text safe in Markdown: inline HTML and table/emphasis syntax are shown, not interpreted."""
    return _MD_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


@lru_cache(maxsize=8)
def _environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in dirs]),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    return env


def environment(catalog_root: Path | None) -> SandboxedEnvironment:
    return _environment(tuple(template_dirs(catalog_root)))


def template_error(exc: TemplateError) -> Text:
    """A template that fails (syntax, unknown variable, sandbox violation) as a one-line message."""
    where = ""
    if isinstance(exc, TemplateSyntaxError):
        where = f"{exc.filename or exc.name}:{exc.lineno}: "
    kind = "模板不安全，已被沙箱拒绝" if isinstance(exc, SecurityError) else "模板错误"
    en = "unsafe template refused by the sandbox" if isinstance(exc, SecurityError) else "template error"
    return Text(f"{kind}：{where}{exc.message or exc}", f"{en}: {where}{exc.message or exc}")


def render(catalog_root: Path | None, name: str, **context: Any) -> str:
    return environment(catalog_root).get_template(name).render(**context)


def static_file(catalog_root: Path | None, name: str) -> bytes:
    """A non-template file (CSS, JS) from the first template directory that has it."""
    for directory in template_dirs(catalog_root):
        path = directory / name
        if path.is_file():
            return path.read_bytes()
    raise FileNotFoundError(name)


__all__ = ["builtin_template_dir", "environment", "md_escape", "render", "static_file", "template_dirs", "template_error"]
