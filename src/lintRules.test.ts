/**
 * The layer rules in eslint.config.js really fire: each deliberate violation below, linted as if it
 * were the first line of a real file of that layer, is reported by `no-restricted-imports`.
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, importLine: string): Promise<string[]> {
  const text = `${importLine}\n${readFileSync(filePath, 'utf8')}`;
  const [result] = await eslint.lintText(text, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' && m.line === 1).map((m) => m.message);
}

describe('the import rules that keep the layers apart', () => {
  it.each([
    ['src/ui/format.ts', "import * as tf from '@tensorflow/tfjs';", /tfjs runs in the worker/],
    ['src/ui/format.ts', "import { train } from '../core/train';", /imports tfjs/],
    ['src/ui/format.ts', "import { buildModel } from '../core/model';", /imports tfjs/],
    ['src/ui/format.ts', "import { loadDataset } from '../worker/datasets';", /Worker code stays out of the UI bundle/],
    ['src/core/stats.ts', "import { create } from 'zustand';", /framework-free/],
    ['src/core/stats.ts', "import { useState } from 'react';", /framework-free/],
    ['src/core/stats.ts', "import { useStore } from '../ui/store';", /never imports the UI/],
    ['src/shared/appBase.ts', "import * as tf from '@tensorflow/tfjs';", /tfjs runs in the worker/],
  ])(
    '%s: %s is an error',
    async (file, line, message) => {
      const messages = await restrictedImports(file, line);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(message);
    },
    60_000,
  );

  it('allowed imports pass: the UI takes wire types from core/wire.ts, the core takes tfjs', async () => {
    expect(await restrictedImports('src/ui/format.ts', "import type { BatchPoint } from '../core/wire';")).toEqual([]);
    expect(await restrictedImports('src/core/stats.ts', "import * as tf from '@tensorflow/tfjs';")).toEqual([]);
  }, 60_000);
});
