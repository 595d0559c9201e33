import { Type } from '@nestjs/common';

/** The HTTP feature modules (controllers per domain). Each domain adds its module here. */
export const API_FEATURES: Type[] = [];
