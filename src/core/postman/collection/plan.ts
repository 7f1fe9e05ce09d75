/**
 * The run order of a collection: its requests depth-first, each with what it inherits from its folders
 * and the collection — scripts in order (collection → outer folder → inner folder → item), the nearest
 * auth, and `protocolProfileBehavior` merged downwards. `--folder` narrows the list the way Newman's
 * `multipleIdOrName` entry point does: matches by id or name anywhere, in collection order.
 */
import type {
  Collection,
  CollectionNode,
  FolderNode,
  ItemNode,
  PostmanAuth,
  ProfileBehavior,
} from './types.ts';

export interface RunnableItem {
  item: ItemNode;
  /** `Folder / Sub-folder / Request`, Newman's full name (the collection is not part of it). */
  fullName: string;
  /** Collection, folder and item names, outermost first (`pm.execution.location`). */
  location: string[];
  /** The enclosing folder, when there is one (Newman's `parent` of a failure). */
  parent: FolderNode | undefined;
  prerequest: string[];
  test: string[];
  /** The effective auth; `undefined` when none applies or the nearest level says `noauth`. */
  auth: PostmanAuth | undefined;
  profile: ProfileBehavior;
}

/** `--folder` named something the collection does not have. */
export class EntryPointError extends Error {
  readonly missing: string[];
  constructor(missing: string[]) {
    super(
      `no folder or request named ${missing.map((m) => JSON.stringify(m)).join(', ')} in the collection (--folder takes a name or an id)`,
    );
    this.name = 'EntryPointError';
    this.missing = missing;
  }
}

interface Inherited {
  folders: FolderNode[];
  prerequest: string[];
  test: string[];
  auth: PostmanAuth | undefined;
  profile: ProfileBehavior;
}

export function planRun(
  collection: Collection,
  options: { folders?: readonly string[] } = {},
): RunnableItem[] {
  const root: Inherited = {
    folders: [],
    prerequest: collection.scripts.prerequest,
    test: collection.scripts.test,
    auth: collection.auth,
    profile: collection.profile,
  };
  const selected = options.folders ?? [];
  if (selected.length === 0) return flatten(collection, collection.items, root);

  const wanted = new Set(selected);
  const out: RunnableItem[] = [];
  // A match inside an already selected folder is found (it counts as present) but not run twice.
  const visit = (nodes: readonly CollectionNode[], inherited: Inherited, taking: boolean): void => {
    for (const node of nodes) {
      let match: string | undefined;
      if (wanted.has(node.id)) match = node.id;
      else if (wanted.has(node.name)) match = node.name;
      if (match !== undefined) wanted.delete(match);
      if (match !== undefined && taking) out.push(...flatten(collection, [node], inherited));
      if (node.kind === 'folder') visit(node.items, descend(inherited, node), taking && match === undefined);
    }
  };
  visit(collection.items, root, true);
  if (wanted.size > 0) throw new EntryPointError([...wanted]);
  return out;
}

function descend(inherited: Inherited, folder: FolderNode): Inherited {
  return {
    folders: [...inherited.folders, folder],
    prerequest: concat(inherited.prerequest, folder.scripts.prerequest),
    test: concat(inherited.test, folder.scripts.test),
    auth: folder.auth ?? inherited.auth,
    profile: merge(inherited.profile, folder.profile),
  };
}

function flatten(
  collection: Collection,
  nodes: readonly CollectionNode[],
  inherited: Inherited,
): RunnableItem[] {
  const out: RunnableItem[] = [];
  for (const node of nodes) {
    if (node.kind === 'folder') {
      out.push(...flatten(collection, node.items, descend(inherited, node)));
      continue;
    }
    const names = inherited.folders.map((f) => f.name);
    const auth = node.request.auth ?? inherited.auth;
    out.push({
      item: node,
      fullName: [...names, node.name].join(' / '),
      location: [collection.name, ...names, node.name],
      parent: inherited.folders.at(-1),
      prerequest: concat(inherited.prerequest, node.scripts.prerequest),
      test: concat(inherited.test, node.scripts.test),
      auth: auth === undefined || auth.type === 'noauth' ? undefined : auth,
      profile: merge(inherited.profile, node.profile),
    });
  }
  return out;
}

function concat(a: readonly string[], b: readonly string[]): string[] {
  return b.length === 0 ? (a as string[]) : [...a, ...b];
}

function merge(a: ProfileBehavior, b: ProfileBehavior): ProfileBehavior {
  return Object.keys(b).length === 0 ? a : { ...a, ...b };
}
