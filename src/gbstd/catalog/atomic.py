"""Atomic writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gbstd.i18n import Text


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8", *, fsync: bool = True,
                 unchanged: Callable[[Path], bool] | None = None) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path``.

    ``fsync=False`` skips forcing the data to disk first: for caches, where losing the file is harmless.
    ``unchanged`` is asked of ``path`` once the new text is on disk, just before the rename: False (the file is
    not as it was read: another program wrote it since) raises :class:`ChangedMeanwhile`, nothing written.
    """
    tmp = _write_temporary(path, data.encode(encoding) if isinstance(data, str) else data, fsync)
    try:
        if unchanged is not None and not unchanged(path):
            raise ChangedMeanwhile(path)
        _take_place(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write a file that must not exist yet: FileExistsError when it does, even when another process makes it
    between the caller's check and this write (a rename would replace that one without a word). The text is
    written beside it and hard-linked into place, which fails rather than replaces; where the file system has
    no hard links, the file is created exclusively and written in place."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    tmp = _write_temporary(path, payload, True)
    try:
        os.chmod(tmp, 0o644)
        try:
            os.link(tmp, path)
            return
        except FileExistsError:
            raise
        except (OSError, AttributeError):  # no hard links here (FAT, some network shares): created exclusively
            pass
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
        except BaseException:
            Path(path).unlink(missing_ok=True)
            raise
    finally:
        Path(tmp).unlink(missing_ok=True)


def through_link(path: Path, within: Path | None = None) -> Path:
    """Where a write of ``path`` lands: the file a symbolic link leads to (the link stays a link; renaming
    over the link would put a regular file in its place and leave its target as it was). With ``within`` (a
    catalog's root), only a link to a file that exists inside it is followed: a write never lands outside the
    catalog through a link someone committed (one leading nowhere, or out, is replaced by the file)."""
    if not os.path.islink(path):
        return path
    target = Path(os.path.realpath(path))
    if within is not None and not (target.is_file() and target.is_relative_to(os.path.realpath(within))):
        return path
    return target


# How long a pipe named for output may take to get its reader (one started beside gbstd, a shell's >(…) has
# it already); then the write is refused rather than left waiting for one that never comes.
PIPE_READER_WAIT = 1.0


class NotAnOutput(OSError):
    """An output named by the user that is there and is no place to write a file into (``text``: why)."""

    def __init__(self, path: Path, text: Text) -> None:
        super().__init__(errno.EINVAL, text.en, str(path))
        self.text = text


def write_output(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write a file the user named for a command's output (``-o``): replaced atomically when it is a regular
    file or new, and through a symbolic link (the link stays, its target is replaced); written into when it is
    a character device or a pipe with a reader (``/dev/stdout``, ``/dev/null``, a shell's process substitution),
    since renaming over one would put a regular file in its place — as root, even over ``/dev/null``. A
    directory is IsADirectoryError (not the rename's EBUSY when it is ``.``). A pipe
    nothing reads (within :data:`PIPE_READER_WAIT`), a block device or a socket is refused
    (:class:`NotAnOutput`): the write would wait forever, overwrite a disk, or fail."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    try:
        mode = os.stat(path).st_mode  # of what a link leads to
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):  # renaming a file over it: EISDIR, or EBUSY for "." and ".."
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if mode is not None and not stat.S_ISREG(mode):
        with _opened_for_output(path, mode) as handle:
            handle.write(payload)
        return
    write_atomic(through_link(path), payload)


def _opened_for_output(path: Path, mode: int) -> BinaryIO:
    if stat.S_ISBLK(mode):
        raise NotAnOutput(path, Text("它是块设备（磁盘），不会把输出写在上面", "it is a block device (a disk): output is not "
                                     "written over one"))
    if stat.S_ISSOCK(mode):
        raise NotAnOutput(path, Text("它是套接字，不能当作文件写入", "it is a socket, which cannot be written as a file"))
    if not stat.S_ISFIFO(mode) or not hasattr(os, "O_NONBLOCK"):
        return open(path, "wb")
    # opened without waiting: a FIFO nothing reads makes a plain open wait for a reader, for ever
    deadline = time.monotonic() + PIPE_READER_WAIT
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            if time.monotonic() >= deadline:
                raise NotAnOutput(path, Text(
                    "它是命名管道（FIFO），没有程序在读取，写入会一直等下去；请先启动读取它的程序，或换一个文件名",
                    "it is a named pipe (FIFO) that nothing is reading, so the write would wait forever: start its "
                    "reader first, or name a file",
                )) from None
            time.sleep(0.02)
    os.set_blocking(fd, True)  # written as any pipe is, however much the reader lags
    return os.fdopen(fd, "wb")


def _write_temporary(path: Path, data: bytes, fsync: bool) -> str:
    """``data`` in a new temporary file beside ``path`` (forced to disk with ``fsync``): its name. Nothing is
    left behind when it fails. A file ``path`` that is read-only is refused (PermissionError) first: the rename
    needs only the directory's permission, so a file someone made read-only (a version control that locks files
    until they are checked out, a record frozen by hand) was replaced without a word."""
    _refuse_read_only(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if fsync:
                handle.flush()
                os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _refuse_read_only(path: Path) -> None:
    """PermissionError when ``path`` is a regular file without write permission (for whoever runs this, or, as
    root, for anyone: root may write any file, yet one with every write bit off was made read-only on purpose)."""
    try:
        info = os.stat(path)
    except OSError:
        return
    if stat.S_ISREG(info.st_mode) and (not info.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise PermissionError(errno.EACCES, f"{os.strerror(errno.EACCES)} (read-only file)", str(path))


def _take_place(tmp: str, path: Path) -> None:
    """Rename a written temporary file over ``path``, keeping the mode of the file it replaces (0644 if none)."""
    os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
    os.replace(tmp, path)


def write_atomic_many(
    items: Iterable[tuple[Path, str]], encoding: str = "utf-8", on_written: Callable[[], None] | None = None,
    *, unchanged: Callable[[Path], bool] | None = None,
) -> None:
    """:func:`write_atomic` for many files, made durable together: each text goes to a temporary file beside
    its path, one ``sync`` then puts them all on disk (an ``fsync`` each for a few files, or where the platform
    has no ``sync``), and only then is each renamed over its path. An fsync per file cost 4.3 s for 10 000
    small files, the whole batch 0.9 s. Until the renames nothing has changed; a failure (or Ctrl-C) before
    them leaves every path as it was and removes the temporary files; one during them leaves the files renamed
    so far, each whole. ``on_written`` is called after each temporary file. ``unchanged`` is asked of every
    path once all are on disk and before any is renamed: False for one (it is not as it was read) raises
    :class:`ChangedMeanwhile` for it, and no file is written."""
    _write_together(items, encoding, on_written, None, unchanged)


def unwritable_reason(exc: OSError, target: object) -> Text:
    """Why ``target`` could not be written, naming the path that failed when it is another: a directory on the
    way that is a file ("File exists" read as if the output were there), the output that is a directory (a
    rename names its temporary file first, the user's path second)."""
    if isinstance(exc, (NotAnOutput, ChangedMeanwhile)):
        return exc.text
    reason = Text(exc.strerror or str(exc), exc.strerror or str(exc))
    culprit = exc.filename2 if exc.filename2 is not None else exc.filename
    if isinstance(exc, IsADirectoryError):
        return Text(f"{culprit or target} 是目录", f"{culprit or target} is a directory")
    if culprit is None or os.path.abspath(culprit) == os.path.abspath(str(target)):
        return reason
    if isinstance(exc, FileExistsError) and not os.path.isdir(culprit):
        return Text(f"{culprit} 是文件，不是目录", f"{culprit} is a file, not a directory")
    if isinstance(exc, NotADirectoryError) and (blocker := file_on_the_way(culprit)) is not None:
        # a directory made below a file (a Markdown bulletin's charts beside it): the file is what is in the
        # way, not the directory the system names with its untranslated "Not a directory"
        return Text(f"{blocker} 是文件，不是目录", f"{blocker} is a file, not a directory")
    return Text(f"{culprit}：{reason.zh}", f"{culprit}: {reason.en}")


def file_on_the_way(path: str | bytes | os.PathLike[str]) -> str | None:
    """The nearest ancestor of ``path`` that exists and is not a directory, as written in ``path``."""
    here = Path(os.fsdecode(path))
    for ancestor in here.parents:
        if str(ancestor) in ("", ".") or not os.path.lexists(ancestor):
            continue
        return None if os.path.isdir(ancestor) else str(ancestor)
    return None


def written_before(exc: OSError, root: Path) -> Text:
    """After :func:`write_atomic_many` failed: the files it had already put in place (each whole: a failure
    while renaming), or that it wrote none (a failure before, its temporary files removed)."""
    written = [Path(path) for path in getattr(exc, "written", [])]
    if not written:
        return Text("；未写完的文件已删除，没有写入任何文件", "; unfinished files were removed, no file was written")
    names = [path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path) for path in written]
    shown = names[:5] + (["…"] if len(names) > 5 else [])
    return Text(f"；此前已写入 {len(names)} 个文件（{'、'.join(shown)}），其余未写",
                f"; written before it: {len(names)} file{'s' if len(names) > 1 else ''} ({', '.join(shown)}), "
                "the rest were not")


class ChangedMeanwhile(OSError):
    """A file rewritten from what was read of it had changed (or gone) since: the new text is not put in its
    place, or an edit saved meanwhile would be lost (``text``: what is said of it)."""

    def __init__(self, path: Path) -> None:
        self.text = Text("读取后文件已被修改或删除，未覆盖；请重新运行",
                         "the file changed or was removed after it was read; not overwritten, run again")
        super().__init__(errno.EAGAIN, self.text.en, str(path))


def holds_bytes(path: Path, content: bytes | None) -> bool:
    """Whether ``path`` holds exactly ``content`` (None: whether there is no file): a rewrite's ``unchanged``
    check, just before its rename, of a file whose bytes were kept when it was read."""
    try:
        return path.read_bytes() == content
    except FileNotFoundError:
        return content is None
    except OSError:  # unreadable: not the file that was read
        return False


def write_atomic_each(
    items: Iterable[tuple[Path, str]], encoding: str = "utf-8", *, unchanged: Callable[[Path], bool] | None = None,
    renaming: Callable[[], AbstractContextManager[object]] | None = None,
) -> list[tuple[Path, OSError]]:
    """:func:`write_atomic_many` for files that do not depend on each other: a file that cannot be written (a
    read-only directory, a full disk) is left as it was and returned with the reason, and the others are written
    all the same — still made durable together before the renames (:func:`write_atomic_many`). Ctrl-C before
    the renames leaves every file as it was. ``unchanged`` is asked of each path just before its rename: False
    (the file is not as it was read) leaves it as it is now, returned with :class:`ChangedMeanwhile`.
    ``renaming()`` (a lock), when there is anything to rename, is held over the checks and the renames only, not
    while the texts are made; an error entering it leaves every file as it was."""
    failed: list[tuple[Path, OSError]] = []
    _write_together(items, encoding, None, failed, unchanged, renaming)
    return failed


def _write_together(
    items: Iterable[tuple[Path, str]], encoding: str, on_written: Callable[[], None] | None,
    failed: list[tuple[Path, OSError]] | None, unchanged: Callable[[Path], bool] | None = None,
    renaming: Callable[[], AbstractContextManager[object]] | None = None,
) -> None:
    """Temporary files, made durable, then renamed into place; a file that cannot be written goes into ``failed``
    with the reason (None: the error is raised, and the temporary files not renamed yet are removed)."""
    pending: list[tuple[str, Path]] = []
    done = 0  # pending[:done] have taken their paths or been given up
    try:
        for path, text in items:
            try:
                pending.append((_write_temporary(path, text.encode(encoding), False), path))
            except OSError as exc:
                if failed is None:
                    raise
                failed.append((path, exc))
                continue
            if on_written is not None:
                on_written()
        _make_durable([tmp for tmp, _ in pending])
        with renaming() if renaming is not None and pending else contextlib.nullcontext():
            if unchanged is not None and failed is None:  # all or nothing: every file as read before any is renamed
                for _, path in pending:
                    if not unchanged(path):
                        raise ChangedMeanwhile(path)
            for tmp, path in pending:
                try:
                    if unchanged is not None and failed is not None and not unchanged(path):
                        raise ChangedMeanwhile(path)
                    _take_place(tmp, path)
                except OSError as exc:
                    if failed is None:
                        exc.written = [taken for _, taken in pending[:done]]  # type: ignore[attr-defined]
                        raise
                    Path(tmp).unlink(missing_ok=True)
                    failed.append((path, exc))
                done += 1
    finally:
        for tmp, _ in pending[done:]:
            Path(tmp).unlink(missing_ok=True)


# Up to this many files are forced to disk one by one; more by one ``sync`` of everything (an fsync each cost
# 4.3 s for 10 000 small files, one sync 0.09 s), which for a file or two would flush whatever else the
# machine has waiting too.
ONE_BY_ONE = 16


def _make_durable(temporary: list[str]) -> None:
    """Put written temporary files on disk before they are renamed into place."""
    if len(temporary) > ONE_BY_ONE and hasattr(os, "sync"):
        os.sync()
        return
    for tmp in temporary:
        fd = os.open(tmp, os.O_RDWR)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class Span:
    """``length`` bytes at ``offset`` of an open file, to be copied as they are."""

    source: BinaryIO
    offset: int
    length: int


def write_atomic_chunks(path: Path, chunks: Iterable[bytes | Span], *, aside: bool = False) -> None:
    """:func:`write_atomic` for content made piece by piece (a large cache file never held whole in memory);
    without fsync, for caches. A :class:`Span` is copied from its file by the kernel where it can (a patched
    national result is 250 MB, nearly all of it unchanged); ValueError when its file is shorter.

    ``aside``: the file ``path`` held is renamed aside before the new one takes its name, then removed. On
    ext4, renaming a file over another writes the new one out to disk at once (a tenth of a second for 250
    MB); in between, a reader finds no file (a cache: it does without), never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                if isinstance(chunk, Span):
                    handle.flush()  # the copy writes at the file's position: after what is buffered
                    _copy_span(chunk, handle)
                else:
                    handle.write(chunk)
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        old = _set_aside(path) if aside else None
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if old is not None:
        with contextlib.suppress(OSError):
            old.unlink()


def _set_aside(path: Path) -> Path | None:
    """Rename ``path`` to a new name beside it (None: there is none, or it cannot be renamed: in use on
    Windows, where the new file then replaces it as usual). The name must not exist: renaming over a file,
    even an empty one, is what makes ext4 write the renamed one out."""
    aside = path.with_name(f".{path.name}.{secrets.token_hex(8)}.old")
    try:
        os.rename(path, aside)
    except OSError:
        return None
    return aside


def leftovers(directory: Path, name: str) -> list[Path]:
    """What a write of ``name`` left beside it when its process was stopped: temporary and set-aside files
    (:func:`write_atomic_chunks`) or directories (:func:`replace_directory`)."""
    try:
        return [entry for entry in directory.iterdir()
                if entry.name.startswith(f".{name}.") and entry.name.endswith((".tmp", ".old"))]
    except OSError:
        return []


def _copy_span(span: Span, out: BinaryIO) -> None:
    source, target = span.source.fileno(), out.fileno()
    offset, left = span.offset, span.length
    kernel = getattr(os, "copy_file_range", None)  # Linux; elsewhere, or refused (another file system): read
    while left > 0:
        copied = 0
        if kernel is not None:
            try:
                copied = kernel(source, target, left, offset)
            except OSError:
                kernel = None
                continue
        else:
            data = os.pread(source, min(left, 1 << 20), offset)
            copied = len(data)
            out.write(data)
            out.flush()
        if copied == 0:
            raise ValueError(f"{span.length} bytes at {span.offset} asked for: the file is shorter")
        offset += copied
        left -= copied


# The staging directory of a directory updated in place is made inside it, under this name: never part of the
# new contents (a stopped run's leftover is removed by the next run's update).
IN_PLACE_STAGE = ".gbstd-stage."

# A rename of the old directory failing so means it cannot be moved, not that it cannot be written: a mount
# point (EBUSY; EXDEV for a bind mount), a directory in a sticky /tmp that another user owns (EPERM, EACCES).
_UNMOVABLE = frozenset({errno.EBUSY, errno.EXDEV, errno.EPERM, errno.EACCES})


@contextmanager
def replace_directory(
    target: Path, *, marker: str | None = None, before_in_place: Callable[[Path], None] | None = None
) -> Iterator[Path]:
    """Build a directory's new contents in a temporary directory beside ``target``, then swap it in whole.

    Yields the temporary directory to write into. When the block succeeds, the old ``target`` (if any) is
    renamed aside, the new one renamed into place and the old one removed: a reader sees the old tree or the
    new one (or, between the two renames, none), never half of either. When the block fails, the temporary
    directory is removed and ``target`` is left as it was. A ``target`` that is a symlink keeps it: the
    directory it points at is the one replaced.

    A directory that cannot or must not be renamed is updated in place instead (:func:`_install`), once the
    block succeeded: the current directory (``-o .``: a renamed one would leave the shell in a removed
    directory, and ``.`` cannot be renamed at all), a mount point, one whose parent is read-only, or one the
    rename fails on with :data:`_UNMOVABLE`. Its staging directory is then made inside it. Such an update
    stopped midway (a full disk, Ctrl-C) leaves old and new files side by side: ``marker``, the name of a file
    at the top of the new contents that says what they hold, is then moved in last, so that until everything
    else is in place the directory keeps the marker it had; ``before_in_place(target)`` is called before the
    first file moves, to make that marker fit the mix (the next run then finds what to replace).
    """
    target = Path(os.path.abspath(target))  # "." and ".." have no name to stage beside, nor a parent
    if target.is_symlink():
        target = target.resolve()
    if target.is_dir() and not _movable(target):
        stage = Path(tempfile.mkdtemp(prefix=IN_PLACE_STAGE, suffix=".tmp", dir=target))
        try:
            yield stage
            if before_in_place is not None:
                before_in_place(target)
            _install(stage, target, marker)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        yield stage
        os.chmod(stage, target.stat().st_mode & 0o777 if target.is_dir() else 0o755)
        if target.exists():
            old = stage.with_name(stage.name + ".old")
            try:
                os.replace(target, old)
            except OSError as exc:
                if exc.errno not in _UNMOVABLE or not target.is_dir():
                    raise
                if before_in_place is not None:
                    before_in_place(target)
                _install(stage, target, marker)
                old = None
            if old is not None:
                try:
                    os.replace(stage, target)
                except BaseException:
                    os.replace(old, target)
                    raise
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(stage, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)  # gone already once renamed into place


def _movable(target: Path) -> bool:
    """Whether ``target`` (an existing directory, absolute) can be renamed aside and replaced by another."""
    if os.path.ismount(target) or not os.access(target.parent, os.W_OK):
        return False
    cwd = Path(os.path.realpath(os.getcwd()))
    return not cwd.is_relative_to(os.path.realpath(target))


def _install(stage: Path, target: Path, last: str | None = None) -> None:
    """Make the directory ``target`` hold what ``stage`` holds, in place: each file renamed into its place (a
    reader sees the old file or the new one, never half of one), then every entry the stage does not hold
    removed, then the stage's top-level file ``last`` (a marker) moved in. ``stage`` may be inside ``target``
    (it is not part of the new contents) or beside it."""
    wanted: set[Path] = set()
    if last is not None and os.path.lexists(stage / last):
        wanted.add(target / last)  # the old marker stays until the new one takes its place
    else:
        last = None
    for dirpath, dirnames, filenames in os.walk(stage):
        here = Path(dirpath)
        into = target / here.relative_to(stage)
        if here == stage and last is not None:
            filenames = [name for name in filenames if name != last]
            dirnames[:] = [name for name in dirnames if name != last]
        for name in [name for name in dirnames if (here / name).is_symlink()]:  # a link is moved as a link
            dirnames.remove(name)
            filenames.append(name)
        for name in dirnames:
            place = into / name
            if place.is_symlink() or (place.exists() and not place.is_dir()):
                place.unlink()
            place.mkdir(exist_ok=True)
            wanted.add(place)
        for name in filenames:
            place = into / name
            if place.is_dir() and not place.is_symlink():
                shutil.rmtree(place)
            _move(here / name, place)
            wanted.add(place)
    unwanted: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(target):
        here = Path(dirpath)
        if here == target:  # the stage is not the directory's, nor a stopped run's leftover stage
            dirnames[:] = [name for name in dirnames if not name.startswith(IN_PLACE_STAGE)]
        unwanted.extend(here / name for name in [*dirnames, *filenames] if here / name not in wanted)
        dirnames[:] = [name for name in dirnames if here / name in wanted]  # an unwanted one goes whole
    for path in unwanted:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if last is not None:
        if (target / last).is_dir() and not (target / last).is_symlink():
            shutil.rmtree(target / last)
        _move(stage / last, target / last)
    for leftover in target.glob(f"{IN_PLACE_STAGE}*.tmp"):
        if leftover != stage and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def _move(source: Path, place: Path) -> None:
    """Rename ``source`` over ``place``; across file systems (a stage beside a mount point), copy it to a
    temporary name beside ``place`` first and rename that."""
    try:
        os.replace(source, place)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    tmp = place.with_name(f".{place.name}.{secrets.token_hex(8)}.tmp")
    try:
        shutil.copy2(source, tmp, follow_symlinks=False)
        os.replace(tmp, place)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
