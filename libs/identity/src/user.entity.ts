import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from './role';

/** An official's account. Usernames are unique case-insensitively (ux_users_username on lower(username)). */
@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_users' }) id: string;
  @Column('text') username: string;
  /** argon2id; never returned by any endpoint. */
  @Column('text', { select: false }) passwordHash: string;
  @Column('text') fullName: string;
  @Column('text') role: Role;
  /** The unit the official belongs to; null only for admins. */
  @Column('varchar', { length: 5, nullable: true }) unitCode: string | null;
  @Column('text', { nullable: true }) email: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz', { nullable: true }) disabledAt: Date | null;
}
