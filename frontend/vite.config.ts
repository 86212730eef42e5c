/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { NaiveUiResolver } from 'unplugin-vue-components/resolvers'

// Vitest compiles the same plugins; it must not rewrite the .d.ts files,
// or the next `make` sees a changed source and rebuilds the frontend.
const dts = (file: string) => (process.env.VITEST ? false : file)

export default defineConfig({
  plugins: [
    vue(),
    AutoImport({
      imports: ['vue', { 'naive-ui': ['useDialog', 'useMessage', 'useNotification', 'useLoadingBar'] }],
      dts: dts('src/auto-imports.d.ts'),
    }),
    Components({ resolvers: [NaiveUiResolver()], dts: dts('src/components.d.ts') }),
  ],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
  },
})
