"""Registration numbers under concurrency: no number given twice, none skipped.

Real transactions on the test database (not the per-test savepoint), on a region and year no
other test uses; the counter row is removed afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from app.core.db import declare_write_intent
from app.models import RegistrationCounter
from app.trading.service import _next_sequence, registration_number

REGION, YEAR = "220193", 1999


@pytest.fixture
def counter(engine: Engine) -> Iterator[None]:
    yield
    with Session(engine) as session, session.begin():
        session.execute(delete(RegistrationCounter).where(RegistrationCounter.year == YEAR))


def test_concurrent_approvals_share_one_gapless_sequence(
    patient_engine: Engine, counter: None
) -> None:
    engine = patient_engine
    committed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def approve(index: int) -> None:
        try:
            start.wait()
            with Session(engine) as session:
                declare_write_intent(session)
                number = _next_sequence(session, REGION, YEAR)
                if index % 3 == 0:
                    # An approval that fails after taking its number gives the number back.
                    session.rollback()
                    return
                session.commit()
                with lock:
                    committed.append(number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert errors == []
    assert sorted(committed) == list(range(1, len(committed) + 1))
    assert len(committed) == 5


def test_number_format() -> None:
    assert registration_number("220173", 2026, 42) == "2201732026000042"
