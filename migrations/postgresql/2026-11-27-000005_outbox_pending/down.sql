DROP INDEX outbox_messages_pending;
