"""Real processes: a Celery worker on the configured broker, and `make run`'s
process set starting, serving and stopping without leaving anything behind."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from appeals.tasks import ping
from tests.conftest import ROOT, stop_process_group, subprocess_env, wait_for

pytestmark = pytest.mark.pipeline


def test_a_real_worker_runs_a_task_from_the_broker(celery_worker):
    results = [ping.delay() for _ in range(3)]
    assert [result.get(timeout=30) for result in results] == ["pong"] * 3
    assert "ready" in celery_worker.log()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (honcho starts each in a session of its own)."""
    listing = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    children: dict[int, list[int]] = {}
    for line in listing.splitlines():
        child, parent = (int(part) for part in line.split())
        children.setdefault(parent, []).append(child)
    found, frontier = set(), [pid]
    while frontier:
        for child in children.get(frontier.pop(), []):
            found.add(child)
            frontier.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        # A zombie is gone for our purpose: it holds no port and runs nothing.
        state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
        if state and not state.startswith("Z"):
            living.add(pid)
    return living


# The embedded database `manage.py migrate` leaves on a fresh machine, made once per test
# process and copied for each `make run` test (migrating takes seconds of each).
_MIGRATED_DATABASE: list[Path] = []


def migrated_database(env: dict[str, str]) -> Path:
    if not _MIGRATED_DATABASE:
        var = Path(tempfile.mkdtemp(prefix="denialhelp-migrated-"))
        atexit.register(shutil.rmtree, var, ignore_errors=True)
        migrate_env = {**env, "DENIALHELP_VAR_DIR": str(var)}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=migrate_env, check=True, timeout=300)
        _MIGRATED_DATABASE.append(var / "denialhelp.sqlite3")
    return _MIGRATED_DATABASE[0]


def start_make_run(tmp_path) -> tuple[subprocess.Popen, int, Path]:
    """What `make run` starts: Procfile.dev under honcho, on a free port and
    a fresh var/ directory; returns once /healthz answers 200 (the database,
    the broker and the worker's first heartbeat)."""
    port = free_port()
    var = tmp_path / "var"
    env = subprocess_env(DJANGO_SETTINGS_MODULE="denialhelp.settings", DENIALHELP_VAR_DIR=str(var))
    env.pop("DATABASE_URL", None)  # the embedded defaults, as on a fresh machine
    if "CELERY_BROKER_URL" not in os.environ:
        env.pop("CELERY_RESULT_BACKEND", None)
    env["PATH"] = f"{ROOT / '.venv' / 'bin'}:{os.path.dirname(sys.executable)}:{env['PATH']}"
    var.mkdir()
    shutil.copy(migrated_database(env), var / "denialhelp.sqlite3")
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        honcho = subprocess.Popen(
            [sys.executable, "-m", "honcho", "start", "--no-prefix", "-f", "Procfile.dev", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        assert wait_for(healthy, timeout=90), log_path.read_text()
    except BaseException:
        stop_process_group(honcho, timeout=5)
        raise
    return honcho, port, log_path


def command_line(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def parent_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_run_procfile_serves_then_stops_both_processes(tmp_path, stop_signal):
    """What `make run` starts (Procfile.dev under honcho): the site answers,
    the worker reports ready, and one signal stops every process."""
    honcho, port, log_path = start_make_run(tmp_path)
    try:
        assert wait_for(lambda: "ready." in log_path.read_text(), timeout=60), log_path.read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5) as response:
            assert response.status == 200

        started = descendants(honcho.pid)
        # runserver and its reloader child, and the worker
        assert len(started) >= 3, started
        os.killpg(honcho.pid, stop_signal)
        honcho.wait(timeout=30)
        assert wait_for(lambda: not alive(started), timeout=15), alive(started)
        log = log_path.read_text()
        # Stopped by the signal, not by honcho's SIGKILL after its 5 s grace.
        assert "SIGKILL" not in log and "Warm shutdown" in log, log
        assert "ERROR" not in log, log
    finally:
        stop_process_group(honcho, timeout=5)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the worker's process through /proc")
def test_run_stops_everything_when_the_worker_dies(tmp_path):
    """A worker killed under `make run` (out of memory, kill -9) stops the web
    server too, saying which process stopped: never a site that takes
    payments while no letter is rendered."""
    honcho, port, log_path = start_make_run(tmp_path)
    try:
        started = descendants(honcho.pid)
        # The worker's Python process: not the shell honcho starts it with,
        # nor the beat process it starts itself.
        celery = {pid for pid in started if "celery -A denialhelp worker" in command_line(pid)}
        celery -= {pid for pid in celery if command_line(pid).startswith("/bin/sh")}
        workers = [pid for pid in celery if parent_of(pid) not in celery]
        assert len(workers) == 1, {pid: command_line(pid) for pid in started}
        worker = workers[0]
        os.kill(worker, signal.SIGKILL)
        assert honcho.wait(timeout=30) != 0, log_path.read_text()
        assert wait_for(lambda: not alive(started), timeout=15), {pid: command_line(pid) for pid in alive(started)}
        assert "worker.1 stopped (rc=-9)" in log_path.read_text(), log_path.read_text()
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    finally:
        stop_process_group(honcho, timeout=5)
