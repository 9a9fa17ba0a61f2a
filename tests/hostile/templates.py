"""A hostile catalog's templates, assets and codes (issue 20, items 1, 2 and 6): on a copy of the sample catalog,
through the real CLI. Templates see plain data only; escape payloads end in exit 2 with one line and write
nothing; symlinked templates and assets are refused; colliding and over-long page names neither overwrite a
page nor leave a half-written site."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2
import pytest
from typer.testing import CliRunner

from gbstd.cli.app import app
from gbstd.reports import templating
from gbstd.reports.view import ViewError, is_plain, view

SAMPLE = Path(__file__).resolve().parents[2] / "standards"
runner = CliRunner()


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(SAMPLE, root, ignore=shutil.ignore_patterns(".gbstd-cache"))
    return root


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def site(root: Path, out: Path, *extra: str) -> Any:
    return run("report", "site", str(root), "-o", str(out), "--as-of", "2026-01-01", *extra)


def bulletin(root: Path, out: Path, fmt: str) -> Any:
    with warnings.catch_warnings():  # matplotlib's missing-CJK-glyph warnings are not the command's output
        warnings.simplefilter("ignore", UserWarning)
        return run("report", "bulletin", str(root), "-p", "2023H2", "-f", fmt, "-o", str(out), "--as-of", "2026-01-01")


def tree(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` with its content (symlinks as their target), to prove nothing was written."""
    files = {}
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            file = Path(dirpath) / name
            files[file.relative_to(path).as_posix()] = (
                os.readlink(file).encode() if file.is_symlink() else file.read_bytes())
    return files


