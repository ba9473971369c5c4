// Loads curfew with `koffi` made unresolvable, to show a broken environment surfaces as a
// CurfewError with a stable code rather than a crash or a silent no-op.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'koffi') throw new Error('koffi hidden by the test');
    return next(specifier, context);
  },
});
const { createScope, spawn, isCurfewError } = await import('curfew');
const scope = createScope();
await spawn('true', [], { scope });
try {
  await scope.teardown();
  console.log(JSON.stringify({ threw: false }));
} catch (error) {
  console.log(JSON.stringify({ threw: true, curfew: isCurfewError(error), code: error.code, message: error.message }));
}
