-- Every listing item or page a crawl saw and did not take, and why: nothing is dropped silently.
CREATE OR REPLACE VIEW skipped_items AS
SELECT run_id, source, title, url, reason, seen_at FROM crawl_skips;
