"""The command line: `python -m tracker migrate | create-admin | demo [--bulk] | evaluate-warning | evaluate-program |
outcomes | send-notifications | check | backup | restore | bench`. Same services as the app.

Passwords never come from the command line (other users of the machine see it in the process
list and the shell keeps it in its history): `create-admin` and `demo` read one from an environment
variable or a prompt. `demo --password` still works, for old scripts."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date
from pathlib import Path

from tracker.errors import SharedLoadError


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its own options and help (bench/run.py)
        return _bench(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m tracker", description="Shared Load command line")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "migrate", help="migrate the database (DATABASE_URL or the embedded SQLite) to the newest schema"
    )
    admin = commands.add_parser(
        "create-admin",
        help=f"create the first administrator (password from {ADMIN_PASSWORD_VARIABLE} or a prompt)",
    )
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", required=True)
    demo = commands.add_parser("demo", help="fill a realistic demo organisation")
    demo.add_argument(
        "--password",
        help=f"password for every demo account; better: {DEMO_PASSWORD_VARIABLE}, or the prompt (not the process list)",
    )
    demo.add_argument("--people", type=int, default=40)
    demo.add_argument("--days", type=int, default=90)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument(
        "--reset", action="store_true", help="recreate the database first (every table dropped, then migrated)"
    )
    demo.add_argument(
        "--bulk",
        action="store_true",
        help="the product's scale: up to 100,000 people, vectorised, COPY on PostgreSQL (docs/SCALING.md)",
    )
    demo.add_argument(
        "--per-day", type=float, default=5.0, help="with --bulk: mean entries a person logs a calendar day"
    )
    warning = commands.add_parser("evaluate-warning", help="measure the early warning on simulated series")
    warning.add_argument("--people", type=int, default=200)
    warning.add_argument("--years", type=float, default=1.0)
    warning.add_argument("--seed", type=int, default=7)
    sender = commands.add_parser("send-notifications", help="deliver the notification e-mails (needs SMTP_URL)")
    sender.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    sender.add_argument("--lease-seconds", type=float, default=600, help=argparse.SUPPRESS)  # tests
    program = commands.add_parser("evaluate-program", help="run the whole program on a simulated organisation")
    program.add_argument("--people", type=int, default=200)
    program.add_argument("--days", type=int, default=90)
    program.add_argument("--seed", type=int, default=7)
    outcomes = commands.add_parser("outcomes", help="print the program outcomes table, small groups suppressed")
    outcomes.add_argument("--by", choices=("unit", "profession", "month"), default="unit")
    outcomes.add_argument("--since", type=date.fromisoformat, help="first day (YYYY-MM-DD); default: a year ago")
    outcomes.add_argument("--until", type=date.fromisoformat, help="day after the last (YYYY-MM-DD); default: tomorrow")
    outcomes.add_argument("--format", choices=("table", "csv"), default="table")
    check = commands.add_parser("check", help="report unsafe configuration; exit status 1 when any is found")
    check.add_argument(
        "--replicas",
        type=int,
        help="how many app processes share the database (default: SHARED_LOAD_REPLICAS, else 1)",
    )
    check.add_argument(
        "--secrets",
        type=Path,
        action="append",
        help="a secrets.toml to read (repeatable; default: Streamlit's ~/.streamlit and ./.streamlit ones)",
    )
    check.add_argument("--data-dir", type=Path, help="the embedded database's folder (default: data/)")
    backup = commands.add_parser("backup", help="copy the whole database into a file (safe while the app runs)")
    backup.add_argument("path", type=Path)
    backup.add_argument("--force", action="store_true", help="replace an existing file")
    restore = commands.add_parser("restore", help="replace everything in the database with a backup")
    restore.add_argument("path", type=Path)
    restore.add_argument("--force", action="store_true", help="replace a database that has people in it")
    commands.add_parser("bench", help="run every benchmark and print its figures (python -m tracker bench --help)")
    args = parser.parse_args(argv)

    try:
        if args.command == "migrate":
            from db.engine import database_url
            from tracker.app import open_database

            open_database(new_setup_code=True)  # on an empty installation: a setup code for the first run
            print(f"Database is at the newest schema ({_safe(database_url())}).")
        elif args.command == "create-admin":
            from tracker.app import open_database
            from tracker.services import auth

            password = _password(ADMIN_PASSWORD_VARIABLE, "Password for the first administrator: ", twice=True)
            _engine, factory = open_database(announce=False)
            with factory() as db:
                # Whoever runs this on the server's terminal is the one the setup code is printed
                # for, so the command makes one and uses it at once.
                code = auth.new_setup_code(db) or ""
                first = auth.create_first_administrator(
                    db, name=args.name, email=args.email, password=password, repeated=password, setup_code=code
                )
            print(f"First administrator created: {first.display_name} <{first.email}>. Sign in with that password.")
        elif args.command == "demo":
            from tracker.app import open_database
            from tracker.demo import fill_demo
            from tracker.demo_bulk import fill_bulk_demo, summary

            password = args.password or _password(DEMO_PASSWORD_VARIABLE, "Password for every demo account: ")
            _engine, factory = open_database(announce=False)
            size = {"people": args.people, "days": args.days, "seed": args.seed, "reset": args.reset}
            with factory() as db:
                if args.bulk:
                    written = fill_bulk_demo(db, password=password, per_day=args.per_day, progress=True, **size)
                    print(summary(written, args.days))
                else:
                    print(fill_demo(db, password=password, **size))
        elif args.command == "evaluate-warning":
            from tracker import evaluate_warning

            return evaluate_warning.main(
                ["--people", str(args.people), "--years", str(args.years), "--seed", str(args.seed)]
            )
        elif args.command == "evaluate-program":
            from tracker import evaluate_program

            return evaluate_program.main(
                ["--people", str(args.people), "--days", str(args.days), "--seed", str(args.seed)]
            )
        elif args.command == "outcomes":
            from tracker.app import open_database
            from tracker.outcomes_cli import print_outcomes

            _engine, factory = open_database()
            with factory() as db:
                print_outcomes(db, by=args.by, since=args.since, until=args.until, form=args.format)
        elif args.command in ("backup", "restore"):
            from db.engine import database_url
            from tracker import backup as backups

            run = backups.backup if args.command == "backup" else backups.restore
            print(run(database_url(), args.path, force=args.force))
        elif args.command == "check":
            return _check(args)
        elif args.command == "send-notifications":
            from tracker import mail

            return mail.main(once=args.once, lease_seconds=args.lease_seconds)
    except SharedLoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def _bench(argv: list[str]) -> int:
    """`python -m tracker bench …`: the benchmarks live in bench/ beside tracker/, at the repository root."""
    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench.run import main as bench

    return bench(argv)


ADMIN_PASSWORD_VARIABLE = "SHARED_LOAD_ADMIN_PASSWORD"
DEMO_PASSWORD_VARIABLE = "SHARED_LOAD_DEMO_PASSWORD"


def _password(variable: str, prompt: str, *, twice: bool = False) -> str:
    """From the environment variable, else typed at a prompt that does not echo; never from argv."""
    from tracker.errors import ValidationError

    if os.environ.get(variable):
        return os.environ[variable]
    if not sys.stdin.isatty():
        raise ValidationError(f"Set {variable} or run this in a terminal to type the password.")
    password = getpass.getpass(prompt)
    if twice and getpass.getpass("Again: ") != password:
        raise ValidationError("The two passwords are not the same.")
    return password


def _check(args: argparse.Namespace) -> int:
    """Print each unsafe setting in plain words; 1 when there is any, 0 when there is none."""
    from db.engine import PROJECT_ROOT, database_url
    from tracker.config_check import REPLICAS_VARIABLE, check
    from tracker.errors import ValidationError

    replicas = args.replicas
    if replicas is None:
        try:
            replicas = int(os.environ.get(REPLICAS_VARIABLE) or 1)
        except ValueError:
            raise ValidationError(f"{REPLICAS_VARIABLE} must be a whole number of app processes.") from None
    secrets = args.secrets or [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]
    findings = check(
        secrets_paths=secrets,
        database_url=database_url(),
        replicas=replicas,
        data_dir=args.data_dir or PROJECT_ROOT / "data",
    )
    for finding in findings:
        print(f"- {finding.message}")
    if not findings:
        print("No unsafe configuration found.")
        return 0
    print(f"{len(findings)} unsafe setting{'s' if len(findings) != 1 else ''} found.", file=sys.stderr)
    return 1


def _safe(url: str) -> str:
    """The database URL without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
