"""The students the adapter knows: pseudonymous reference, the chat to answer, language, and
whether Rasa must be resumed before their next message (after a ticket closed)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import students


@dataclass(frozen=True)
class Student:
    ref: str
    chat_id: int
    language: Optional[str]
    resume_pending: bool = False


class Students:
    """Reads and writes of the students table; each method is one transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def remember(self, ref: str, chat_id: int) -> Student:
        """The student, added on first contact; a new chat id (a new device) replaces the old."""
        with self.database.transaction() as db:
            row = db.execute(sa.select(students).where(students.c.ref == ref)).first()
            if row is None:
                db.execute(students.insert().values(ref=ref, chat_id=chat_id, resume_pending=False,
                                                    created_at=utc_now()))
                return Student(ref, chat_id, None)
            if row.chat_id != chat_id:
                db.execute(students.update().where(students.c.ref == ref).values(chat_id=chat_id))
            return Student(ref, chat_id, row.language, row.resume_pending)

    def get(self, ref: str, within: Optional[Connection] = None) -> Optional[Student]:
        if within is not None:
            row = within.execute(sa.select(students).where(students.c.ref == ref)).first()
        else:
            with self.database.connect() as db:
                row = db.execute(sa.select(students).where(students.c.ref == ref)).first()
        return Student(row.ref, row.chat_id, row.language, row.resume_pending) if row else None

    def many(self, refs: Sequence[str], within: Optional[Connection] = None) -> Dict[str, Student]:
        """The students among `refs` that are known, by reference (one query)."""
        query = sa.select(students).where(students.c.ref.in_(sorted(set(refs))))
        with self.database.transaction(within) as db:
            rows = db.execute(query).all() if refs else []
        return {row.ref: Student(row.ref, row.chat_id, row.language, row.resume_pending) for row in rows}

    def set_language(self, ref: str, language: str) -> None:
        with self.database.transaction() as db:
            db.execute(students.update().where(students.c.ref == ref).values(language=language))

    def set_resume_pending(self, ref: str, pending: bool) -> None:
        with self.database.transaction() as db:
            db.execute(students.update().where(students.c.ref == ref).values(resume_pending=pending))

    def forget(self, ref: str, within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(students.delete().where(students.c.ref == ref))
