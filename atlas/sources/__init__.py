"""Where facts come from: article files, curated records, extraction, ingest, news feeds, published datasets."""
