"""list_for: a record's files as the session sees them, however often a page asks."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.attachments import list_for
from app.models import Attachment

OWNER = ("listing", 990001)


def _file(name: str) -> Attachment:
    return Attachment(
        owner_type=OWNER[0],
        owner_id=OWNER[1],
        category="document",
        filename=name,
        content_type="application/pdf",
        size=3,
        sha256="0" * 64,
    )


def _names(session: Session) -> list[str]:
    return [a.filename for a in list_for(session, *OWNER)]


class TestListFor:
    def test_asked_twice_it_reads_once(self, session: Session) -> None:
        session.add(_file("说明书.pdf"))
        session.flush()
        statements: list[str] = []
        engine = session.get_bind()
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert _names(session) == ["说明书.pdf"]
            assert _names(session) == ["说明书.pdf"]
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert len([s for s in statements if "FROM attachment" in s]) == 1

    def test_a_file_added_or_removed_since_shows(self, session: Session) -> None:
        assert _names(session) == []
        first = _file("一.pdf")
        session.add(first)
        assert _names(session) == ["一.pdf"]
        session.add(_file("二.pdf"))
        assert _names(session) == ["一.pdf", "二.pdf"]
        session.delete(first)
        assert _names(session) == ["二.pdf"]

    def test_a_savepoint_rolled_back_takes_its_file_away(self, session: Session) -> None:
        assert _names(session) == []
        savepoint = session.begin_nested()
        session.add(_file("撤回.pdf"))
        assert _names(session) == ["撤回.pdf"]
        savepoint.rollback()
        assert _names(session) == []
