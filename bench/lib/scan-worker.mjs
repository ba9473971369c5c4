// Worker thread of the scanner: curfew here has no subreaper, so its scan reads the whole table.
import { parentPort } from 'node:worker_threads';
import { curfewScan } from './scan-probe.mjs';

parentPort.on('message', async ({ id, marker }) => {
  try {
    parentPort.postMessage({ id, ...(await curfewScan(marker)) });
  } catch (error) {
    parentPort.postMessage({ id, error: error.stack });
  }
});
