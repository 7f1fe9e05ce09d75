/**
 * Postman's PropertyList (postman-collection), the shape scripts know from `pm.request.headers`,
 * `pm.response.headers`, `pm.request.url.query` and `pm.cookies`: an ordered list indexed by a key,
 * case-insensitively for headers, where `one`/`get` return the last member with that key.
 */

export type PropertyItem = Record<string, unknown>;

export interface ListKind {
  /** The member field the list is indexed by (`key`, or `name` for cookies). */
  keyField: string;
  caseInsensitive: boolean;
  /** Duplicate keys become arrays in `toObject` (headers). */
  multiValue: boolean;
  /** Prototype of the members: gives them `toString`, `valueOf`, `update`. */
  itemProto: object;
  /** Parses a string member (`"Name: value"` for headers). */
  parse?: (text: string) => PropertyItem[];
  /** Separator used by the list's `toString`. */
  joiner: string;
}

export interface PropertyList {
  members: PropertyItem[];
  all(): PropertyItem[];
  count(): number;
  idx(index: number): PropertyItem | undefined;
  indexOf(item: unknown): number;
  one(key: unknown): PropertyItem | undefined;
  get(key: unknown): unknown;
  has(item: unknown, value?: unknown): boolean;
  add(item: unknown): void;
  append(item: unknown): void;
  prepend(item: unknown): void;
  insert(item: unknown, before?: unknown): void;
  upsert(item: unknown): boolean | null;
  remove(predicate: unknown, context?: unknown): void;
  clear(): void;
  populate(items: unknown): void;
  repopulate(items: unknown): void;
  each(fn: (item: PropertyItem, index: number) => unknown, context?: unknown): void;
  map(fn: (item: PropertyItem, index: number) => unknown, context?: unknown): unknown[];
  filter(fn: (item: PropertyItem, index: number) => unknown, context?: unknown): PropertyItem[];
  find(fn: (item: PropertyItem, index: number) => unknown, context?: unknown): PropertyItem | undefined;
  reduce(
    fn: (acc: unknown, item: PropertyItem, index: number) => unknown,
    initial: unknown,
    context?: unknown,
  ): unknown;
  toObject(excludeDisabled?: boolean, caseSensitive?: boolean, multiValue?: boolean): Record<string, unknown>;
  toJSON(): PropertyItem[];
  toString(): string;
}

interface ListInternal extends PropertyList {
  kind: ListKind;
}

const hasOwn = (object: object, key: string): boolean => Object.hasOwn(object, key);

function itemUpdate(this: PropertyItem, source: unknown): void {
  if (source === null || typeof source !== 'object') return;
  for (const [field, value] of Object.entries(source)) this[field] = value;
}

function itemToJSON(this: PropertyItem): PropertyItem {
  const out: PropertyItem = {};
  for (const [field, value] of Object.entries(this)) {
    if (value !== undefined && !(field === 'disabled' && value === false)) out[field] = value;
  }
  return out;
}

export const keyValueItemProto = {
  valueOf(this: PropertyItem): unknown {
    return this.value;
  },
  toString(this: PropertyItem): string {
    return this.value === null || this.value === undefined
      ? String(this.key)
      : `${String(this.key)}=${String(this.value)}`;
  },
  update: itemUpdate,
  toJSON: itemToJSON,
};

export const headerItemProto = {
  ...keyValueItemProto,
  toString(this: PropertyItem): string {
    return `${String(this.key)}: ${String(this.value ?? '')}`;
  },
};

export const cookieItemProto = {
  ...keyValueItemProto,
  toString(this: PropertyItem): string {
    return `${String(this.name)}=${String(this.value ?? '')}`;
  },
};

export function parseHeaderText(text: string): PropertyItem[] {
  const items: PropertyItem[] = [];
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (!line.trim() || colon < 0) continue;
    items.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return items;
}

export const HEADER_LIST: ListKind = {
  keyField: 'key',
  caseInsensitive: true,
  multiValue: true,
  itemProto: headerItemProto,
  parse: parseHeaderText,
  joiner: '\n',
};
export const QUERY_LIST: ListKind = {
  keyField: 'key',
  caseInsensitive: false,
  multiValue: false,
  itemProto: keyValueItemProto,
  joiner: '&',
};
export const COOKIE_LIST: ListKind = {
  keyField: 'name',
  caseInsensitive: false,
  multiValue: false,
  itemProto: cookieItemProto,
  joiner: '; ',
};

function normalizeKey(list: ListInternal, key: unknown): string {
  const text = String(key);
  return list.kind.caseInsensitive ? text.toLowerCase() : text;
}

function keyOf(list: ListInternal, item: PropertyItem): string | undefined {
  const key = item[list.kind.keyField];
  if (key === undefined || key === null || key === '') return undefined;
  return normalizeKey(list, key);
}

function toItem(list: ListInternal, input: unknown): PropertyItem | undefined {
  if (input === null || input === undefined || typeof input !== 'object') return undefined;
  if (Object.getPrototypeOf(input) === list.kind.itemProto) return input as PropertyItem;
  const item = Object.create(list.kind.itemProto) as PropertyItem;
  for (const [field, value] of Object.entries(input)) item[field] = value;
  return item;
}

