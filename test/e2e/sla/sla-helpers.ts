import { QueueName, QueueService } from '@phananh/queue';
import { TestApp, eventually } from '@test/support';

/** Waits until `n` more SLA sweeps have completed: every due stage before the call has then been seen. */
export async function sweepsRun(t: TestApp, n = 3): Promise<void> {
  const queue = t.app.get(QueueService).queue(QueueName.Sla);
  const start = (await queue.getJobCounts('completed')).completed;
  await eventually(async () => (await queue.getJobCounts('completed')).completed >= start + n, 15_000);
}

export interface AlertRecord {
  kind: string;
  ticket_id: string | null;
  deadline_at: Date | null;
  unit_code: string;
  recipient: string;
  created_at: Date;
  occurred_at: Date;
}

/** Every alert with its event and recipient's username, oldest first. */
export async function allAlerts(t: TestApp): Promise<AlertRecord[]> {
  return t.db.query(
    `SELECT e.kind, e.ticket_id, e.deadline_at, e.unit_code, u.username AS recipient, a.created_at, e.occurred_at
     FROM alerts a JOIN alert_events e ON e.id = a.event_id JOIN users u ON u.id = a.recipient_id
     ORDER BY a.created_at, e.kind, u.username`,
  );
}

export async function alertsOf(t: TestApp, ticketId: string, kind?: string): Promise<AlertRecord[]> {
  return (await allAlerts(t)).filter((a) => a.ticket_id === ticketId && (!kind || a.kind === kind));
}

export const recipients = (alerts: AlertRecord[]) => alerts.map((a) => a.recipient).sort();
