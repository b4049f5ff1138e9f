/** Job ids may not contain ':' in BullMQ, mission and task ids may. */
export const jobKey = (...parts: Array<string | number>): string => parts.join('~').replace(/:/g, '_');
