import { Role } from '@phananh/identity';
import { TestApp, newAttachment, newOfficial, newTicket, randomCitizenId } from '@test/support';
import type { Caller, MatrixContext } from './endpoint-matrix.types';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(16)]);

/** The callers, units and fixtures every matrix entry's request is built from (a ward inside the reach, one outside). */
export async function matrixContext(t: TestApp): Promise<MatrixContext> {
  const ctx: MatrixContext = {
    t,
    officials: {
      officer: await newOfficial(t, { role: Role.Officer, unitCode: '00001' }),
      supervisor: await newOfficial(t, { role: Role.Supervisor, unitCode: '001' }),
      admin: await newOfficial(t, { role: Role.Admin }),
      provincialAdmin: await newOfficial(t, { role: Role.Admin, unitCode: '01' }),
      bystander: await newOfficial(t, { role: Role.Officer, unitCode: '00037' }),
    },
    unit: { inside: '00001', outside: '00037' },
    ticket: (place, options = {}) => newTicket(t, { unitCode: ctx.unit[place], ...options }),
    attachment: (ticket) => newAttachment(t, ticket, PNG, 'image/png'),
    fresh: (caller, options = {}) => {
      const standing = ctx.officials[caller].user;
      return newOfficial(t, { role: standing.role, unitCode: standing.unitCode, ...options });
    },
    newUser: async (place = 'inside') =>
      (await newOfficial(t, { role: Role.Officer, unitCode: place === 'inside' ? '00004' : ctx.unit.outside })).user,
    citizenId: randomCitizenId,
  };
  return ctx;
}

/**
 * The context as `caller` sees it: for the provincial admin of Hà Nội, 'outside' is a ward of
 * Hồ Chí Minh (26734), since the others' outside ward (00037, Hoàn Kiếm) is inside its province.
 */
export function contextFor(ctx: MatrixContext, caller: Caller): MatrixContext {
  if (caller !== 'provincialAdmin') return ctx;
  const own: MatrixContext = {
    ...ctx,
    unit: { inside: ctx.unit.inside, outside: '26734' },
    ticket: (place, options = {}) => newTicket(ctx.t, { unitCode: own.unit[place], ...options }),
    newUser: async (place = 'inside') =>
      (await newOfficial(ctx.t, { role: Role.Officer, unitCode: place === 'inside' ? '00004' : own.unit.outside }))
        .user,
  };
  return own;
}
