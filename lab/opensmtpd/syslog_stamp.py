#!/usr/bin/env python3
"""Write `smtpd -d` stderr as a syslog file, the way a local syslog daemon would.

The lab has no syslog daemon and no /dev/log, so OpenSMTPD runs in the foreground (`-d`, which
prints each log message on its own line of stderr) and this filter adds what syslogd adds: the
arrival time, the host name and the `smtpd[pid]:` tag, in the traditional file format
(`Dec  7 00:50:01 mail smtpd[4242]: 1a2b… smtp connected …`). Lines are flushed one by one so
the file is complete whenever the daemon stops.

Usage: syslog_stamp.py HOST PIDFILE LOGFILE   (reads stdin; the pid is read from PIDFILE)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def stamp(host: str, pid: str, text: str, now: float) -> str:
    """One syslog file line for one message (the BSD `Mmm dd hh:mm:ss` form, local time)."""
    t = time.localtime(now)
    when = time.strftime("%b ", t) + f"{t.tm_mday:2d}" + time.strftime(" %H:%M:%S", t)
    return f"{when} {host} smtpd[{pid}]: {text}\n"


def main() -> int:
    host, pidfile, logfile = sys.argv[1:4]
    pid = ""
    with open(logfile, "a", encoding="utf-8") as out:
        for raw in sys.stdin.buffer:
            if not pid:
                pid = Path(pidfile).read_text().strip() if Path(pidfile).exists() else "0"
            text = raw.decode("utf-8", "backslashreplace").rstrip("\r\n")
            out.write(stamp(host, pid, text, time.time()))
            out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
