-- The permanent command allowlist, per profile (issue #6 item 3): entries added by "always" answers.
-- An entry is a dangerous-pattern key (e.g. "recursive delete") or command text / glob.
create table allowlist (
  profile text not null,
  entry text not null,
  created_at timestamptz not null,
  created_by text not null default '',
  request_id text not null default '',
  primary key (profile, entry)
);
