/** Data that store contract tests build on: each call makes a new organisation, so tests never collide. */
import { randomBytes } from 'node:crypto';
import type { StepResult } from '../../src/core/runner/model.ts';
import type { Stores } from '../../src/ports/stores.ts';

export function unique(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export async function seedOrganisation(stores: Stores) {
  return stores.organisations.create({ name: 'Acme', slug: unique('acme') });
}

export async function seedSuite(stores: Stores) {
  const organisation = await seedOrganisation(stores);
  const project = await stores.projects.create({
    organisationId: organisation.id,
    name: 'API',
    slug: unique('api'),
  });
  const { suite, version } = await stores.suites.create({
    organisationId: organisation.id,
    projectId: project.id,
    name: unique('suite'),
    version: {
      source: 'version: 1\nname: s\nsteps: []\n',
      format: 'yaml',
      parsed: { version: 1, name: 's', steps: [] },
    },
  });
  return { organisation, project, suite, version };
}

export async function seedRun(stores: Stores, overrides: { queuedAt?: Date } = {}) {
  const seeded = await seedSuite(stores);
  const { run } = await stores.runs.create({
    organisationId: seeded.organisation.id,
    projectId: seeded.project.id,
    suiteId: seeded.suite.id,
    suiteVersion: 1,
    trigger: 'manual',
    queuedAt: overrides.queuedAt ?? new Date(),
  });
  return { ...seeded, run };
}

export function stepResult(index: number, overrides: Partial<StepResult> = {}): StepResult {
  return {
    suite: 's',
    step: `step ${index}`,
    index,
    iteration: 0,
    status: 'passed',
    attempts: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 12,
    assertions: [],
    captures: {},
    ...overrides,
  };
}
