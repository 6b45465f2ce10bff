#!/usr/bin/env python
"""
Load the entity API under gunicorn from a second process on loopback, and compare with the issue's targets.

    python bench/api_load.py [--workers 2] [--worker-class sync|gthread] [--threads 4] [--cache locmem|redis]
                             [--duration 25] [--scenarios detail,detail-rate,list,changes,export] [--profile]

Needs a registry seeded by bench/seed.py (its token and entity ids are read from --out) and ``wrk`` on the
PATH (``apt-get install -y wrk``). The script starts gunicorn on 127.0.0.1 with DEBUG=0 against PostgreSQL,
runs each scenario for a bounded time with wrk (bench/api_load.lua), measures the exports itself while
polling the gunicorn workers' memory, then stops the server. Every figure, with the server configuration and
CPU use (gunicorn workers, wrk, and the whole machine), goes to OUT/results-LABEL.json; a summary with
PASS/FAIL against the targets is printed.

Scenarios:
  detail       GET /api/v1/entities/{random id}/, 32 connections, as fast as they go (closed loop).
  detail-rate  the same 32 connections offering 500 requests/s together (Poisson arrivals scheduled in wrk's delay()),
               so latency is measured at the target rate rather than at saturation.
  detail-hot   closed loop over only 1,000 ids, so the detail cache is hit (for information).
  list         GET /api/v1/entities/ with the default page size and a mix of filters, orderings and cursors,
               at 1, 4 and 32 connections (closed loop).
  list-q       the list with ``q`` (a name substring), for information.
  changes      GET /api/v1/changes/?limit=1000&after=<random cursor>, one connection at a time.
  export       full JSONL export (timed, worker peak RSS), then CSV and FtM; each on a freshly started server.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/registry_apibench"
DEFAULT_OUT = ROOT / "var" / "bench"
LUA = Path(__file__).with_name("api_load.lua")
CLK_TCK = os.sysconf("SC_CLK_TCK")
TARGETS = {
    "detail_rps": 500, "detail_p99_ms": 20, "list_p99_ms": 30, "changes_1000_ms": 100,
    "export_jsonl_s": 30, "export_jsonl_rss_mb": 300,
}
ALL_SCENARIOS = ["detail", "detail-rate", "detail-hot", "list", "list-q", "changes", "export"]
LIST_QUERIES = [
    "", "kind=person", "kind=organisation", "status=active", "status=active&category=veo", "category=vei",
    "nationality=IQ", "nationality=af", "regime=Taliban", "regime=Al-Qaida", "source=bench",
    "ordering=-updated_at", "ordering=created_at", "updated_since=2026-01-01T00:00:00Z", "listed_since=2020-01-01",
    "kind=person&nationality=SO&status=active", "status=delisted&ordering=-updated_at",
]
Q_QUERIES = ["q=al-Shami", "q=Mohammed", "q=Wang Wei", "q=BQi.004242", "q=Brigade of Kandahar", "q=Ivanov"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip(),
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Where seed.py wrote token and ids.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4, help="Threads per worker (gthread only).")
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn worker timeout, s (exports stream long).")
    parser.add_argument("--cache", choices=["locmem", "redis"], default="locmem")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--rate-service", default="", help="API_RATE_SERVICE for the server (default: settings').")
    parser.add_argument("--duration", type=int, default=25, help="Seconds per wrk run (5-60).")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--rate", type=int, default=500, help="Offered requests/s for detail-rate.")
    parser.add_argument("--scenarios", default=",".join(ALL_SCENARIOS))
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--label", default="", help="Name of this run in the results file name.")
    parser.add_argument("--profile", action="store_true", help="py-spy every worker during the detail run.")
    parser.add_argument("--quiet-wait", type=float, default=120, help="Before each measurement, wait up to this "
                        "many seconds for the machine to be idle (other jobs may share it).")
    args = parser.parse_args(argv)
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(args.scenarios) - set(ALL_SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if not 5 <= args.duration <= 60:
        parser.error("--duration must be 5 to 60 seconds")
    if not args.label:
        kind = f"gthread{args.workers}x{args.threads}" if args.worker_class == "gthread" else f"sync{args.workers}"
        args.label = f"{kind}-{args.cache}"
    return args


# --- /proc readings --------------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [int(child) for child in text.split()]


def memory_kb(pid: int) -> dict:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    except FileNotFoundError:
        pass
    return values


def cpu_by_pid(pids) -> dict[int, float]:
    """utime + stime of each process still alive, in seconds."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return times


