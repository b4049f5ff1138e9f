/** Which part of the runtime a model call serves; each may use a different model. */
export type ModelRole = 'planner' | 'factory' | 'actor';

/** All roles, in the order the runtime uses them. */
export const MODEL_ROLES: readonly ModelRole[] = ['planner', 'factory', 'actor'];
