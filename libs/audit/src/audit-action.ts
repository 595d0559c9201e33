/**
 * What an audit row records. Persisted strings (audit_log.action): never rename, only add.
 * Access to personal data, and account administration (issue 14).
 */
export enum AuditAction {
  /** The single-ticket view, which shows the full identity number and phone. */
  IdentityViewed = 'IDENTITY_VIEWED',
  /** A proof file served to an official. */
  AttachmentDownloaded = 'ATTACHMENT_DOWNLOADED',
  /** An export of figures (the SLA summary as CSV). */
  Export = 'EXPORT',
  /** A page of the officials' queue (masked identity numbers, names, years of birth). */
  QueuePage = 'QUEUE_PAGE',
  /** An official's account created by an admin (alone or by an import); details: role, unit, e-mail, name. */
  UserCreated = 'USER_CREATED',
  /** A CSV import of officials (one USER_CREATED row per official as well); details: how many. */
  UsersImported = 'USERS_IMPORTED',
  /** Role, unit or e-mail changed; details: `before`, `after` (only what changed), `sessionsEnded`. */
  UserChanged = 'USER_CHANGED',
  /** An account disabled (its sessions end). */
  UserDisabled = 'USER_DISABLED',
  /** A disabled account enabled again. */
  UserEnabled = 'USER_ENABLED',
  /** An Open311 api key issued to a partner system (details: keyId, name, requestsPerMinute; never the key). */
  Open311KeyIssued = 'OPEN311_KEY_ISSUED',
  /** An Open311 api key revoked (details: keyId, name). */
  Open311KeyRevoked = 'OPEN311_KEY_REVOKED',
  /** A lifecycle webhook's personal-data flag set or cleared (details: webhookId, url, from, to). */
  EventWebhookPersonalData = 'EVENT_WEBHOOK_PERSONAL_DATA',
  /** An admin gave an official a one-time temporary password (to change at the next sign-in). */
  PasswordReset = 'PASSWORD_RESET',
  /** An admin removed an official's second factor (to enrol again). */
  TwoFactorReset = 'TWO_FACTOR_RESET',
}
