// Loads curfew with `koffi` made unresolvable, to show a broken environment surfaces as a
// CurfewError with a stable code rather than a crash or a silent no-op.
import Module from 'node:module';

if (typeof Module.registerHooks === 'function') {
  Module.registerHooks({
    resolve(specifier, context, next) {
      if (specifier === 'koffi') throw new Error('koffi hidden by the test');
      return next(specifier, context);
    },
  });
} else {
  // module.registerHooks() came in Node 22.15 (23.5); the floor, 22.12, has only the async
  // module.register(), whose hooks miss the createRequire() that loads koffi. So, there: the CJS
  // resolver itself.
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'koffi') throw new Error('koffi hidden by the test');
    return resolve.call(this, request, ...rest);
  };
}
const { createScope, spawn, isCurfewError } = await import('curfew');
const scope = createScope();
await spawn('true', [], { scope });
try {
  await scope.teardown();
  console.log(JSON.stringify({ threw: false }));
} catch (error) {
  console.log(JSON.stringify({ threw: true, curfew: isCurfewError(error), code: error.code, message: error.message }));
}
