"""A new embedded database is private to the user running the app: folder 0700, files 0600."""

import stat

from sqlalchemy import text

from db.engine import make_engine
from tracker.config_check import check


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_folder_and_its_files_are_readable_by_their_owner_only(tmp_path):
    folder = tmp_path / "data"
    url = f"sqlite:///{folder / 'shared_load.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:  # WAL mode: the write makes the -wal and -shm files
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        files = sorted(p.name for p in folder.iterdir())
        assert files == ["shared_load.db", "shared_load.db-shm", "shared_load.db-wal"]
        assert {p.name: mode(p) for p in folder.iterdir()} == dict.fromkeys(files, 0o600)
    engine.dispose()
    assert mode(folder) == 0o700
    assert check(secrets_paths=[], database_url=url, data_dir=folder) == []


def test_an_existing_database_is_opened_as_it_is(tmp_path):
    database = tmp_path / "kept.db"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    engine = make_engine(f"sqlite:///{database}")  # a second open neither empties nor recreates it
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM t")) == 0
    engine.dispose()
