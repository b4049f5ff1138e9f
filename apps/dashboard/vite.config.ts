import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** The backend of API.md; the dev server proxies to it. */
const backend = 'http://127.0.0.1:7400';

// The gateway serves the built dashboard on its own origin; in dev, Vite proxies the API to it.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: {
    port: 5173,
    proxy: {
      '/v1': { target: backend, changeOrigin: true },
      '/socket.io': { target: backend, changeOrigin: true, ws: true },
    },
  },
});
