#!/usr/bin/env node
// The published entry. Node does not strip types inside node_modules, so the package ships the compiled
// dist/; in a checkout without a build, Node 24 runs the TypeScript sources directly.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
await import(existsSync(dist) ? dist.href : new URL('../src/cli/main.ts', import.meta.url).href);
