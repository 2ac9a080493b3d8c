"""Re-extraction of stored articles after the extractor improves.

Each article is re-read from the store, run through the current extractor and
written with :meth:`Store.replace_pending` (one transaction per article): pending,
unedited facts are refreshed, added or removed; facts a human accepted, rejected
or edited are never touched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..core.errors import ArticleError, ValidationError
from .ingest import prepare, run_extractor
from ..core.models import Article
from ..db.store import Store


@dataclass
class ReextractReport:
    articles: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"updated": 0, "added": 0, "removed": 0, "kept": 0})
    per_article: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        return (f"{self.articles} article(s) re-extracted: {c['updated']} pending fact(s) updated, "
                f"{c['added']} added, {c['removed']} removed, {c['kept']} reviewed/edited kept")


def reextract(store: Store, article_ids: Sequence[str] | None = None,
              extractor: Callable[[Article], dict] | None = None) -> ReextractReport:
    """Re-extract the given articles (all when None). Unknown ids: nothing is done."""
    extractor = extractor or run_extractor
    if article_ids:
        missing = [a for a in article_ids if not store.has_article(a)]
        if missing:
            raise ValidationError([f"no article with id {a!r}" for a in missing])
        ids = list(dict.fromkeys(article_ids))
    else:
        ids = [a["id"] for a in store.articles()]
    report = ReextractReport()
    for aid in ids:
        article = store.article(aid)
        if article is None:  # deleted meanwhile
            continue
        try:
            prepared = prepare(article, extractor=extractor)
        except ArticleError as exc:
            report.problems.append(str(exc))
            continue
        counts = store.replace_pending(aid, prepared.facts, prepared.extraction)
        report.articles += 1
        report.per_article[aid] = counts
        for k, v in counts.items():
            report.counts[k] += v
    return report
