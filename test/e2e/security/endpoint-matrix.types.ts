import type { NewOfficialOptions, NewTicketOptions, Official, TestApp, TestTicket } from '@test/support';
import type { User } from '@phananh/identity';

export type Caller = 'anonymous' | 'officer' | 'supervisor' | 'admin' | 'provincialAdmin';
export type Place = 'inside' | 'outside';

export interface MatrixRequest {
  /** Values of the `{name}` path parameters. */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: object;
  /** Sent as text/csv instead (a file upload such as the officials' import). */
  csv?: string;
  /** Sent as application/x-www-form-urlencoded (Open311 GeoReport v2 posts). */
  form?: Record<string, string>;
  /**
   * The caller's credentials for this call instead of the standing ones (e.g. a fresh official of
   * the caller's role, for routes that end the caller's sessions); ignored for anonymous calls.
   */
  authorization?: string;
}

export interface MatrixEntry {
  anonymous: number;
  officer: number | Record<Place, number>;
  supervisor: number | Record<Place, number>;
  admin: number | Record<Place, number>;
  /**
   * An admin of the province of Hà Nội (01). Its 'outside' is a ward of another province (26734,
   * Hồ Chí Minh), since both of the others' wards are in Hà Nội. Absent: the same as `admin`.
   */
  provincialAdmin?: number | Record<Place, number>;
  request?: (ctx: MatrixContext, place: Place, caller: Caller) => Promise<MatrixRequest>;
}

/** What an entry's `request` can use to build its target. */
export interface MatrixContext {
  t: TestApp;
  /** The four callers, and a bystander (an officer of the outside unit) who owns "someone else's" things. */
  officials: Record<Exclude<Caller, 'anonymous'> | 'bystander', Official>;
  /** The ward of 'inside' targets (00001) and of 'outside' ones (00037; 26734 for the provincial admin). */
  unit: Record<Place, string>;
  /** A fresh ticket in the place's ward. */
  ticket(place: Place, options?: NewTicketOptions): Promise<TestTicket>;
  /** A small PNG attached to the ticket. */
  attachment(ticket: TestTicket): Promise<{ id: string }>;
  /** A fresh official of the caller's role and unit (with a factor when the role needs one, unless told). */
  fresh(caller: Exclude<Caller, 'anonymous'>, options?: NewOfficialOptions): Promise<Official>;
  /** A fresh official's account (e.g. to disable): in ward 00004, or with 'outside' in the place's outside ward. */
  newUser(place?: Place): Promise<User>;
  /** A valid identity number nobody has used yet. */
  citizenId(): string;
}
