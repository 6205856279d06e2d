"""`wirehouse` command line: run the flow once, and tools around the warehouse."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.environment import DEFAULT_REGISTRY, use_offline_prefect
from warehouse.settings import warehouse_path


class CliError(Exception):
    """A bad argument: printed as one clear line, exit code 2."""


def check_run_args(args: argparse.Namespace) -> tuple[Path, Path]:
    """The input folder must exist; the warehouse must be a file path whose folder can be made."""
    input_dir = Path(args.input).expanduser()
    if not input_dir.exists():
        raise CliError(f"--input {args.input}: no such folder")
    if not input_dir.is_dir():
        raise CliError(f"--input {args.input}: not a folder (give the folder that holds the article files)")
    warehouse = Path(args.warehouse).expanduser().resolve()
    if warehouse.is_dir():
        raise CliError(f"--warehouse {args.warehouse}: is a folder; give a file path such as out/wirehouse.duckdb")
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CliError(f"--warehouse {args.warehouse}: cannot create its folder ({err.strerror})") from None
    if args.registry and not Path(args.registry).is_file():
        raise CliError(f"--registry {args.registry}: no such file (give '' to run without a registry)")
    if args.batch_files <= 0:
        raise CliError("--batch-files must be a positive number of files")
    if args.batch_articles <= 0:
        raise CliError("--batch-articles must be a positive number of articles")
    if args.workers <= 0:
        raise CliError("--workers must be a positive number of extraction tasks")
    if args.processes is not None and args.processes <= 0:
        raise CliError("--processes must be a positive number of processes")
    if args.dask_address and args.task_runner != "dask":
        raise CliError("--dask-address goes with --task-runner dask")
    if args.max_bytes <= 0:
        raise CliError("--max-bytes must be a positive number of bytes")
    return input_dir.resolve(), warehouse


def print_summary(summary) -> None:
    """What the run did, in a few readable lines."""
    print(f"run {summary.run_id}: {summary.status}")
    print(f"warehouse: {summary.warehouse}")
    print(f"files: {summary.files_seen} seen, {summary.articles_loaded} articles loaded, "
          f"{summary.files_quarantined} quarantined")
    for reason, count in sorted(summary.quarantine_reasons.items()):
        print(f"  quarantine {reason}: {count}")
    if summary.table_rows:
        print("rows: " + ", ".join(f"{t}={n}" for t, n in summary.table_rows.items()))
    stages = ", ".join(f"{s}={sec:.2f}s" for s, sec in summary.stage_seconds.items())
    print(f"stages: {stages}")
    if summary.message:
        print(summary.message)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the flow once over --input into --warehouse."""
    input_dir, warehouse = check_run_args(args)
    use_offline_prefect()
    from flows.pipeline import with_task_runner
    from warehouse.store import WarehouseBusy

    extensions = tuple(e if e.startswith(".") or e == "" else "." + e for e in args.extensions.split(","))
    try:
        flow = with_task_runner(args.task_runner, args.dask_address, args.workers)
        summary = flow(str(input_dir), str(warehouse), full_refresh=args.full_refresh, registry=args.registry or None,
                       batch_files=args.batch_files, batch_articles=args.batch_articles, workers=args.workers,
                       processes=args.processes, max_bytes=args.max_bytes, extensions=extensions)
    except WarehouseBusy as busy:
        print(f"wirehouse: {busy}", file=sys.stderr)
        return 3
    print_summary(summary)
    return 0 if summary.status == "completed" else 1


def existing_warehouse(path: str) -> Path:
    """The warehouse named on the command line, which must exist already."""
    warehouse = Path(path).expanduser().resolve()
    if not warehouse.is_file():
        raise CliError(f"--warehouse {path}: no such file (build it first with `wirehouse run`)")
    return warehouse


def cmd_export(args: argparse.Namespace) -> int:
    """Write every table as Parquet."""
    from warehouse.store import export_parquet

    written = export_parquet(existing_warehouse(args.warehouse), Path(args.parquet).expanduser())
    for name, path in written.items():
        print(f"{name}: {path}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    """Print (and optionally open) the Great Expectations Data Docs of the last run."""
    from warehouse.settings import sidecar

    index = sidecar(existing_warehouse(args.warehouse), ".docs") / "index.html"
    if not index.is_file():
        raise CliError(f"no Data Docs at {index} yet: run `wirehouse run` first")
    print(index)
    if args.open:
        import webbrowser

        webbrowser.open(index.as_uri())
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Sub-commands and their options."""
    import ingest

    parser = argparse.ArgumentParser(prog="wirehouse", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole flow once over an input folder")
    run.add_argument("--input", required=True, help="folder of article files (searched recursively)")
    run.add_argument("--warehouse", required=True, help="DuckDB file to build or update")
    run.add_argument("--full-refresh", action="store_true",
                     help="rebuild from scratch instead of extracting only new or changed files")
    run.add_argument("--registry", default=str(DEFAULT_REGISTRY),
                     help="CSV of known people (canonical_name, aliases, roles) seeding the name clustering; "
                          "'' for none (default %(default)s)")
    run.add_argument("--batch-files", type=int, default=2000,
                     help="each extraction task reads new or changed files this many at a time, which bounds "
                          "memory (default %(default)s)")
    run.add_argument("--batch-articles", type=int, default=5000,
                     help="the cross-article steps and the checks take this many articles at a time "
                          "(default %(default)s)")
    run.add_argument("--workers", type=int, default=1,
                     help="extraction tasks running side by side, each with its share of the files; more "
                          "than 1 pays with cores to spare or a Dask cluster (default %(default)s)")
    run.add_argument("--processes", type=int, default=None,
                     help="local processes each extraction task runs its batches on; 1 keeps them in the "
                          "task's own process (default: one per core)")
    run.add_argument("--task-runner", choices=("thread", "process", "dask"), default="thread",
                     help="where extraction tasks run: threads of this process, a pool of --workers local "
                          "processes, or a Dask cluster (default %(default)s)")
    run.add_argument("--dask-address", help="scheduler address of a running Dask cluster (tcp://host:8786); "
                                            "without it, --task-runner dask starts a local cluster")
    run.add_argument("--max-bytes", type=int, default=ingest.DEFAULT_MAX_BYTES,
                     help="larger files are quarantined as too_large (default %(default)s)")
    run.add_argument("--extensions", default=",".join(ingest.DEFAULT_EXTENSIONS),
                     help="comma-separated file endings read as articles; empty item = no ending "
                          "(default %(default)s)")
    run.set_defaults(handler=cmd_run)
    export = sub.add_parser("export", help="write every table of a warehouse as Parquet files")
    export.add_argument("--warehouse", default=str(warehouse_path()), help="default %(default)s")
    export.add_argument("--parquet", required=True, help="folder to write <table>.parquet into")
    export.set_defaults(handler=cmd_export)
    docs = sub.add_parser("docs", help="print the path of the Data Docs of the last run")
    docs.add_argument("--warehouse", default=str(warehouse_path()), help="default %(default)s")
    docs.add_argument("--open", action="store_true", help="open them in a browser")
    docs.set_defaults(handler=cmd_docs)
    from flows.bench import add_bench_parser

    add_bench_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `wirehouse` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CliError as err:
        parser.exit(2, f"wirehouse: error: {err}\n")


if __name__ == "__main__":
    sys.exit(main())
