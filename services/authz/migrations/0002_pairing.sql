-- DM pairing (issue #5 item 3): approved users and pending code requests, shared by every replica.
-- Codes are never stored: only sha256(salt || code) and the 16-byte salt, both hex.

-- Seed: "the user is permanently authorized for that platform" until revoked.
create table approved_users (
  platform text not null,
  user_id text not null,
  display_name text not null default '',
  approved_at timestamptz not null,
  primary key (platform, user_id)
);

create table pending_requests (
  -- Server-side request id: 16 hex characters (Hermes: secrets.token_hex(8)).
  request_id text primary key check (request_id ~ '^[0-9a-f]{16}$'),
  platform text not null,
  user_id text not null,
  display_name text not null default '',
  code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
  salt text not null check (salt ~ '^[0-9a-f]{32}$'),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  -- One live code per user: a new request replaces the old one.
  unique (platform, user_id)
);

create index pending_requests_platform_expires on pending_requests (platform, expires_at);
