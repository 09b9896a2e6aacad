-- Agent API keys (issue #8 item 2): shown once at creation, stored only as SHA-256 of the whole key
-- (256 bits of CSPRNG secret, so a fast hash is enough: nothing to brute-force). Revocation keeps
-- the row for the audit trail.
create table api_keys (
  id text primary key,
  name text not null,
  scopes text[] not null,
  key_hash bytea not null,
  rate_per_minute integer not null,
  unattended boolean not null default false,
  created_at timestamptz not null,
  created_by text not null default '',
  revoked_at timestamptz
);
create index api_keys_name on api_keys (name);
