// Svelte 5 with runes everywhere; TypeScript in <script lang="ts"> is handled natively.
export default {
  compilerOptions: { runes: true },
};
