-- TLS certificates uploaded through any node's API, served by every node. The private key
-- is sealed with the cluster's --secret-key-file (AES-256-GCM); the store never holds it
-- in clear. Additive: nodes that predate this table ignore it.
CREATE TABLE certificates (
    id TEXT PRIMARY KEY,
    cert_pem TEXT NOT NULL,
    key_sealed TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TRIGGER certificates_changed AFTER INSERT OR UPDATE OR DELETE ON certificates
    FOR EACH STATEMENT EXECUTE FUNCTION reg_notify_change();
