-- Warm nights (issue 15): when each known attachment was last asked, and when each portal's
-- column was last walked whole, so that neither is asked again within its period (the night
-- after a cold night asks no file and walks no column: that night has just seen them all).
ALTER TABLE fetch_cache ADD COLUMN checked_on DATE;
UPDATE fetch_cache SET checked_on = fetched_at::DATE;

CREATE TABLE listing_walks (
    listing    VARCHAR PRIMARY KEY,
    walked_on  DATE NOT NULL
);
INSERT INTO listing_walks SELECT listing, max(read_at)::DATE FROM crawl_items GROUP BY listing;
