"""`python -m tracker check`: each unsafe setting is found, a safe configuration passes, and no
secret is ever quoted back."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.config_check import GENERATE_SECRET, check, cookie_secret_problem

GOOD_SECRET = secrets.token_urlsafe(32)
POSTGRES = "postgresql+psycopg://shared:load@db.example.org/shared_load"


def secrets_file(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def sso(cookie_secret: str | None = GOOD_SECRET, redirect_uri: str = "https://load.example.org/oauth2callback") -> str:
    lines = ["[auth]", f'redirect_uri = "{redirect_uri}"', 'client_id = "shared-load"', 'client_secret = "abc"']
    if cookie_secret is not None:
        lines.append(f"cookie_secret = {json.dumps(cookie_secret)}")
    return "\n".join(lines) + "\n"


def private_data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700, exist_ok=True)
    folder.chmod(0o700)
    database = folder / "shared_load.db"
    database.write_bytes(b"")
    database.chmod(0o600)
    return folder


def keys(tmp_path: Path, secrets_text: str | None = None, **options) -> list[str]:
    paths = [secrets_file(tmp_path, secrets_text)] if secrets_text is not None else []
    options.setdefault("database_url", POSTGRES)
    options.setdefault("data_dir", private_data_dir(tmp_path))
    return [f.key for f in check(secrets_paths=paths, **options)]


def test_a_safe_configuration_has_no_findings(tmp_path):
    data = private_data_dir(tmp_path)
    assert (
        check(
            secrets_paths=[secrets_file(tmp_path, sso())],
            database_url=f"sqlite:///{data / 'shared_load.db'}",
            replicas=1,
            data_dir=data,
        )
        == []
    )


def test_no_secrets_file_and_postgresql_with_replicas_is_safe(tmp_path):
    assert keys(tmp_path, replicas=4) == []
    assert check(secrets_paths=[tmp_path / "missing.toml"], database_url=POSTGRES, replicas=3) == []


def test_a_missing_cookie_secret_is_found_only_when_sso_is_configured(tmp_path):
    assert keys(tmp_path, sso(cookie_secret=None)) == ["cookie_secret_missing"]
    assert keys(tmp_path, sso(cookie_secret="  ")) == ["cookie_secret_missing"]
    assert keys(tmp_path, '[smtp]\nurl = "x"\n') == []


def test_a_short_cookie_secret_is_found(tmp_path):
    assert keys(tmp_path, sso(cookie_secret=GOOD_SECRET[:31])) == ["cookie_secret_short"]
    assert keys(tmp_path, sso(cookie_secret=GOOD_SECRET[:32])) == []


@pytest.mark.parametrize(
    "placeholder",
    [
        "a long random string, a long random string",  # the README's old example, made long enough
        "changeme-changeme-changeme-changeme",
        "CHANGE_ME_please_0123456789abcdefgh",
        "SECRET" + " " * 40,
        "a" * 64,
        "abab" * 16,
        'python -c "import secrets; print(secrets.token_urlsafe(32))"',  # the command, not its output
        "paste the output of the command here, please",
        "my-cookie-secret-for-the-shared-load-app",
    ],
)
def test_a_placeholder_cookie_secret_is_found(tmp_path, placeholder):
    assert cookie_secret_problem(placeholder) == "placeholder"
    assert keys(tmp_path, sso(cookie_secret=placeholder)) == ["cookie_secret_placeholder"]


def test_the_readme_example_is_refused():
    example = next(
        line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("cookie_secret = ")
    )
    secret = example.split('"')[1]
    assert cookie_secret_problem(secret) is not None
    assert GENERATE_SECRET in example


def test_a_generated_secret_passes():
    for _ in range(200):
        assert cookie_secret_problem(secrets.token_urlsafe(32)) is None


def test_a_non_text_cookie_secret_is_found(tmp_path):
    assert keys(tmp_path, "[auth]\ncookie_secret = 12345\n") == ["cookie_secret_placeholder"]


def test_findings_never_quote_the_secret(tmp_path):
    secret = "changeme-" + GOOD_SECRET
    findings = check(secrets_paths=[secrets_file(tmp_path, sso(cookie_secret=secret))], database_url=POSTGRES)
    assert [f.key for f in findings] == ["cookie_secret_placeholder"]
    assert GOOD_SECRET not in findings[0].message
    assert GENERATE_SECRET in findings[0].message


@pytest.mark.parametrize(
    ("redirect_uri", "unsafe"),
    [
        ("http://load.example.org/oauth2callback", True),
        ("http://10.0.0.5:8501/oauth2callback", True),
        ("load.example.org/oauth2callback", True),
        ("https://load.example.org/oauth2callback", False),
        ("http://localhost:8501/oauth2callback", False),
        ("http://127.0.0.1:8501/oauth2callback", False),
        ("http://[::1]:8501/oauth2callback", False),
    ],
)
def test_a_redirect_uri_must_be_https_outside_localhost(tmp_path, redirect_uri, unsafe):
    assert keys(tmp_path, sso(redirect_uri=redirect_uri)) == (["redirect_uri_not_https"] if unsafe else [])


def test_a_redirect_uri_finding_hides_credentials_in_the_address(tmp_path):
    findings = check(
        secrets_paths=[secrets_file(tmp_path, sso(redirect_uri="http://user:hunter2@load.example.org/cb"))],
        database_url=POSTGRES,
    )
    assert [f.key for f in findings] == ["redirect_uri_not_https"]
    assert "hunter2" not in findings[0].message and "load.example.org" in findings[0].message


def test_a_secrets_file_readable_by_others_is_found(tmp_path):
    path = secrets_file(tmp_path, sso(), mode=0o644)
    findings = check(secrets_paths=[path], database_url=POSTGRES)
    assert [f.key for f in findings] == ["secrets_file_open"]
    assert f"chmod 600 {path}" in findings[0].message


def test_an_unreadable_secrets_file_is_found(tmp_path):
    assert keys(tmp_path, "[auth\ncookie_secret = ") == ["secrets_unreadable"]


def test_a_later_secrets_file_replaces_an_earlier_auth_section(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "project").mkdir()
    home = secrets_file(tmp_path / "home", sso(cookie_secret="short"))
    project = secrets_file(tmp_path / "project", sso())
    assert check(secrets_paths=[home, project], database_url=POSTGRES) == []
    assert [f.key for f in check(secrets_paths=[project, home], database_url=POSTGRES)] == ["cookie_secret_short"]


@pytest.mark.parametrize("replicas", [2, 5])
def test_sqlite_with_more_than_one_replica_is_found(tmp_path, replicas):
    data = private_data_dir(tmp_path)
    url = f"sqlite:///{data / 'shared_load.db'}"
    assert keys(tmp_path, database_url=url, data_dir=data, replicas=replicas) == ["sqlite_replicas"]
    assert keys(tmp_path, database_url=url, data_dir=data, replicas=1) == []
    assert keys(tmp_path, database_url=POSTGRES, data_dir=data, replicas=replicas) == []


@pytest.mark.parametrize("mode", [0o755, 0o750, 0o701, 0o770])
def test_a_data_folder_open_to_others_is_found(tmp_path, mode):
    data = private_data_dir(tmp_path)
    data.chmod(mode)
    findings = check(secrets_paths=[], database_url=f"sqlite:///{data / 'shared_load.db'}", data_dir=data)
    assert [f.key for f in findings] == ["data_folder_open"]
    assert f"chmod 700 {data}" in findings[0].message and f"{mode:04o}" in findings[0].message


@pytest.mark.parametrize("name", ["shared_load.db", "shared_load.db-wal", "shared_load.db-shm", "bench.db"])
@pytest.mark.parametrize("mode", [0o644, 0o660, 0o604])
def test_a_database_file_open_to_others_is_found(tmp_path, name, mode):
    data = private_data_dir(tmp_path)
    (data / name).write_bytes(b"")
    (data / name).chmod(mode)
    findings = check(secrets_paths=[], database_url=f"sqlite:///{data / 'shared_load.db'}", data_dir=data)
    assert [f.key for f in findings] == ["database_file_open"]
    assert f"chmod 600 {data / name}" in findings[0].message


def test_a_database_outside_data_is_checked_with_its_folder(tmp_path):
    data = private_data_dir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    elsewhere.chmod(0o755)
    database = elsewhere / "app"
    database.write_bytes(b"")
    database.chmod(0o644)
    findings = check(secrets_paths=[], database_url=f"sqlite:///{database}", data_dir=data)
    assert [f.key for f in findings] == ["data_folder_open", "database_file_open"]


def test_data_folder_is_checked_even_on_postgresql(tmp_path):
    data = private_data_dir(tmp_path)
    (data / "shared_load.db").chmod(0o644)
    findings = check(secrets_paths=[], database_url=POSTGRES, data_dir=data)
    assert [f.key for f in findings] == ["database_file_open"]


def run_check(tmp_path: Path, *arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "SHARED_LOAD_REPLICAS"}
    env.update(PYTHONPATH=str(ROOT), **environment)
    return subprocess.run(
        [sys.executable, "-m", "tracker", "check", *arguments],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_exits_non_zero_on_findings_and_zero_when_safe(tmp_path):
    data = private_data_dir(tmp_path)
    url = f"sqlite:///{data / 'shared_load.db'}"
    good = secrets_file(tmp_path, sso())
    options = ("--secrets", str(good), "--data-dir", str(data))

    safe = run_check(tmp_path, *options, DATABASE_URL=url)
    assert (safe.returncode, safe.stdout) == (0, "No unsafe configuration found.\n")

    unsafe = run_check(tmp_path, *options, "--replicas", "2", DATABASE_URL=url)
    assert unsafe.returncode == 1
    assert "SQLite" in unsafe.stdout and "2 replicas" in unsafe.stdout

    from_environment = run_check(tmp_path, *options, DATABASE_URL=url, SHARED_LOAD_REPLICAS="3")
    assert from_environment.returncode == 1 and "3 replicas" in from_environment.stdout

    weak = secrets_file(tmp_path, sso(cookie_secret="changeme"))
    refused = run_check(tmp_path, "--secrets", str(weak), "--data-dir", str(data), DATABASE_URL=url)
    assert refused.returncode == 1
    assert "cookie_secret" in refused.stdout and "changeme" not in refused.stdout
