export { blueprint, dedent, parseFailure, parseText, TYPES_URL } from './blueprints';
export { HELLO_WORLD_FILES, HELLO_WORLD_MAIN } from './hello-world';
export { NODECELLAR_FILES, NODECELLAR_MAIN } from './nodecellar';
