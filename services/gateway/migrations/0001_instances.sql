-- Replicas of the gateway service that started against this database (one row per start).
create table instances (
  id uuid primary key,
  host text not null,
  version text not null,
  started_at timestamptz not null
);
