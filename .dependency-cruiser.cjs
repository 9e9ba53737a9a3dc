// The layer check (`npm run lint:layers`): a folder of src/ may import only from folders below it, and nothing
// may form an import cycle. The order, lowest first, is the one the README's Development section draws.
const LAYERS = ['shared', 'i18n', 'qr', 'wasend', 'config', 'store', 'telegram', 'access', 'live', 'cluster', 'health', 'http', 'bot', 'wiring'];

const above = (index) => LAYERS.slice(index + 1);
const layerRules = LAYERS.map((layer, index) => ({
  name: `layer-${layer}`,
  comment: `src/${layer}/ may import only ${index === 0 ? 'itself' : `from ${LAYERS.slice(0, index).join(', ')}`} (and itself)`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: [`^src/(${[...above(index), 'simulator'].join('|')})/`, '^src/[^/]+\\.ts$'] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'an import cycle makes two modules one: split out what both need',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'simulator-stands-alone',
      comment: 'the simulator plays the gateway: it shares only the small helpers, never the bot',
      severity: 'error',
      from: { path: '^src/simulator/' },
      to: { path: '^src/', pathNot: '^src/(simulator|shared)/' },
    },
    {
      name: 'src-not-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|tools)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
