'use strict';
module.exports = async function globalTeardown() {
  const infra = globalThis.__SMI_INFRA__;
  if (infra) await infra.release();
};
