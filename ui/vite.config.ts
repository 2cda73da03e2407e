import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The web view loads ui/dist through Tauri's custom protocol under a strict CSP
// (no inline scripts, no eval): Vite emits the entry as an external module file.
export default defineConfig(({ mode }) => ({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    // Tests read the Rust command signatures (tests/commandArgs.test.ts); the dev server never needs to.
    ...(mode === 'test' ? { fs: { allow: ['..'] } } : {}),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Never inline small assets as data: URLs; the CSP is default-src 'self'.
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup.ts'],
    // The chart colours are CSS variables per theme: apply that file in tests, so a theme change really changes them.
    css: { include: [/charts\.css$/] },
  },
}));