def cpu_seconds(pids) -> float:
    return sum(cpu_by_pid(pids).values())


def user_system_seconds(pids) -> tuple[float, float]:
    user = system = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        user, system = user + int(fields[11]), system + int(fields[12])
    return user / CLK_TCK, system / CLK_TCK


def reaped_children_seconds(pid: int | None) -> float:
    """CPU of the exited, reaped children of ``pid`` (cutime + cstime): PostgreSQL's parallel workers."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[13]) + int(fields[14])) / CLK_TCK


def machine_busy_seconds() -> tuple[float, float]:
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / CLK_TCK, sum(fields) / CLK_TCK


# --- The server ------------------------------------------------------------------------------------

class Server:
    """gunicorn serving registry.wsgi on loopback, configured as the benchmark asks."""

    ready_seconds = 30

    def __init__(self, args, log_path: Path):
        self.args = args
        self.base = f"http://127.0.0.1:{args.port}"
        self.log_path = log_path
        self.process = None

    def base_env(self) -> dict:
        """Production-like settings against the benchmark database, with the in-process cache."""
        env = {**os.environ, "DATABASE_URL": self.args.database_url, "DEBUG": "0",
               "SECRET_KEY": "bench-not-a-secret-" + "x" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
               "LOG_LEVEL": "WARNING"}
        env.pop("REDIS_CACHE_URL", None)
        return env

    def env(self) -> dict:
        env = self.base_env()
        if self.args.cache == "redis":
            env["REDIS_CACHE_URL"] = self.args.redis_url
        if self.args.rate_service:
            env["API_RATE_SERVICE"] = self.args.rate_service
        return env

    def command(self) -> list[str]:
        args = self.args
        command = [str(Path(sys.executable).with_name("gunicorn")), "registry.wsgi:application",
                   "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
                   "--worker-class", args.worker_class, "--timeout", str(args.timeout), "--backlog", "2048",
                   "--error-logfile", str(self.log_path), "--log-level", "warning"]
        if args.worker_class == "gthread":
            command += ["--threads", str(args.threads)]
        return command

    def start(self) -> "Server":
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env(), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.ready_seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=2) as response:
                    if response.status == 200 and len(self.workers()) == self.args.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not become ready in {self.ready_seconds} s; see {self.log_path}")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def get_json(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def warm_up(server: Server, token: str, ids: list[str]) -> None:
    """A few requests per worker, so imports, connections and URL resolvers are ready before timing."""
    for entity_id in ids[:20]:
        get_json(f"{server.base}/api/v1/entities/{entity_id}/", token)
        get_json(f"{server.base}/api/v1/entities/?kind=person", token)


# --- Scenarios -------------------------------------------------------------------------------------

def postmaster_pid(backends: list[int]) -> int | None:
    for pid in backends:
        try:
            return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, IndexError, ValueError):
            continue
    return None


def database_backends(database_name: str) -> list[int]:
    """PostgreSQL backend processes serving the benchmark database (their title names it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and f" {database_name} ".encode() in title:
                pids.append(int(entry.name))
    return pids


def wait_until_quiet(max_wait: float, threshold=0.15) -> float:
    """Wait (at most max_wait s) until the machine is nearly idle, as other jobs may share it. Returns the wait."""
    started = time.monotonic()
    while time.monotonic() - started < max_wait:
        busy, total = machine_busy_seconds()
        time.sleep(1)
        busy2, total2 = machine_busy_seconds()
        if (busy2 - busy) / max(total2 - total, 1e-9) < threshold:
            break
    return round(time.monotonic() - started, 1)


class Meter:
    """
    CPU used over one measurement by the server's workers (user and system), by PostgreSQL (the benchmark
    database's backends, plus every PostgreSQL process that exited meanwhile, which is mostly the parallel
    query workers the list's queries start), by wrk, and by everything else ("other": kernel work not charged
    to a process, such as loopback networking, and other jobs sharing the machine, which skew a run).
    """

    def __init__(self, server: Server):
        self.server = server
        self.database = urllib.parse.urlparse(server.args.database_url).path.lstrip("/")

    def __enter__(self):
        self.waited = wait_until_quiet(self.server.args.quiet_wait)
        self.pids = self.server.workers()
        self.server_cpu = user_system_seconds(self.pids)
        backends = database_backends(self.database)
        self.postmaster = postmaster_pid(backends)
        self.reaped = reaped_children_seconds(self.postmaster)
        self.database_cpu = cpu_by_pid(backends)
        self.children = os.times()
        self.busy, self.total = machine_busy_seconds()
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self.started
        busy, total = machine_busy_seconds()
        now = os.times()
        # Backends that started during the run count from zero; those that ended are lost (undercounted).
        end = cpu_by_pid(set(self.database_cpu) | set(database_backends(self.database)))
        database_cpu = sum(seconds - self.database_cpu.get(pid, 0.0) for pid, seconds in end.items())
        reaped = reaped_children_seconds(self.postmaster) - self.reaped
        user, system = user_system_seconds(self.pids)
        result = {
            "wall_s": round(wall, 2),
            "waited_for_quiet_s": self.waited,
            "server_cpu_s": round(user + system - sum(self.server_cpu), 2),
            "server_user_s": round(user - self.server_cpu[0], 2),
            "server_system_s": round(system - self.server_cpu[1], 2),
            "postgres_cpu_s": round(database_cpu + reaped, 2),
            "postgres_exited_processes_cpu_s": round(reaped, 2),
            "loadgen_cpu_s": round(now.children_user + now.children_system - self.children.children_user
                                   - self.children.children_system, 2),
            "machine_busy_s": round(busy - self.busy, 2),
            "machine_capacity_s": round(total - self.total, 2),
        }
        result["other_cpu_s"] = round(result["machine_busy_s"] - result["server_cpu_s"] - result["postgres_cpu_s"]
                                      - result["loadgen_cpu_s"], 2)
        self.result = result


def run_wrk(server: Server, args, *, mode: str, connections: int, env: dict, duration=None, threads=None,
            profile: str = "") -> dict:
    threads = min(threads or args.wrk_threads, connections)
    duration = duration or args.duration
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s",
               "--timeout", "10s", "-s", str(LUA), server.base]
    wrk_env = {**os.environ, "BENCH_MODE": mode, "BENCH_TOKEN": args.token, **env}
    with Meter(server) as meter:
        profilers = start_profilers(server, args, profile, duration) if profile else []
        completed = subprocess.run(command, env=wrk_env, capture_output=True, text=True, check=False)
        for process in profilers:
            process.wait(timeout=60)
    if completed.returncode != 0:
        raise SystemExit(f"wrk failed ({completed.returncode}): {completed.stderr}")
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH_RESULT "))
    raw = json.loads(line.removeprefix("BENCH_RESULT "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(value for key, value in raw.items() if key.startswith("errors_"))
    result = {
        "mode": mode, "connections": connections, "wrk_threads": threads, "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1), "errors": errors,
        **{f"{key}_ms": round(raw[key] / 1000, 2) for key in ("p50", "p75", "p90", "p95", "p99", "p99.9", "lat_max")},
        "mean_ms": round(raw["lat_mean"] / 1000, 2), "bytes_per_request": raw["bytes"] // max(1, raw["requests"]),
        "raw": raw, "cpu": meter.result,
    }
    if profile:
        result["profile"] = summarise_profile(sorted(args.out.glob(f"profile-{profile}-*.txt")),
                                              args.out / f"profile-{profile}.summary.txt")
    for part in ("server", "postgres", "loadgen", "other"):
        result[f"{part}_cpu_ms_per_request"] = round(1000 * meter.result[f"{part}_cpu_s"] / max(1, raw["requests"]), 2)
    return result


def list_paths(server: Server, token: str, queries: list[str], pages: int) -> list[str]:
    """List URLs to request: each query's first page and, by following `next`, a few deeper cursor pages."""
    paths = []
    for query in queries:
        url = f"{server.base}/api/v1/entities/" + (f"?{query}" if query else "")
        for _ in range(pages):
            try:
                page = get_json(url, token)
            except urllib.error.HTTPError as error:  # the API refused a query this script knows: say so, go on
                print(f"skipping list query {query!r}: HTTP {error.code} {error.read()[:200]!r}", file=sys.stderr)
                break
            paths.append(url.removeprefix(server.base))
            if not page.get("next"):
                break
            url = page["next"]
    return paths


def scenario_detail(server, args, ids_file):
    return run_wrk(server, args, mode="detail", connections=args.connections, env={"BENCH_IDS": str(ids_file)},
                   profile=f"{args.label}-detail" if args.profile else "")


def scenario_detail_rate(server, args, ids_file):
    # Each wrk thread offers its share of --rate requests/s, as Poisson arrivals over its connections.
    result = run_wrk(server, args, mode="detail", connections=args.connections,
                     env={"BENCH_IDS": str(ids_file), "BENCH_RATE": f"{args.rate / args.wrk_threads:.3f}"})
    result["offered_rps"] = args.rate
    return result


def scenario_detail_hot(server, args, ids_file):
    hot = args.out / "entity_ids_hot.txt"
    hot.write_text("".join(ids_file.read_text().splitlines(keepends=True)[:1000]))
    # One pass over the hot set first, so every worker's cache holds it (LocMem caches are per worker).
    run_wrk(server, args, mode="detail", connections=args.connections, env={"BENCH_IDS": str(hot)}, duration=5)
    return run_wrk(server, args, mode="detail", connections=args.connections, env={"BENCH_IDS": str(hot)})


def scenario_list(server, args, token):
    paths_file = args.out / "list_paths.txt"
    paths = list_paths(server, token, LIST_QUERIES, pages=4)
    paths_file.write_text("".join(f"{path}\n" for path in paths))
    result = {"paths": len(paths)}
    # One client paging (the latency of a page), then 4 and 32 clients at once (the same, under load).
    for connections in (1, 4, args.connections):
        profile = f"{args.label}-list" if args.profile and connections == args.connections else ""
        result[f"conn{connections}"] = run_wrk(server, args, mode="list", connections=connections,
                                               env={"BENCH_PATHS": str(paths_file)}, profile=profile)
    return result


def scenario_list_q(server, args, token):
    paths_file = args.out / "list_q_paths.txt"
    paths_file.write_text("".join(f"/api/v1/entities/?{urllib.parse.quote(query, safe='=')}\n" for query in Q_QUERIES))
    return run_wrk(server, args, mode="list", connections=4, env={"BENCH_PATHS": str(paths_file)})


def scenario_changes(server, args, token):
    total = get_json(f"{server.base}/api/v1/changes/?limit=1", token)
    assert total["results"], "the change feed is empty: seed first"
    count = count_changes(args.database_url)
    result = {"changes_in_feed": count}
    for connections in (1, 2):
        profile = f"{args.label}-changes" if args.profile and connections == 1 else ""
        result[f"conn{connections}"] = run_wrk(server, args, mode="changes", connections=connections, threads=1,
                                               env={"BENCH_CHANGES": str(count), "BENCH_LIMIT": "1000"},
                                               profile=profile)
    return result


def count_changes(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute("SELECT count(*) FROM entities_entitychange").fetchone()[0]


class MemoryPoller(threading.Thread):
    """Polls every worker's VmRSS while an export streams; VmHWM at the end gives each worker's peak."""

    def __init__(self, server: Server, interval=0.02):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.pids = server.workers()
        self.peak_rss = dict.fromkeys(self.pids, 0)
        self.baseline = {pid: memory_kb(pid).get("VmRSS", 0) for pid in self.pids}
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            for pid in self.pids:
                self.peak_rss[pid] = max(self.peak_rss[pid], memory_kb(pid).get("VmRSS", 0))
            time.sleep(self.interval)

    def finish(self) -> dict:
        self.stopping.set()
        self.join()
        workers = []
        for pid in self.pids:
            hwm = memory_kb(pid).get("VmHWM", 0)
            workers.append({"pid": pid, "baseline_rss_mb": round(self.baseline[pid] / 1024, 1),
                            "peak_rss_polled_mb": round(self.peak_rss[pid] / 1024, 1), "vmhwm_mb": round(hwm / 1024, 1),
                            "grew_mb": round((self.peak_rss[pid] - self.baseline[pid]) / 1024, 1)})
        served = max(workers, key=lambda worker: worker["grew_mb"])
        return {"workers": workers, "served_by": served["pid"], "peak_rss_mb": served["vmhwm_mb"]}


def export_once(server: Server, args, token: str, export_format: str) -> dict:
    url = f"{server.base}/api/v1/export/?format={export_format}"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    poller = MemoryPoller(server)
    poller.start()
    size = lines = 0
    first_byte = status = None
    error = ""
    with Meter(server) as meter:
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                status = response.status
                while chunk := response.read(1 << 16):
                    if first_byte is None:
                        first_byte = time.perf_counter() - started
                    size += len(chunk)
                    lines += chunk.count(b"\n")
        except (OSError, http.client.HTTPException) as exc:  # e.g. the worker was killed mid-stream
            error = f"{type(exc).__name__}: {exc}"[:300]
        elapsed = time.perf_counter() - started
    memory = poller.finish()
    return {"format": export_format, "status": status, "error": error, "seconds": round(elapsed, 2),
            "first_byte_s": round(first_byte or 0, 3), "bytes": size, "mb": round(size / 2**20, 1), "lines": lines,
            "mb_per_s": round(size / 2**20 / elapsed, 1), **memory, "cpu": meter.result}


def scenario_export(args, token):
    """Each export on a fresh server, so the worker's peak RSS is the export's alone."""
    results = {}
    for export_format in ("jsonl", "csv", "ftm"):
        server = Server(args, args.out / f"gunicorn-{args.label}-export.log").start()
        try:
            get_json(f"{server.base}/api/v1/entities/?page_size=1", token)  # load the app in a worker
            results[export_format] = export_once(server, args, token, export_format)
        finally:
            server.stop()
    return results


# --- Profiling -------------------------------------------------------------------------------------

def start_profilers(server: Server, args, name: str, duration: int) -> list:
    """py-spy on every worker for the run, sampling only while a thread holds the GIL (= Python on CPU)."""
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise SystemExit("--profile needs py-spy (pip install py-spy, temporarily)")
    for old in args.out.glob(f"profile-{name}-*.txt"):
        old.unlink()
    return [subprocess.Popen([py_spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--gil",
                              "--duration", str(max(1, duration - 2)), "--nonblocking",
                              "--output", str(args.out / f"profile-{name}-{pid}.txt")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for pid in server.workers()]


def summarise_profile(paths: list[Path], output: Path, top: int = 60) -> str:
    """Inclusive and self shares per function over py-spy's raw (collapsed) stacks, written to ``output``."""
    inclusive, own, total = Counter(), Counter(), 0
    for path in paths:
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = [re.sub(r":\d+\)$", ")", frame) for frame in stack.split(";")]
            total += int(count)
            for frame in set(frames):
                inclusive[frame] += int(count)
            own[frames[-1]] += int(count)
    lines = [f"{total} samples (GIL held) from {len(paths)} workers", "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    lines += ["", "self:"] + [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top // 2)]
    output.write_text("\n".join(lines) + "\n")
    return str(output)


# --- Report ----------------------------------------------------------------------------------------

def cpu_text(d: dict) -> str:
    return (f"CPU ms/req: gunicorn {d['server_cpu_ms_per_request']}, postgres {d['postgres_cpu_ms_per_request']}, "
            f"wrk {d['loadgen_cpu_ms_per_request']}, other {d['other_cpu_ms_per_request']}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def summarise(results: dict) -> list[str]:
    lines = [f"server: {results['server']['description']}"]
    s = results["scenarios"]
    if "detail" in s:
        d = s["detail"]
        lines.append(f"detail c{d['connections']} closed loop: {d['rps']} req/s "
                     f"[{verdict(d['rps'] >= TARGETS['detail_rps'])} >= {TARGETS['detail_rps']}], "
                     f"p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms "
                     f"[{verdict(d['p99_ms'] <= TARGETS['detail_p99_ms'])} <= {TARGETS['detail_p99_ms']}], "
                     f"errors {d['errors']}, {cpu_text(d)}")
    if "detail-rate" in s:
        d = s["detail-rate"]
        lines.append(f"detail c{d['connections']} offered {d['offered_rps']}/s: achieved {d['rps']} req/s, "
                     f"p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms "
                     f"[{verdict(d['p99_ms'] <= TARGETS['detail_p99_ms'] and d['rps'] >= 0.95 * d['offered_rps'])}]"
                     f", errors {d['errors']}, {cpu_text(d)}")
    if "detail-hot" in s:
        d = s["detail-hot"]
        lines.append(f"detail c{d['connections']} hot set (1,000 ids, cached): {d['rps']} req/s, "
                     f"p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms, {cpu_text(d)}")
    if "list" in s:
        for key, d in s["list"].items():
            if key.startswith("conn"):
                lines.append(f"list {key} ({s['list']['paths']} URLs): {d['rps']} req/s, p50 {d['p50_ms']} ms, "
                             f"p99 {d['p99_ms']} ms [{verdict(d['p99_ms'] <= TARGETS['list_p99_ms'])} <= "
                             f"{TARGETS['list_p99_ms']}], errors {d['errors']}, {cpu_text(d)}")
    if "list-q" in s:
        d = s["list-q"]
        lines.append(f"list ?q= c4: {d['rps']} req/s, p50 {d['p50_ms']} ms, p99 {d['p99_ms']} ms (information)")
    if "changes" in s:
        for key, d in s["changes"].items():
            if key.startswith("conn"):
                lines.append(f"changes limit=1000 {key}: {d['rps']} pages/s, p50 {d['p50_ms']} ms, p99 "
                             f"{d['p99_ms']} ms, max {d['lat_max_ms']} ms "
                             f"[{verdict(d['p99_ms'] <= TARGETS['changes_1000_ms'])} <= "
                             f"{TARGETS['changes_1000_ms']}], {d['bytes_per_request']} bytes/page")
    if "export" in s:
        for name, e in s["export"].items():
            line = (f"export {name}: {e['seconds']} s, {e['mb']} MB, {e['lines']} lines, first byte "
                    f"{e['first_byte_s']} s, worker peak RSS {e['peak_rss_mb']} MB"
                    + (f", FAILED: {e['error']}" if e.get("error") else ""))
            if name == "jsonl":
                complete = not e.get("error") and e["lines"] == results["entities"]
                line += (f" [{verdict(complete and e['seconds'] <= TARGETS['export_jsonl_s'])} <= "
                         f"{TARGETS['export_jsonl_s']} s, "
                         f"{verdict(e['peak_rss_mb'] <= TARGETS['export_jsonl_rss_mb'])} <= "
                         f"{TARGETS['export_jsonl_rss_mb']} MB]")
            lines.append(line)
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    args.token = (args.out / "token").read_text().strip()
    ids_file = args.out / "entity_ids.txt"
    ids = ids_file.read_text().split()
    server = Server(args, args.out / f"gunicorn-{args.label}.log")
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "server": {"command": server.command(), "cache": args.cache, "rate_service": args.rate_service or "default",
                   "description": f"gunicorn {args.worker_class} x{args.workers}"
                   + (f" threads {args.threads}" if args.worker_class == "gthread" else "")
                   + f", cache {args.cache}"},
        "entities": len(ids), "duration_s": args.duration, "scenarios": {},
    }
    run_scenarios(args, server, results, ids, ids_file)
    path = args.out / f"results-{args.label}.json"
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    for line in summarise(results):
        print(line)
    print(f"results: {path}")
    return 0


def run_scenarios(args, server, results, ids, ids_file) -> None:
    wrk_scenarios = [name for name in args.scenarios if name != "export"]
    if wrk_scenarios:
        server.start()
        try:
            warm_up(server, args.token, ids)
            results["server"]["worker_rss_mb_start"] = [round(memory_kb(pid)["VmRSS"] / 1024, 1)
                                                        for pid in server.workers()]
            for name in wrk_scenarios:
                print(f"... {name}", file=sys.stderr, flush=True)
                if name == "detail":
                    results["scenarios"][name] = scenario_detail(server, args, ids_file)
                elif name == "detail-rate":
                    results["scenarios"][name] = scenario_detail_rate(server, args, ids_file)
                elif name == "detail-hot":
                    results["scenarios"][name] = scenario_detail_hot(server, args, ids_file)
                elif name == "list":
                    results["scenarios"][name] = scenario_list(server, args, args.token)
                elif name == "list-q":
                    results["scenarios"][name] = scenario_list_q(server, args, args.token)
                elif name == "changes":
                    results["scenarios"][name] = scenario_changes(server, args, args.token)
            results["server"]["worker_rss_mb_end"] = [round(memory_kb(pid)["VmRSS"] / 1024, 1)
                                                      for pid in server.workers()]
        finally:
            server.stop()
    if "export" in args.scenarios:
        print("... export", file=sys.stderr, flush=True)
        results["scenarios"]["export"] = scenario_export(args, args.token)


if __name__ == "__main__":
    sys.exit(main())