def one_line_error(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("gbstd:")
    return lines[0]


# --- 1. templates see data, not objects ---------------------------------------------------------------------


def capture_contexts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Record every context handed to a jinja2 template (whatever calls it)."""
    seen: list[tuple[str, dict[str, Any]]] = []
    original = jinja2.Template.generate

    def generate(self: jinja2.Template, *args: Any, **kwargs: Any) -> Iterator[str]:
        seen.append((self.name or "?", dict(*args, **kwargs)))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "generate", generate)
    monkeypatch.setattr(jinja2.Template, "render", lambda self, *a, **k: "".join(generate(self, *a, **k)))
    return seen


def not_plain(value: object, where: str = "") -> Iterator[str]:
    """Where in ``value`` something that is not plain view data sits."""
    if type(value) in (str, int, float, bool, type(None), dt.date, dt.datetime):
        return
    if type(value) is tuple:
        for index, item in enumerate(value):  # type: ignore[arg-type]
            yield from not_plain(item, f"{where}[{index}]")
    elif type(value) is MappingProxyType:
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                yield f"{where} key {key!r}"
            yield from not_plain(item, f"{where}.{key}")
    else:
        yield f"{where}: {type(value).__name__}"


def test_every_template_context_is_plain_data(catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = capture_contexts(monkeypatch)
    assert site(catalog, tmp_path / "site").exit_code == 0
    for fmt in ("md", "html"):
        assert bulletin(catalog, tmp_path / f"b.{fmt}", fmt).exit_code == 0
    names = {name for name, _ in seen}
    assert {"site/index.html.j2", "site/standard.html.j2", "bulletin/bulletin.md.j2",
            "bulletin/bulletin.html.j2"} <= names
    assert len(seen) > 20  # the index, every standard page, both bulletins
    problems = [f"{name}: {p}" for name, context in seen for key, value in context.items()
                for p in not_plain(value, key)]
    assert problems == []
    index = next(context for name, context in seen if name == "site/index.html.j2")
    first = index["pages"][0]
    assert isinstance(first["record"]["path"], str) and first["record"]["path"].startswith("records/")
    assert "/" not in first["record"]["path"][:1]  # relative to the catalog root, not an absolute path
    assert "root" not in first["record"] and "where" not in first["record"]  # the machine's paths stay out
    assert isinstance(first["record"]["key"], str) and first["record"]["key"]  # a remembered property, shown


def test_view_converts_objects_and_refuses_what_it_cannot(tmp_path: Path) -> None:
    converted = view({"p": tmp_path / "records" / "a.yaml", "l": [1, {"x"}], "d": dt.date(2024, 1, 2)}, tmp_path)
    assert converted == {"p": "records/a.yaml", "l": (1, ("x",)), "d": dt.date(2024, 1, 2)}
    assert is_plain(converted) and not is_plain({"a": 1}) and not is_plain([1])
    for hostile in (tmp_path.parent / "outside.yaml", open, object(), b"bytes", {1.5: "key"}):
        with pytest.raises(ViewError):
            view(hostile, tmp_path)


PAYLOADS = {
    "path read_text": "{{ pages[0].record.path.joinpath('/etc/passwd').read_text() }}",
    "path write_text": "{{ pages[0].record.path.joinpath('PWNED').write_text('import os') }}",
    "path via index": "{{ pages[0]['record']['path'].parent }}",
    "attr filter": "{{ pages[0] | attr('record') }}",
    "attr dunder": "{{ '' | attr('__class__') }}",
    "str.format": "{{ '{0.__class__.__mro__}'.format(pages) }}",
    "format_map": "{{ '{p}'.format_map({'p': pages}) }}",
    "format width": "{{ '{0:>999999999}'.format(1) }}",
    "format filter": "{{ '%999999999d' | format(1) }}",
    "printf": "{{ '%999999999d' % 1 }}",
    "class mro subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals via function": "{{ pages.__len__.__globals__ }}",
    "cycler internals": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "joiner internals": "{{ joiner().__call__.__globals__ }}",
    "namespace internals": "{% set ns = namespace() %}{{ ns.__class__.__init__.__globals__ }}",
    "lipsum globals": "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "template reference": "{{ self._TemplateReference__context }}",
    "huge range": "{{ range(10**9) | length }}",
    "nested ranges": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "nested loops over text": "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
    "nested loops over data": "{% for a in pages %}{% for b in range(99999) %}{% for c in pages %}{% endfor %}"
                              "{% endfor %}{% endfor %}",
    "macro fan-out": "{% macro f(n) %}{% if n < 40 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}",
    "endless recursion": "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "string repetition": "{{ 'x' * 10**9 }}",
    "wide center": "{{ 'x' | center(999999999) }}",
    "doubling concat": "{% set ns = namespace(s='xxxxxxxx') %}{% for i in range(40) %}"
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}",
    "big power": "{{ 7 ** 10000000 }}",
    "pydantic model": "{{ pages[0].record.standard.model_dump() }}",
    "record object": "{{ pages[0].record.standard.__class__ }}",
    "include outside": "{% include '../../../../etc/passwd' %}",
    "mutating data": "{{ pages[0].fields.append(1) }}",
}


WRAPPER = '{% extends "site/base.html.j2" %}{% set root = "" %}{% block main %}PAYLOAD{% endblock %}'


def test_payload_wrapper_renders_when_harmless(catalog: Path, tmp_path: Path) -> None:
    """The control for the payloads below: the same override with harmless content renders."""
    override = catalog / "templates" / "site" / "index.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text(WRAPPER.replace("PAYLOAD", "<p>{{ pages[0].record.path }} {{ pages | length }}</p>"),
                        encoding="utf-8")
    result = site(catalog, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "<p>records/" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", PAYLOADS)
def test_template_escape_payloads_exit_2_and_write_nothing(
    name: str, catalog: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templating, "MAX_ITERATIONS", 2_000_000)  # the same refusal, sooner (20 million: ~3 s)
    pwned = tmp_path / "pwned.pth"
    payload = PAYLOADS[name].replace("PWNED", str(pwned))
    override = catalog / "templates" / "site" / "index.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text(WRAPPER.replace("PAYLOAD", payload), encoding="utf-8")
    before = tree(tmp_path)
    result = site(catalog, tmp_path / "site")
    line = one_line_error(result)
    print(name, "→", line)
    assert "模板" in line and "'root'" not in line
    assert not (tmp_path / "site").exists() and not pwned.exists()
    assert tree(tmp_path) == before  # no output, no temporary directory left, nothing elsewhere
    assert "root:" not in result.output  # /etc/passwd never read


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_bulletin_payloads_exit_2_and_write_nothing(fmt: str, catalog: Path, tmp_path: Path) -> None:
    pwned = tmp_path / "pwned.pth"
    for payload in ("{{ doc.bulletin.period.__class__ }}", "{{ doc | attr('title') }}",
                    "{{ doc.notes_source.joinpath('x').write_text('y') }}", "{{ range(10**9) | list }}"):
        override = catalog / "templates" / "bulletin" / f"bulletin.{fmt}.j2"
        override.parent.mkdir(parents=True, exist_ok=True)
        override.write_text(payload, encoding="utf-8")
        before = tree(tmp_path)
        out = tmp_path / f"bulletin.{fmt}"
        line = one_line_error(bulletin(catalog, out, fmt))
        assert "模板" in line
        assert not out.exists() and not pwned.exists() and tree(tmp_path) == before


def test_english_error_for_a_refused_template(catalog: Path, tmp_path: Path) -> None:
    override = catalog / "templates" / "site" / "index.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text("{{ ''.__class__.__mro__ }}", encoding="utf-8")
    line = one_line_error(site(catalog, tmp_path / "site", "--lang", "en"))
    assert "unsafe template refused by the sandbox" in line


def test_what_held_still_holds(catalog: Path, tmp_path: Path) -> None:
    """HTML escaping, javascript:/data: links dropped, data that looks like Jinja stays literal."""
    rel = "records/national/GB-T-41568-2022.yaml"
    lines = (catalog / rel).read_text(encoding="utf-8").splitlines()
    scope = '"{{ 7*7 }} {% raw %} <script>alert(2)</script> {{ pages[0].record.path }}"'
    lines = [f"scope: {scope}" if line.startswith("scope:") else line for line in lines]
    at = lines.index("sources:") + 1
    lines[at:at] = ["  - javascript:alert(1)", "  - data:text/html,<script>x</script>"]
    text = "\n".join(lines) + "\n"
    (catalog / rel).write_text(text, encoding="utf-8")
    assert site(catalog, tmp_path / "site").exit_code == 0
    page = (tmp_path / "site" / "standards" / "GB-T-41568-2022.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }} {% raw %} &lt;script&gt;alert(2)&lt;/script&gt; {{ pages[0].record.path }}" in page
    assert "<script>alert(2)" not in page and "49" not in page.split("适用范围")[1][:40]
    assert 'href="javascript:' not in page and 'href="data:' not in page
    assert '<p class="file">记录文件：<code>records/national/GB-T-41568-2022.yaml</code></p>' in page


# --- 2. templates and assets stay inside the catalog ----------------------------------------------------------


@pytest.mark.parametrize("rel", ["site/site.css", "site/site.js", "site/index.html.j2", "site/base.html.j2",
                                 "site/standard.html.j2"])
def test_symlinked_template_or_asset_is_refused(rel: str, catalog: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET {{ 1 }}", encoding="utf-8")
    link = catalog / "templates" / rel
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    before = tree(tmp_path)
    line = one_line_error(site(catalog, tmp_path / "site"))
    assert f"templates/{rel}" in line and "符号链接" in line
    assert not (tmp_path / "site").exists() and tree(tmp_path) == before


def test_symlink_inside_the_catalog_is_refused_too(catalog: Path, tmp_path: Path) -> None:
    """A symlink is refused even when it points inside templates/: a link can be re-pointed later."""
    own = catalog / "templates" / "site"
    own.mkdir(parents=True)
    (own / "real.css").write_text("body{}", encoding="utf-8")
    (own / "site.css").symlink_to(own / "real.css")
    line = one_line_error(site(catalog, tmp_path / "site", "--lang", "en"))
    assert "templates/site/site.css" in line and "symlink" in line


@pytest.mark.parametrize("which", ["site", "templates"])
def test_symlinked_directory_is_refused(which: str, catalog: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "site").mkdir(parents=True)
    (outside / "site" / "site.css").write_text("TOP-SECRET", encoding="utf-8")
    if which == "site":
        (catalog / "templates").mkdir()
        (catalog / "templates" / "site").symlink_to(outside / "site", target_is_directory=True)
    else:
        (catalog / "templates").symlink_to(outside, target_is_directory=True)
    one_line_error(site(catalog, tmp_path / "site"))
    assert not (tmp_path / "site").exists()


def test_symlinked_bulletin_template_is_refused(catalog: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.j2"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    (catalog / "templates" / "bulletin").mkdir(parents=True)
    (catalog / "templates" / "bulletin" / "bulletin.md.j2").symlink_to(secret)
    out = tmp_path / "b.md"
    line = one_line_error(bulletin(catalog, out, "md"))
    assert "templates/bulletin/bulletin.md.j2" in line
    assert not out.exists()


def test_fifo_or_huge_template_is_refused(catalog: Path, tmp_path: Path) -> None:
    own = catalog / "templates" / "site"
    own.mkdir(parents=True)
    os.mkfifo(own / "site.js")  # reading it would hang
    line = one_line_error(site(catalog, tmp_path / "site"))
    assert "templates/site/site.js" in line
    (own / "site.js").unlink()
    (own / "index.html.j2").write_bytes(b"x" * (templating.MAX_TEMPLATE_BYTES + 1))
    line = one_line_error(site(catalog, tmp_path / "site", "--lang", "en"))
    assert "too large" in line and "templates/site/index.html.j2" in line
    assert not (tmp_path / "site").exists()


def test_regular_override_still_works(catalog: Path, tmp_path: Path) -> None:
    own = catalog / "templates" / "site"
    own.mkdir(parents=True)
    (own / "site.css").write_text("body { color: teal }", encoding="utf-8")
    (own / "index.html.j2").write_text(
        '{% extends "site/base.html.j2" %}{% set root = "" %}{% block main %}<p id="n">{{ pages | length }}'
        "{% for p in pages %}{% if loop.first %} {{ p.code }} {{ p.record.rel }}{% endif %}{% endfor %}</p>"
        "{% endblock %}", encoding="utf-8")
    assert site(catalog, tmp_path / "site").exit_code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert '<p id="n">' in index and "records/" in index
    assert (tmp_path / "site" / "assets" / "site.css").read_text(encoding="utf-8") == "body { color: teal }"


# --- 6. collisions and long names on the site -----------------------------------------------------------------


def test_colliding_page_names_keep_both_pages(catalog: Path, tmp_path: Path) -> None:
    real = catalog / "records" / "national" / "GB-T-41568-2022.yaml"
    fake = catalog / "records" / "national" / "aaa-fake.yaml"
    text = real.read_text(encoding="utf-8")
    fake.write_text(text.replace("code: GB/T 41568-2022", "code: GB/T-41568-2022")
                    .replace("title: ", "title: 冒名", 1), encoding="utf-8")
    assert "code: GB/T-41568-2022" in fake.read_text(encoding="utf-8")
    result = site(catalog, tmp_path / "site")
    assert result.exit_code == 0, result.output
    assert "records/national/aaa-fake.yaml" in result.output and "records/national/GB-T-41568-2022.yaml" in result.output
    pages = sorted(p.name for p in (tmp_path / "site" / "standards").glob("GB-T-41568-2022*.html"))
    assert len(pages) == 2 and pages[0] == "GB-T-41568-2022.html" and pages[1].startswith("GB-T-41568-2022~")
    plain = (tmp_path / "site" / "standards" / "GB-T-41568-2022.html").read_text(encoding="utf-8")
    # the real one keeps its page (the copy may be listed on it as a same-code duplicate, never as its heading)
    heading = re.search(r"<h1>(.*?)</h1>", plain, re.S)
    assert "records/national/GB-T-41568-2022.yaml" in plain and heading and "冒名" not in heading.group(1)
    other = (tmp_path / "site" / "standards" / pages[1]).read_text(encoding="utf-8")
    other_heading = re.search(r"<h1>(.*?)</h1>", other, re.S)
    assert "records/national/aaa-fake.yaml" in other and other_heading and "冒名" in other_heading.group(1)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="standards/{pages[1]}"' in index and 'href="standards/GB-T-41568-2022.html"' in index
    # stable: the same name on the next run
    assert site(catalog, tmp_path / "site").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "site" / "standards").glob("GB-T-41568-2022*.html")) == pages


def test_over_long_code_gets_a_short_stable_page_name(catalog: Path, tmp_path: Path) -> None:
    code = "GB/T " + "9" * 300 + "-2022"
    (catalog / "records" / "national" / "long.yaml").write_text(
        f"code: {code}\ntitle: 超长标准号\nstatus: 现行\n", encoding="utf-8")
    result = site(catalog, tmp_path / "site")
    assert result.exit_code == 0, result.output
    names = [p.name for p in (tmp_path / "site" / "standards").iterdir() if "~" in p.name]
    assert len(names) == 1 and len(names[0]) <= 110
    page = (tmp_path / "site" / "standards" / names[0]).read_text(encoding="utf-8")
    assert code in page


def test_failed_site_leaves_the_previous_site_whole(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert site(catalog, out).exit_code == 0
    before = tree(out)
    standard = catalog / "templates" / "site" / "standard.html.j2"
    standard.parent.mkdir(parents=True)
    standard.write_text("{% if page.code.startswith('T/') %}{{ page.nothing }}{% endif %}ok", encoding="utf-8")
    one_line_error(site(catalog, out))  # fails on a page after the index and other pages were rendered
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == []  # no temporary left


def test_site_refuses_to_replace_a_directory_it_did_not_write(catalog: Path, tmp_path: Path) -> None:
    out = tmp_path / "www"
    out.mkdir()
    (out / "precious.txt").write_text("keep me", encoding="utf-8")
    line = one_line_error(site(catalog, out))
    assert "不是 gbstd 生成的网站" in line
    assert (out / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in out.iterdir()) == ["precious.txt"]
