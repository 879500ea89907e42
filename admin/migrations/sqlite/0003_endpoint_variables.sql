-- Per-endpoint configuration a handler reads with ctx.var(NAME): variables (shown on
-- read) and secrets (write-only, masked on every read like service secrets). JSON objects
-- of name -> string.
ALTER TABLE endpoints ADD COLUMN variables TEXT NOT NULL DEFAULT '{}';
ALTER TABLE endpoints ADD COLUMN secrets TEXT NOT NULL DEFAULT '{}';
