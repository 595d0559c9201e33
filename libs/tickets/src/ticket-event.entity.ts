import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TicketStatus } from './ticket-status';

/** What happened to a ticket; persisted values, never rename. */
export enum TicketAction {
  Filed = 'FILED',
  Assigned = 'ASSIGNED',
  Started = 'STARTED',
  Resolved = 'RESOLVED',
  Deferred = 'DEFERRED',
  Rejected = 'REJECTED',
  Transferred = 'TRANSFERRED',
  Commented = 'COMMENTED',
  Reopened = 'REOPENED',
  IdentityViewed = 'IDENTITY_VIEWED',
  Overdue = 'OVERDUE',
  Escalated = 'ESCALATED',
  CutoffMissed = 'CUTOFF_MISSED',
}

/** Append-only history: rows are inserted, never updated or deleted. */
@Entity({ name: 'ticket_events' })
export class TicketEvent {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_ticket_events',
  })
  id: string;

  @Column('bigint') ticketId: string;
  @Column('timestamptz') at: Date;
  @Column('text') action: TicketAction;
  @Column('uuid', { nullable: true }) actorUserId: string | null;
  @Column('text', { nullable: true }) actorUsername: string | null;
  @Column('text', { nullable: true }) actorRole: string | null;
  @Column('varchar', { length: 5, nullable: true }) actorUnitCode: string | null;
  @Column('text', { nullable: true }) fromStatus: TicketStatus | null;
  @Column('text', { nullable: true }) toStatus: TicketStatus | null;
  @Column('varchar', { length: 5, nullable: true }) fromUnitCode: string | null;
  @Column('varchar', { length: 5, nullable: true }) toUnitCode: string | null;
  @Column('text', { nullable: true }) note: string | null;
  /** Shown on the citizen's lookup timeline (filed, assigned, transferred, resolved, rejected). */
  @Column('boolean', { default: false }) isPublic: boolean;
}
