"""Following the region's news: feeds, sitemaps and article pages fetched into the store.

- :mod:`.feeds` reads and checks ``feeds.yaml``;
- :mod:`.http` is the polite, bounded HTTP client (robots.txt, rate limit, conditional GET, 5 MB);
- :mod:`.parse` tells feeds, sitemaps and pages apart and turns a page into an article;
- :mod:`.dedup` canonicalises URLs and finds near-duplicate wire copies (MinHash/LSH);
- :mod:`.state` keeps sources, fetched pages and signatures in the store;
- :mod:`.run` is one fetch run; :mod:`.loop` repeats it every N minutes.
"""
