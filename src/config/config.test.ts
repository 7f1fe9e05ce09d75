import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';
import { renderConfigDoc } from './config-doc.ts';
import { parseDuration } from './parsers.ts';
import { resolveSecretKey } from './secret-key.ts';

const KEY_HEX = 'ab'.repeat(32);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems.map((p) => p.setting);
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'embedded');
    assert.equal(config.server.port, 8080);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.server.publicUrl, 'http://localhost:8080');
    assert.equal(config.server.trustProxy, false);
    assert.deepEqual(config.server.corsOrigins, []);
    assert.equal(config.server.shutdownGraceMs, 25_000);
    assert.deepEqual(config.database, { kind: 'pglite', dataDir: './data' });
    assert.equal(config.redis, null);
    assert.equal(config.security.secretKey, null);
    assert.equal(config.accounts.admin, null);
    assert.equal(config.accounts.sessionIdleTtlMs, 8 * 3_600_000);
    assert.equal(config.runs.concurrency, 4);
    assert.equal(config.log.level, 'info');
  });

  it('parses a full distributed configuration', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      LOG_LEVEL: 'DEBUG',
      DATABASE_URL: 'postgres://u:p@db:5432/assay',
      REDIS_URI: 'redis://cache:6379',
      ASSAY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      ASSAY_PUBLIC_URL: 'https://assay.example.com/',
      ASSAY_TRUST_PROXY: 'loopback, 10.0.0.0/8',
      ASSAY_CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      ASSAY_EGRESS_ALLOW: '10.1.0.0/16,::1',
      ASSAY_SESSION_IDLE_TTL: '30m',
      ASSAY_SESSION_ABSOLUTE_TTL: '1d',
      ASSAY_SHUTDOWN_GRACE: '10s',
      ASSAY_RUN_CONCURRENCY: '16',
      ASSAY_ADMIN_EMAIL: 'admin@example.com',
      ASSAY_ADMIN_PASSWORD: 'correct horse battery',
    });
    assert.equal(config.mode, 'distributed');
    assert.equal(config.server.port, 9000);
    assert.equal(config.server.publicUrl, 'https://assay.example.com');
    assert.deepEqual(config.server.trustProxy, ['loopback', '10.0.0.0/8']);
    assert.deepEqual(config.server.corsOrigins, ['https://a.example.com', 'https://b.example.com']);
    assert.deepEqual(config.database, {
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/assay',
      poolSize: 10,
    });
    assert.deepEqual(config.redis, { uri: 'redis://cache:6379' });
    assert.deepEqual(config.security.secretKey, Buffer.alloc(32, 7));
    assert.deepEqual(config.security.egressAllow, ['10.1.0.0/16', '::1']);
    assert.equal(config.accounts.sessionIdleTtlMs, 1_800_000);
    assert.equal(config.accounts.sessionAbsoluteTtlMs, 86_400_000);
    assert.equal(config.runs.concurrency, 16);
    assert.equal(config.log.level, 'debug');
    assert.deepEqual(config.accounts.admin, {
      email: 'admin@example.com',
      password: 'correct horse battery',
    });
  });

  it('is frozen all the way down', () => {
    const config = loadConfig({ ASSAY_CORS_ORIGINS: 'https://a.example.com' });
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.server));
    assert.ok(Object.isFrozen(config.server.corsOrigins));
  });

  it('treats blank values as unset', () => {
    assert.equal(loadConfig({ PORT: '', REDIS_URI: '  ' }).server.port, 8080);
  });

  it('lists every problem at once, readably', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        ASSAY_SECRET_KEY: 'short',
        ASSAY_CORS_ORIGINS: 'https://ok.example.com,https://bad.example.com/path',
        ASSAY_SESSION_IDLE_TTL: 'forever',
        DATABASE_URL: 'mysql://x',
      });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.problems.map((p) => p.setting).sort(), [
      'ASSAY_CORS_ORIGINS',
      'ASSAY_SECRET_KEY',
      'ASSAY_SESSION_IDLE_TTL',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PORT',
    ]);
    assert.match(error.message, /^Invalid configuration \(6 problems\):/);
    assert.match(error.message, /- PORT: must be a whole number from 1 to 65535 \(got "eighty"\)/);
    assert.match(error.message, /- LOG_LEVEL: must be one of fatal, error/);
    assert.match(error.message, /is not an origin; write it as https:\/\/bad\.example\.com/);
    // Secret values and database URLs are never echoed.
    assert.doesNotMatch(error.message, /short|mysql:\/\/x/);
  });

  it('refuses Redis without PostgreSQL, saying why', () => {
    let error: unknown;
    try {
      loadConfig({ REDIS_URI: 'redis://localhost:6379', ASSAY_SECRET_KEY: KEY_HEX });
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /REDIS_URI: distributed mode needs PostgreSQL: set DATABASE_URL/);
    assert.match(error.message, /single-process/);
  });

  it('requires a secret key in distributed mode and admin settings in pairs', () => {
    assert.deepEqual(problemsOf({ REDIS_URI: 'redis://r', DATABASE_URL: 'postgres://d/x' }), [
      'ASSAY_SECRET_KEY',
    ]);
    assert.deepEqual(problemsOf({ ASSAY_ADMIN_EMAIL: 'a@example.com' }), ['ASSAY_ADMIN_PASSWORD']);
    assert.deepEqual(problemsOf({ ASSAY_ADMIN_EMAIL: 'nope', ASSAY_ADMIN_PASSWORD: 'short' }), [
      'ASSAY_ADMIN_EMAIL',
      'ASSAY_ADMIN_PASSWORD',
    ]);
  });

  it('checks trust proxy, egress ranges and URLs', () => {
    assert.equal(loadConfig({ ASSAY_TRUST_PROXY: '2' }).server.trustProxy, 2);
    assert.equal(loadConfig({ ASSAY_TRUST_PROXY: 'true' }).server.trustProxy, true);
    assert.deepEqual(problemsOf({ ASSAY_TRUST_PROXY: 'sometimes' }), ['ASSAY_TRUST_PROXY']);
    assert.deepEqual(problemsOf({ ASSAY_EGRESS_ALLOW: '10.0.0.0/33' }), ['ASSAY_EGRESS_ALLOW']);
    assert.deepEqual(problemsOf({ ASSAY_PUBLIC_URL: 'ftp://x' }), ['ASSAY_PUBLIC_URL']);
    assert.deepEqual(problemsOf({ ASSAY_CORS_ORIGINS: '*' }), ['ASSAY_CORS_ORIGINS']);
  });
});

