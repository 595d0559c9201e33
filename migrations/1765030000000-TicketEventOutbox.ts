import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ticket-event relay's outbox (issue 15): every relayed ticket event (RELAYED_ACTIONS) gets
 * a row here in the transaction that writes it (libs/ticket-store), and the relay job drains
 * the rows with `FOR UPDATE SKIP LOCKED`, deleting them in the transaction in which its sinks
 * write their own delivery rows. A row is only the event's id: the event itself is read from
 * ticket_events. Rows live for a relay interval, so the table stays small (the primary key is
 * its one index, and the drain reads it in order).
 */
export class TicketEventOutbox1765030000000 implements MigrationInterface {
  name = 'TicketEventOutbox1765030000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ticket_event_outbox (
        event_id bigint NOT NULL,
        CONSTRAINT pk_ticket_event_outbox PRIMARY KEY (event_id)
      )`);
    // Frequent inserts and deletes of a small table: vacuum it often so that the drain's scan stays short.
    await q.query(
      `ALTER TABLE ticket_event_outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ticket_event_outbox`);
  }
}
