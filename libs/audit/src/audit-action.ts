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
  /** An Open311 api key issued to a partner system (details: keyId, name, requestsPerMinute; never the key). */
  Open311KeyIssued = 'OPEN311_KEY_ISSUED',
  /** An Open311 api key revoked (details: keyId, name). */
  Open311KeyRevoked = 'OPEN311_KEY_REVOKED',
  /** A lifecycle webhook's personal-data flag set or cleared (details: webhookId, url, from, to). */
  EventWebhookPersonalData = 'EVENT_WEBHOOK_PERSONAL_DATA',
}
