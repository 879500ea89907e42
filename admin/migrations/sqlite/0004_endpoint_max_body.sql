-- The largest request body an endpoint accepts (413 above), per endpoint. Endpoints made
-- before this column existed get the default every new endpoint gets: 1 MiB.
ALTER TABLE endpoints ADD COLUMN max_body_bytes INTEGER NOT NULL DEFAULT 1048576;
