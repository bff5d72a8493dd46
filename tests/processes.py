"""Processes as the kernel sees them (/proc), for the tests and benchmarks that kill and restart
the assistant's processes (`tests/test_supervisor.py`, `benchmarks/fault_run.py`)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional


def proc_state(pid: int) -> Optional[str]:
    """The process's state letter, None once it is gone (a zombie counts as gone: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return None if state in ("Z", "X") else state


def children_of(pid: int) -> Dict[int, str]:
    """{pid: command line} of the live processes whose parent is `pid`."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and proc_state(int(entry.name)):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


def alive(pid: int) -> bool:
    return proc_state(pid) is not None
