-- Quarantines shared by the nodes: an endpoint one node's watchdog quarantined (a call held
-- a worker past the threshold) gets 503 at once on every node, until a deploy or start
-- through any node lifts it (that deletes the row). Additive.
CREATE TABLE quarantines (
    scope BIGINT PRIMARY KEY,
    endpoint_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    node_id TEXT NOT NULL,
    since_ms BIGINT NOT NULL
);

CREATE TRIGGER quarantines_changed AFTER INSERT OR UPDATE OR DELETE ON quarantines
    FOR EACH STATEMENT EXECUTE FUNCTION reg_notify_change();
