/**
 * The CommonJS entry (`require('nabla')`). nabla is an ES module; Node >= 20.19 and >= 22.12 can
 * require() an ES module, and then this returns it. Older Node versions cannot, and get one clear
 * error saying what to write instead.
 */
const ESM_ONLY =
  "nabla is an ES module (ESM-only) and this Node version cannot require() it. Use `import * as nb from 'nabla'`, " +
  "or from CommonJS `const nb = await import('nabla')`, or Node >= 20.19 / 22.12, whose require() loads ES modules.";

function loadNabla(): unknown {
  try {
    return require('./index.js') as unknown;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') throw new Error(ESM_ONLY, { cause: err });
    throw err;
  }
}

module.exports = loadNabla();
