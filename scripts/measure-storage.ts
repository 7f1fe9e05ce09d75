/**
 * Measures what the storage layer costs at start, for docs/database.md and ADR 0001: module import
 * times (each in a fresh process, median of several), PGlite open cold (initdb) and warm (existing
 * directory), loading a dumped template, migrations, and a query through Kysely against raw PGlite.
 * Usage: node scripts/measure-storage.ts [--runs 5]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function importCost(specifier: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(specifier)});process.stdout.write(String(performance.now()-t))`;
  const samples = Array.from({ length: runs }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: process.cwd(),
      }).toString(),
    ),
  );
  return median(samples);
}

function inChild(code: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: process.cwd(),
  }).toString();
  return JSON.parse(out) as Record<string, number>;
}

const imports = {
  pg: importCost('pg'),
  '@electric-sql/pglite': importCost('@electric-sql/pglite'),
  kysely: importCost('kysely'),
  pino: importCost('pino'),
};

const dir = await mkdtemp(join(tmpdir(), 'assay-measure-'));
try {
  const dataDir = join(dir, 'pglite');
  const open = `
    import { PGlite } from '@electric-sql/pglite';
    const t = performance.now();
    const db = await PGlite.create({ dataDir: ${JSON.stringify(dataDir)}, postgresqlconf: ['log_startup_progress_interval = 0'] });
    const opened = performance.now() - t;
    const rss = process.memoryUsage().rss / 1048576;
    await db.close();
    process.stdout.write(JSON.stringify({ opened, rssMb: rss }));`;
  const cold = inChild(open);
  const warm = median(Array.from({ length: runs }, () => inChild(open).opened ?? Number.NaN));
  const warmRss = inChild(open).rssMb;
  const flow = inChild(`
    import { PGlite } from '@electric-sql/pglite';
    import { Kysely, sql } from 'kysely';
    import { pgliteDialect } from './src/adapters/postgres/pglite-dialect.ts';
    import { migrate } from './src/adapters/postgres/migrate.ts';
    const fresh = await PGlite.create();
    const db = new Kysely({ dialect: pgliteDialect(fresh) });
    let t = performance.now();
    await migrate(db);
    const migrateMs = performance.now() - t;
    t = performance.now();
    const dump = await fresh.dumpDataDir('none');
    const dumpMs = performance.now() - t;
    t = performance.now();
    const loaded = await PGlite.create({ loadDataDir: dump, postgresqlconf: ['log_startup_progress_interval = 0'] });
    const loadMs = performance.now() - t;
    const n = 2000;
    t = performance.now();
    for (let i = 0; i < n; i++) await loaded.query('select id from organisations where id = $1', ['00000000-0000-7000-8000-000000000000']);
    const rawUs = ((performance.now() - t) / n) * 1000;
    const kdb = new Kysely({ dialect: pgliteDialect(loaded) });
    t = performance.now();
    for (let i = 0; i < n; i++) await kdb.selectFrom('organisations').select('id').where('id', '=', '00000000-0000-7000-8000-000000000000').execute();
    const kyselyUs = ((performance.now() - t) / n) * 1000;
    await kdb.destroy();
    await db.destroy();
    await loaded.close();
    await fresh.close();
    process.stdout.write(JSON.stringify({ migrateMs, dumpMs, loadMs, rawUs, kyselyUs }));`);
  const figures = {
    node: process.version,
    runs,
    importMs: Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    pglite: {
      coldOpenMs: Math.round(cold.opened ?? 0),
      coldRssMb: Math.round(cold.rssMb ?? 0),
      warmOpenMs: Math.round(warm),
      warmRssMb: Math.round(warmRss ?? 0),
      migrateMs: Math.round(flow.migrateMs ?? 0),
      dumpTemplateMs: Math.round(flow.dumpMs ?? 0),
      loadTemplateMs: Math.round(flow.loadMs ?? 0),
    },
    pointQueryUs: { rawPglite: Math.round(flow.rawUs ?? 0), kyselyOnPglite: Math.round(flow.kyselyUs ?? 0) },
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}
