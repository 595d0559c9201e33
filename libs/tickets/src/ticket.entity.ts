import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { IssueType, TicketStatus } from './ticket-status';

/** bigint ids arrive from pg as strings; keep them strings (they exceed 2^53 only in theory, but never risk it). */
@Entity({ name: 'tickets' })
@Index('ux_tickets_tracking_code', ['trackingCode'], { unique: true })
export class Ticket {
  @PrimaryGeneratedColumn('identity', {
    type: 'bigint',
    generatedIdentity: 'ALWAYS',
    primaryKeyConstraintName: 'pk_tickets',
  })
  id: string;

  @Column('text') trackingCode: string;
  @Column('text') status: TicketStatus;
  @Column('text') issueType: IssueType;
  @Column('timestamptz') receivedAt: Date;
  @Column('timestamptz') dueAt: Date;
  @Column('timestamptz', { nullable: true }) overdueSince: Date | null;
  @Column('boolean', { default: false }) cutoffMissed: boolean;
  @Column('text', { nullable: true }) campaignCode: string | null;
  /** The assigned health unit, and its district and province (denormalised so reach is one indexed predicate). */
  @Column('varchar', { length: 5 }) unitCode: string;
  @Column('varchar', { length: 3, nullable: true }) districtCode: string | null;
  @Column('varchar', { length: 2 }) provinceCode: string;

  @Column('text') citizenName: string;
  @Column('date') citizenDob: string;
  /** AES-256-GCM (PiiCrypto); never log or list the plain value. */
  @Column('bytea') citizenIdEnc: Buffer;
  /** Keyed HMAC of the identity number, for duplicate matching and lookups. */
  @Column('bytea') citizenIdHash: Buffer;
  @Column('bytea', { nullable: true }) phoneEnc: Buffer | null;
  @Column('varchar', { length: 5, nullable: true }) citizenWardCode: string | null;

  @Column('smallint', { nullable: true }) doseNumber: number | null;
  @Column('text', { nullable: true }) vaccineCode: string | null;
  @Column('date', { nullable: true }) vaccinatedOn: string | null;
  @Column('varchar', { length: 5, nullable: true }) doseWardCode: string | null;
  @Column('text', { nullable: true }) facilityName: string | null;
  @Column('text', { nullable: true }) lotNumber: string | null;
  @Column('text', { nullable: true }) description: string | null;

  @Column('text', { nullable: true }) resolution: string | null;
  @Column('text', { nullable: true }) rejectionReasonCode: string | null;
  @Column('text', { nullable: true }) rejectionNote: string | null;

  /** SLA ladder position (see libs/sla): 0 DUE_SOON next, 1 OVERDUE next, 2 ESCALATED next, 3 done. */
  @Column('smallint', { default: 0 }) slaStage: number;
  /** When the next ladder stage is due; NULL when closed or done. The sweeper reads only this (partial index). */
  @Column('timestamptz', { nullable: true }) slaNextAt: Date | null;

  /** Optimistic concurrency: every change is `WHERE version = $expected`, then version + 1. */
  @Column('integer', { default: 1 }) version: number;
  @Column('timestamptz') updatedAt: Date;
  @Column('timestamptz', { nullable: true }) closedAt: Date | null;
}
