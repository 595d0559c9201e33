import cluster, { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';

/**
 * `/metrics` for the whole cluster (API_PROCESSES > 1), with prom-client's AggregatorRegistry:
 * the primary serves no HTTP, so the process that takes a scrape asks the primary over IPC;
 * the primary calls `clusterMetrics()`, which asks every forked process for its registry
 * (prom-client's own messages), merges them (counters and histograms summed; a metric made
 * with `aggregator: 'first'` taken once) and answers with the text.
 * Without a cluster (API_PROCESSES=1, tests) none of this runs: the process serves its own.
 */

const REQUEST = 'phananh:cluster-metrics-request';
const REPLY = 'phananh:cluster-metrics-reply';

/** How long a process waits for the primary's answer before serving its own metrics. */
export const CLUSTER_METRICS_TIMEOUT_MS = 3000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}
interface MetricsReply {
  type: typeof REPLY;
  id: number;
  text?: string;
  error?: string;
}

/** True in a process forked by the cluster primary: its metrics are part of the cluster's. */
export function inCluster(): boolean {
  return cluster.isWorker;
}

/**
 * In every forked process, from its start: answer prom-client's requests for this process's
 * metrics (an empty answer until `shareMetrics`), so that the primary's aggregation never
 * waits on a process that has none (the job worker's) or has not built its registry yet.
 */
export function answerClusterMetrics(): void {
  if (cluster.isWorker) new AggregatorRegistry();
}

/** In a forked process: `registry` is what this process contributes to the cluster's metrics. */
export function shareMetrics(registry: Registry): void {
  if (cluster.isWorker) AggregatorRegistry.setRegistries(registry);
}

let nextId = 0;
const pending = new Map<number, (reply: MetricsReply) => void>();
let listening = false;

/**
 * In a forked process: the cluster's metrics (Prometheus text), from the primary. Rejects when
 * the primary does not answer within `timeoutMs`, answers with an error, or cannot be reached.
 */
export function clusterMetrics(timeoutMs = CLUSTER_METRICS_TIMEOUT_MS): Promise<string> {
  if (!cluster.isWorker || !process.send) return Promise.reject(new Error('not a cluster process'));
  if (!listening) {
    listening = true;
    process.on('message', (message: MetricsReply) => {
      if (message?.type === REPLY) pending.get(message.id)?.(message);
    });
  }
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => settle({ type: REPLY, id, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const settle = (reply: MetricsReply) => {
      clearTimeout(timer);
      pending.delete(id);
      if (reply.text !== undefined) resolve(reply.text);
      else reject(new Error(reply.error ?? 'no metrics'));
    };
    pending.set(id, settle);
    const request: MetricsRequest = { type: REQUEST, id };
    try {
      process.send!(request, undefined, {}, (err) => err && settle({ type: REPLY, id, error: err.message }));
    } catch (err) {
      settle({ type: REPLY, id, error: (err as Error).message });
    }
  });
}

/** In the primary: answer each forked process's request for the cluster's metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: MetricsRequest) => {
    if (message?.type !== REQUEST) return;
    const answer = (reply: MetricsReply) => {
      // With a callback, a channel closed meanwhile (the process died) is not an 'error' event.
      if (worker.isConnected()) worker.send(reply, undefined, () => undefined);
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ type: REPLY, id: message.id, text }),
      (err: Error) => answer({ type: REPLY, id: message.id, error: err.message }),
    );
  });
}
