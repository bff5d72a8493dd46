"""Child processes that cannot outlive the adapter, and cannot read what it alone may read.

Linux's PR_SET_PDEATHSIG sends the child SIGTERM when its parent dies, even by SIGKILL (nothing
of the adapter runs then). The kernel sends it when the *thread* that forked the child ends, not
the process: every child is therefore forked by one thread that lives as long as the process
(`_SPAWNER`), whichever thread asks for it (the adapter's main thread, a restart, a test's
asyncio.to_thread).
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Optional

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
UMASK = 0o077  # what a server creates (its SQLite databases, its files) is for the service's user alone

_spawner: Optional[ThreadPoolExecutor] = None
_spawner_lock = threading.Lock()


def _prctl() -> Optional[Any]:
    """libc's prctl, looked up before the fork (the child should only call it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _in_child(parent_pid: int, prctl: Optional[Any]) -> Callable[[], None]:
    """What runs in the child between fork and exec: the umask, then the parent-death signal."""

    def prepare() -> None:
        os.umask(UMASK)
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
            if os.getppid() != parent_pid:  # the parent died before prctl: nobody would stop us
                os._exit(1)

    return prepare


def _thread() -> ThreadPoolExecutor:
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spawner")
        return _spawner


def popen(args, **kwargs: Any) -> subprocess.Popen:
    """subprocess.Popen, forked by the long-lived spawner thread, with the umask and the parent-death signal."""
    kwargs["preexec_fn"] = _in_child(os.getpid(), _prctl())
    return _thread().submit(subprocess.Popen, args, **kwargs).result()


def run(args, **kwargs: Any) -> subprocess.CompletedProcess:
    """subprocess.run for a child that must not outlive us either (the training)."""
    process = popen(args, **kwargs)
    try:
        process.wait()
    except BaseException:  # Ctrl-C during training: the training stops too
        process.kill()
        process.wait()
        raise
    return subprocess.CompletedProcess(args, process.returncode)
