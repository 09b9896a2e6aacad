-- The append-only, hash-chained audit trail (issue #8 item 4). Each row's hash covers the event and
-- the previous row's hash, so an edit or a deletion breaks every link after it (AuditService.Verify).

-- The chain head: exactly one row, locked FOR UPDATE by whichever replica appends, so several audit
-- replicas never fork the chain. seq is assigned from it (gapless; an identity column can skip
-- numbers on rollback, and a gap must mean a deleted row). It also remembers the last hash, so
-- deleting the newest rows is detected too.
create table chain_head (
  id boolean primary key default true check (id),
  seq bigint not null,
  hash text not null,
  updated_at timestamptz not null default now()
);
insert into chain_head (id, seq, hash) values (true, 0, repeat('0', 64));

create table records (
  seq bigint primary key,
  -- The emitter's event id: redelivery after a crash finds it and does not append twice.
  event_id text not null unique,
  event_time timestamptz not null,
  recorded_at timestamptz not null default now(),
  service text not null,
  kind text not null,
  outcome text not null,
  session_id text not null,
  actor text not null,
  trace_id text not null,
  -- Redacted by the emitter before publishing; never a secret.
  attributes jsonb,
  -- JetStream stream sequence (0 in embedded mode): where the event came from.
  stream_seq bigint not null default 0,
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null check (hash ~ '^[0-9a-f]{64}$')
);
create index records_event_time on records (event_time);
create index records_outcome_time on records (outcome, event_time);
create index records_actor_time on records (actor, event_time);
create index records_kind_time on records (kind, event_time);

-- Append-only: refuse UPDATE, DELETE and TRUNCATE for every role, the owner included. Only a
-- superuser who disables the trigger can change history, and Verify then reports the broken link.
create function refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'audit.% is append-only: % refused', tg_table_name, tg_op using errcode = 'insufficient_privilege';
end
$$;
create trigger records_append_only before update or delete on records
  for each row execute function refuse_change();
create trigger records_no_truncate before truncate on records
  for each statement execute function refuse_change();
-- The head only moves forward, one appended row at a time is the writer's business; it is never deleted.
create trigger chain_head_no_delete before delete on chain_head
  for each row execute function refuse_change();
create trigger chain_head_no_truncate before truncate on chain_head
  for each statement execute function refuse_change();
create function head_moves_forward() returns trigger language plpgsql as $$
begin
  if new.seq < old.seq then
    raise exception 'audit.chain_head only moves forward' using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger chain_head_forward before update on chain_head
  for each row execute function head_moves_forward();

-- Where each export target got to, so a scheduled export writes only what is new.
create table exports (
  target text primary key,
  last_seq bigint not null,
  exported_at timestamptz not null
);