function bound<F extends (...args: never[]) => unknown>(fn: F, context: unknown): F {
  return (context === undefined ? fn : fn.bind(context)) as F;
}

const listProto: ThisType<ListInternal> & Omit<PropertyList, 'members'> = {
  all() {
    return this.members.slice();
  },
  count() {
    return this.members.length;
  },
  idx(index) {
    return this.members[index];
  },
  indexOf(item) {
    return this.members.indexOf((typeof item === 'string' ? this.one(item) : item) as PropertyItem);
  },
  one(key) {
    const wanted = normalizeKey(this, key);
    for (let i = this.members.length - 1; i >= 0; i--) {
      const member = this.members[i] as PropertyItem;
      if (keyOf(this, member) === wanted) return member;
    }
    return undefined;
  },
  get(key) {
    const member = this.one(key);
    return member === undefined ? undefined : member.valueOf();
  },
  has(item, ...rest) {
    const matches =
      typeof item === 'string'
        ? this.members.filter((member) => keyOf(this, member) === normalizeKey(this, item))
        : this.members.filter((member) => member === item);
    if (rest.length === 0) return matches.length > 0;
    return matches.some((member) => member.value === rest[0]);
  },
  add(item) {
    if (typeof item === 'string' && this.kind.parse) {
      for (const parsed of this.kind.parse(item)) this.insert(parsed);
      return;
    }
    this.insert(item);
  },
  append(item) {
    this.insert(item);
  },
  prepend(item) {
    this.insert(item, this.members[0]);
  },
  insert(input, before) {
    const item = toItem(this, input);
    if (!item) return;
    const existing = this.members.indexOf(item);
    if (existing >= 0) this.members.splice(existing, 1);
    const at = before === undefined ? -1 : this.indexOf(before);
    if (at >= 0) this.members.splice(at, 0, item);
    else this.members.push(item);
  },
  upsert(input) {
    if (input === null || input === undefined || typeof input !== 'object') return null;
    const existing = this.one((input as PropertyItem)[this.kind.keyField]);
    if (existing) {
      itemUpdate.call(existing, input);
      return false;
    }
    this.add(input);
    return true;
  },
  remove(predicate, context) {
    let test: (item: PropertyItem, index: number) => unknown;
    if (typeof predicate === 'string') {
      const wanted = normalizeKey(this, predicate);
      test = (item) => keyOf(this, item) === wanted;
    } else if (typeof predicate === 'function') {
      test = (item, index) =>
        (predicate as (...args: unknown[]) => unknown).call(context ?? this, item, index);
    } else if (predicate !== null && typeof predicate === 'object') {
      test = (item) => item === predicate;
    } else {
      return;
    }
    this.members = this.members.filter((item, index) => !test(item, index));
  },
  clear() {
    this.members.length = 0;
  },
  populate(items) {
    if (typeof items === 'string') {
      this.add(items);
      return;
    }
    for (const item of Array.isArray(items) ? items : [items]) this.add(item);
  },
  repopulate(items) {
    this.clear();
    this.populate(items);
  },
  each(fn, context) {
    this.members.slice().forEach(bound(fn, context));
  },
  map(fn, context) {
    return this.members.map(bound(fn, context));
  },
  filter(fn, context) {
    return this.members.filter(bound(fn, context));
  },
  find(fn, context) {
    return this.members.find(bound(fn, context));
  },
  reduce(fn, initial, context) {
    return this.members.reduce(bound(fn, context), initial);
  },
  toObject(excludeDisabled, caseSensitive, multiValue) {
    const out: Record<string, unknown> = {};
    const sensitive = !this.kind.caseInsensitive || caseSensitive === true;
    const multi = this.kind.multiValue || multiValue === true;
    for (const member of this.members) {
      const rawKey = member[this.kind.keyField];
      if (rawKey === undefined || (excludeDisabled && member.disabled)) continue;
      const key = sensitive ? String(rawKey) : String(rawKey).toLowerCase();
      const value = member.valueOf();
      if (multi && hasOwn(out, key)) {
        const previous = out[key];
        out[key] = Array.isArray(previous) ? [...previous, value] : [previous, value];
      } else {
        out[key] = value;
      }
    }
    return out;
  },
  toJSON() {
    return this.members.map((member) => itemToJSON.call(member));
  },
  toString() {
    return this.members
      .filter((member) => !member.disabled)
      .map((member) => String(member))
      .join(this.kind.joiner);
  },
};

export function createList(kind: ListKind, items?: readonly unknown[]): PropertyList {
  const list = Object.create(listProto) as ListInternal;
  list.kind = kind;
  Object.defineProperty(list, 'kind', { enumerable: false });
  list.members = [];
  if (items) for (const item of items) list.add(item);
  return list;
}

/** Members as plain `{ key, value, disabled? }` records for the output. */
export function keyValues(list: PropertyList): { key: string; value: string; disabled?: boolean }[] {
  return list.members.map((member) => {
    const out: { key: string; value: string; disabled?: boolean } = {
      key: String(member.key ?? ''),
      value: member.value === undefined || member.value === null ? '' : String(member.value),
    };
    if (member.disabled) out.disabled = true;
    return out;
  });
}
