"""Rasa's SQL tracker store with the trackers of recent conversations kept in memory.

Rasa's `SQLTrackerStore` reads every event of the current session from the database on every
message (one ORM object, one `json.loads`, one `Event` and one replay per event) and, to save,
counts them again; with an event broker, `save` reads the whole session a second time to find the
new events. All of it grows with the session: a quarter of a turn at length 50, most of it at 200.

`CachedSQLTrackerStore` is the same store (same table, same rows, same queries when it does not
know better) that keeps the tracker it last saved for each of the `cache_size` most recent
conversations. Several Rasa workers or replicas share one database, and the adapter's `/forget`
deletes a student's rows behind Rasa's back, so the copy is never trusted blindly: each read first
asks the database for the conversation's *mark* — id and timestamp of its latest row, one lookup
in an index on (sender_id, id) — and uses the copy only if the mark is the one the copy was saved
with. Any other writer (another worker, the HTTP API of another replica, `/forget`) adds or
deletes the latest row, and the read falls back to Rasa's own. (Rasa's store only ever appends,
and `/forget` deletes all of a conversation's rows: nothing deletes older rows alone, the one
change the mark would not see. A row written again after a deletion has a new timestamp.)

A save appends the tracker's events after those it was read (or last saved) with, once the mark
shows nobody wrote in between; otherwise it is Rasa's own save (count the stored events of the
session, append the rest). A copy is lent to one caller at a time (taken out of the cache on
read, put back by the save), so no two callers share one mutable tracker.

With `window_turns` > 0, a long session's tracker keeps its whole state (every event is replayed)
but only the events of its last turns (`history_window`: the last `window_turns` user turns and
whatever older turns this assistant's policy and actions read), so a turn no longer grows with the
session: what Rasa featurises, serialises to the action server and the action server decodes
stays bounded. The database keeps every event; the session and the office's report are unchanged.
"""
from __future__ import annotations

import itertools
import json
import logging
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from rasa_extensions.history_window import cut_events

logger = logging.getLogger(__name__)

Mark = Tuple[Optional[int], Optional[float]]  # id and timestamp of the conversation's latest row

DEFAULT_CACHE_SIZE = 200
# On a tracker whose oldest events were cut: how many of its session's stored events were dropped,
# and how many events (not stored) summarise the state they left, at the start of its list.
CUT = "_events_cut_before_window"
SUMMARY = "_events_summarising_the_cut"


@dataclass
class _Copy:
    tracker: DialogueStateTracker
    stored: int  # how many of tracker.events are in the database
    mark: Mark  # the conversation's mark when they were


class CachedSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` plus a bounded LRU of trackers, each checked against the database on read.

    endpoints.yml: `type: rasa_extensions.tracker_cache.CachedSQLTrackerStore`, the SQL store's own
    keys (dialect, url, port, db, username, password, …), `cache_size` (conversations kept) and
    `window_turns` (0: whole sessions in memory)."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, window_turns: int = 0,
                 **kwargs: Any) -> None:
        self.cache_size = max(0, int(cache_size))
        self.window_turns = max(0, int(window_turns))
        self._idle: "OrderedDict[Text, _Copy]" = OrderedDict()  # saved, not lent
        self._lent: "OrderedDict[int, _Copy]" = OrderedDict()  # id(tracker) → copy, until saved
        self.hits = self.misses = 0
        super().__init__(*args, **kwargs)
        self._create_mark_index()

    def _create_mark_index(self) -> None:
        """(sender_id, id): the latest row of a conversation in one index lookup (SQLite's index on
        sender_id holds the row id already; PostgreSQL's does not). Added to Rasa's table, which
        it does not change otherwise; several servers starting at once may race to create it."""
        # DDL, not an sa.Index: that would attach itself to Rasa's shared Table, once per store made
        try:
            with self.engine.begin() as connection:
                connection.execute(sa.text(
                    f"CREATE INDEX IF NOT EXISTS ix_events_sender_id_id ON {self.SQLEvent.__tablename__} (sender_id, id)"))
        except (sa.exc.OperationalError, sa.exc.ProgrammingError, sa.exc.IntegrityError) as error:
            logger.debug(f"Index on (sender_id, id) not created here: {error}")

    # --- reading -------------------------------------------------------------------------------

    def _mark(self, session: Any, sender_id: Text) -> Mark:
        events = self.SQLEvent
        latest = (session.query(events.id, events.timestamp).filter(events.sender_id == sender_id)
                  .order_by(events.id.desc()).limit(1).first())
        return (latest[0], latest[1]) if latest else (None, None)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the latest session: the cached one if the database still matches it."""
        copy = self._idle.pop(sender_id, None)
        with self.session_scope() as session:
            mark = self._mark(session, sender_id)
            if copy is not None and len(copy.tracker.events) == copy.stored and copy.mark == mark:
                self.hits += 1
                self._lend(copy)
                return copy.tracker
            self.misses += 1
            if mark[0] is None:
                return None
            # the mark is read first: rows written after it only make the save fall back
            tracker = self._tracker_from_rows(session, sender_id)
        if tracker is not None:
            self._cut(tracker)
            self._lend(_Copy(tracker, len(tracker.events), mark))
        return tracker

    def _tracker_from_rows(self, session: Any, sender_id: Text) -> Optional[DialogueStateTracker]:
        """Rasa's `SQLTrackerStore._retrieve` for the latest session, in the caller's transaction."""
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        events = [json.loads(row.data) for row in rows]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _lend(self, copy: _Copy) -> None:
        if self.cache_size == 0:
            return
        self._lent[id(copy.tracker)] = copy  # holds the tracker, so its id is not reused meanwhile
        while len(self._lent) > self.cache_size:  # read and never saved (the HTTP API's GET)
            self._lent.popitem(last=False)

    # --- saving --------------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the tracker's new events; keeps the tracker for the next read."""
        copy = self._lent.pop(id(tracker), None)
        if copy is not None and copy.tracker is not tracker:
            copy = None
        if copy is None:  # saved without being lent: e.g. a new conversation, or the copy was dropped
            copy = self._idle.pop(tracker.sender_id, None)
            if copy is not None and copy.tracker is not tracker:
                copy = None

        with self.session_scope() as session:
            mark = self._mark(session, tracker.sender_id)
            if copy is not None and copy.mark == mark and len(tracker.events) >= copy.stored:
                new_events = list(itertools.islice(tracker.events, copy.stored, len(tracker.events)))
                await self._stream(tracker, new_events)
                rows = self._add(session, tracker, new_events)
                session.commit()
                latest = (rows[-1].id, rows[-1].timestamp) if rows else mark
                if not any(isinstance(event, SessionStarted) for event in new_events):
                    # a new session: Rasa's next read holds only its events, the copy still the old ones
                    self._cut(tracker)
                    self._keep(_Copy(tracker, len(tracker.events), latest))
                return
        await self._save_as_rasa_does(tracker)

    async def _save_as_rasa_does(self, tracker: DialogueStateTracker) -> None:
        """`SQLTrackerStore.save`: new events are those past the count stored for the session (less
        those cut from a windowed tracker). The tracker is not kept: whether it matches the
        database is not known."""
        cut, summary = getattr(tracker, CUT, 0), getattr(tracker, SUMMARY, 0)
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            new_events = list(itertools.islice(tracker.events, max(0, stored - cut) + summary, len(tracker.events)))
            await self._stream(tracker, new_events)  # what Rasa's stream_events finds by reading the session again
            self._add(session, tracker, new_events)
            session.commit()

    def _cut(self, tracker: DialogueStateTracker) -> None:
        """Replaces the events before the window with a summary of the state they left."""
        cut = cut_events(tracker, getattr(tracker, SUMMARY, 0), self.window_turns) if self.window_turns else None
        if cut is not None:
            events, dropped, summary = cut
            tracker.events = deque(events, tracker.events.maxlen)
            setattr(tracker, CUT, getattr(tracker, CUT, 0) + dropped)
            setattr(tracker, SUMMARY, summary)

    async def _stream(self, tracker: DialogueStateTracker, new_events: List[Event]) -> None:
        """What `TrackerStore.stream_events` publishes, without its second read of the session."""
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)

    def _add(self, session: Any, tracker: DialogueStateTracker, events: List[Event]) -> list:
        """The rows `SQLTrackerStore.save` writes, flushed so their ids are known."""
        rows = []
        for event in events:
            data: Dict[Text, Any] = event.as_dict()
            rows.append(self.SQLEvent(
                sender_id=tracker.sender_id,
                type_name=event.type_name,
                timestamp=data.get("timestamp"),
                intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                action_name=data.get("name"),
                data=json.dumps(data),
            ))
        session.add_all(rows)
        session.flush()
        return rows

    def _keep(self, copy: _Copy) -> None:
        if self.cache_size == 0:
            return
        self._idle[copy.tracker.sender_id] = copy
        self._idle.move_to_end(copy.tracker.sender_id)
        while len(self._idle) > self.cache_size:
            self._idle.popitem(last=False)
