/**
 * What an audit row records. Persisted strings (audit_log.action): never rename, only add.
 * Access to personal data now; issue 14 adds account administration (USER_CREATED, …).
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
  /** An admin gave an official a one-time temporary password (to change at the next sign-in). */
  PasswordReset = 'PASSWORD_RESET',
  /** An admin removed an official's second factor (to enrol again). */
  TwoFactorReset = 'TWO_FACTOR_RESET',
}
