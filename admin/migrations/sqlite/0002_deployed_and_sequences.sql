-- What serves is kept apart from the draft: the draft (code, dependencies) is edited and
-- compiled; the last successful build of the draft is `library_*` plus the code and
-- dependencies it compiled (`built_*`); a deploy copies that build to `deployed_*`, which is
-- what a restart (or a kill -9) serves again. Compiling never changes `deployed_*`.
ALTER TABLE endpoints ADD COLUMN built_code TEXT;
ALTER TABLE endpoints ADD COLUMN built_dependencies TEXT;
ALTER TABLE endpoints ADD COLUMN built_at TEXT;
ALTER TABLE endpoints ADD COLUMN deployed_version INTEGER;
ALTER TABLE endpoints ADD COLUMN deployed_code TEXT;
ALTER TABLE endpoints ADD COLUMN deployed_dependencies TEXT;
ALTER TABLE endpoints ADD COLUMN deployed_library TEXT;
ALTER TABLE endpoints ADD COLUMN deployed_fingerprint TEXT;
ALTER TABLE endpoints ADD COLUMN deployed_built_at TEXT;
ALTER TABLE endpoints ADD COLUMN deployed_at TEXT;

-- A store written by an earlier version: its last build is taken as built from the current
-- draft, and a running endpoint as deployed from it (the best that store can tell).
UPDATE endpoints SET built_code = code, built_dependencies = dependencies, built_at = updated_at
    WHERE library_path IS NOT NULL;
UPDATE endpoints SET deployed_version = version, deployed_code = code,
    deployed_dependencies = dependencies, deployed_library = library_path,
    deployed_fingerprint = library_fingerprint, deployed_built_at = updated_at,
    deployed_at = updated_at
    WHERE status = 'running' AND library_path IS NOT NULL;

-- Counters that only go up: an endpoint's scope (its logs, bindings and the dataplane's
-- id for it) is never handed out again after the endpoint is deleted.
CREATE TABLE sequences (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO sequences (name, value)
    SELECT 'endpoint_scope', COALESCE(MAX(scope), 0) FROM endpoints;
