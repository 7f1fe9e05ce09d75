/** Renders docs/configuration.md from the settings schema, so the doc cannot drift from the code. */
import { SETTING_NAMES, type SettingMeta, settingDoc } from './schema.ts';

const GROUP_ORDER: SettingMeta['group'][] = ['Server', 'Storage', 'Security', 'Accounts', 'Runs', 'Logging'];

export function renderConfigDoc(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from src/config/schema.ts by `node scripts/generate-config-doc.ts`; do not edit by hand. -->',
    '',
    'Assay reads its configuration from environment variables once, at start. A bad value stops the',
    'process with a list of every problem. A blank value counts as unset.',
    '',
    '**Mode.** Without `REDIS_URI`, Assay runs embedded: PGlite (PostgreSQL in-process) under',
    '`ASSAY_DATA_DIR`, with an in-process queue, cache and event bus. With `REDIS_URI` it runs',
    'distributed, which requires `DATABASE_URL` (PGlite cannot be shared by several processes) and',
    '`ASSAY_SECRET_KEY` (every process must decrypt the same secrets).',
    '',
    '**Durations** are written `500ms`, `30s`, `15m`, `12h` or `7d` (a bare number means seconds).',
  ];
  for (const group of GROUP_ORDER) {
    const names = SETTING_NAMES.filter((name) => settingDoc(name).group === group);
    if (names.length === 0) continue;
    lines.push('', `## ${group}`, '', '| Variable | Default | Description |', '| --- | --- | --- |');
    for (const name of names) {
      const doc = settingDoc(name);
      const example = doc.example ? ` Example: \`${doc.example}\`.` : '';
      lines.push(`| \`${name}\` | ${cell(doc.default ?? '')} | ${escapePipes(doc.description)}${example} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function cell(text: string): string {
  if (text === '') return '';
  return text.startsWith('(') ? escapePipes(text) : `\`${text}\``;
}

function escapePipes(text: string): string {
  return text.replaceAll('|', '\\|');
}
