"""`wirehouse bench --articles 50 --json` runs and prints one JSON object with every figure (no timings asserted)."""

import json

from flows.bench import JSON_KEYS, main


def test_bench_json_has_every_figure(prefect_api, capsys):
    code = main(["--articles", "50", "--json", "--in-process"])
    out = capsys.readouterr().out
    result = json.loads(out)
    assert set(JSON_KEYS) <= set(result)
    assert result["articles"] == 50
    assert result["all_runs_completed"], {k: (r["status"], r.get("error")) for k, r in result["runs"].items()}
    assert code == 0
    assert result["floor_s"] > 0 and result["full_run_s"] > 0
    assert result["task_runs"] is not None
