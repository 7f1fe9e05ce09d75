/** Every store contract, for one adapter. */
import { defineApiKeyStoreContractTests, defineSessionStoreContractTests } from './access-stores.contract.ts';
import { defineAuditLogContractTests } from './audit-log.contract.ts';
import { defineEnvironmentStoreContractTests } from './environment-store.contract.ts';
import { defineNotificationStoreContractTests } from './notification-store.contract.ts';
import { defineOrganisationStoreContractTests } from './organisation-store.contract.ts';
import { defineProjectStoreContractTests } from './project-store.contract.ts';
import { defineRunReleaseContractTests } from './run-release.contract.ts';
import { defineRunStoreContractTests } from './run-store.contract.ts';
import { defineScheduleStoreContractTests } from './schedule-store.contract.ts';
import { defineSetupTokenStoreContractTests } from './setup-token-store.contract.ts';
import type { StoreFactory } from './store-fixture.ts';
import { defineSuiteStoreContractTests } from './suite-store.contract.ts';

export function defineStoreContractTests(name: string, factory: StoreFactory): void {
  defineOrganisationStoreContractTests(name, factory);
  defineProjectStoreContractTests(name, factory);
  defineSuiteStoreContractTests(name, factory);
  defineEnvironmentStoreContractTests(name, factory);
  defineRunStoreContractTests(name, factory);
  defineRunReleaseContractTests(name, factory);
  defineApiKeyStoreContractTests(name, factory);
  defineSessionStoreContractTests(name, factory);
  defineScheduleStoreContractTests(name, factory);
  defineAuditLogContractTests(name, factory);
  defineSetupTokenStoreContractTests(name, factory);
  defineNotificationStoreContractTests(name, factory);
}
