"""How the build forks its children: each dies with its parent, never returns into the engine,
and leaves Ctrl-C to its parent.

The validation workers, the Markdown rendered ahead (`prerender`), the downloads' writer
(`plugin_files.DataWriter`) and the builder of half of the pages (`plugin_split`) are all
forked children. This module is light on purpose: `timeline validate` imports it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def fork_is_safe() -> bool:
    """fork() copies only the calling thread: with others running, a lock one of them holds
    (the import lock, logging's, a stream's) would stay locked in the child forever."""
    threading = sys.modules.get("threading")
    return hasattr(os, "fork") and (threading is None or threading.active_count() == 1)


def end_with_parent(parent: int) -> None:
    """In a forked child: be killed when the parent dies (Linux `PR_SET_PDEATHSIG`), so a
    killed build leaves no child writing into a folder the next build cleans up."""
    import ctypes  # here: `timeline validate` imports this module, and rarely forks

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child ends when its work is done
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def fork_child(work: Callable[[], object]) -> int:
    """Fork a child that runs `work` and leaves with `os._exit`: 0 if `work` returned, 1 if it
    raised. The child never returns into the engine, dies with this process, and ignores
    Ctrl-C (a terminal sends it to the whole process group; the parent stops its children),
    which is blocked around the fork so that it cannot land in between."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    parent = os.getpid()
    try:
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's exit status is what the tests see
            status = 1
            try:
                end_with_parent(parent)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                work()
                status = 0
            except BaseException:  # noqa: S110 - the parent does the work itself
                pass
            finally:
                os._exit(status)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return child


def stop_child(child: int | None) -> None:
    """Stop a forked child if it still runs, and reap it."""
    if child is None:
        return
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(child, signal.SIGKILL)  # (a child that has ended waits to be reaped: harmless)
        os.waitpid(child, 0)
