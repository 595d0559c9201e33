import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A reporting campaign: its intake window, its cutoff and its ladder offsets. */
@Entity({ name: 'campaigns' })
export class Campaign {
  @PrimaryColumn('text', { primaryKeyConstraintName: 'pk_campaigns' }) code: string;
  @Column('text') name: string;
  /** Reports received in [intakeFrom, intakeTo) belong to the campaign. */
  @Column('timestamptz') intakeFrom: Date;
  @Column('timestamptz') intakeTo: Date;
  /** Every report of the campaign must be finished before this instant. */
  @Column('timestamptz') cutoffAt: Date;
  @Column('integer') handlingHours: number;
  @Column('integer', { default: 12 }) dueSoonHours: number;
  @Column('integer', { default: 24 }) escalateAfterHours: number;
  @Column('timestamptz', { nullable: true }) cutoffProcessedAt: Date | null;
  @Column('timestamptz') createdAt: Date;
}
