-- Per-domain transport policy: plain-HTTP requests redirected to HTTPS (308), and the
-- Strict-Transport-Security max-age (seconds) HTTPS answers carry (NULL: no header).
-- Domains made before these columns existed keep serving as they did: no redirect, no HSTS.
ALTER TABLE domains ADD COLUMN https_redirect INTEGER NOT NULL DEFAULT 0;
ALTER TABLE domains ADD COLUMN hsts_max_age INTEGER;
