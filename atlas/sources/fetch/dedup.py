"""Is this article new? Canonical URLs, and near-duplicate wire copies by MinHash/LSH.

Exact copies need nothing here: an article's id is the hash of its text, so the store
keeps one. A wire story republished with another headline, a dateline or a footer is
*near* the first copy: its word-shingle MinHash (datasketch) has a Jaccard estimate of
at least :data:`NEAR_DUPLICATE` with it, and it is linked to that copy, not extracted again.
"""
from __future__ import annotations

import base64
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SHINGLE = 4  # words per shingle
NEAR_DUPLICATE = 0.8
TRACKING = re.compile(r"^(utm_[a-z_]*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|ref|ref_src|"
                      r"cmpid|ocid|rss|at_medium|at_campaign)$", re.I)


def canonical_url(url: str) -> str:
    """The URL without tracking parameters or fragment, host lower-cased, default port dropped.

    >>> canonical_url("HTTPS://News.Example.org:443/a/b?utm_source=rss&id=7&fbclid=x#top")
    'https://news.example.org/a/b?id=7'
    >>> canonical_url("http://example.org")
    'http://example.org/'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port if parts.port not in (None, {"http": 80, "https": 443}.get(scheme)) else None
    netloc = host + (f":{port}" if port else "")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, "")).strip()


def shingles(text: str) -> set[bytes]:
    """Word 4-grams of the lower-cased text (fewer words: the words themselves).

    >>> sorted(shingles("A b c d E"))
    [b'a b c d', b'b c d e']
    """
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE:
        return {w.encode() for w in words}
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


SCHEME = "affine32"  # named: datasketch refuses stored hash values without their scheme
_DTYPE = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).hashvalues.dtype


def signature(text: str) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    m.update_batch(list(shingles(text)))
    return m


def encode(m: MinHash) -> str:
    return base64.b64encode(m.hashvalues.astype("<u8").tobytes()).decode("ascii")


def decode(raw: str) -> MinHash:
    values = np.frombuffer(base64.b64decode(raw), dtype="<u8").astype(_DTYPE)
    return MinHash(num_perm=NUM_PERM, seed=1, hashvalues=values, scheme=SCHEME)


class NearDuplicates:
    """An LSH index of the articles stored so far (thread-safe use is the caller's lock)."""

    def __init__(self, threshold: float = NEAR_DUPLICATE):
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.threshold = threshold
        self._sigs: dict[str, MinHash] = {}
        self._order: dict[str, int] = {}

    def add(self, article_id: str, m: MinHash) -> None:
        if article_id not in self._sigs:
            self._order[article_id] = len(self._order)
            self._sigs[article_id] = m
            self.lsh.insert(article_id, m)

    def first_copy(self, m: MinHash) -> tuple[str, float] | None:
        """The earliest-added stored article this one nearly duplicates, with the similarity."""
        found = []
        for aid in self.lsh.query(m):
            sim = float(self._sigs[aid].jaccard(m))
            if sim >= self.threshold:
                found.append((self._order[aid], aid, sim))
        if not found:
            return None
        _, aid, sim = min(found)
        return aid, sim

    def __len__(self) -> int:
        return len(self._sigs)
