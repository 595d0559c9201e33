import { InitialSchema1764115200000 } from './1764115200000-InitialSchema';
import { Alerts1764200000000 } from './1764200000000-Alerts';
import { MaskedPii1764300000000 } from './1764300000000-MaskedPii';
import { DuplicatesAndWithdrawal1764400000000 } from './1764400000000-DuplicatesAndWithdrawal';
import { PersonalDataRetention1764420000000 } from './1764420000000-PersonalDataRetention';
import { AuditLog1764430000000 } from './1764430000000-AuditLog';
import { MergedIntoIndex1764450000000 } from './1764450000000-MergedIntoIndex';
import { OfficialAccounts1765000000000 } from './1765000000000-OfficialAccounts';
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
  RoadToCutoff1765070000000,
];
