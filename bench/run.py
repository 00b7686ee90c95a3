"""`python -m tracker bench [--quick] [--url DATABASE_URL] [--only NAME ...]`: every benchmark, one row each.

Each row: the figure, what was measured, the ratio, the goal, and pass or short. The results go to
`bench/results/<UTC time>-<quick|full>.json` with a description of the machine (platform, CPU,
memory, library and database server versions, git commit, load average), so runs can be compared.
The exit status is 0 when every figure was measured, even one short of its goal (this is a
measurement, not a test), and 2 when a figure could not be measured.

Where it runs:

* `--quick` (under 10 minutes on a 2-core machine): SQLite in a temporary folder and, when it
  answers, the PostgreSQL at 127.0.0.1:5432. The large database is smaller than the full run's
  (each row says the size it used); on PostgreSQL it is kept between runs as
  `shared_load_bench_large_quick`. Every other database the bench makes (`shared_load_bench_*`)
  is dropped when its figure ends.
* the full run: PostgreSQL at 127.0.0.1:5432 with the 55-million-row database
  (`shared_load_bench_large_full`, kept; the first run fills it, which takes long).
* `--url DATABASE_URL`: that database only (it becomes the large one: empty, or filled by the bench
  before), its server also holding the scratch databases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import figures, server_memory  # noqa: E402
from bench.database import DEFAULT_POSTGRES, Backend, Size, postgres_reachable, server_version  # noqa: E402
from bench.measure import Context, Figure  # noqa: E402

RESULTS = ROOT / "bench" / "results"
QUICK_SIZES = {"SQLite": Size(people=10_000, interactions=300_000), "PostgreSQL": Size(10_000, 1_000_000)}
FULL_SIZE = Size(people=10_000, interactions=55_000_000)


@dataclass(frozen=True)
class Spec:
    """A figure in the registry. `databases`: "each" runs it once per database backend, "one" on one
    (PostgreSQL when there is one), "none" needs no database."""

    measure: Callable[[Context], Figure]
    databases: str


FIGURES: dict[str, Spec] = {
    "log": Spec(figures.log_interaction, "each"),
    "writers": Spec(figures.concurrent_writers, "each"),
    "trends": Spec(figures.my_trends, "each"),
    "outcomes": Spec(figures.program_outcomes, "each"),
    "matching": Spec(figures.matching, "none"),
    "queue": Spec(figures.coordinator_queue, "each"),
    "memory": Spec(server_memory.server_memory, "one"),
}


@dataclass(frozen=True)
class Outcome:
    key: str
    database: str | None
    seconds: float
    figure: Figure | None = None
    error: str | None = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tracker bench",
        description="Run every benchmark; one row per figure with the ratio, the goal and pass/short.",
    )
    parser.add_argument("--quick", action="store_true", help="smaller large database, SQLite and local PostgreSQL")
    parser.add_argument("--url", help="measure on this database only (empty, or filled by the bench before)")
    parser.add_argument("--only", nargs="+", choices=list(FIGURES), metavar="NAME", help=f"of {', '.join(FIGURES)}")
    parser.add_argument("--results-dir", type=Path, default=RESULTS, help="where the JSON goes (default bench/results)")
    parser.add_argument("--interactions", type=int, help="rows in the large database (quick: 300,000 / 1,000,000)")
    parser.add_argument("--people", type=int, help="people in the large database (default 10,000)")
    parser.add_argument("--repeat", type=int, help="repetitions of each timed comparison")
    parser.add_argument("--log-count", type=int, help="saves timed by the log figure (quick 500, full 2,000)")
    args = parser.parse_args(argv)
    # AppTest renders outside a server: Streamlit would warn about the missing runtime on every one.
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

    started_at = datetime.now(UTC)
    began = time.perf_counter()
    keys = args.only or list(FIGURES)
    with tempfile.TemporaryDirectory(prefix="shared-load-bench-") as workdir:
        try:
            backends = _backends(args, Path(workdir))
        except RuntimeError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        sizes = {b.label: _size(args, b.label) for b in backends}
        larges: dict = {}
        options = {"repeat": args.repeat, "log_count": args.log_count}
        outcomes = []
        for key in keys:
            spec = FIGURES[key]
            for backend in _where(spec, backends):
                context = Context(
                    quick=args.quick,
                    log=_log,
                    backend=backend,
                    size=sizes.get(backend.label) if backend else None,
                    options=options,
                    larges=larges,
                )
                outcomes.append(_measure(key, spec, context))
        machine = describe_machine(backends)
    table = format_table(outcomes)
    print(table)
    for note in _notes(args, backends, larges):
        print(note)
    path = write_results(
        args.results_dir,
        started_at=started_at,
        mode="quick" if args.quick else "full",
        seconds=time.perf_counter() - began,
        machine=machine,
        outcomes=outcomes,
        larges=larges,
    )
    print(f"Results: {path}")
    return 2 if any(o.error for o in outcomes) else 0


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _backends(args: argparse.Namespace, workdir: Path) -> list[Backend]:
    if args.url:
        url = _normalised(args.url)
        if url.startswith("sqlite"):
            return [Backend("SQLite", workdir, large_url=url)]
        if not postgres_reachable(url):
            raise RuntimeError(f"the database server of {_safe(url)} does not answer")
        return [Backend("PostgreSQL", workdir, server=url, large_url=url)]
    backends = []
    if args.quick:
        backends.append(Backend("SQLite", workdir))
    if postgres_reachable(DEFAULT_POSTGRES):
        backends.append(Backend("PostgreSQL", workdir, server=DEFAULT_POSTGRES))
    elif not args.quick:
        raise RuntimeError(f"the full run needs PostgreSQL at {_safe(DEFAULT_POSTGRES)}, which does not answer")
    else:
        _log(f"PostgreSQL at {_safe(DEFAULT_POSTGRES)} does not answer: SQLite only")
    return backends


def _normalised(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _size(args: argparse.Namespace, label: str) -> Size:
    default = QUICK_SIZES[label] if args.quick else FULL_SIZE
    return Size(people=args.people or default.people, interactions=args.interactions or default.interactions)


def _where(spec: Spec, backends: list[Backend]) -> list[Backend | None]:
    if spec.databases == "none":
        return [None]
    if spec.databases == "one":
        return backends[-1:]  # PostgreSQL when it answers (it comes last)
    return list(backends)


def _measure(key: str, spec: Spec, context: Context) -> Outcome:
    where = f" on {context.label}" if context.backend else ""
    _log(f"{key}{where}…")
    began = time.perf_counter()
    try:
        figure = spec.measure(context)
    except Exception as error:
        _log(traceback.format_exc())
        message = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        return Outcome(key, context.label or None, time.perf_counter() - began, error=message)
    took = time.perf_counter() - began
    ratio = f"{figure.ratio:.2f}× " if figure.ratio is not None else ""
    _log(f"{key}{where}: {ratio}{'pass' if figure.passed else 'short'} ({took:.0f} s)")
    return Outcome(key, context.label or None, took, figure=figure)


# ---- output --------------------------------------------------------------------------------------


HEADER = ("figure", "measured", "ratio", "goal", "result")


def row(outcome: Outcome) -> tuple[str, str, str, str, str]:
    f = outcome.figure
    if f is None:
        name = f"{outcome.key} ({outcome.database})" if outcome.database else outcome.key
        return name, outcome.error or "", "", "", "error"
    ratio = "" if f.ratio is None else f"{f.ratio:.2f}×"
    return f.name, f.measured, ratio, f.goal, "pass" if f.passed else "short"


def format_table(outcomes: list[Outcome]) -> str:
    rows = [HEADER, *(row(o) for o in outcomes)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    right = {2}  # ratios line up on the ×

    def line(cells) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(rows[0]), line(["-" * w for w in widths]), *(line(r) for r in rows[1:])])


def _notes(args: argparse.Namespace, backends: list[Backend], larges: dict) -> list[str]:
    notes = []
    for label, found in larges.items():
        if found.kept:
            how = "reused from an earlier run" if found.reused else "filled by this run"
            notes.append(f"{label}: the large database ({found.interactions:,} rows) was {how} and is kept.")
    if args.quick:
        notes.append("Quick run: the large databases are smaller than the full run's; each row names its size.")
    load = os.getloadavg()[0]
    if load > (os.cpu_count() or 1) * 0.75:
        notes.append(f"The machine was busy with other work (load average {load:.1f}): figures are noisy.")
    return notes


def describe_machine(backends: list[Backend]) -> dict:
    """Enough to tell whether two result files can be compared."""

    def version(package: str) -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    databases = {}
    for backend in backends:
        url = backend.large_url or backend.server or "sqlite://"
        try:
            databases[backend.label] = server_version(url)
        except Exception as error:  # the description must not stop the results from being written
            databases[backend.label] = f"unknown ({type(error).__name__})"
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name"),
        "cpu_count": os.cpu_count(),
        "memory_total": _proc_field("/proc/meminfo", "MemTotal"),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
        "sqlalchemy": version("SQLAlchemy"),
        "streamlit": version("streamlit"),
        "psycopg": version("psycopg"),
        "database_servers": databases,
        "git_commit": _git("rev-parse", "HEAD"),
        "git_uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _proc_field(path: str, name: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    except OSError:
        pass
    return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def write_results(
    directory: Path,
    *,
    started_at: datetime,
    mode: str,
    seconds: float,
    machine: dict,
    outcomes: list[Outcome],
    larges: dict | None = None,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{started_at.strftime('%Y%m%dT%H%M%SZ')}-{mode}.json"
    document = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "mode": mode,
        "seconds": round(seconds, 1),
        "machine": machine,
        "large_databases": {
            label: {
                "interactions": found.interactions,
                "people": found.people,
                "requests": found.requests,
                "reused": found.reused,
                "kept": found.kept,
                "fill_seconds": round(found.fill_seconds, 1),
            }
            for label, found in (larges or {}).items()
        },
        "figures": [
            {
                "key": o.key,
                "database": o.database,
                "seconds": round(o.seconds, 1),
                **(asdict(o.figure) if o.figure else {"error": o.error}),
                **({"result": "pass" if o.figure.passed else "short"} if o.figure else {"result": "error"}),
            }
            for o in outcomes
        ],
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path


if __name__ == "__main__":
    sys.exit(main())
