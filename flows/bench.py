"""`wirehouse bench`: the flow's cost on a synthetic corpus, measured against a read-and-regex floor.

One bench = one temporary Prefect API and one synthetic corpus (flows/synthetic.py) in a temporary
folder. It measures the floor (read every file, run one quote regex, nothing else), a run over an empty
folder (the fixed cost), full runs at N/5 and N articles on fresh warehouses (the per-article slope),
an unchanged rerun and a rerun with one file added. By default every flow run happens in its own child
process (`python -m flows.bench _child ...`) so its peak RSS is its own; `--in-process` runs them all
in this process instead (faster, and what the tests use).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flows.environment import PROJECT_ROOT, use_offline_prefect
from flows.synthetic import DEFAULT_SEED, write_corpus

DEFAULT_FLOW = "flows.pipeline:wirehouse_flow"
# The floor's one regex: a quotation in straight, curly double or curly single quotes.
FLOOR_QUOTE = re.compile("\"[^\"\\n]{1,800}\"|\u201c[^\u201d\\n]{1,800}\u201d|\u2018[^\u2019\\n]{1,800}\u2019")
FLOOR_REPEATS = 5
CHILD_TIMEOUT_S = 4 * 3600
# Targets of issue 7.
SLOPE_LIMIT = 10.0
RERUN_FLOOR_FACTOR = 2.0
RSS_LIMIT_MB = 1536.0

JSON_KEYS = (
    "articles", "floor_s", "floor_us_per_article", "fixed_startup_s", "full_run_s", "full_over_floor",
    "slope_over_floor", "unchanged_rerun_s", "one_added_rerun_s", "stage_seconds", "articles_per_s",
    "quotes_per_s", "peak_rss_mb", "task_runs",
)


def log(message: str) -> None:
    """Progress line on stderr (stdout is kept for the table or the JSON)."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# --- the floor -------------------------------------------------------------------------------------

def floor_pass(folder: Path) -> tuple[float, int, int]:
    """Read every file under `folder` and count quotes with one regex: (seconds, files, quotes)."""
    t0 = time.perf_counter()
    files = quotes = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), encoding="utf-8", errors="replace") as handle:
                quotes += len(FLOOR_QUOTE.findall(handle.read()))
            files += 1
    return time.perf_counter() - t0, files, quotes


def measure_floor(folder: Path, repeats: int = FLOOR_REPEATS) -> dict[str, Any]:
    """Best of `repeats` floor passes (the files are in the page cache, as they are for the flow runs)."""
    passes = [floor_pass(folder) for _ in range(repeats)]
    seconds, files, quotes = min(passes)
    return {"seconds": seconds, "files": files, "quotes": quotes, "all_seconds": [p[0] for p in passes]}


# --- memory --------------------------------------------------------------------------------------

def proc_status_mb(field: str) -> float | None:
    """A memory line of /proc/self/status (VmRSS, VmHWM) in MB, or None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset this process's RSS high-water mark (Linux clear_refs 5); False when unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def process_peak_rss_mb() -> float:
    """Peak RSS of this whole process so far (ru_maxrss), in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def descendants(pid: int) -> list[int]:
    """Every process started by `pid`, and by those, ... (Linux /proc; [] elsewhere)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text(encoding="ascii").split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *descendants(child)]
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0)
    except OSError:
        return 0.0


class Background:
    """Runs `_run` on a daemon thread while in a `with` block; `_run` samples every `interval` seconds
    until `_stop` is set."""

    def __init__(self, interval: float, name: str) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Background:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        raise NotImplementedError


class TreeRss(Background):
    """Samples the summed RSS of this process and every process it started (extraction processes), every
    `interval` seconds, while in a `with` block: their peak is the run's real memory."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(interval, "tree-rss")
        self.peak_mb = 0.0

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.interval):
            self.peak_mb = max(self.peak_mb, sum(rss_mb(pid) for pid in [me, *descendants(me)]))


# --- one measured flow run -------------------------------------------------------------------------

