"""Mixed read/write load on the production server: readers, editors saving drafts, a reviewer publishing.

Run by hand (not in the test suite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/etsatlas_accounts .venv/bin/python bench/load.py --duration 300

It resets that database, migrates, seeds, creates the accounts, starts `etsatlas serve --production`
(granian), runs the load, then checks every edit against the audit log and the published history:
zero 5xx, no lost or duplicated edits. Prints a summary and, with --append, adds it to
docs/benchmarks.md. Latencies are client-side, in milliseconds; the static stylesheet served by
WhiteNoise is the reference in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ETSATLAS = [sys.executable, "-m", "etsatlas.cli.main"]
PASSWORD = "load-test-password-" + secrets.token_hex(8)
# Two editors share a system on purpose: their drafts go stale and must be refused, not merged.
EDITORS = {"ed1": "eu-ets", "ed2": "eu-ets", "ed3": "uk-ets"}
READ_SYSTEMS = ["eu-ets", "uk-ets", "ch-ets", "nz-ets", "kr-ets", "cn-ets", "qc-cat", "rggi"]


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []

    def call(self, client: httpx.Client, kind: str, method: str, url: str, **kwargs) -> httpx.Response | None:
        start = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors.append(f"{kind} {url}: {exc!r}")
                self.status[kind][0] += 1
            return None
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latency[kind].append(elapsed)
            self.status[kind][response.status_code] += 1
        return response


def run(cmd: list[str], env: dict, stdin: str | None = None) -> str:
    result = subprocess.run(cmd, env=env, input=stdin, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(cmd[2:])} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare(env: dict) -> dict[str, str]:
    """Fresh database with the curated data, accounts and their tokens."""
    from benchdb import fresh_postgres_database

    url = env["DATABASE_URL"]
    if url.startswith("postgres"):
        fresh_postgres_database(url)
    run([*ETSATLAS, "migrate"], env)
    run([*ETSATLAS, "seed"], env)
    tokens = {}
    accounts = [(name, "editor", [system]) for name, system in EDITORS.items()] + [("rev", "reviewer", []), ("adm", "admin", [])]
    for name, role, systems in accounts:
        args = [*ETSATLAS, "users", "create", name, "--role", role, "--password-stdin"]
        for system in systems:
            args += ["--jurisdiction", system]
        run(args, env, stdin=PASSWORD + "\n")
        tokens[name] = json.loads(run([*ETSATLAS, "tokens", "create", name, "--json"], env))["token"]
    return tokens


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [*ETSATLAS, "serve", "--production", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.time() + 90
    while time.time() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/systems/eu-ets", headers=HEADERS, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start:\n" + (proc.stderr.read() if proc.stderr else ""))


# The server runs as in production behind TLS: the proxy header marks requests as https.
HEADERS = {"X-Forwarded-Proto": "https"}


def reader(base: str, rec: Recorder, stop: threading.Event) -> None:
    pages = [("page", "/"), ("page", "/systems/"), ("api", "/api/v1/systems"), ("static", "/static/core/site.css")]
    with httpx.Client(base_url=base, headers=HEADERS, timeout=30) as client:
        while not stop.is_set():
            system = random.choice(READ_SYSTEMS)
            kind, url = random.choice([*pages, ("page", f"/systems/{system}/"), ("api", f"/api/v1/systems/{system}"),
                                       ("history", f"/accounts/systems/{system}/history/")])
            rec.call(client, kind, "GET", url)


def editor(base: str, name: str, token: str, rec: Recorder, stop: threading.Event, accepted: list) -> None:
    system = EDITORS[name]
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    n = 0
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            n += 1
            current = rec.call(client, "api", "GET", f"/api/v1/systems/{system}/versions", params={"limit": 1})
            if current is None or current.status_code != 200:
                continue
            version = current.json()[0]["version"]
            marker = f"{name} edit {n} {secrets.token_hex(4)}"
            body = {"changes": {"summary": marker}, "note": marker}
            body["base_version"] = version
            saved = rec.call(client, "save-draft", "PATCH", f"/api/v1/systems/{system}", json=body)
            if saved is not None and saved.status_code == 201:
                draft = saved.json()
                with rec.lock:
                    accepted.append({"draft": draft["id"], "system": system, "marker": marker})
                submitted = rec.call(client, "submit", "POST", f"/api/v1/drafts/{draft['id']}/submit")
                # Like a person: wait for the review of this draft before starting the next one.
                while submitted is not None and submitted.status_code == 200 and not stop.is_set():
                    time.sleep(0.5)
                    state = rec.call(client, "api", "GET", f"/api/v1/drafts/{draft['id']}")
                    if state is None or state.status_code != 200 or state.json()["state"] != "submitted":
                        break
            time.sleep(random.uniform(0.2, 0.6))


def reviewer(base: str, token: str, rec: Recorder, stop: threading.Event, published: dict, refused: list) -> None:
    headers = {**HEADERS, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while not stop.is_set():
            queue = rec.call(client, "api", "GET", "/api/v1/drafts", params={"state": "submitted", "limit": 20})
            for draft in (queue.json() if queue is not None and queue.status_code == 200 else []):
                response = rec.call(client, "publish", "POST", f"/api/v1/drafts/{draft['id']}/approve")
                if response is not None and response.status_code == 200:
                    published[draft["id"]] = response.json()["version"]
                elif response is not None and response.status_code == 409:
                    refused.append(draft["id"])  # stale: send it back, as a reviewer would
                    rec.call(client, "reject", "POST", f"/api/v1/drafts/{draft['id']}/reject",
                             json={"comment": "stale: based on an older version"})
            time.sleep(0.5)


def fetch_all(client: httpx.Client, url: str, **params) -> list:
    rows, offset = [], 0
    while True:
        page = client.get(url, params={**params, "limit": 500, "offset": offset})
        page.raise_for_status()
        batch = page.json()
        rows += batch
        if len(batch) < 500:
            return rows
        offset += 500


def verify(base: str, token: str, accepted: list, published: dict) -> dict:
    """Every saved draft audited once; every publication audited once and present in the history."""
    problems = []
    with httpx.Client(base_url=base, headers={**HEADERS, "Authorization": f"Bearer {token}"}, timeout=60) as client:
        created = [int(e["target_id"]) for e in fetch_all(client, "/api/v1/audit", action="draft.create")]
        publishes = [e["details"].get("draft") for e in fetch_all(client, "/api/v1/audit", action="system.publish")]
        saved_ids = [a["draft"] for a in accepted]
        if sorted(created) != sorted(saved_ids):
            problems.append(f"draft.create audit entries {len(created)} != drafts saved {len(saved_ids)}")
        if sorted(publishes) != sorted(published):
            problems.append(f"system.publish entries {len(publishes)} != approvals seen {len(published)}")
        markers = {a["draft"]: a for a in accepted}
        for system in sorted(set(EDITORS.values())):
            versions = [v["version"] for v in fetch_all(client, f"/api/v1/systems/{system}/versions")]
            if sorted(versions) != list(range(1, len(versions) + 1)):
                problems.append(f"{system}: versions not contiguous: {sorted(versions)[:10]}...")
            newest = client.get(f"/api/v1/systems/{system}/versions/{max(versions)}").json()["data"]
            if client.get(f"/api/v1/systems/{system}").json() != newest:
                problems.append(f"{system}: the published factsheet differs from the newest version in the history")
        for draft_id, version in published.items():
            edit = markers.get(draft_id)
            data = client.get(f"/api/v1/systems/{edit['system']}/versions/{version}").json()["data"]
            if data.get("summary") != edit["marker"]:
                problems.append(f"draft {draft_id}: version {version} does not hold its edit")
    return {"drafts_saved": len(accepted), "drafts_audited": len(created), "published": len(published),
            "publish_audited": len(publishes), "problems": problems}


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    parser.add_argument("--readers", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3, help="server worker processes")
    parser.add_argument("--port", type=int, default=0, help="port for the server (default: a free one)")
    parser.add_argument("--append", action="store_true", help="append the result to docs/benchmarks.md")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database you can reset (it is wiped)")
    home = tempfile.mkdtemp(prefix="etsatlas-load-")
    env = {**os.environ, "ETSATLAS_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "ETSATLAS_HOME": home,
           "ETSATLAS_API_ANON_RATE": "0"}  # readers share one address: no anonymous rate limit here
    env.pop("DEBUG", None)
    tokens = prepare(env)
    port = args.port or free_port()
    server = start_server(env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    rec, stop = Recorder(), threading.Event()
    accepted: list = []
    published: dict = {}
    refused: list = []
    threads = [threading.Thread(target=reader, args=(base, rec, stop)) for _ in range(args.readers)]
    threads += [threading.Thread(target=editor, args=(base, name, tokens[name], rec, stop, accepted)) for name in EDITORS]
    threads.append(threading.Thread(target=reviewer, args=(base, tokens["rev"], rec, stop, published, refused)))
    try:
        for t in threads:
            t.start()
        time.sleep(args.duration)
        stop.set()
        for t in threads:
            t.join()
        time.sleep(1)
        check = verify(base, tokens["adm"], accepted, published)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    total = sum(sum(codes.values()) for codes in rec.status.values())
    server_errors = sum(n for codes in rec.status.values() for code, n in codes.items() if code >= 500)
    summary = {
        "duration_s": args.duration, "requests": total, "rps": round(total / args.duration, 1),
        "server_errors_5xx": server_errors, "transport_errors": len(rec.errors), "stale_refused": len(refused),
        "by_kind": {
            kind: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 95), 1),
                   "status": dict(rec.status[kind])}
            for kind, v in sorted(rec.latency.items())
        },
        **check,
    }
    print(json.dumps(summary, indent=2))
    if args.append:
        append(summary, args)
    if server_errors or check["problems"] or rec.errors:
        raise SystemExit(1)


def append(summary: dict, args) -> None:
    ref = summary["by_kind"].get("static", {}).get("p95_ms") or float("nan")
    rows = "\n".join(
        f"| {kind} | {v['n']} | {v['p50_ms']} | {v['p95_ms']} | {v['p95_ms'] / ref:.1f} |"
        for kind, v in summary["by_kind"].items()
    )
    text = f"""
