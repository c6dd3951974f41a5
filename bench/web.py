"""Web benchmark: the production server under 50 concurrent connections on loopback.

Starts `etsatlas serve --production` (granian) on a fresh, seeded database, then drives it
with wrk (Debian package; installed by `make bench`) and records throughput and p50/p95/p99
latency for the home page, the systems API and a factsheet page. A static file served by the
same server is the reference measured in the same run; the ratio to it is reported.
Results are appended to docs/benchmarks.md. Run by hand: `make bench` or
`.venv/bin/python bench/web.py [--duration 15] [--connections 50] [--database-url URL]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchdb import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[1]
ETSATLAS = str(Path(sys.executable).with_name("etsatlas"))
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, summary.duration, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
"""
TARGETS = [
    ("reference: static CSS file", "/static/core/site.css"),
    ("home page", "/"),
    ("API: /api/v1/systems", "/api/v1/systems"),
    ("API: /api/v1/systems?status=in_force&sector=power", "/api/v1/systems?status=in_force&sector=power"),
    ("factsheet page: /systems/eu-ets/", "/systems/eu-ets/"),
]


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.node()}: {os.cpu_count()} cores, {cpu or platform.processor()}, Python {platform.python_version()}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("server did not start in time")


def run_wrk(url: str, duration: int, connections: int, script: str) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    match = re.search(r"RESULT (.*)", out)
    if not match:
        raise SystemExit(f"wrk printed no result for {url}:\n{out}")
    values = {k: float(v) for k, v in (item.split("=") for item in match.group(1).split())}
    return {
        "rps": values["requests"] / (values["duration_us"] / 1e6),
        "p50_ms": values["p50"] / 1000, "p95_ms": values["p95"] / 1000, "p99_ms": values["p99"] / 1000,
        "errors": values["errors"] + values["non2xx"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="Seconds per target.")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0, help="server workers (0: one per core).")
    parser.add_argument("--threads", type=int, default=0, help="request threads per worker (0: the default).")
    parser.add_argument("--page-cache", type=float, default=None,
                        help="ETSATLAS_PAGE_CACHE_SECONDS for the run (default: the production default; 0: off).")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="Database (default: a fresh SQLite file).")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
                        help="Shared cache for the workers, as in production ('' for a per-process cache).")
    parser.add_argument("--no-write", action="store_true", help="Print only; do not append to docs/benchmarks.md.")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")

    home = Path(tempfile.mkdtemp(prefix="etsatlas-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    # One client address sends everything, so the anonymous API rate limit is off here.
    env.update(ETSATLAS_HOME=str(home), SECRET_KEY="bench-" + "k" * 40, ALLOWED_HOSTS="127.0.0.1",
               ETSATLAS_HTTPS="0", ETSATLAS_API_ANON_RATE="0", REDIS_URL=args.redis_url, DATABASE_URL=args.database_url or f"sqlite:///{home / 'bench.sqlite3'}")
    if args.redis_url:
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()  # a fresh cache: nothing from an earlier run
    else:
        env.pop("REDIS_URL", None)
    if env["DATABASE_URL"].startswith("postgres"):
        fresh_postgres_database(env["DATABASE_URL"])
    for step in (["migrate"], ["seed"]):
        done = subprocess.run([ETSATLAS, *step], env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"etsatlas {step[0]} failed:\n{done.stderr}")
    port = free_port()
    serve = [ETSATLAS, "serve", "--production", "--port", str(port)]
    if args.workers:
        serve += ["--workers", str(args.workers)]
    if args.threads:
        serve += ["--threads", str(args.threads)]
    if args.page_cache is not None:
        env["ETSATLAS_PAGE_CACHE_SECONDS"] = str(args.page_cache)
    proc = subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        wait_for(base + "/api/v1/systems?limit=1", proc)
        script = home / "report.lua"
        script.write_text(LUA)
        for label, path in TARGETS:
            run_wrk(base + path, 5, args.connections, str(script))  # warm-up: every worker's cache
            results.append((label, path, run_wrk(base + path, args.duration, args.connections, str(script))))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(home, ignore_errors=True)

    ref = results[0][2]
    db = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    lines = [
        f"\n## Web: production server under {args.connections} connections ({dt.date.today().isoformat()})\n",
        f"- machine: {machine()}; load average before the run {load_before:.1f}",
        f"- command: `{' '.join(['.venv/bin/python', 'bench/web.py', *sys.argv[1:]])}`"
        f" ({db}; cache {'Redis' if args.redis_url else 'per process'}; page cache in front of Django "
        f"{'production default' if args.page_cache is None else f'{args.page_cache} s'}; granian "
        f"{args.workers or 'default'} workers x {args.threads or 'default'} threads; wrk -t2 on the same machine)",
        "- goal: p95 below 50 ms for the API and the factsheet page\n",
        "| target | requests/s | p50 ms | p95 ms | p99 ms | errors | p95 vs static reference |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, _, r in results:
        ratio = r["p95_ms"] / ref["p95_ms"] if ref["p95_ms"] else float("nan")
        lines.append(f"| {label} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
                     f"{r['errors']:.0f} | {ratio:.1f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        doc = ROOT / "docs" / "benchmarks.md"
        if not doc.exists():
            doc.write_text("# Benchmarks\n\nMeasured by hand with the scripts in `bench/`; newest results last.\n")
        with doc.open("a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