def load_flow(spec: str) -> Callable[..., Any]:
    """The flow named `module:attribute`."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "wirehouse_flow")


def count_task_runs(flow_run_id: Any, settle_s: float = 5.0) -> int | None:
    """Task runs the API holds for one flow run, read until two reads agree; None when unreadable."""
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        flow_filter = FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        previous, deadline = -1, time.monotonic() + settle_s
        with get_client(sync_client=True) as client:
            while True:
                count, page = 0, 200
                while True:
                    batch = client.read_task_runs(flow_run_filter=flow_filter, limit=page, offset=count)
                    count += len(batch)
                    if len(batch) < page:
                        break
                if count == previous or time.monotonic() > deadline:
                    return count
                previous = count
                time.sleep(0.25)
    except Exception as err:  # the count is a figure of the report, never a reason to fail the bench
        log(f"could not count task runs: {err!r}")
        return None


def summary_fields(summary: Any) -> dict[str, Any]:
    """The parts of a RunSummary the bench reports."""
    data = dataclasses.asdict(summary) if dataclasses.is_dataclass(summary) else dict(vars(summary))
    keep = ("status", "files_seen", "files_processed", "articles_loaded", "files_quarantined", "table_rows",
            "stage_seconds", "message", "quarantine_reasons")
    return {k: data.get(k) for k in keep}


class Sampler(Background):
    """A small sampling profiler over every busy thread, with the RSS seen during each task.

    Every `interval` seconds it records the stack of each thread that is not idle (waiting on a lock,
    a queue, a selector or a sleep), and the process RSS. The report ranks functions by samples where
    they were running (self) and on the stack (total), gives the peak RSS seen while each function of
    `stage_file` (the flow's tasks) was running, and writes collapsed stacks for flamegraph.pl or
    speedscope. Time spent in Rust or C shows up on the Python frame that called it.
    """

    IDLE_FILES = ("/threading.py", "/queue.py", "/selectors.py", "/concurrent/futures/thread.py")
    IDLE_FUNCTIONS = ("heartbeat_loop", "sleep", "_run_once", "run_forever")

    def __init__(self, interval: float = 0.01, stage_file: str | None = None) -> None:
        super().__init__(interval, "bench-sampler")
        self.stage_file = stage_file
        self.stacks: Counter[tuple[str, ...]] = Counter()
        self.stage_rss: dict[str, float] = {}
        self.samples = 0
        self.elapsed = 0.0

    def _idle(self, frame: Any) -> bool:
        """A thread parked in a wait, not doing work."""
        code = frame.f_code
        return code.co_filename.endswith(self.IDLE_FILES) or code.co_name in self.IDLE_FUNCTIONS

    def _run(self) -> None:
        own = threading.get_ident()
        t0 = time.perf_counter()
        while not self._stop.wait(self.interval):
            rss = proc_status_mb("VmRSS") or 0.0
            stages = set()
            for ident, frame in sys._current_frames().items():
                if ident == own or self._idle(frame):
                    continue
                stack = []
                while frame is not None:
                    code = frame.f_code
                    if code.co_filename == self.stage_file:
                        stages.add(code.co_name)
                    stack.append(f"{code.co_name} ({short_path(code.co_filename)}:{code.co_firstlineno})")
                    frame = frame.f_back
                self.stacks[tuple(reversed(stack))] += 1
            for stage in stages - {"<module>"} or {"(between tasks)"}:
                self.stage_rss[stage] = max(rss, self.stage_rss.get(stage, 0.0))
            self.samples += 1
        self.elapsed = time.perf_counter() - t0

    def report(self, path: Path, top: int = 40) -> None:
        """Write the top lists to `path` and the collapsed stacks beside it (`.collapsed`)."""
        own: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for stack, count in self.stacks.items():
            own[stack[-1]] += count
            for name in set(stack):
                total[name] += count
        tick = self.elapsed / self.samples if self.samples else self.interval
        lines = [f"{self.samples} samples over {self.elapsed:.1f}s wall ({tick * 1000:.1f} ms apart) of every busy "
                 "thread; seconds are thread-seconds (parallel threads, and threads queueing for the GIL, add up)",
                 "", "peak RSS seen while each flow function ran:"]
        lines += [f"  {mb:9.0f} MB  {name}" for name, mb in sorted(self.stage_rss.items(), key=lambda kv: -kv[1])]
        lines += ["", "self (running in that function, or in Rust/C called from it):"]
        lines += [f"  {n * tick:9.2f}s  {name}" for name, n in own.most_common(top)]
        lines += ["", "total (on the stack):"]
        lines += [f"  {n * tick:9.2f}s  {name}" for name, n in total.most_common(top)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.with_suffix(".collapsed").write_text(
            "".join(f"{';'.join(stack)} {n}\n" for stack, n in self.stacks.items()), encoding="utf-8")


def short_path(filename: str) -> str:
    """A source path without the site-packages or project prefix."""
    for marker in ("site-packages/", str(PROJECT_ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def measure_run(input_dir: Path, warehouse: Path, flow_spec: str = DEFAULT_FLOW,
                profile: Path | None = None, workers: int = 1) -> dict[str, Any]:
    """Run the flow once in this process and time it: seconds, status, summary, task runs, RSS.

    With `workers` > 1 the extraction tasks run on a pool of that many processes."""
    flow = load_flow(flow_spec)
    options: dict[str, Any] = {}
    if workers > 1:
        from prefect.task_runners import ProcessPoolTaskRunner

        flow, options = flow.with_options(task_runner=ProcessPoolTaskRunner(max_workers=workers)), {"workers": workers}
    baseline = proc_status_mb("VmRSS")
    hwm_reset = reset_peak_rss()
    stage_file = getattr(getattr(flow, "fn", flow), "__code__", None)
    sampler = Sampler(stage_file=stage_file and stage_file.co_filename) if profile else contextlib.nullcontext()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr), sampler, TreeRss() as tree:
        state = flow(str(input_dir), str(warehouse), return_state=True, **options)
    seconds = time.perf_counter() - t0
    result: dict[str, Any] = {
        "seconds": seconds,
        "baseline_rss_mb": baseline,
        "run_peak_rss_mb": proc_status_mb("VmHWM") if hwm_reset else None,
        "process_peak_rss_mb": process_peak_rss_mb(),
        "tree_peak_rss_mb": tree.peak_mb,
        "pid": os.getpid(),
    }
    if isinstance(sampler, Sampler) and profile:
        sampler.report(profile)
    value = state.result(raise_on_failure=False)
    if isinstance(value, BaseException) or not state.is_completed():
        result.update(status="error", error=repr(value)[:2000], summary=None)
    else:
        fields = summary_fields(value)
        result.update(status=fields.get("status") or "completed", error=fields.get("message") or None,
                      summary=fields)
    result["task_runs"] = count_task_runs(state.state_details.flow_run_id)
    return result


def child_main(argv: list[str]) -> int:
    """`python -m flows.bench _child --input D --warehouse W --out R.json`: one measured run, as JSON."""
    t_start = time.perf_counter()
    parser = argparse.ArgumentParser(prog="flows.bench _child")
    parser.add_argument("--input", required=True)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--flow", default=DEFAULT_FLOW)
    parser.add_argument("--profile")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    use_offline_prefect(ephemeral_api=False)
    load_flow(args.flow)
    import_s = time.perf_counter() - t_start
    result = measure_run(Path(args.input), Path(args.warehouse), args.flow,
                         Path(args.profile) if args.profile else None, args.workers)
    result["import_s"] = import_s
    result["process_peak_rss_mb"] = process_peak_rss_mb()
    Path(args.out).write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0


def run_child(input_dir: Path, warehouse: Path, api_url: str, workdir: Path, label: str,
              flow_spec: str = DEFAULT_FLOW, profile: Path | None = None, workers: int = 1) -> dict[str, Any]:
    """Measure one flow run in a fresh child process that uses the bench's Prefect API."""
    out = workdir / f"{label}.json"
    log_path = workdir / f"{label}.log"
    env = dict(os.environ, PREFECT_API_URL=api_url)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    cmd = [sys.executable, "-m", "flows.bench", "_child", "--input", str(input_dir), "--warehouse",
           str(warehouse), "--out", str(out), "--flow", flow_spec, "--workers", str(workers)]
    if profile:
        cmd += ["--profile", str(profile)]
    t0 = time.perf_counter()
    with open(log_path, "w", encoding="utf-8") as child_log:
        try:
            code = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, stdout=child_log, stderr=subprocess.STDOUT,
                                  timeout=CHILD_TIMEOUT_S).returncode
        except subprocess.TimeoutExpired:
            code = -1
    process_s = time.perf_counter() - t0
    if out.exists():
        result = json.loads(out.read_text(encoding="utf-8"))
    else:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        result = {"seconds": None, "status": "crashed", "error": f"exit code {code}: {tail}", "summary": None,
                  "task_runs": None}
    result["process_s"] = process_s
    return result


