"""Start and stop the servers under test (gunicorn, Datasette) and watch their memory."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS = BENCH_DIR / "results"
DATASETTE_VENV = BENCH_DIR / ".venv-datasette"
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-any-real-site"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def portal_env(database_url: str, redis_url: str | None = None) -> dict:
    """Production settings (DEBUG off) for the bench database, with the floor view's URLconf.

    The cache is each process's own memory unless `redis_url` is given (never a REDIS_URL that happens
    to be in the environment: the run says which cache it measured).
    """
    skipped = {"DEBUG", "PLAIN_STATIC_STORAGE", "REDIS_URL"}
    env = {key: value for key, value in os.environ.items() if key not in skipped}
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        SECRET_KEY=BENCH_SECRET_KEY,
        DEBUG="0",
        ALLOWED_HOSTS=LOOPBACK,
        PYTHONPATH=str(ROOT),
    )
    return env


def wait_until_up(port: int, path: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            connection = http.client.HTTPConnection(LOOPBACK, port, timeout=5)
            connection.request("GET", path, headers={"Host": LOOPBACK})
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no 200 from http://{LOOPBACK}:{port}{path} within {timeout:.0f} s")


class Server:
    """A server process in its own session, so stopping it also stops its workers."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path, ready_path: str, port: int):
        self.name, self.command, self.env, self.log, self.ready_path, self.port = (
            name,
            command,
            env,
            log,
            ready_path,
            port,
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_until_up(self.port, self.ready_path, self.process)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log_file.close()
        self.process = None

    def pids(self) -> list[int]:
        """The server process and its direct children (gunicorn's workers)."""
        if self.process is None:
            return []
        root = self.process.pid
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name is in parentheses and may contain spaces; the parent pid follows it.
            fields = stat.rsplit(")", 1)[-1].split()
            if len(fields) > 1 and fields[1] == str(root):
                children.append(int(entry.name))
        return [root, *children]


def flush_redis(url: str) -> None:
    """Empty the Redis database the bench caches in, so the first request of each page is really cold."""
    import redis

    redis.Redis.from_url(url).flushdb()


def gunicorn(*, database_url: str, workers: int, log: Path, redis_url: str | None = None) -> Server:
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "expoportal.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"{LOOPBACK}:{port}",
        "--no-control-socket",
        # As the README's production section runs it: the application, its warm-up included, loaded once before
        # the workers fork, so that every worker is ready when the port opens (without it the first worker to
        # start answered the readiness check while the others were still warming up, and the first pages
        # measured shared the processor with them).
        "--preload",
        # Long enough to let a slow full export finish and be measured rather than killed.
        "--timeout",
        "600",
        "--log-level",
        "warning",
    ]
    return Server("gunicorn", command, portal_env(database_url, redis_url), log, "/bench/floor/", port)


def ensure_datasette(log, pip_log: Path) -> Path | None:
    """Datasette in its own virtual environment (bench only); None when it cannot be installed."""
    binary = DATASETTE_VENV / "bin" / "datasette"
    if binary.exists():
        return binary
    log(f"installing Datasette into {DATASETTE_VENV.relative_to(ROOT)} ...")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        with pip_log.open("ab") as output:
            subprocess.run(
                [str(DATASETTE_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", "datasette"],
                check=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
    except (subprocess.CalledProcessError, OSError) as error:
        log(f"Datasette could not be installed ({error}, see {pip_log}); its columns stay empty")
        return None
    return binary if binary.exists() else None


def datasette(*, binary: Path, sqlite_path: Path, settings: list[tuple[str, str]], log: Path) -> Server:
    port = free_port()
    command = [str(binary), "serve", str(sqlite_path), "--host", LOOPBACK, "--port", str(port)]
    for name, value in settings:
        command += ["--setting", name, value]
    return Server("datasette", command, dict(os.environ), log, "/-/versions.json", port)


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakMemory:
    """Samples the resident memory of a server's processes; `peak_mib` is the largest single process seen."""

    def __init__(self, server: Server, interval: float = 0.05):
        self.server, self.interval = server, interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid in self.server.pids():
                self.peak_kib = max(self.peak_kib, rss_kib(pid))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024

    def high_water_mib(self) -> float:
        """The largest VmHWM (lifetime peak) of the server's processes."""
        return max((rss_kib(pid, "VmHWM") for pid in self.server.pids()), default=0) / 1024
