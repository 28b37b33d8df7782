#!/usr/bin/env node
'use strict';
// Runs the TypeScript sources directly: tsx's CommonJS hook compiles them on require.
require('tsx/cjs');
require('../src/main.ts');
