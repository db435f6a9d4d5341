"""Where the CPU of a measurement went: the machine, the server's process tree, the
database backends, the load generator (used by ``_server.py`` and the scripts)."""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path


def machine_line() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return ""


def host_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


class CpuMeter:
    """Where the CPU went during a measurement: the gunicorn tree, the database
    backends serving ``db_name`` (PostgreSQL), our children (the load
    generator), this process, and everything else on the machine."""

    def __init__(self, server_pid: int, db_name: str | None = None):
        self.server_pid = server_pid
        self.db_name = db_name

    def _sample(self) -> dict:
        parents: dict[int, int] = {}
        cpu: dict[int, float] = {}
        db: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            stat = _proc_stat(entry)
            if stat is None:
                continue
            parents[int(entry)], cpu[int(entry)] = stat
            if self.db_name and f" {self.db_name} " in _cmdline(entry):
                db[int(entry)] = stat[1]
        server: dict[int, float] = {}
        for pid, seconds in cpu.items():
            ancestor = pid
            for _ in range(8):  # gunicorn master → workers; bounded walk up
                if ancestor == self.server_pid:
                    server[pid] = seconds
                    break
                ancestor = parents.get(ancestor, 0)
                if ancestor <= 1:
                    break
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = resource.getrusage(resource.RUSAGE_SELF)
        busy, total = host_cpu()
        return {"server": server, "db": db, "loadgen": children.ru_utime + children.ru_stime,
                "self": own.ru_utime + own.ru_stime, "busy": busy, "total": total,
                "wall": time.monotonic()}

    def start(self) -> None:
        self._start = self._sample()

    def stop(self) -> dict[str, float]:
        """CPU seconds per part over the interval, plus ``wall`` seconds and ``other``.

        Processes are compared pid by pid: one that started during the interval
        counts from zero, one that ended (a database connection recycled after
        CONN_MAX_AGE) loses its last moments, which then show under ``other``."""
        end = self._sample()
        delta = {}
        for key, value in end.items():
            if isinstance(value, dict):
                before = self._start[key]
                delta[key] = sum(seconds - before.get(pid, 0.0) for pid, seconds in value.items())
            else:
                delta[key] = value - self._start[key]
        delta["other"] = max(0.0, delta["busy"] - delta["server"] - delta["db"]
                             - delta["loadgen"] - delta["self"])
        return delta
