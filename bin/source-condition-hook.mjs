// Module resolution hook for running this repository's TypeScript sources: adds the "@lanet/source" export
// condition, so `@lanet/contracts` resolves to contracts/index.ts here instead of the compiled dist/ that an
// installed package uses. Same effect as `node --conditions=@lanet/source`, for processes started without it.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@lanet/source') ? context.conditions : [...context.conditions, '@lanet/source'];
  return nextResolve(specifier, { ...context, conditions });
}
