#!/usr/bin/env node
// Thin launcher: Node >= 22.18 runs the TypeScript sources directly (type stripping).
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2), process.env);
