/** Keeps the dependency direction of docs/architecture.md: core is pure, only the composition root and tests see adapters. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports hide initialisation-order bugs.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core is framework- and infrastructure-free: no express, databases, queues, loggers.',
      from: { path: '^src/core/' },
      to: {
        path: '(^src/(adapters|http|worker|cli|services|platform|config)/)|node_modules/(express|pg|@electric-sql|redis|bullmq|ioredis|kysely|drizzle-orm|pino|connect-redis|express-session|express-rate-limit|rate-limit-redis|helmet|prom-client|argon2)(/|$)',
      },
    },
    {
      name: 'adapters-only-from-root',
      severity: 'error',
      comment: 'Only the composition root (src/container.ts) and tests import adapters.',
      from: { path: '^src/', pathNot: ['^src/container\\.ts$', '^src/adapters/', '\\.test\\.ts$'] },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'services-not-delivery',
      severity: 'error',
      comment: 'Use cases know nothing of HTTP, the CLI or the worker.',
      from: { path: '^src/services/' },
      to: { path: '^src/(http|cli|worker)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
