// The first line a fixture prints, parsed, without waiting for the fixture to exit.
export async function firstLine(stream, name = 'the fixture') {
  let text = '';
  for await (const chunk of stream) if ((text += chunk).includes('\n')) return JSON.parse(text.slice(0, text.indexOf('\n')));
  throw new Error(`no line from ${name}: ${JSON.stringify(text)}`);
}
