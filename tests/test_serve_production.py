"""`etsatlas serve --production`: granian with several workers, DEBUG off, static files served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ETSATLAS = str(Path(sys.executable).with_name("etsatlas"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers, r.read()  # case-insensitive names
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


@pytest.fixture
def production_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(ETSATLAS_HOME=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
               SECRET_KEY="s" * 50, ALLOWED_HOSTS="127.0.0.1", ETSATLAS_HTTPS="0")
    for step in (["migrate"], ["seed"]):
        subprocess.run([ETSATLAS, *step], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen([ETSATLAS, "serve", "--production", "--port", str(port), "--workers", "2"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            _get(base + "/api/v1/systems?limit=1")
            break
        except OSError:
            if proc.poll() is not None:
                log.close()
                pytest.fail(log_path.read_text())
            time.sleep(0.5)
    yield base, proc
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    log.close()


def test_production_server_serves_pages_api_and_compressed_static(production_server):
    base, proc = production_server
    status, _, body = _get(base + "/")
    assert status == 200 and b"Emissions trading systems of the world" in body
    status, _, body = _get(base + "/api/v1/systems?status=in_force&limit=1")
    assert status == 200 and b'"count": ' in body
    for _ in range(3):  # the later ones come from the page cache in front of Django: same answer
        again = _get(base + "/api/v1/systems?status=in_force&limit=1")
        assert again[0] == 200 and again[2] == body and "X-Etsatlas-Shared" not in again[1]
    page = _get(base + "/systems/eu-ets/")[2].decode()
    css = page.split('href="/static/core/site.')[1].split('"')[0]
    assert css.endswith(".css") and css != "css", "static names carry a content hash in production"
    status, headers, _ = _get(f"{base}/static/core/site.{css}")
    assert status == 200 and "max-age" in headers.get("Cache-Control", "")
    status, _, body = _get(base + "/no/such/page/")
    assert status == 404 and b"Page not found" in body and b"Traceback" not in body
    workers = subprocess.run(["pgrep", "-g", str(os.getpgid(proc.pid)), "-f", "granian"], capture_output=True, text=True)
    assert len(workers.stdout.split()) >= 3  # the main process and two workers
