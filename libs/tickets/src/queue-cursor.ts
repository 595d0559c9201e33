/** The queue's keyset position: the last (dueAt, id) seen. Opaque to clients (base64url JSON). */
export interface QueueCursor {
  dueAt: Date;
  id: string;
}

export function encodeCursor(c: QueueCursor): string {
  return Buffer.from(JSON.stringify({ d: c.dueAt.toISOString(), i: c.id })).toString('base64url');
}

/** undefined when the text is not a cursor this service wrote. */
export function decodeCursor(text: string): QueueCursor | undefined {
  try {
    const raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { d?: unknown; i?: unknown };
    if (typeof raw.d !== 'string' || typeof raw.i !== 'string' || !/^\d{1,19}$/.test(raw.i)) return undefined;
    const dueAt = new Date(raw.d);
    return Number.isNaN(dueAt.getTime()) ? undefined : { dueAt, id: raw.i };
  } catch {
    return undefined;
  }
}
