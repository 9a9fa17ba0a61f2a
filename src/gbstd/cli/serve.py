"""``gbstd serve``: start the local web editor over a catalog."""

from __future__ import annotations

import socket
import webbrowser
from typing import Annotated

import typer

from gbstd.catalog.config_file import CatalogError, find_root
from gbstd.catalog.writelock import cross_process
from gbstd.cli.common import (
    CatalogArgument,
    CatalogOption,
    LangChoice,
    LangOption,
    fail,
    fail_if_missing,
    named_catalog,
    stderr,
)
from gbstd.i18n import Lang, Text

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def serve(
    path: CatalogArgument = None,
    catalog: CatalogOption = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="端口 port.")] = 8741,
    host: Annotated[str, typer.Option("--host", help="监听地址 address to listen on (default: this computer only).")] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="在浏览器中打开 open it in the browser.")] = False,
    lang: LangOption = LangChoice.zh,
) -> None:
    """启动本地网页编辑器 — a web editor for the catalog: browse, edit, review, import, commit.

    Listens on 127.0.0.1 (this computer only) unless --host says otherwise. Stop it with Ctrl+C.

    Examples:

        gbstd serve standards

        gbstd serve standards --port 9000 --open
    """
    import uvicorn  # imported here: the other commands do not pay for the web stack

    from gbstd.gcpause import one_command_process
    from gbstd.serve.app import create_app

    one_command_process(False)  # long-lived: the garbage of each request's jobs must still be collected

    language = lang.value
    start = named_catalog(path, catalog, language)
    fail_if_missing(start, language)
    try:
        root = find_root(start)
    except CatalogError as exc:
        fail(exc.text, language)
    hosts = None
    if host not in LOOPBACK:
        stderr.print(Text(
            f"警告：编辑器监听 {host}，网络上的其他人也能访问并修改目录；它没有登录功能",
            f"warning: the editor listens on {host}: others on the network can reach it and change the catalog; "
            "it has no login",
        ).get(language), style="bold yellow", markup=False)
        hosts = ["*"]
    if not cross_process():  # Windows: the catalog's write lock keeps this process's requests apart only
        stderr.print(Text(
            "注意：本系统不支持跨进程文件锁，同一目录上同时运行的另一个 gbstd serve 或 gbstd import 可能覆盖这里保存的修改；"
            "每个目录请只运行一个编辑器",
            "note: this system has no lock between processes, so another gbstd serve or gbstd import running on "
            "the same catalog may overwrite edits saved here; run one editor per catalog",
        ).get(language), style="yellow", markup=False)
    listening = _listen(host, port, language)  # before the address is announced: a port in use is one line
    url = _url(host, port)
    typer.echo(f"gbstd serve: {root.name} → {url}")
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(create_app(root, lang=language, allowed_hosts=hosts), host=host, port=port,
                            log_level="warning")
    uvicorn.Server(config).run(sockets=[listening])


def _url(host: str, port: int) -> str:
    """The address to open: the one listened on, an IPv6 one in brackets (``http://[::1]:8000/``); the
    wildcard addresses (every interface) as this computer's loopback, which they include."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "localhost": "127.0.0.1", "::": "[::1]"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _listen(host: str, port: int, language: Lang) -> socket.socket:
    """The server's socket, bound here rather than by uvicorn, whose failure to bind (a port another program
    uses) is a log line of its own and exit 3; here it is the command's one line, exit 2."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET  # as uvicorn chooses: localhost is IPv4
        listening = socket.socket(family, socket.SOCK_STREAM)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart may rebind
        listening.bind((host, port))
    except OSError as exc:
        reason = exc.strerror or str(exc)
        fail(Text(f"无法在 {host}:{port} 上监听：{reason}（可用 --port 换一个端口）",
                  f"cannot listen on {host}:{port}: {reason} (choose another port with --port)"), language)
    return listening
