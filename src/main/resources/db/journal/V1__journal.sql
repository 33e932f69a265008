-- The event journal. The same SQL runs on PostgreSQL 15 and on H2 2.5 in PostgreSQL mode (the embedded store):
-- only types and statements both accept. Text columns are unbounded (text, not varchar(n)), so that no long value
-- can make a write fail for ever and stop the journal's queue behind it. Actions carry no foreign key to their event:
-- the store deletes them together, by key, in one transaction, and a key check per action would only slow writes.

CREATE TABLE journal_events (
    event_id          text                     NOT NULL PRIMARY KEY,
    workflow_id       text                     NOT NULL,
    received_at       timestamp with time zone NOT NULL,
    dispatched_at     timestamp with time zone,
    workflow_revision text,
    outcome           text                     NOT NULL,
    reason            text,
    replay_of         text,
    traceparent       text,
    journal           text                     NOT NULL,
    -- The payload's bytes and the headers (a JSON object, as text): null when the workflow journals metadata only.
    payload           bytea,
    headers           text,
    actions_published integer                  NOT NULL,
    recorded_at       timestamp with time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The listing, newest first, and its keyset cursor: (received_at, event_id) < (?, ?) ORDER BY both DESC.
CREATE INDEX journal_events_received ON journal_events (received_at DESC, event_id DESC);
CREATE INDEX journal_events_workflow ON journal_events (workflow_id, received_at DESC, event_id DESC);
CREATE INDEX journal_events_outcome ON journal_events (outcome, received_at DESC, event_id DESC);
CREATE INDEX journal_events_replay_of ON journal_events (replay_of, received_at DESC, event_id DESC);
-- Which revisions stored events still refer to (removing unreferenced revisions).
CREATE INDEX journal_events_revision ON journal_events (workflow_revision);

CREATE TABLE journal_actions (
    event_id text    NOT NULL,
    idx      integer NOT NULL,
    type     text    NOT NULL,
    queue    text,
    outcome  text    NOT NULL,
    reason   text,
    -- The params exactly as published (JSON text): null unless published and journaled in full.
    params   text,
    PRIMARY KEY (event_id, idx)
);

-- The listing's action_type and queue filters: EXISTS (an action of the event with this type, or queue).
CREATE INDEX journal_actions_type ON journal_actions (type, event_id);
CREATE INDEX journal_actions_queue ON journal_actions (queue, event_id);

CREATE TABLE journal_revisions (
    revision  text                     NOT NULL PRIMARY KEY,
    loaded_at timestamp with time zone NOT NULL,
    source    text                     NOT NULL
);

CREATE TABLE journal_replays (
    id            text                     NOT NULL PRIMARY KEY,
    created_at    timestamp with time zone NOT NULL,
    updated_at    timestamp with time zone NOT NULL,
    state         text                     NOT NULL,
    request       text,
    scanned       bigint                   NOT NULL,
    replayed      bigint                   NOT NULL,
    cursor        text,
    last_event_id text,
    error         text
);

CREATE INDEX journal_replays_state ON journal_replays (state);
