/** The few styles a leak report uses; each returns its text unchanged when colour is off. */
export interface Paint {
  red: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

export function painter(color: boolean): Paint {
  const wrap = (open: number, close: number) => (s: string) => (color ? `\u001B[${open}m${s}\u001B[${close}m` : s);
  return { red: wrap(31, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}
