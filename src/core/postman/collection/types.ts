/**
 * A Postman collection after loading: v2.0 and v2.1 documents normalised into one shape the runner reads
 * without caring which version or which spelling (url object or string, auth params as an object or a
 * list) the file used. Disabled headers, query parameters and form fields are kept, marked `disabled`,
 * because scripts can see them (`pm.request.headers`); disabled variables and events are dropped.
 */
import type { PmKeyValue, PmRequestBody } from '../sandbox/index.ts';

export type SchemaVersion = '2.0.0' | '2.1.0';

/** Auth as the collection says it. `type: 'noauth'` is an explicit "no auth" that stops inheritance. */
export interface PostmanAuth {
  type: string;
  /** Parameter values by key; values are strings with `{{variables}}` still in them. */
  params: Record<string, unknown>;
}

/** `protocolProfileBehavior`: merged from the collection down to the item, the nearest level winning. */
export type ProfileBehavior = Record<string, unknown>;

export interface Scripts {
  prerequest: string[];
  test: string[];
}

export interface VariableDefinition {
  key: string;
  value: unknown;
  /** Postman's `type: "secret"`: the value is masked in every report. */
  secret?: boolean;
}

export interface RequestDefinition {
  /** Upper-case. */
  method: string;
  /** The URL as text, `{{variables}}` and `:pathVariables` unresolved; disabled query parameters left out. */
  url: string;
  /** Values of `:name` path segments. */
  urlVariables: PmKeyValue[];
  headers: PmKeyValue[];
  body: PmRequestBody | null;
  /** `undefined`: inherit from the folders and the collection. */
  auth: PostmanAuth | undefined;
}

export interface ItemNode {
  kind: 'item';
  id: string;
  name: string;
  request: RequestDefinition;
  scripts: Scripts;
  profile: ProfileBehavior;
}

export interface FolderNode {
  kind: 'folder';
  id: string;
  name: string;
  items: CollectionNode[];
  scripts: Scripts;
  auth: PostmanAuth | undefined;
  profile: ProfileBehavior;
}

export type CollectionNode = ItemNode | FolderNode;

export interface Collection {
  id: string;
  name: string;
  schemaVersion: SchemaVersion;
  variables: VariableDefinition[];
  scripts: Scripts;
  auth: PostmanAuth | undefined;
  profile: ProfileBehavior;
  items: CollectionNode[];
  /** The document as read (unwrapped), for reports that echo the collection back. */
  document: Record<string, unknown>;
}

/** Environment or globals file: Postman's export `{ id, name, values: [{ key, value, enabled }] }`. */
export interface VariableFile {
  id: string | undefined;
  name: string | undefined;
  values: VariableDefinition[];
}
