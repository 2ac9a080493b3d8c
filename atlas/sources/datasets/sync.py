"""Dataset facts into the store: idempotent, audited, withdrawals instead of deletions.

Same record → same fact id. A fact equal to the stored one is not written (the
store's version stays, so caches stay warm); a changed one is updated in place with
an audit entry; a record gone from the new release is marked withdrawn (audited),
and restored if it comes back. Everything happens in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from ...core.errors import ValidationError
from ...core.models import Fact
from ...db.store import Store


MAX_WITHDRAW_SHARE = 0.10  # more than this share of a dataset's records gone at once needs allow_withdraw


class WithdrawRefused(ValidationError):
    """A release that would withdraw more than :data:`MAX_WITHDRAW_SHARE` of the stored records:
    most likely a missing sheet, a renamed column or a truncated table, not a real withdrawal."""


@dataclass
class SyncReport:
    dataset: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.withdrawn or self.restored)

    def summary(self) -> str:
        return (f"{self.dataset}: {len(self.added)} added, {len(self.updated)} updated, {self.unchanged} unchanged, "
                f"{len(self.withdrawn)} withdrawn, {len(self.restored)} restored")


def sync_dataset(store: Store, dataset: str, facts: Sequence[Fact], *, who: str = "import",
                 keep: set[str] = frozenset(), allow_withdraw: bool = False) -> SyncReport:
    """Make the stored facts of ``dataset`` match ``facts``.

    ``keep``: fact ids to leave exactly as stored (rows skipped as bad in this import),
    so a bad row never withdraws its record. Raises :class:`WithdrawRefused`, writing
    nothing, when more than 10 % of the stored records would be withdrawn, unless
    ``allow_withdraw``.
    """
    report = SyncReport(dataset)
    new = {f.id: f for f in facts}
    with store.write(who) as w:
        stored = w.facts(origin="dataset", dataset=dataset)
        active = [fid for fid, old in stored.items() if not old.withdrawn]
        gone = [fid for fid in active if fid not in new and fid not in keep]
        if not allow_withdraw and active and len(gone) > MAX_WITHDRAW_SHARE * len(active):
            raise WithdrawRefused([
                f"{dataset}: this release would withdraw {len(gone)} of the {len(active)} stored records "
                f"({len(gone) / len(active):.0%}, more than {MAX_WITHDRAW_SHARE:.0%}); a sheet, column or rows "
                f"may be missing. Nothing was changed. If the publisher really dropped them, import again "
                f"with --allow-withdraw."])
        inserts = []
        for fid, fact in new.items():
            old = stored.get(fid)
            if old is None:
                inserts.append(fact)
                report.added.append(fid)
            elif old == fact:
                report.unchanged += 1
            else:
                w.put(fact)
                action = "restored" if old.withdrawn else "dataset-update"
                (report.restored if old.withdrawn else report.updated).append(fid)
                w.audit(fid, action, old, fact)
        w.insert(inserts)
        for fid, old in stored.items():
            if fid in new or fid in keep or old.withdrawn:
                continue
            w.set(fid, withdrawn=True, updated_at=w.stamp)
            w.audit(fid, "withdrawn", old, old.with_(withdrawn=True))
            report.withdrawn.append(fid)
    return report  # the store's version moves by itself (database triggers) when anything was written
