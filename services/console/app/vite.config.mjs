// Builds the operator console (plain TypeScript modules) into dist/services/console/app, which the host serves.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../../dist/services/console/app', import.meta.url)),
    emptyOutDir: true,
    // Nothing inline: the host's Content-Security-Policy allows scripts and styles from itself only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: true,
  },
});
