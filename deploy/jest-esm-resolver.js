// Resolves the ESM-only packages of jest.config.js through their `import` condition (jest asks
// for `require`, which their `exports` maps do not offer); everything else as jest would.
const ESM_ONLY = /^(@kubernetes-models\/|(kubernetes-models|is-cidr|cidr-regex)(\/|$))/;

module.exports = (request, options) =>
  ESM_ONLY.test(request)
    ? options.defaultResolver(request, { ...options, conditions: ['import', 'node', 'default'] })
    : options.defaultResolver(request, options);
