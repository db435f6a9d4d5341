"""Load generators of ``page_throughput.py``: wrk with a Lua script that counts every
status, or a pure-Python fallback (more CPU per request, the same ratios)."""

from __future__ import annotations

import http.client
import multiprocessing
import re
import subprocess
import time
from collections import Counter
from pathlib import Path

from _server import HOST

WRK_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; bad = 0; first_bad = "" end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else
    bad = bad + 1
    if first_bad == "" then first_bad = tostring(status) end
  end
end
function done(summary, latency, requests)
  local ok_total, bad_total, first = 0, 0, ""
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok"); bad_total = bad_total + t:get("bad")
    if first == "" then first = t:get("first_bad") end
  end
  io.write(string.format("STATUS ok=%d bad=%d first_bad=%s\n", ok_total, bad_total, first))
end
"""


def wrk_run(url: str, *, seconds: int, connections: int, threads: int, cookie: str,
            lua: Path) -> dict:
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "10s", "--latency", "-s", str(lua), "-H", f"Cookie: {cookie}", url]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60,
                         check=False).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    status = re.search(r"STATUS ok=(\d+) bad=(\d+) first_bad=(\S*)", out)
    if not (rps and status):
        raise SystemExit(f"cannot parse wrk output for {url}:\n{out}")
    socket_errors = re.search(r"Socket errors: (.*)", out)
    lat = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M))
    return {
        "rps": float(rps.group(1)), "ok": int(status.group(1)), "bad": int(status.group(2)),
        "first_bad": status.group(3), "p50": lat.get("50", "?"), "p99": lat.get("99", "?"),
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def _py_worker(args) -> tuple[Counter, list[float], int]:
    port, path, cookie, seconds, max_requests = args
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    conn = None
    for _ in range(max_requests):  # bounded in count and in time
        if time.monotonic() >= deadline:
            break
        started = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            statuses[response.status] += 1
            latencies.append(time.perf_counter() - started)
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            errors += 1
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return statuses, latencies, errors


def python_run(port: int, path: str, *, seconds: int, connections: int, cookie: str) -> dict:
    jobs = [(port, path, cookie, seconds, 1_000_000)] * connections
    with multiprocessing.Pool(connections) as pool:
        results = pool.map(_py_worker, jobs, chunksize=1)
    statuses: Counter = Counter()
    latencies: list[float] = []
    errors = 0
    for part_statuses, part_latencies, part_errors in results:
        statuses.update(part_statuses)
        latencies.extend(part_latencies)
        errors += part_errors
    latencies.sort()
    total = sum(statuses.values())
    bad = total - statuses[200] + errors
    first_bad = next((str(s) for s in statuses if s != 200), "error" if errors else "")

    def pct(p):
        return f"{latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000:.2f}ms" \
            if latencies else "?"

    return {"rps": total / seconds, "ok": statuses[200], "bad": bad, "first_bad": first_bad,
            "p50": pct(0.5), "p99": pct(0.99), "socket_errors": f"{errors} errors"}