# --- the bench -----------------------------------------------------------------------------------

@contextlib.contextmanager
def prefect_api() -> Iterator[tuple[str, float]]:
    """The API to run against: the one already configured (tests), else one temporary for the bench."""
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    if url:
        yield str(url), 0.0
        return
    from prefect.testing.utilities import prefect_test_harness

    t0 = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=90):
        yield str(get_current_settings().api.url), time.perf_counter() - t0


def machine_info() -> dict[str, Any]:
    """Cores, RAM, CPU model, OS and Python of this machine."""
    ram_gb = cpu = None
    with contextlib.suppress(OSError):
        meminfo = Path("/proc/meminfo").read_text()
        ram_gb = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 ** 2, 1)
    with contextlib.suppress(OSError, AttributeError):
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cores": usable, "cpu_count": os.cpu_count(), "ram_gb": ram_gb, "cpu": cpu,
            "os": platform.platform(), "python": platform.python_version()}


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing or b is zero."""
    return a / b if a is not None and b else None


def rounded(value: Any, digits: int = 4) -> Any:
    """Round floats (also inside dicts) for the report."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: rounded(v, digits) for k, v in value.items()}
    return value


def run_bench(articles: int, *, small: int | None = None, seed: int = DEFAULT_SEED, isolate: bool = True,
              workdir: Path | None = None, keep: bool = False, flow_spec: str = DEFAULT_FLOW,
              profile: Path | None = None, repeat: int = 1, workers: int = 1) -> dict[str, Any]:
    """Build the corpus, run every measurement and return the report (see JSON_KEYS)."""
    small = small if small is not None else max(1, articles // 5)
    repeat = max(1, repeat)
    if not 0 < small < articles:
        raise ValueError(f"the slope needs 0 < small ({small}) < articles ({articles})")
    base = Path(tempfile.mkdtemp(prefix="wirehouse-bench-", dir=workdir))
    corpus, empty = base / "corpus", base / "empty"
    empty.mkdir()
    runs: dict[str, dict[str, Any]] = {}
    try:
        with prefect_api() as (api_url, api_startup_s):
            def once(label: str, folder: Path, warehouse: str, prof: Path | None) -> dict[str, Any]:
                if isolate:
                    return run_child(folder, base / warehouse, api_url, base, label, flow_spec, prof, workers)
                return measure_run(folder, base / warehouse, flow_spec, prof, workers)

            def measured(label: str, folder: Path, warehouse: str, *, fresh: bool,
                         before: Callable[[int], None] | None = None, prof: Path | None = None) -> None:
                """Run `repeat` times (fresh warehouse each time if `fresh`) and keep the fastest."""
                tries = []
                for k in range(repeat):
                    if fresh:
                        for old in base.glob(warehouse + "*"):
                            if old.is_dir():
                                shutil.rmtree(old)
                            else:
                                old.unlink()
                    if before:
                        before(k)
                    log(f"{label} ({k + 1}/{repeat}): flow over {folder.name} ...")
                    run = once(label, folder, warehouse, prof if k == 0 else None)
                    sec = run.get("seconds")
                    log(f"{label}: {run['status']}" + (f" in {sec:.2f}s" if sec is not None else ""))
                    if run.get("error"):
                        log(f"{label}: {run['error'][:400]}")
                    tries.append(run)
                timed = [t for t in tries if t.get("seconds") is not None and t.get("status") == "completed"]
                best = min(timed, key=lambda t: t["seconds"]) if timed else tries[-1]
                best["all_seconds"] = [t.get("seconds") for t in tries]
                runs[label] = best

            measured("warmup", empty, "warmup.duckdb", fresh=True)
            measured("empty", empty, "empty.duckdb", fresh=True)
            log(f"writing {small} articles ...")
            corpus_bytes = write_corpus(corpus, small, seed=seed)
            measured("small", corpus, "small.duckdb", fresh=True)
            log(f"writing {articles - small} more articles ...")
            corpus_bytes += write_corpus(corpus, articles - small, seed=seed, start=small)
            floor = measure_floor(corpus)
            log(f"floor: {floor['seconds']:.3f}s for {floor['files']} files, {floor['quotes']} quotes")
            measured("full", corpus, "full.duckdb", fresh=True, prof=profile)
            measured("unchanged", corpus, "full.duckdb", fresh=False)
            measured("one_added", corpus, "full.duckdb", fresh=False,
                     before=lambda k: write_corpus(corpus, 1, seed=seed, start=articles + k))
    finally:
        if keep:
            log(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return report(articles, small, seed, isolate, corpus_bytes, floor, runs, api_startup_s, repeat, workers)


def report(articles: int, small: int, seed: int, isolate: bool, corpus_bytes: int, floor: dict[str, Any],
           runs: dict[str, dict[str, Any]], api_startup_s: float, repeat: int = 1, workers: int = 1) -> dict[str, Any]:
    """The figures of the bench from its raw measurements."""
    full = runs["full"]
    full_s, small_s = completed_seconds(full), completed_seconds(runs["small"])
    summary = full.get("summary") or {}
    table_rows = summary.get("table_rows") or {}
    stages = summary.get("stage_seconds") or {}
    quotes = table_rows.get("quotes")
    floor_s = floor["seconds"]
    floor_us = floor_s / articles * 1e6
    slope_us = (full_s - small_s) / (articles - small) * 1e6 if full_s is not None and small_s is not None else None
    fixed_s = completed_seconds(runs["empty"])
    unchanged_s = completed_seconds(runs["unchanged"])
    task_runs = {label: run.get("task_runs") if run.get("status") == "completed" else None
                 for label, run in runs.items()}
    peak = max(full.get("process_peak_rss_mb") or 0, full.get("tree_peak_rss_mb") or 0) or None
    result: dict[str, Any] = {
        "articles": articles,
        "small_articles": small,
        "seed": seed,
        "mode": "child process per run" if isolate else "in-process",
        "repeat": repeat,
        "corpus_mb": corpus_bytes / 1e6,
        "floor_s": floor_s,
        "floor_us_per_article": floor_us,
        "floor_quotes": floor["quotes"],
        "fixed_startup_s": fixed_s,
        "first_run_s": completed_seconds(runs["warmup"]),
        "api_startup_s": api_startup_s,
        "import_s": full.get("import_s"),
        "small_run_s": small_s,
        "full_run_s": full_s,
        "full_over_floor": ratio(full_s, floor_s),
        "slope_us_per_article": slope_us,
        "slope_over_floor": ratio(slope_us, floor_us),
        "unchanged_rerun_s": unchanged_s,
        "one_added_rerun_s": completed_seconds(runs["one_added"]),
        "stage_seconds": stages,
        "other_s": full_s - sum(stages.values()) if full_s is not None and stages else None,
        "articles_per_s": ratio(articles, full_s),
        "quotes": quotes,
        "quotes_per_s": ratio(quotes, full_s),
        "table_rows": table_rows,
        "peak_rss_mb": peak,
        "run_peak_rss_mb": full.get("run_peak_rss_mb"),
        "baseline_rss_mb": full.get("baseline_rss_mb"),
        "task_runs": full.get("task_runs"),
        "task_runs_by_run": task_runs,
        "task_runs_constant": (task_runs["full"] is not None and task_runs["full"] == task_runs["small"]),
        "workers": workers,
        "machine": machine_info(),
        "code": code_version(),
        "runs": {label: {k: rounded(v) for k, v in run.items() if k != "pid"} for label, run in runs.items()},
    }
    limit_rerun = fixed_s + RERUN_FLOOR_FACTOR * floor_s if fixed_s is not None else None
    result["targets"] = {
        "slope_over_floor<=10": target(result["slope_over_floor"], SLOPE_LIMIT),
        "unchanged_rerun<=fixed+2*floor": target(unchanged_s, limit_rerun),
        "peak_rss_mb<1536": target(peak, RSS_LIMIT_MB),
        "task_runs_constant": {"value": task_runs.get("full"), "limit": task_runs.get("small"),
                               "ok": result["task_runs_constant"]},
    }
    result["all_runs_completed"] = all(run.get("status") == "completed" for run in runs.values())
    return {k: rounded(v) for k, v in result.items()}


def completed_seconds(run: dict[str, Any]) -> float | None:
    """The run's seconds when it completed (a failed run's time measures nothing)."""
    return run.get("seconds") if run.get("status") == "completed" else None


def code_version() -> dict[str, Any]:
    """The git commit measured, and whether the working tree had changes."""
    try:
        def git(*args: str) -> str:
            return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                  check=True).stdout.strip()

        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
        return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": dirty}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def target(value: float | None, limit: float | None) -> dict[str, Any]:
    """One target: the measured value, its limit and whether it is met (None when unmeasured)."""
    ok = None if value is None or limit is None else value <= limit
    return {"value": rounded(value), "limit": rounded(limit), "ok": ok}


# --- output --------------------------------------------------------------------------------------

def fmt(value: Any, spec: str = ".2f", dash: str = "-") -> str:
    """A number formatted, or a dash when missing."""
    return dash if value is None else format(value, spec)


def format_table(r: dict[str, Any]) -> str:
    """The report as a readable table."""
    m = r["machine"]
    n, small = r["articles"], r["small_articles"]
    lines = [
        f"wirehouse bench: {n} articles ({small} for the slope), corpus {r['corpus_mb']:.1f} MB, "
        f"seed {r['seed']}, {r['mode']}, best of {r['repeat']}",
        f"machine: {m['cores']} cores, {m['ram_gb']} GB RAM, {m['cpu'] or '?'}, Python {m['python']}; "
        f"code {r['code']['commit']}{' + local changes' if r['code']['dirty'] else ''}",
        "",
        f"{'measurement':<28}{'articles':>9}{'seconds':>10}{'us/article':>12}{'articles/s':>12}"
        f"{'peak RSS MB':>13}{'task runs':>11}{'processed':>11}  status",
    ]
    floor_row = (f"{'floor (read + 1 regex)':<28}{n:>9}{r['floor_s']:>10.3f}{r['floor_us_per_article']:>12.1f}"
                 f"{n / r['floor_s'] if r['floor_s'] else 0:>12.0f}{'':>13}{'':>11}{'':>11}  -")
    lines.append(floor_row)
    rows = (("empty folder (fixed cost)", "empty", 0), (f"full run, N/5 = {small}", "small", small),
            (f"full run, N = {n}", "full", n), ("unchanged rerun", "unchanged", n),
            ("rerun, one file added", "one_added", n + 1))
    for label, key, count in rows:
        run = r["runs"][key]
        sec = run.get("seconds")
        processed = (run.get("summary") or {}).get("files_processed")
        lines.append(
            f"{label:<28}{count:>9}{fmt(sec, '.3f'):>10}"
            f"{fmt(sec / count * 1e6 if sec is not None and count else None, '.1f'):>12}"
            f"{fmt(count / sec if sec and count else None, '.0f'):>12}"
            f"{fmt(max(run.get('process_peak_rss_mb') or 0, run.get('tree_peak_rss_mb') or 0), '.0f'):>13}"
            f"{fmt(run.get('task_runs'), 'd'):>11}"
            f"{fmt(processed, 'd'):>11}  {run.get('status')}"
        )
    full_s = r["full_run_s"]
    stages = r["stage_seconds"] or {}
    lines += ["", "where the full run's time goes:"]
    for stage, sec in sorted(stages.items(), key=lambda kv: -kv[1]):
        lines.append(f"  {stage:<10}{sec:>9.3f}s  {100 * sec / full_s if full_s else 0:5.1f}%  "
                     f"{sec / n * 1e6:9.1f} us/article")
    if r["other_s"] is not None:
        lines.append(f"  {'other':<10}{r['other_s']:>9.3f}s  {100 * r['other_s'] / full_s:5.1f}%  "
                     "(Prefect task/flow overhead, artifacts, run log, bookkeeping)")
    lines += [
        "",
        f"full run / floor:        {fmt(r['full_over_floor'], '.1f')}x",
        f"slope N/5 -> N:          {fmt(r['slope_us_per_article'], '.1f')} us/article = "
        f"{fmt(r['slope_over_floor'], '.1f')}x the floor's {r['floor_us_per_article']:.1f} us/article",
        f"throughput:              {fmt(r['articles_per_s'], '.0f')} articles/s, "
        f"{fmt(r['quotes_per_s'], '.0f')} quotes/s ({fmt(r['quotes'], 'd')} quotes)",
        f"peak RSS (full run):     {fmt(r['peak_rss_mb'], '.0f')} MB (the flow process with its extraction "
        f"processes), {fmt(r['run_peak_rss_mb'], '.0f')} MB for the flow process during the flow "
        f"(from {fmt(r['baseline_rss_mb'], '.0f')} MB)",
        f"not in the run times:    imports {fmt(r['import_s'], '.2f')} s per process, first flow run in a "
        f"fresh API {fmt(r['first_run_s'], '.2f')} s, API start {fmt(r['api_startup_s'], '.2f')} s",
        "",
        "targets:",
    ]
    for name, t in r["targets"].items():
        mark = {True: "ok  ", False: "MISS", None: "n/a "}[t["ok"]]
        lines.append(f"  [{mark}] {name}: {t['value']} (limit {t['limit']})")
    return "\n".join(lines)


# --- command line --------------------------------------------------------------------------------

def positive_int(text: str) -> int:
    """argparse type: an integer >= 2."""
    value = int(text)
    if value < 2:
        raise argparse.ArgumentTypeError("needs at least 2 articles (the slope compares N/5 with N)")
    return value


def cmd_bench(args: argparse.Namespace) -> int:
    """Run the bench and print the table (or one JSON object with --json)."""
    small = args.small if args.small is not None else max(1, args.articles // 5)
    if not 0 < small < args.articles:
        print(f"wirehouse: error: --small must be between 1 and {args.articles - 1}", file=sys.stderr)
        return 2
    use_offline_prefect()
    result = run_bench(args.articles, small=args.small, seed=args.seed, isolate=not args.in_process,
                       workdir=Path(args.workdir) if args.workdir else None, keep=args.keep, flow_spec=args.flow,
                       profile=Path(args.profile).resolve() if args.profile else None, repeat=args.repeat,
                       workers=args.workers)
    print(json.dumps(result, default=str) if args.json else format_table(result))
    return 0 if result["all_runs_completed"] else 1


def configure_parser(bench: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The options of `bench`."""
    bench.add_argument("--articles", type=positive_int, default=1000, help="corpus size N (default %(default)s)")
    bench.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    bench.add_argument("--small", type=int, help="the smaller size for the slope (default N/5)")
    bench.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed (default %(default)s)")
    bench.add_argument("--repeat", type=int, default=1, help="run each measurement K times, keep the fastest")
    bench.add_argument("--in-process", action="store_true",
                       help="run every flow in this process (faster; memory kept from earlier runs counts in peak RSS)")
    bench.add_argument("--workdir", help="where to make the temporary corpus folder (default: system temp)")
    bench.add_argument("--keep", action="store_true", help="keep the corpus, warehouses and child logs")
    bench.add_argument("--profile", help="sample-profile the full run at N into this text file "
                       "(+ .collapsed stacks for a flame graph)")
    bench.add_argument("--workers", type=positive_int, default=1,
                       help="extraction tasks; more than 1 runs them on a local process pool (default %(default)s)")
    bench.add_argument("--flow", default=DEFAULT_FLOW, help="flow to measure, module:function (default %(default)s)")
    bench.set_defaults(handler=cmd_bench)
    return bench


def add_bench_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register `wirehouse bench` on the CLI's sub-command parsers."""
    bench = subparsers.add_parser("bench", help="time the flow on a synthetic corpus against a read+regex floor",
                                  description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    return configure_parser(bench)


def main(argv: list[str] | None = None) -> int:
    """`python -m flows.bench [bench options]` (and the `_child` entry the bench itself uses)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_child"]:
        return child_main(argv[1:])
    parser = configure_parser(argparse.ArgumentParser(prog="python -m flows.bench", description=__doc__,
                                                      formatter_class=argparse.RawDescriptionHelpFormatter))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
