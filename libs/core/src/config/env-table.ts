import { ENV_INFO, EnvDto } from './env.dto';

export const ENV_TABLE_START = '<!-- env-table:start -->';
export const ENV_TABLE_END = '<!-- env-table:end -->';

/** The README's configuration table, generated from EnvDto so that the two never disagree. */
export function envTableMarkdown(): string {
  const defaults = new EnvDto() as unknown as Record<string, unknown>;
  const rows = [...ENV_INFO.entries()].map(([name, info]) => {
    const value = defaults[name];
    const shown = info.shownDefault ?? (value === undefined ? 'unset' : `\`${String(value)}\``);
    return `| \`${name}\` | ${shown} | ${info.description}${info.sensitive ? ' *(secret: never logged)*' : ''} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `text` with the table between the markers replaced by the current one. */
export function withEnvTable(text: string): string {
  const start = text.indexOf(ENV_TABLE_START);
  const end = text.indexOf(ENV_TABLE_END);
  if (start < 0 || end < start) throw new Error('README has no env-table markers');
  return `${text.slice(0, start + ENV_TABLE_START.length)}\n${envTableMarkdown()}\n${text.slice(end)}`;
}
