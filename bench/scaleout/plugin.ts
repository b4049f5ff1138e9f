/** The bench plugin as a module an actor worker loads by path (`AIME_PLUGINS=<this file>`): its default export. */
export { benchPlugin as default } from '../world/plugin.ts';
