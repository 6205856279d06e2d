"""The scheduled deployment, for real: prefect.yaml deployed to a throwaway local Prefect server,
one run executed by a process worker, the warehouse it publishes checked.

Everything listens on 127.0.0.1 only and lives under tmp_path (Prefect home, database, logs,
warehouse); every process is started in its own process group and killed at the end, pass or fail.
Select with `pytest -m deployment`. Measured here (2 CPUs, busy): 65-90 s, of which ~15-25 s is the
first server start (database migrations) and ~20 s the worker picking up and running the flow.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

pytestmark = pytest.mark.deployment

PROJECT = Path(__file__).resolve().parent.parent
PREFECT = Path(sys.executable).parent / "prefect"
FLOW_NAME = "wirehouse"
DEPLOYMENT = "wirehouse-samples"

OVERALL_SECONDS = 300  # the whole test, servers and worker included
SERVER_START_SECONDS = 120  # a fresh Prefect home migrates its database first (~16 s here)
CLI_SECONDS = 90  # one `prefect ...` command
RUN_SECONDS = 180  # worker picks the run up and the flow finishes
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 60) -> str:
    """The last lines of a log file, for failure messages."""
    if not path.exists():
        return f"<{path.name}: not written>"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return f"--- {path.name} (last {min(lines, len(text))} of {len(text)} lines) ---\n" + "\n".join(
        text[-lines:]
    )


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (Linux /proc), so children that left the group die too."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class Stack:
    """The processes of one test: started in their own process groups, logged to files, all killed."""

    def __init__(self, root: Path, env: dict[str, str], deadline: float) -> None:
        self.root = root
        self.env = env
        self.deadline = deadline
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.logs: list[Path] = []
        self.timings: dict[str, float] = {}

    def remaining(self, limit: float) -> float:
        """Seconds allowed for the next wait: its own limit, capped by the whole test's deadline."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"deployment test ran over its {OVERALL_SECONDS} s budget\n" + self.log_tails())
        return min(limit, left)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        """A long-running `prefect ...` process (server, worker)."""
        log = self.root / f"{name}.log"
        self.logs.append(log)
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [str(PREFECT), *args], cwd=PROJECT, env=self.env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.procs.append((name, proc))
        return proc

    def cli(self, name: str, *args: str) -> str:
        """Run one `prefect ...` command to completion (bounded); its output, or fail with it."""
        log = self.root / f"{name}.log"
        self.logs.append(log)
        t0 = time.monotonic()
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [str(PREFECT), *args], cwd=PROJECT, env=self.env, stdin=subprocess.DEVNULL,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
            self.procs.append((name, proc))
            try:
                code = proc.wait(timeout=self.remaining(CLI_SECONDS))
            except subprocess.TimeoutExpired:
                self.stop(proc)
                pytest.fail(f"`prefect {' '.join(args)}` timed out\n" + tail(log))
        self.timings[name] = time.monotonic() - t0
        output = log.read_text(encoding="utf-8", errors="replace")
        if code != 0:
            pytest.fail(f"`prefect {' '.join(args)}` exited {code}\n" + tail(log) + "\n" + self.log_tails())
        return output

    @staticmethod
    def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
        """SIGTERM the process group (and stray descendants), then SIGKILL what is left."""
        if proc.poll() is None:
            strays = descendants(proc.pid)
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(proc.pid, sig)
                except ProcessLookupError:
                    pass
                for pid in strays:
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Whatever the group leader left behind in its group (e.g. a flow-run child).
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        for _, proc in reversed(self.procs):
            self.stop(proc)

    def log_tails(self) -> str:
        return "\n".join(tail(log) for log in self.logs if log.name.startswith(("server", "worker")))


def offline_env(home: Path, api_url: str) -> dict[str, str]:
    """This machine's environment minus any Prefect settings, plus a private, offline Prefect."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_API_URL=api_url,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_UI_ENABLED="false",
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_CLI_COLORS="false",
        PREFECT_CLI_WRAP_LINES="false",
        DO_NOT_TRACK="1",
        GX_ANALYTICS_ENABLED="false",
        COLUMNS="200",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_for_health(stack: Stack, server: subprocess.Popen, api: httpx.Client) -> None:
    """Poll /api/health until the server answers (or dies, or the deadline passes)."""
    end = time.monotonic() + stack.remaining(SERVER_START_SECONDS)
    while time.monotonic() < end:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited {server.returncode}\n" + stack.log_tails())
        try:
            if api.get("/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    pytest.fail("prefect server did not become healthy in time\n" + stack.log_tails())


def wait_for_terminal(stack: Stack, worker: subprocess.Popen, api: httpx.Client, run_id: str) -> dict:
    """Poll the flow run until it reaches a terminal state; the run as the API returns it."""
    end = time.monotonic() + stack.remaining(RUN_SECONDS)
    run: dict = {}
    while time.monotonic() < end:
        run = api.get(f"/flow_runs/{run_id}").raise_for_status().json()
        if run["state_type"] in TERMINAL:
            return run
        if worker.poll() is not None:
            pytest.fail(f"worker exited {worker.returncode} with the run {run['state_type']}\n"
                        + stack.log_tails())
        time.sleep(1)
    pytest.fail(f"flow run still {run.get('state_type')} after {RUN_SECONDS} s\n"
                + flow_run_logs(api, run_id) + "\n" + stack.log_tails())


def flow_run_logs(api: httpx.Client, run_id: str) -> str:
    """The flow run's own log lines, from the server."""
    try:
        logs = api.post("/logs/filter", json={"logs": {"flow_run_id": {"any_": [run_id]}},
                                              "sort": "TIMESTAMP_ASC", "limit": 200}).json()
    except httpx.HTTPError as err:
        return f"<flow run logs unavailable: {err}>"
    return "--- flow run logs ---\n" + "\n".join(f"{log['level']:>3} {log['message']}" for log in logs)


