/**
 * Builds the Postman script sandbox runtime bundle ahead of time (`npm run build:sandbox`), for
 * installations without dev dependencies (container images, published packages). See ADR 0010.
 */
import { BUNDLE_PATH, writeSandboxBundle } from '../src/core/postman/sandbox/bundle.ts';

const started = performance.now();
const bundle = await writeSandboxBundle();
const kib = Math.round(Buffer.byteLength(bundle.code) / 1024);
console.log(`${BUNDLE_PATH}: ${kib} KiB, key ${bundle.key}, ${Math.round(performance.now() - started)} ms`);