## Accounts: mixed load on the production server (`bench/load.py`, {time.strftime('%Y-%m-%d')})

Machine: {platform.node()}, {os.cpu_count()} cores shared with other sessions, Python {platform.python_version()},
PostgreSQL; granian {args.workers} workers x 4 threads. Command:
`DATABASE_URL=postgres://.../etsatlas_accounts python bench/load.py --duration {args.duration} --readers {args.readers} --append`.
{args.readers} readers, {len(EDITORS)} editors (two sharing the EU ETS; each waits for the review of its
draft before the next edit), 1 reviewer, {summary['duration_s']} s:
{summary['requests']} requests ({summary['rps']}/s), **{summary['server_errors_5xx']} 5xx**,
{summary['drafts_saved']} drafts saved = {summary['drafts_audited']} `draft.create` audit entries,
{summary['published']} published = {summary['publish_audited']} `system.publish` entries, every published version
holds its edit; {summary['stale_refused']} stale drafts refused (409) and sent back; problems: {summary['problems'] or 'none'}.

| request kind | n | p50 ms | p95 ms | p95 / static p95 |
|---|---|---|---|---|
{rows}
"""
    docs = ROOT / "docs" / "benchmarks.md"
    docs.parent.mkdir(exist_ok=True)
    if not docs.exists():
        docs.write_text("# Benchmarks\n\nResults of the scripts in `bench/`, newest last.\n", encoding="utf-8")
    with docs.open("a", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main()
