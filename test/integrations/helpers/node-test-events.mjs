// A node:test reporter for the integration tests: one JSON line per test result and diagnostic,
// with what the assertions need (the test's name, file, state and errors; a diagnostic's text).
function errorText(error) {
  const messages = [];
  for (let e = error; e && messages.length < 4; e = e.cause) messages.push(`${e.name ?? 'Error'}: ${e.message ?? String(e)}`);
  return messages.join(' | caused by ');
}

export default async function* events(source) {
  for await (const { type, data } of source) {
    if (type === 'test:pass' || type === 'test:fail') {
      // Suites are reported as tests too; they carry details.type === 'suite'.
      const kind = data.details?.type === 'suite' ? 'suite' : 'test';
      yield `${JSON.stringify({ type, kind, name: data.name, nesting: data.nesting, file: data.file, error: data.details?.error ? errorText(data.details.error) : undefined })}\n`;
    } else if (type === 'test:diagnostic') {
      yield `${JSON.stringify({ type, nesting: data.nesting, file: data.file, message: data.message })}\n`;
    }
  }
}
