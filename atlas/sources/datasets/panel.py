"""What the UI says about dataset records: the detail panel's record section and "About the data".

Pure HTML builders; every value from a dataset is escaped (titles and fields are
the source's text, never markup). Links are only ever the ``http(s)`` URLs the
record or the mapping holds.
"""
from __future__ import annotations

from ...core.markup import esc as _esc, link_or_text as _link
from ...core.models import Fact
from . import DATASETS, about_datasets
from ...core.labels import usd

# The record fields the panel lists, in this order (the mapping's field names).
PANEL_FIELDS = ("record", "amount", "status", "sector", "commitment_date", "start_date", "completion_date",
                "precision", "osm_type")


def amount_text(amount: float | None, currency: str) -> str:
    """
    >>> amount_text(1327239416.65516, "USD (constant 2021)")
    'USD 1,327,239,417 (constant 2021)'
    >>> amount_text(None, "")
    'no amount in the record'
    """
    if amount is None:
        return "no amount in the record"
    unit, _, rest = (currency or "").partition(" ")
    return f"{unit} {amount:,.0f}" + (f" {rest}" if rest else "")


def record_html(fact: Fact) -> str:
    """The dataset section of a record's detail panel: fields, OSM links, location, licence, citation."""
    m = DATASETS.get(fact.dataset)
    fields = fact.record.get("fields", {}) if fact.record else {}
    rows = [("Amount", _esc(amount_text(fact.amount, fact.currency)))]
    if m:
        for name in PANEL_FIELDS:
            col = m.columns.get(name)
            if col and name != "amount" and fields.get(col, "").strip():
                rows.append((_esc(col), _esc(fields[col].strip())))
    rows += _extra_rows(fact.record or {})
    loc = fact.record.get("location", {}) if fact.record else {}
    if loc:
        text = f"{loc.get('note') or loc.get('method')} (precision: {loc.get('geo_precision')})"
        rows.append(("Placed by", _esc(text)))
        for why in loc.get("rejected", []):
            if not why.endswith(": missing") and "not in the points file" not in why:
                rows.append(("Location check", f"<span style='color:#b03a2e'>{_esc(why)}</span>"))
    links = fact.record.get("osm_links", []) if fact.record else []
    if links:
        rows.append(("OpenStreetMap", "<br>".join(_link(u, u) for u in links[:12])))
    if fact.record and fact.record.get("linked_records"):
        rows.append(("Linked records", _esc(", ".join(fact.record["linked_records"])
                                            + " (totals count a linked group once)")))
    drawn_as = curated_of(fact)
    if drawn_as:
        rows.append(("On the map as", _esc(", ".join(drawn_as) + " (curated fact of the same project)")))
    if fact.withdrawn:
        rows.append(("Withdrawn", "gone from the latest release of the dataset; kept for the record"))
    parts = ["<h5 style='margin:8px 0 4px 0'>Dataset record</h5>",
             '<table style="font-size:0.9em;border-collapse:collapse">']
    parts += [f'<tr><th style="text-align:left;padding-right:8px;vertical-align:top">{k}</th><td>{v}</td></tr>'
              for k, v in rows]
    parts.append("</table>")
    if m:
        parts.append(f"<p style='font-size:0.85em'>{attribution_html(fact.dataset)}</p>")
    return "".join(parts)


def _extra_rows(record: dict) -> list[tuple[str, str]]:
    """World Bank financiers and sites, OFAC program, aliases and remarks: escaped, capped."""
    rows = []
    shares = record.get("shares") or []
    if shares:
        items = [f"{_esc(s.get('name', ''))} ({_esc(s.get('actor') or 'no outside power')}): "
                 f"{_esc(usd(s.get('amount')))}" for s in shares[:30]]
        rows.append(("Financiers", "<br>".join(items)))
    if record.get("sites"):
        names = ", ".join(s.get("name") or s.get("id", "") for s in record["sites"][:20])
        more = f" and {len(record['sites']) - 20} more" if len(record["sites"]) > 20 else ""
        rows.append(("Sites", _esc(f"{len(record['sites'])}: {names}{more}")))
    if record.get("aliases"):
        rows.append(("Also known as", _esc("; ".join(record["aliases"][:20]))))
    if record.get("remarks"):
        rows.append(("Remarks", _esc(record["remarks"])))
    return rows


def attribution_html(key: str) -> str:
    """The short attribution line with each licence linked."""
    m = DATASETS[key]
    lics = "; ".join(f"{_link(lic.url, lic.name)} for {_esc(lic.covers)}" for lic in m.licences)
    return f"{_esc(m.short_attribution)} Licences: {lics}."


def about_html(keys: list[str] | None = None) -> str:
    """"About the data": each dataset (of ``keys``, default all), its licences and citations."""
    parts = []
    for d in about_datasets():
        if keys is not None and d["dataset"] not in keys:
            continue
        parts.append(f"<h4 style='margin:6px 0'>{_esc(d['title'])}</h4><p>{_esc(d['attribution'])}</p><ul>")
        for lic in d["licences"]:
            who = f" — {_esc(lic['attribution'])}" if lic["attribution"] else ""
            parts.append(f"<li>{_link(lic['url'], lic['name'])}: {_esc(lic['covers'])}{who}</li>")
        parts.append("</ul><p style='margin:4px 0'>Please cite:</p><ol style='font-size:0.9em'>")
        parts += [f"<li>{_esc(c)}</li>" for c in d["citations"]]
        parts.append("</ol>")
    return "".join(parts)


def curated_of(fact: Fact) -> list[str]:
    """Curated fact ids that stand for this record's project on the map."""
    m = DATASETS.get(fact.dataset)
    links = getattr(m, "curated_links", {}) if m else {}
    return [cid for cid, recs in links.items() if fact.dataset_record in recs]


def curated_links_html(fact: Fact) -> str:
    """For a curated fact: the dataset records describing the same project (drawn as this fact)."""
    parts = []
    for m in DATASETS.values():
        recs = getattr(m, "curated_links", {}).get(fact.id, ())
        if recs:
            parts.append(f"<p style='font-size:0.85em'>Financing records in {_esc(m.title)} for this project: "
                         f"{_esc(', '.join(recs))} (not drawn again on the map).</p>")
    return "".join(parts)
