import base, { domainRules } from '../../eslint.config.mjs';

export default [...base, ...domainRules];
