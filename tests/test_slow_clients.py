"""Clients that send a request's headers and then stall in its body must not
take the site down.  gunicorn is started as in production (gunicorn.conf.py)
on a free loopback port; a handful of connections each stall half-way
through a POST body; a plain GET must still be answered at once.  The same
check against the former shape (two "sync" workers, one request each) shows
what the configuration prevents.  Every connection is to 127.0.0.1, and every
wait is bounded."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, stop_process_group, subprocess_env, wait_for
from tests.test_pipeline import free_port

STALLED_CLIENTS = 6
ANSWER_WITHIN = 10  # seconds; an unstalled /healthz takes well under one


def first_status(port: int, timeout: float) -> int | None:
    """The status of GET /healthz, or None when nothing answers within ``timeout``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = sock.recv(64)
    except OSError:
        return None
    return int(head.split()[1]) if head.startswith(b"HTTP/1.") else None


def stall(port: int) -> socket.socket:
    """A POST that promises 1000 bytes of body, sends 100 and then nothing.
    The webhook view reads the body (it is exempt from the CSRF check, which
    would refuse the request before reading)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(
        b"POST /stripe/webhook/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n" + b"{" + b" " * 99
    )
    return sock


@contextlib.contextmanager
def gunicorn(tmp_path: Path, *args: str) -> Iterator[int]:
    port = free_port()
    log_path = tmp_path / f"gunicorn-{port}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{port}", "denialhelp.wsgi"],
            cwd=ROOT,
            env=subprocess_env(DATABASE_URL=f"sqlite:///{tmp_path / 'web.sqlite3'}"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_for(lambda: first_status(port, timeout=2) is not None, timeout=60), log_path.read_text()
        yield port
    finally:
        stop_process_group(process)


def answer_with_stalled_clients(port: int, within: float = ANSWER_WITHIN) -> tuple[int | None, float]:
    stalled = []
    try:
        for _ in range(STALLED_CLIENTS):
            stalled.append(stall(port))
        time.sleep(1)  # the server has taken them up
        started = time.monotonic()
        status = first_status(port, timeout=within)
        return status, time.monotonic() - started
    finally:
        # Closed before the server is stopped, so no worker is left waiting on them.
        for sock in stalled:
            sock.close()


def test_stalled_clients_do_not_block_other_requests_with_the_production_configuration(tmp_path):
    with gunicorn(tmp_path, "--config", str(ROOT / "gunicorn.conf.py")) as port:
        status, seconds = answer_with_stalled_clients(port)
    assert status is not None, f"no answer within {ANSWER_WITHIN}s with {STALLED_CLIENTS} stalled clients"
    assert seconds < ANSWER_WITHIN


@pytest.mark.parametrize("workers", ["2"])
def test_the_check_detects_a_stall_two_sync_workers_cannot_survive(tmp_path, workers):
    """The control: with one request per worker process, the stalled clients
    hold every worker and nothing else is answered."""
    empty = tmp_path / "no-settings.conf.py"
    empty.write_text("")
    with gunicorn(tmp_path, "--config", str(empty), "--workers", workers, "--worker-class", "sync") as port:
        # Silence for a few times what an unstalled /healthz takes is proof enough of the stall.
        status, _seconds = answer_with_stalled_clients(port, within=4)
    assert status is None
