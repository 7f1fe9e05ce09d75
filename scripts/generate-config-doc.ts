/** Writes docs/configuration.md from the settings schema (see src/config/config-doc.ts). */
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from '../src/config/config-doc.ts';

const target = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(target, renderConfigDoc());
console.log(`wrote ${target.pathname}`);
