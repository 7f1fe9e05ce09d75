/** Suite versions can hold a Postman collection: the executor runs it with the collection runner. */
import type { Migration } from './migration.ts';

export const postmanSuites: Migration = {
  version: 6,
  name: 'postman-suites',
  statements: [
    // The name PostgreSQL gave the inline check of migration 2.
    'alter table suite_versions drop constraint suite_versions_format_check',
    `alter table suite_versions add constraint suite_versions_format_check
      check (format in ('yaml', 'json', 'postman'))`,
  ],
};
