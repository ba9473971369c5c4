// Fixtures and tree scripts print one JSON line once everything they report exists.

/** Resolves with the first JSON line of stream, without waiting for the process to exit. */
export function readLine(stream, withinMs = 60_000) {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (fn, value) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.resume(); // keep draining, so a writer never blocks on a full pipe
      fn(value);
    };
    const onData = (chunk) => {
      text += chunk.toString();
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      try {
        finish(resolve, JSON.parse(text.slice(0, nl)));
      } catch (error) {
        finish(reject, error);
      }
    };
    const onEnd = () => finish(reject, new Error(`closed stdout without a line; got ${JSON.stringify(text)}`));
    const timer = setTimeout(() => finish(reject, new Error(`no JSON line within ${withinMs} ms; got ${JSON.stringify(text)}`)), withinMs);
    stream.on('data', onData);
    stream.once('end', onEnd);
  });
}
