import { InitialSchema1764115200000 } from './1764115200000-InitialSchema';
import { Alerts1764200000000 } from './1764200000000-Alerts';
import { MaskedPii1764300000000 } from './1764300000000-MaskedPii';
import { AuditLog1764430000000 } from './1764430000000-AuditLog';

/** Every migration, in order. A new migration is added here as well as in its file. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  Alerts1764200000000,
  MaskedPii1764300000000,
  AuditLog1764430000000,
];
