import { InitialSchema1764115200000 } from './1764115200000-InitialSchema';
import { Alerts1764200000000 } from './1764200000000-Alerts';
import { MaskedPii1764300000000 } from './1764300000000-MaskedPii';
import { DuplicatesAndWithdrawal1764400000000 } from './1764400000000-DuplicatesAndWithdrawal';
import { PersonalDataRetention1764420000000 } from './1764420000000-PersonalDataRetention';
import { AuditLog1764430000000 } from './1764430000000-AuditLog';
import { MergedIntoIndex1764450000000 } from './1764450000000-MergedIntoIndex';
import { OfficialAccounts1765000000000 } from './1765000000000-OfficialAccounts';
import { SignInSecurity1765010000000 } from './1765010000000-SignInSecurity';
import { AdminReach1765020000000 } from './1765020000000-AdminReach';
import { TicketEventOutbox1765030000000 } from './1765030000000-TicketEventOutbox';
import { CitizenMessages1765030100000 } from './1765030100000-CitizenMessages';
import { Open3111765040000000 } from './1765040000000-Open311';
import { EventWebhooks1765040000001 } from './1765040000001-EventWebhooks';
import { ReplyTemplates1765050000000 } from './1765050000000-ReplyTemplates';
import { PersonalAssignment1765060000000 } from './1765060000000-PersonalAssignment';
import { RoadToCutoff1765070000000 } from './1765070000000-RoadToCutoff';

/** Every migration, in order. A new migration is added here as well as in its file. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  Alerts1764200000000,
  MaskedPii1764300000000,
  DuplicatesAndWithdrawal1764400000000,
  PersonalDataRetention1764420000000,
  AuditLog1764430000000,
  MergedIntoIndex1764450000000,
  OfficialAccounts1765000000000,
  SignInSecurity1765010000000,
  AdminReach1765020000000,
  TicketEventOutbox1765030000000,
  CitizenMessages1765030100000,
  Open3111765040000000,
  EventWebhooks1765040000001,
  ReplyTemplates1765050000000,
  PersonalAssignment1765060000000,
  RoadToCutoff1765070000000,
];
