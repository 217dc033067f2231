"""Child processes that end with their parent: a pool worker or the dashboard's Streamlit
server left behind by a ``kill -9`` would hold the lake's lock (inherited across ``fork``) or
its port for good.

On Linux the kernel sends the child a signal when its parent dies (``PR_SET_PDEATHSIG``);
elsewhere a thread in the child polls for the parent to change and ends the child then.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 1.0


def die_with_parent(parent: int, sent: int = signal.SIGKILL) -> None:
    """Make this process receive ``sent`` when ``parent`` (its parent's pid) ends; call first
    thing in the child. The parent may already have gone before the call: checked after it."""
    if not _linux_death_signal(sent):
        threading.Thread(target=_watch, args=(parent, sent), daemon=True).start()
    if os.getppid() != parent:
        os.kill(os.getpid(), sent)


def death_signal_hook(sent: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child gets ``sent`` when this
    process ends."""
    parent = os.getpid()
    return lambda: die_with_parent(parent, sent)


def _linux_death_signal(sent: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, sent, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch(parent: int, sent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), sent)
