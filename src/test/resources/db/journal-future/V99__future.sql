-- A migration of a Werken newer than this one (JournalStoreTest applies it to see the older one refuse).
CREATE TABLE journal_future (id integer);
