"""Whole-folder output: write a run into a staging folder and swap it in at the end.

The staging folder sits next to the target, so a reader sees the previous run or the new one,
never a mix of both.

Names next to the target ``DIR``: ``.DIR.staging-<pid>`` (being written) and ``.DIR.old-<pid>``
(the previous run during the swap). Leftovers of a killed run are removed, or the previous run
restored, by :func:`clean_stale` at the start of the next run.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from jnrisk._errors import ConfigError, DataFileError, ResourceError

__all__ = ["MARKER", "check_target", "clean_stale", "os_errors", "staged_folder"]

#: File that marks a folder as a ``jnrisk run`` output (so swapping it in and out is safe).
MARKER = ".jnrisk-run"
_RENAME_EXCHANGE = 2


def _staging_prefix(out: Path) -> str:
    return f".{out.name}.staging-"


def _old_prefix(out: Path) -> str:
    return f".{out.name}.old-"


def check_target(out: str | os.PathLike[str]) -> Path:
    """Validate an output folder without creating anything; return it as an absolute path.

    The folder may not exist yet (it and its parents are created at the end); an existing one
    must be empty or an earlier ``jnrisk run`` output (it is replaced as a whole). The nearest
    existing ancestor must be a writable folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = check_target(pathlib.Path(tempfile.mkdtemp()) / "out")
    >>> p.exists()
    False
    """
    out = Path(os.path.abspath(os.fspath(out)))
    if out.exists() and not out.is_dir():
        raise DataFileError(f"cannot write to output folder {str(out)!r}: it is a file; "
                            f"choose another with --out.")
    if out.is_dir():
        entries = [p.name for p in out.iterdir()]
        if entries and MARKER not in entries and "report.html" not in entries:
            raise ConfigError(
                f"output folder {str(out)!r} holds other files ({', '.join(sorted(entries)[:3])}"
                f"{', ...' if len(entries) > 3 else ''}) and is not a jnrisk run output; a run "
                f"replaces its folder as a whole, so choose an empty or new folder with --out.")
    anc = out.parent
    while not anc.exists():
        anc = anc.parent
    if not anc.is_dir():
        raise DataFileError(f"cannot write to output folder {str(out)!r}: {str(anc)!r} is a "
                            f"file; choose another with --out.")
    if not os.access(anc, os.W_OK | os.X_OK) or (out.is_dir() and not os.access(out, os.W_OK)):
        raise DataFileError(f"cannot write to output folder {str(out)!r} (permission denied in "
                            f"{str(anc)!r}); choose another with --out.")
    return out


def clean_stale(out: Path) -> list[Path]:
    """Remove staging folders and temporary files that a killed run left next to / inside ``out``.

    A previous run caught in the middle of its swap (``out`` gone, ``.DIR.old-*`` present) is
    restored. Returns what was removed or restored.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / ".out.staging-123").mkdir()
    >>> [p.name for p in clean_stale(root / "out")]
    ['.out.staging-123']
    """
    done: list[Path] = []
    parent = out.parent
    if not parent.is_dir():
        return done
    olds = sorted(p for p in parent.iterdir() if p.name.startswith(_old_prefix(out)))
    if olds and not out.exists():
        os.replace(olds[-1], out)
        done.append(olds.pop())
    for p in parent.iterdir():
        if p.name.startswith((_staging_prefix(out), _old_prefix(out))):
            shutil.rmtree(p, ignore_errors=True)
            done.append(p)
    if out.is_dir():
        for p in out.rglob(".*tmp*"):
            with contextlib.suppress(OSError):
                p.unlink()
                done.append(p)
    return done


@contextlib.contextmanager
def os_errors(path: Path, what: str = "write") -> Iterator[None]:
    """Turn OS and GDAL/SQLite errors while writing ``path`` into a ResourceError naming it.

    Examples
    --------
    >>> import errno
    >>> with os_errors(Path("out/report.html")):
    ...     raise OSError(errno.ENOSPC, "No space left on device")
    Traceback (most recent call last):
    ...
    jnrisk._errors.ResourceError: cannot write 'out/report.html': No space left on device; free disk space or choose another folder with --out.
    """
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        fix = ("free disk space" if exc.errno in (errno.ENOSPC, errno.EDQUOT)
               else "check the folder's permissions" if exc.errno in (errno.EACCES, errno.EPERM)
               else "check the disk")
        raise ResourceError(f"cannot {what} {str(path)!r}: {reason}; {fix} or choose another "
                            f"folder with --out.") from exc
    except Exception as exc:
        mod = type(exc).__module__ or ""
        if mod.startswith(("pyogrio", "sqlite3", "pyarrow", "fiona")):
            raise ResourceError(f"cannot {what} {str(path)!r}: {exc}; free disk space or choose "
                                f"another folder with --out.") from exc
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if rc != 0:
        err = ctypes.get_errno()
        if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """Yield a fresh staging folder next to ``out``; on success swap it in as ``out``.

    On any error the staging folder is removed and ``out`` is left as it was.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "run"
    >>> with staged_folder(out) as stage:
    ...     _ = (stage / "report.html").write_text("new")
    >>> (out / "report.html").read_text()
    'new'
    """
    with os_errors(out, "create"):
        out.parent.mkdir(parents=True, exist_ok=True)
        stage = out.parent / f"{_staging_prefix(out)}{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir()
    try:
        yield stage
        with os_errors(stage / MARKER):
            (stage / MARKER).write_text("jnrisk run output; replaced as a whole by the next run\n")
            _fsync_dir(stage)
        with os_errors(out, "replace"):
            if out.exists():
                if _exchange(stage, out):
                    shutil.rmtree(stage, ignore_errors=True)
                else:
                    old = out.parent / f"{_old_prefix(out)}{os.getpid()}"
                    os.replace(out, old)
                    os.replace(stage, out)
                    shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(stage, out)
            _fsync_dir(out.parent)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
