-- What each attachment URL answered last: its validators for a conditional GET and the file it was.
CREATE TABLE fetch_cache (
    url            VARCHAR PRIMARY KEY,
    sha256         VARCHAR NOT NULL,
    etag           VARCHAR NOT NULL,
    last_modified  VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL
);
