import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { JobName, JobPayloads } from './job-catalogue';
import { JOB_HANDLER, JobOutcome } from './job-handler.decorator';

type Handler = (data: unknown) => Promise<JobOutcome>;

/**
 * Finds every @JobHandler at boot and refuses to start unless each JobName has exactly
 * one: a forgotten handler fails CI, not a deadline in production.
 */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance);
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const name = this.reflector.get<JobName | undefined>(JOB_HANDLER, proto[method]);
        if (!name) continue;
        found.set(name, [...(found.get(name) ?? []), `${proto.constructor.name}.${method}`]);
        this.handlers.set(name, (data) => (instance[method] as Handler).call(instance, data));
      }
    }
    assertComplete(found);
  }

  async run<N extends JobName>(name: N | string, data: JobPayloads[N] | unknown): Promise<JobOutcome> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`No handler for job ${name}`);
    return handler(data);
  }
}

export function assertComplete(found: Map<string, string[]>): void {
  const problems: string[] = [];
  for (const name of Object.values(JobName)) {
    const where = found.get(name) ?? [];
    if (where.length === 0) problems.push(`job ${name} has no handler`);
    if (where.length > 1) problems.push(`job ${name} has ${where.length} handlers (${where.join(', ')})`);
  }
  for (const name of found.keys()) {
    if (!(Object.values(JobName) as string[]).includes(name)) problems.push(`handler for unknown job ${name}`);
  }
  if (problems.length) throw new Error(`Job catalogue incomplete: ${problems.join('; ')}`);
}