def test_prefect_yaml_declares_the_scheduled_offline_deployment():
    """The deployment the issue asks for, with nothing that would reach the network."""
    config = yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = [d for d in config["deployments"] if d["name"] == DEPLOYMENT]
    assert deployment["entrypoint"] == "flows/pipeline.py:wirehouse_flow"
    assert deployment["work_pool"]["name"] == "wirehouse-pool"
    assert [s["cron"] for s in deployment["schedules"]] == ["*/15 * * * *"]
    assert deployment["concurrency_limit"] == 1
    assert set(deployment["parameters"]) == {"input_dir", "warehouse"}
    steps = [name for section in ("build", "push", "pull") for step in config.get(section) or []
             for name in step]
    assert steps == ["prefect.deployments.steps.run_shell_script",
                     "prefect.deployments.steps.set_working_directory"]


def test_deployment_runs_on_a_process_worker(tmp_path):
    """Local server -> work pool -> `prefect deploy` -> `prefect deployment run` -> worker -> warehouse."""
    import duckdb

    t_start = time.monotonic()
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    deployed_warehouse = tmp_path / "deployed" / "wirehouse.duckdb"  # what scheduled runs would write
    run_warehouse = tmp_path / "run" / "wirehouse.duckdb"  # what the triggered run writes
    stack = Stack(tmp_path, offline_env(tmp_path / "prefect-home", api_url), t_start + OVERALL_SECONDS)
    config = yaml.safe_load((PROJECT / "prefect.yaml").read_text(encoding="utf-8"))
    (spec,) = [d for d in config["deployments"] if d["name"] == DEPLOYMENT]
    pool = spec["work_pool"]["name"]

    with httpx.Client(base_url=api_url, trust_env=False, timeout=10) as api:
        try:
            # 1. A private server on loopback; no scheduler, so the only run is the one triggered below.
            server = stack.start("server", "server", "start", "--host", "127.0.0.1", "--port", str(port),
                                 "--no-scheduler", "--no-ui", "--analytics-off")
            t0 = time.monotonic()
            wait_for_health(stack, server, api)
            stack.timings["server_start"] = time.monotonic() - t0

            # 2. The process work pool, and the deployment exactly as prefect.yaml declares it,
            #    except that its warehouse goes to tmp_path.
            stack.cli("pool", "work-pool", "create", pool, "--type", "process")
            stack.cli("deploy", "--no-prompt", "deploy", "--name", DEPLOYMENT,
                      "--params", json.dumps({"warehouse": str(deployed_warehouse)}))
            deployment = api.get(f"/deployments/name/{FLOW_NAME}/{DEPLOYMENT}").raise_for_status().json()
            assert deployment["work_pool_name"] == pool
            assert deployment["global_concurrency_limit"]["limit"] == 1  # `concurrency_limit: 1`
            assert [s["schedule"].get("cron") for s in deployment["schedules"]] == ["*/15 * * * *"]
            assert all(s["active"] for s in deployment["schedules"])
            assert deployment["parameters"] == {"input_dir": "samples", "warehouse": str(deployed_warehouse)}
            (pull,) = deployment["pull_steps"]
            workdir = pull["prefect.deployments.steps.set_working_directory"]["directory"]
            assert Path(workdir).resolve() == PROJECT, "the pull step must cd into the project folder"

            # 3. One run now, into its own warehouse; input_dir stays relative ("samples"), so it only
            #    works if the worker really runs the flow from the project folder.
            out = stack.cli("trigger", "deployment", "run", f"{FLOW_NAME}/{DEPLOYMENT}",
                            "--param", f"warehouse={json.dumps(str(run_warehouse))}")
            match = re.search(r"UUID:\s*(" + UUID_RE.pattern + ")", out)
            assert match, f"no flow run id in:\n{out}"
            run_id = match.group(1)

            # 4. A worker until that run is over.
            t0 = time.monotonic()
            worker = stack.start("worker", "worker", "start", "--pool", pool, "--type", "process",
                                 "--install-policy", "never")
            run = wait_for_terminal(stack, worker, api, run_id)
            stack.timings["worker_run"] = time.monotonic() - t0
            stack.stop(worker)

            assert run["state_type"] == "COMPLETED", (
                f"flow run ended {run['state_type']}: {run['state'].get('message')}\n"
                + flow_run_logs(api, run_id) + "\n" + stack.log_tails()
            )
            assert run["parameters"]["warehouse"] == str(run_warehouse)
        finally:
            stack.close()
            stack.timings["total"] = time.monotonic() - t_start
            print("deployment test timings: "
                  + ", ".join(f"{k}={v:.1f}s" for k, v in stack.timings.items()))

    assert run_warehouse.exists(), f"the run published no warehouse at {run_warehouse}"
    assert not deployed_warehouse.exists(), "the triggered run ignored its --param warehouse"
    with duckdb.connect(str(run_warehouse), read_only=True) as con:
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
    assert articles > 0
