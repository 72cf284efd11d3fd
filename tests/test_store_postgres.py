"""PostgreSQL's failures as a user meets them: a server that cannot be reached, a login that is
refused, a writer that holds the lock too long, a statement that runs too long and a connection
lost during a call each end in a message and exit 3; the password never shows."""

from __future__ import annotations

import threading
import time

import pytest

from mllens_tui.assessment import Answer
from mllens_tui.cli import main
from mllens_tui.lens.model import Lens
from mllens_tui.store import Store
from mllens_tui.store.engine import WRITE_LOCK
from mllens_tui.store.errors import DatabaseLocked, ServerUnavailable

# Every test here needs psycopg and a server; without them they are skipped with the reason.
pytestmark = pytest.mark.usefixtures("postgres_server_url")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def pg_url(postgres_server_url: str) -> str:
    from postgres_server import database

    with database(postgres_server_url) as url:
        yield url  # type: ignore[misc]


def _admin(url: str):  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def test_unreachable_server_exit_3_without_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://ann:s3cr%40t-pw@127.0.0.1:{port}/team"
    code, out, err = run(capsys, "--db", url, "workload", "list")
    assert code == 3 and out == ""
    assert "cannot reach the database server" in err and "ann:***@127.0.0.1" in err
    assert "s3cr" not in err


def test_refused_login_exit_3_without_the_password(
    capsys: pytest.CaptureFixture[str], postgres_server_url: str
) -> None:
    url = postgres_server_url.replace("mllens@", "nobody-here:hunter2@")
    code, _, err = run(capsys, "--db", url, "workload", "list")
    assert code == 3
    assert "refused the login" in err and "nobody-here" in err and "hunter2" not in err


def test_password_from_a_passfile_is_used_and_never_printed(
    capsys: pytest.CaptureFixture[str], pg_url: str, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    passfile = tmp_path / "pgpass"
    passfile.write_text("*:*:*:*:from-the-file\n")
    passfile.chmod(0o600)
    code, out, err = run(capsys, "--db", f"{pg_url}?passfile={passfile}", "workload", "list")
    assert code == 0, err
    assert "from-the-file" not in out + err


def test_a_writer_holding_the_lock_too_long_is_exit_3(
    capsys: pytest.CaptureFixture[str], pg_url: str, ml_lens: Lens
) -> None:
    with Store.open(pg_url) as store:
        store.create_workload("w", ml_lens)
    holder = _admin(pg_url)
    holder.execute(f"SELECT pg_advisory_lock({WRITE_LOCK})")
    try:
        with Store.open(pg_url, busy_timeout=0.3) as store, pytest.raises(DatabaseLocked) as err:
            store.set_answer("w", Answer("MLOE-01", level=2))
        assert err.value.exit_code == 3 and "held the database" in err.value.message
        assert store_answers(pg_url) == {}
    finally:
        holder.close()
    with Store.open(pg_url) as store:
        store.set_answer("w", Answer("MLOE-01", level=2))
    assert store_answers(pg_url) == {"MLOE-01": 2}


def store_answers(url: str) -> dict[str, int | None]:
    with Store.open(url) as store:
        return {qid: a.level for qid, a in store.answers("w").items()}


def test_a_statement_past_the_timeout_is_exit_3(
    capsys: pytest.CaptureFixture[str], pg_url: str, ml_lens: Lens
) -> None:
    with Store.open(pg_url) as store:
        store.create_workload("w", ml_lens)
    holder = _admin(pg_url)
    holder.autocommit = False
    holder.execute("LOCK TABLE answer IN ACCESS EXCLUSIVE MODE")
    slow = f"{pg_url}?options=-c%20statement_timeout%3D300"
    try:
        code, out, err = run(capsys, "--db", slow, "export", "w")
    finally:
        holder.rollback()
        holder.close()
    assert code == 3 and out == ""
    assert "statement timeout" in err and "nothing was half-written" in err


def test_a_connection_lost_during_a_call_is_exit_3_and_the_next_call_works(
    pg_url: str, ml_lens: Lens
) -> None:
    with Store.open(pg_url) as store:
        store.create_workload("w", ml_lens)
        holder = _admin(pg_url)
        holder.execute(f"SELECT pg_advisory_lock({WRITE_LOCK})")
        failures: list[BaseException] = []

        def write() -> None:
            try:
                store.set_answer("w", Answer("MLOE-01", level=2))
            except BaseException as exc:
                failures.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        waiting: list[int] = []
        while not waiting:
            waiting = [
                row[0]
                for row in holder.execute(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = 'mllens-tui' "
                    "AND wait_event_type = 'Lock'"
                )
            ]
            time.sleep(0.05)
        holder.execute("SELECT pg_terminate_backend(%s)", (waiting[0],))
        writer.join()
        holder.close()
        assert len(failures) == 1 and isinstance(failures[0], ServerUnavailable)
        assert failures[0].exit_code == 3 and "was lost" in failures[0].message
        assert store.answers("w") == {}
        store.set_answer("w", Answer("MLOE-01", level=2))
        assert store.answers("w")["MLOE-01"].level == 2


def test_a_newer_schema_is_refused_and_left_alone(
    capsys: pytest.CaptureFixture[str], pg_url: str, ml_lens: Lens
) -> None:
    with Store.open(pg_url) as store:
        store.create_workload("w", ml_lens)
    with _admin(pg_url) as admin:
        admin.execute("UPDATE mllens_schema SET version = 99")
    code, out, err = run(capsys, "--db", pg_url, "answer", "w", "MLOE-01", "2")
    assert code == 3 and out == ""
    assert "newer mllens-tui (schema version 99" in err
    with _admin(pg_url) as admin:
        assert admin.execute("SELECT version FROM mllens_schema").fetchall() == [(99,)]
        assert admin.execute("SELECT count(*) FROM answer").fetchall() == [(0,)]
