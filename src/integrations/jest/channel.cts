// CommonJS, like the reporter that reads it synchronously, before Jest starts its workers.

/**
 * The reporter makes a directory and names it in this variable before Jest forks its workers;
 * each worker's environment (or the in-band one) appends one JSON line (a `LeakLine`) per leaking
 * test, describe block or file.
 */
const LEAKS_DIR_ENV = 'CURFEW_JEST_LEAKS_DIR';

export = { LEAKS_DIR_ENV };
