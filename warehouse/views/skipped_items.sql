-- Every listing item or page a crawl saw and did not take, and why: nothing is dropped silently.
CREATE OR REPLACE VIEW skipped_items AS
SELECT run_id, source, title, url, reason, seen_at FROM crawl_skips;

COMMENT ON VIEW skipped_items IS 'every listing item or page a crawl saw and did not take, and why';
COMMENT ON COLUMN skipped_items.run_id IS 'the run';
COMMENT ON COLUMN skipped_items.source IS 'the portal (listing URL) or the night''s portals';
COMMENT ON COLUMN skipped_items.title IS 'the item''s title as listed';
COMMENT ON COLUMN skipped_items.url IS 'the item''s URL';
COMMENT ON COLUMN skipped_items.reason IS 'why it was not taken';
COMMENT ON COLUMN skipped_items.seen_at IS 'when the crawl saw it';
