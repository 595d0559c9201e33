import { Type } from '@nestjs/common';

/** The worker's feature modules (job handlers per domain). Each domain adds its module here. */
export const WORKER_FEATURES: Type[] = [];
