"""The audit log and the one write transaction that keeps it.

Every change a person or an import makes to a fact goes through :class:`Writer`
(``with store.write(who) as w``): the rows and their audit entries commit together or
not at all. An audit entry has one shape: ``fact_id``, ``action``, ``who``, ``at``,
``before`` and ``after`` (snapshots of the whole fact, ``None`` when it did not exist)
and ``note`` (why, when the fact itself did not change: an event split). The store's
version moves with every row written: database triggers bump it (0002), for writes
made here and an operator's direct SQL alike.
"""
from __future__ import annotations

import json
from typing import Any, Sequence

import sqlalchemy as sa

from ..core.errors import AlreadyDecided, UnknownFact
from ..core.models import Fact
from .facts import fact_to_row, now, row_to_fact, snapshot
from .schema import audit_t, facts_t


class Writer:
    """One open write transaction: fact rows in and out, each change audited as ``who``."""

    def __init__(self, conn: sa.Connection, who: str = ""):
        self.conn, self.who, self.stamp = conn, who, now()

    def audit(self, fact_id: str, action: str, before: Fact | None, after: Fact | None, note: str = "") -> None:
        self.conn.execute(audit_t.insert().values(
            fact_id=fact_id, action=action, who=self.who, at=now(),
            before=json.dumps(snapshot(before), ensure_ascii=False) if before else None,
            after=json.dumps(snapshot(after), ensure_ascii=False) if after else None,
            note=note or None,
        ))

    def fact(self, fact_id: str) -> Fact | None:
        row = self.conn.execute(sa.select(facts_t).where(facts_t.c.id == fact_id)).first()
        return row_to_fact(row) if row else None

    def facts(self, *, origin: str | None = None, dataset: str | None = None,
              article_id: str | None = None) -> dict[str, Fact]:
        q = sa.select(facts_t)
        for col, value in (("origin", origin), ("dataset", dataset), ("article_id", article_id)):
            if value is not None:
                q = q.where(facts_t.c[col] == value)
        return {r.id: row_to_fact(r) for r in self.conn.execute(q)}

    def insert(self, facts: Sequence[Fact]) -> None:
        if facts:
            self.conn.execute(facts_t.insert(), [fact_to_row(f, self.stamp) for f in facts])

    def put(self, fact: Fact, only_pending: bool = False) -> None:
        """Replace the stored row of ``fact.id``; ``only_pending``: :class:`AlreadyDecided` unless it is pending."""
        self.set(fact.id, only_pending, **fact_to_row(fact, self.stamp))

    def set(self, fact_id: str, only_pending: bool = False, **values: Any) -> None:
        # The condition sits in the UPDATE itself, so it holds even against another process.
        stmt = facts_t.update().where(facts_t.c.id == fact_id)
        if only_pending:
            stmt = stmt.where(facts_t.c.review == "pending")
        if self.conn.execute(stmt.values(**values)).rowcount == 0:
            current = self.conn.execute(sa.select(facts_t.c.review).where(facts_t.c.id == fact_id)).scalar()
            raise AlreadyDecided(fact_id, current)

    def delete(self, fact_id: str) -> None:
        self.conn.execute(facts_t.delete().where(facts_t.c.id == fact_id))

    def extracted(self, fact_id: str, curated_hint: str) -> Fact:
        """The stored extracted fact ``fact_id`` (:class:`UnknownFact` if absent or curated)."""
        fact = self.fact(fact_id)
        if fact is None:
            raise UnknownFact(f"no fact with id {fact_id!r}")
        if fact.origin != "extracted":
            raise UnknownFact(f"fact {fact_id!r} is curated; {curated_hint}")
        return fact


def read_log(conn: sa.Connection, fact_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Audit entries, newest first, ``before``/``after`` parsed back to dicts."""
    q = sa.select(audit_t).order_by(audit_t.c.id.desc()).limit(limit)
    if fact_id:
        q = q.where(audit_t.c.fact_id == fact_id)
    out = []
    for r in conn.execute(q):
        d = dict(r._mapping)
        d["before"] = json.loads(d["before"]) if d["before"] else None
        d["after"] = json.loads(d["after"]) if d["after"] else None
        d["note"] = d.get("note") or ""
        out.append(d)
    return out
