// The browser bundle (global `Tokenward`): the main entry plus the ky integration.
export * from './index.js';
export * from './ky.js';