describe('parseDuration', () => {
  it('reads units and bare seconds', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30'), 30_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('7d'), 604_800_000);
    assert.equal(parseDuration('soon'), undefined);
  });
});

describe('resolveSecretKey', () => {
  it('generates a key once into the data directory, with a warning, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'assay-key-'));
    try {
      const config = loadConfig({ ASSAY_DATA_DIR: join(dir, 'nested') });
      const warnings: string[] = [];
      const first = await resolveSecretKey({ config, warn: (m) => warnings.push(m) });
      const second = await resolveSecretKey({ config, warn: (m) => warnings.push(m) });
      assert.equal(first.length, 32);
      assert.deepEqual(second, first);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /generated a key/);
      assert.equal((await stat(join(dir, 'nested', 'secret.key'))).mode & 0o777, 0o600);
      assert.match(await readFile(join(dir, 'nested', 'secret.key'), 'utf8'), /^[A-Za-z0-9+/]{43}=\n$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('uses the configured key as is', async () => {
    const config = loadConfig({ ASSAY_SECRET_KEY: KEY_HEX });
    assert.deepEqual(
      await resolveSecretKey({ config, warn: () => assert.fail() }),
      Buffer.from(KEY_HEX, 'hex'),
    );
  });
});

describe('docs/configuration.md', () => {
  it('is up to date with the schema (run: node scripts/generate-config-doc.ts)', async () => {
    const checkedIn = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    assert.equal(checkedIn, renderConfigDoc());
  });
});
