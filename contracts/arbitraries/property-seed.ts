/**
 * The seed for a property run: LANET_SEED when set (to replay a failure), else a fresh random one.
 * Callers print it (`console.log('seed', seed)`) so any failing run can be replayed exactly.
 */
export function propertySeed(): number {
  const raw = process.env['LANET_SEED'];
  if (raw === undefined || raw.trim() === '') return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`LANET_SEED='${raw}' is not an integer: set it to the number a failed run printed after 'seed', or unset it for a random seed.`);
  }
  return seed;
}
