"""Open untrusted files in a child process with a memory and a time limit.

A reader can fail in ways Python cannot catch: the native spreadsheet reader aborts its whole
process when an allocation fails, and a decompression bomb can take all the memory there is. So
every check or read of a file from outside runs here, in a fresh Python process whose address
space, processor time and core dumps are capped, and which is killed when it runs past its time.
The caller gets the job's result, the problems the job found (`FileRefusedError`), or one problem
saying the file could not be read safely (`UnsafeFileError`). The web process is never at risk.

A job is a module-level function of `residentvoice.core.files` taking its arguments and a
keyword `limits`; it raises `FileRefusedError` to refuse a file with reasons. It returns plain
data (lists, text, numbers, dates): the parent accepts nothing else back.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any, TypeVar

from residentvoice.core.file_problems import FileProblemsError, Problem

from .limits import LIMITS, MB, FileLimits

logger = logging.getLogger(__name__)
T = TypeVar("T")

JOB_PACKAGE = "residentvoice.core.files."
CHILD_ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")
# What the parent accepts back besides plain values: readers return dates and times.
RESULT_CLASSES = {
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
}


class FileRefusedError(FileProblemsError):
    """The file was refused; `problems` says why. Nothing was changed."""


class UnsafeFileError(FileRefusedError):
    """The file could not be read within the limits: the reader ran out of memory or time, or
    failed outright. The child was stopped; the server was not touched."""


def unsafe_reason(limits: FileLimits, *, timed_out: bool) -> str:
    if timed_out:
        cause = f"reading it took longer than {limits.child_seconds:g} seconds"
    else:
        cause = (
            f"reading it needed more than {limits.child_memory_bytes // MB:,} MB of memory, "
            "or made the reader fail"
        )
    return (
        f"this file could not be read safely: {cause}. Nothing was changed. Check that it is the "
        "file you meant, or save it again from the program that made it and upload it again"
    )


def run_isolated(job: Callable[..., T], *args: Any, limits: FileLimits = LIMITS) -> T:
    """`job(*args, limits=limits)` in a child process with `limits`' memory and time."""
    if not job.__module__.startswith(JOB_PACKAGE):
        raise ValueError(f"{job.__module__}.{job.__qualname__} is not a file job")
    payload = pickle.dumps((job.__module__, job.__qualname__, args, limits), protocol=5)
    environment = {
        # Only what Python needs: the child reads hostile files, so it is given no secrets.
        **{name: os.environ[name] for name in CHILD_ENVIRONMENT if name in os.environ},
        # The child imports exactly what this process imports, however it was started.
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
        "RUST_BACKTRACE": "0",
    }
    child = subprocess.Popen(  # noqa: S603 - this same Python, running the module below
        [sys.executable, "-m", __name__],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    try:
        output, errors = child.communicate(payload, timeout=limits.child_seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        logger.warning("A file job ran past %ss and was stopped: %s", limits.child_seconds, job)
        raise UnsafeFileError(
            [Problem("", None, None, unsafe_reason(limits, timed_out=True))]
        ) from None
    try:
        if child.returncode != 0:
            raise ChildProcessError(child.returncode)
        outcome, value = _ResultUnpickler(io.BytesIO(output)).load()
    except Exception as error:
        # Killed by a signal: the file made the reader abort, or ran out of memory or processor
        # time. Anything else is this code's fault, not the file's, and is logged as an error.
        killed = child.returncode < 0
        (logger.warning if killed else logger.error)(
            "A file job stopped (%s, exit %s): %s %s",
            error,
            child.returncode,
            job.__qualname__,
            errors.decode(errors="replace")[-500:],
        )
        timed_out = child.returncode == -signal.SIGXCPU
        raise UnsafeFileError(
            [Problem("", None, None, unsafe_reason(limits, timed_out=timed_out))]
        ) from None
    if outcome == "ok":
        return value
    if outcome == "refused":
        raise FileRefusedError([Problem(*problem) for problem in value])
    if outcome == "memory":
        raise UnsafeFileError([Problem("", None, None, unsafe_reason(limits, timed_out=False))])
    logger.error("A file job failed: %s: %s", job.__qualname__, value)
    raise FileRefusedError([Problem("", None, None, f"the file could not be read ({value})")])


class _ResultUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in RESULT_CLASSES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a file job may not return {module}.{name}")


# --- the child ---------------------------------------------------------------------------------


def _limit_this_process(limits: FileLimits) -> None:
    memory = limits.child_memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(limits.child_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child() -> None:
    # The result goes to the real standard output; anything a library prints goes to errors.
    result_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    # From the parent, which is trusted; it is what comes back that is checked.
    module, name, args, limits = pickle.load(sys.stdin.buffer)  # noqa: S301
    _limit_this_process(limits)
    outcome: tuple[str, Any]
    try:
        if not module.startswith(JOB_PACKAGE):
            raise ValueError(f"{module} is not a file job module")
        job = getattr(import_module(module), name)
        outcome = ("ok", job(*args, limits=limits))
    except FileRefusedError as refused:
        outcome = ("refused", [_plain(problem) for problem in refused.problems])
    except MemoryError:
        outcome = ("memory", "")
    except Exception as error:  # reported to the parent as "could not be read", and logged there
        outcome = ("error", f"{type(error).__name__}: {error}"[:300])
    try:
        data = pickle.dumps(outcome, protocol=5)
    except MemoryError:
        data = pickle.dumps(("memory", ""), protocol=5)
    result_out.write(data)
    result_out.flush()


def _plain(problem: Problem) -> tuple[str, int | None, str | None, str]:
    return (problem.sheet, problem.row, problem.column, problem.reason)


if __name__ == "__main__":
    # Run from the package's own module, not this copy named __main__, so that the exceptions
    # a job raises are the classes caught above.
    from residentvoice.core.files.isolation import _child as child

    child()
