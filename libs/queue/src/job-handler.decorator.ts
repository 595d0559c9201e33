import { SetMetadata } from '@nestjs/common';
import { JobName } from './job-catalogue';

export const JOB_HANDLER = Symbol('phananh:job-handler');

/** What a handler reports: done, or skipped because the database says the work is stale. */
export type JobOutcome = 'done' | 'skipped' | Record<string, unknown>;

/** Marks a provider method as the one handler of a job. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER, name);
