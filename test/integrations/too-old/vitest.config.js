import curfew from 'curfew/vitest';
import { defineConfig } from 'vitest/config';

export default defineConfig({ plugins: [curfew({ onLeak: 'fail' })] });
