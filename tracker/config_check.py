"""`python -m tracker check`: unsafe configuration, found before a security review finds it.

`check` looks at what the operator set, never at anything a person typed, and returns findings in
plain words, each with what to do about it. It never quotes a secret. The checks:

- Single sign-on (`[auth]` in `.streamlit/secrets.toml`) without a `cookie_secret`, or with one
  shorter than 32 characters or that is a placeholder (the README's example text, "changeme",
  "secret", a few characters repeated): whoever guesses it can forge the sign-in cookie.
- A `redirect_uri` that is not https outside localhost: the identity provider's answer (and the
  sign-in cookie) would cross the network in the clear.
- The secrets file readable by other users of the server (it holds the cookie and client secrets).
- SQLite with more than one replica (`--replicas N` or `SHARED_LOAD_REPLICAS`): each replica
  would need the same file, and SQLite's locking across machines or containers is not safe;
  several replicas need PostgreSQL.
- The SQLite data folder (`data/`) or a database file in it (with its `-wal` and `-shm` companions,
  which hold recent changes) readable or writable by group or others: any local account could copy
  every reflection.

File reads and `stat` are the only side effects; the caller passes every path, so tests point it
at their own files.
"""

from __future__ import annotations

import stat
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

MIN_COOKIE_SECRET = 32
GENERATE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
REPLICAS_VARIABLE = "SHARED_LOAD_REPLICAS"

# Texts people paste from examples; compared with letters and digits only, lower case. A whole
# secret equal to one of EXACT, or containing one of ANYWHERE, is a placeholder.
EXACT_PLACEHOLDERS = frozenset({"secret", "password", "cookie", "test", "default", "none", "null", "todo"})
ANYWHERE_PLACEHOLDERS = (
    "changeme",
    "changethis",
    "replaceme",
    "randomstring",  # the README's old example, "a long random string"
    "placeholder",
    "example",
    "yoursecret",
    "cookiesecret",
    "secretkey",
    "tokenurlsafe",  # the generating command pasted instead of its output
    "generate",
    "paste",
)
# A secret made of so few different characters is guessable whatever its length
# (token_urlsafe(32) gives 43 characters, usually about 30 different ones).
MIN_DISTINCT_CHARACTERS = 10
DATABASE_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3")


@dataclass(frozen=True)
class Finding:
    """One unsafe setting: `key` names the check (for tests and scripts), `message` says it in plain words."""

    key: str
    message: str


def check(
    *,
    secrets_paths: Sequence[Path],
    database_url: str,
    replicas: int = 1,
    data_dir: Path | None = None,
) -> list[Finding]:
    """Every unsafe setting found, in a stable order; an empty list when there is none.

    `secrets_paths` are read in order like Streamlit reads them (a later file's top-level sections
    replace an earlier one's); `data_dir` is the folder of the embedded database (the SQLite file's
    own folder is checked too when DATABASE_URL points elsewhere)."""
    findings: list[Finding] = []
    secrets: dict[str, Any] = {}
    for path in secrets_paths:
        if not path.is_file():
            continue
        findings.extend(_open_to_others(path, "secrets_file_open", "The secrets file", "chmod 600"))
        try:
            secrets.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            findings.append(
                Finding("secrets_unreadable", f"{path} cannot be read as TOML, so its settings could not be checked.")
            )
    auth = secrets.get("auth")
    if isinstance(auth, Mapping):
        findings.extend(_auth_findings(auth))
    findings.extend(_database_findings(database_url, replicas, data_dir))
    return findings


def cookie_secret_problem(secret: Any) -> str | None:
    """Why a cookie secret is unsafe ("missing", "short", "placeholder"), or None when it is fine."""
    if secret is None or (isinstance(secret, str) and not secret.strip()):
        return "missing"
    if not isinstance(secret, str):
        return "placeholder"
    if len(secret) < MIN_COOKIE_SECRET:
        return "short"
    plain = "".join(c for c in secret.lower() if c.isalnum())
    if plain in EXACT_PLACEHOLDERS or any(word in plain for word in ANYWHERE_PLACEHOLDERS):
        return "placeholder"
    if len(set(secret)) < MIN_DISTINCT_CHARACTERS:
        return "placeholder"
    return None


def _auth_findings(auth: Mapping[str, Any]) -> Iterable[Finding]:
    problem = cookie_secret_problem(auth.get("cookie_secret"))
    generate = f"Generate one with: {GENERATE_SECRET}"
    if problem == "missing":
        yield Finding(
            "cookie_secret_missing",
            f"Single sign-on is configured but [auth] has no cookie_secret, which signs the sign-in cookie. {generate}",
        )
    elif problem == "short":
        yield Finding(
            "cookie_secret_short",
            f"The [auth] cookie_secret is shorter than {MIN_COOKIE_SECRET} characters, "
            f"so the sign-in cookie could be forged by guessing it. {generate}",
        )
    elif problem == "placeholder":
        yield Finding(
            "cookie_secret_placeholder",
            "The [auth] cookie_secret looks like a placeholder or example text, "
            f"so the sign-in cookie could be forged by guessing it. {generate}",
        )
    redirect = auth.get("redirect_uri")
    if isinstance(redirect, str) and redirect.strip():
        parts = urlsplit(redirect.strip())
        if parts.scheme != "https" and (parts.hostname or "") not in LOCAL_HOSTS:
            yield Finding(
                "redirect_uri_not_https",
                f"The [auth] redirect_uri ({_without_credentials(redirect)}) is not https: the identity provider's "
                "answer would cross the network unencrypted. Serve the app over https and use an https address.",
            )


def _database_findings(database_url: str, replicas: int, data_dir: Path | None) -> Iterable[Finding]:
    url = make_url(database_url)
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and replicas > 1:
        yield Finding(
            "sqlite_replicas",
            f"The database is SQLite but {replicas} replicas are configured. SQLite is for one app process on one "
            "machine; several replicas need PostgreSQL (set DATABASE_URL).",
        )
    # data/ is checked whatever the database: an embedded database left there from a trial holds private data too.
    in_file = sqlite and url.database not in (None, "", ":memory:")
    database = Path(url.database).resolve() if in_file else None
    folders = {d.resolve() for d in (data_dir, database.parent if database else None) if d is not None}
    files: set[Path] = set()
    for folder in sorted(folders):
        if not folder.is_dir():
            continue
        yield from _open_to_others(folder, "data_folder_open", "The data folder", "chmod 700")
        files.update(f for f in folder.iterdir() if f.is_file() and f.name.endswith(DATABASE_SUFFIXES))
    if database is not None:
        companions = (database, Path(f"{database}-wal"), Path(f"{database}-shm"))
        files.update(f for f in companions if f.is_file())
    for file in sorted(files):
        yield from _open_to_others(file, "database_file_open", "The database file", "chmod 600")


def _open_to_others(path: Path, key: str, what: str, fix: str) -> Iterable[Finding]:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        yield Finding(
            key,
            f"{what} {path} can be read or changed by other users of this server (mode {mode:04o}). Run: {fix} {path}",
        )


def _without_credentials(address: str) -> str:
    parts = urlsplit(address)
    if parts.username is None and parts.password is None:
        return address
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()
